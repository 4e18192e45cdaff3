"""Real-world source corpus for the parser's correctness tests and benchmark.

Every file here was written by someone else and comes from a package registry, pinned:

- Python: the sources of packages already installed in the running interpreter's site-packages (installed
  from PyPI by requirements.txt), so no download is needed.
- npm (``npm pack NAME@VERSION``): TypeScript, TSX, JavaScript, Java, Kotlin, Swift, C++.
- Debian (``apt-get download NAME=VERSION`` + ``dpkg-deb -x``, nothing is installed): Go, Rust, Ruby, PHP.
- PyPI sdists (``pip download --no-deps --no-binary :all:``): C, C++, C#.

Downloads are cached under ``<repo>/.tools/corpus/`` (gitignored); a second call costs only a directory walk.
``ensure_corpus`` raises ``CorpusUnavailable`` when a registry cannot be reached, so tests can skip with the
reason instead of failing on a machine without network.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(".tools") / "corpus"
DONE_MARK = ".complete"


class CorpusUnavailable(RuntimeError):
    """A registry or client needed to fetch the corpus is not available."""


@dataclass(frozen=True)
class Source:
    """One pinned package and which of its files count for which language."""

    name: str  # folder under .tools/corpus
    registry: str  # "site", "npm", "deb" or "sdist"
    spec: str  # import name, npm NAME@VERSION, Debian NAME=VERSION, or PyPI NAME==VERSION
    select: tuple[tuple[str, str], ...]  # (glob relative to the package folder, language)


SOURCES: tuple[Source, ...] = (
    Source("py-rich", "site", "rich", (("**/*.py", "python"),)),
    Source("py-httpx", "site", "httpx", (("**/*.py", "python"),)),
    Source("py-httpcore", "site", "httpcore", (("**/*.py", "python"),)),
    Source("py-anyio", "site", "anyio", (("**/*.py", "python"),)),
    Source("py-pydantic", "site", "pydantic", (("**/*.py", "python"),)),
    Source("py-pytest", "site", "_pytest", (("**/*.py", "python"),)),
    Source("npm-rxjs", "npm", "rxjs@7.8.1", (("package/src/internal/**/*.ts", "typescript"),)),
    Source(
        "npm-react-query",
        "npm",
        "@tanstack/react-query@5.59.0",
        (("package/src/**/*.tsx", "tsx"), ("package/src/*.ts", "typescript")),
    ),
    Source("npm-acorn", "npm", "acorn@8.14.0", (("package/dist/acorn.mjs", "javascript"),)),
    Source("npm-express", "npm", "express@4.21.1", (("package/lib/**/*.js", "javascript"),)),
    Source("npm-capacitor-android", "npm", "@capacitor/android@6.2.0", (("package/**/*.java", "java"),)),
    Source("npm-capacitor-ios", "npm", "@capacitor/ios@6.2.0", (("package/**/*.swift", "swift"),)),
    Source(
        "npm-expo-modules-core",
        "npm",
        "expo-modules-core@2.2.3",
        (
            ("package/android/**/*.kt", "kotlin"),
            ("package/ios/**/*.swift", "swift"),
            ("package/android/**/*.java", "java"),
            ("package/common/cpp/**/*.cpp", "cpp"),
        ),
    ),
    Source("deb-cobra", "deb", "golang-github-spf13-cobra-dev=1.6.1-1", (("usr/share/gocode/**/*.go", "go"),)),
    Source(
        "deb-pflag",
        "deb",
        "golang-github-spf13-pflag-dev=1.0.6~git20210604-d5e0c0615ace-1",
        (("usr/share/gocode/**/*.go", "go"),),
    ),
    Source("deb-anyhow", "deb", "librust-anyhow-dev=1.0.69-1", (("usr/share/cargo/registry/**/*.rs", "rust"),)),
    Source("deb-serde", "deb", "librust-serde-dev=1.0.152-2", (("usr/share/cargo/registry/**/*.rs", "rust"),)),
    Source("deb-thor", "deb", "ruby-thor=1.2.1-2", (("usr/**/*.rb", "ruby"),)),
    Source("deb-monolog", "deb", "php-monolog=2.9.1-1", (("usr/share/php/**/*.php", "php"),)),
    Source("deb-psr-log", "deb", "php-psr-log=1.1.4-2", (("usr/share/php/**/*.php", "php"),)),
    Source("sdist-simplejson", "sdist", "simplejson==3.19.3", (("*/simplejson/*.c", "c"),)),
    Source(
        "sdist-ujson",
        "sdist",
        "ujson==5.10.0",
        (
            ("*/lib/*.c", "c"),
            ("*/lib/*.h", "c"),
            ("*/python/*.c", "c"),
            ("*/deps/**/*.cc", "cpp"),
            ("*/deps/**/*.h", "cpp"),  # double-conversion: C++ headers named .h
        ),
    ),
    Source(
        "sdist-greenlet",
        "sdist",
        "greenlet==3.1.1",
        (("*/src/greenlet/*.cpp", "cpp"), ("*/src/greenlet/*.hpp", "cpp")),
    ),
    Source("sdist-pythonnet", "sdist", "pythonnet==3.0.5", (("*/src/runtime/**/*.cs", "csharp"),)),
)


def ensure_corpus(root: Path, languages: set[str] | None = None) -> dict[str, list[Path]]:
    """Fetch (once) and list the corpus: language -> sorted source files.

    ``root`` is the repository root; downloads go under ``root/.tools/corpus``. ``languages`` limits the
    fetch to the sources that contribute to those languages. Raises ``CorpusUnavailable`` if a registry
    cannot be reached.
    """
    files: dict[str, list[Path]] = {}
    for source in SOURCES:
        if languages is not None and not languages & {lang for _, lang in source.select}:
            continue
        base = _package_dir(root / CORPUS_DIR, source)
        for pattern, language in source.select:
            if languages is not None and language not in languages:
                continue
            found = (p for p in base.glob(pattern) if p.is_file() and not p.is_symlink())
            files.setdefault(language, []).extend(sorted(found))
    return files


def _package_dir(cache: Path, source: Source) -> Path:
    """The folder holding ``source``'s files, fetched into ``cache`` unless already there."""
    if source.registry == "site":
        return _site_package_dir(source.spec)
    target = cache / source.name
    if (target / DONE_MARK).exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    fetch = {"npm": _fetch_npm, "deb": _fetch_deb, "sdist": _fetch_sdist}[source.registry]
    with tempfile.TemporaryDirectory() as tmp:
        fetch(source.spec, Path(tmp), target)
    (target / DONE_MARK).write_text(source.spec + "\n")
    return target


def _site_package_dir(module: str) -> Path:
    """The installed package folder of ``module`` (found without importing it)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise CorpusUnavailable(f"python package {module!r} is not installed")
    return Path(list(spec.submodule_search_locations)[0])


def _run(command: list[str], cwd: Path) -> None:
    """Run a registry client; a missing client or a failure becomes ``CorpusUnavailable``."""
    if shutil.which(command[0]) is None and not Path(command[0]).exists():
        raise CorpusUnavailable(f"{command[0]} is not installed")
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise CorpusUnavailable(f"{' '.join(command)} failed: {done.stderr.strip()[-500:]}")


def _fetch_npm(spec: str, tmp: Path, target: Path) -> None:
    """``npm pack`` the pinned package and unpack its tarball into ``target``."""
    _run(["npm", "pack", spec, "--silent"], cwd=tmp)
    _extract_tar(next(tmp.glob("*.tgz")), target)


def _fetch_deb(spec: str, tmp: Path, target: Path) -> None:
    """``apt-get download`` the pinned .deb (after ``apt-get update`` if the lists are stale) and unpack it."""
    try:
        _run(["apt-get", "download", spec], cwd=tmp)
    except CorpusUnavailable:
        _run(["apt-get", "update", "-qq"], cwd=tmp)
        _run(["apt-get", "download", spec], cwd=tmp)
    _run(["dpkg-deb", "-x", str(next(tmp.glob("*.deb"))), str(target)], cwd=tmp)


def _fetch_sdist(spec: str, tmp: Path, target: Path) -> None:
    """``pip download`` the pinned source distribution and unpack it into ``target``."""
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:"]
    _run(command + ["-d", str(tmp), spec], cwd=tmp)
    _extract_tar(next(tmp.glob("*.tar.gz")), target)


def _extract_tar(archive: Path, target: Path) -> None:
    """Unpack a tarball, refusing members that would land outside ``target``."""
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if not (target / member.name).resolve().is_relative_to(target.resolve()):
                raise CorpusUnavailable(f"unsafe path {member.name!r} in {archive.name}")
        tar.extractall(target)  # noqa: S202 - members checked above


if __name__ == "__main__":
    corpus = ensure_corpus(Path(__file__).resolve().parent.parent)
    for lang, paths in sorted(corpus.items()):
        print(f"{lang:12} {len(paths):5} files")
