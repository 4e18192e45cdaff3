"""Whether a learning whose anchor matched a tool call applies to it: the learning's own words narrow its anchors.

An anchor says what a learning is about; its text can say more, and the moment of action should listen:

- **where it holds**: a learning that places itself in CI ("`charmcraft pack` in GitHub Actions fails on LXD")
  is about the pipeline, not about the same command run here; its command anchors stay silent (its file
  anchors, the workflow file, still fire). One that places itself in tests ("In tests, CacheManager needs …")
  fires on edits of test files only.
- **which package**: a learning about installing one package (it quotes `brew install bfg`) is not about
  installing another (`brew install gitleaks`).
- **nothing to add**: a learning that only names the command being run ("Run tests with `tox -e unit`.", or
  with its siblings, "`tox -e format` and `tox -e lint`") tells Claude what it is already doing (one that names
  another program, "`cargo test` needs DATABASE_URL: use `make test`", still fires); one about an option the command does not have (`--resource`) concerns a
  run that uses it.
- **what the extractor wrote** (``memory.learning.rules``): "`A` failed with …; fixed by editing F" is about F
  (the failure is gone), not about running A again; "`A` failed with …; it works as `B`" concerns a run that
  still looks like A (``ipconfig /all``), not one already written like B.
- **what the edit is about**: a name on an import or re-export line, inside a URL or an image reference, or in
  a data file (package.json, YAML, TOML) is not a change to that symbol's code; a changelog that a fix was
  recorded in is not what the fix is about when the learning names other files.

Exact tests on the learning's text and the call: no scores, no model. Standard library only (hooks).
"""

from __future__ import annotations

import os
import re

from memory import shell

PROSE_SUFFIXES = (".md", ".markdown", ".mdx", ".txt", ".rst", ".adoc", ".org")
DATA_SUFFIXES = (".json", ".jsonc", ".json5", ".yaml", ".yml", ".toml", ".lock", ".ini", ".cfg", ".conf", ".csv",
                 ".tsv", ".env", ".properties")
# Subcommands whose operands are packages: the learning is about the packages it names.
PACKAGE_SUBCOMMANDS = frozenset({"install", "add", "i", "remove", "uninstall"})
# Words left besides the quoted commands, at most, for a learning that only names the command ("Run the unit
# tests with `tox -e unit`." leaves five); one that warns ("never `npm`") is never a mere recipe.
RECIPE_WORDS = 5
_WARNING = r"(?i)\b(?:never|not|no|don't|do not|avoid|instead|fails?|failed|broken|must)\b"
BOOKKEEPING = r"(?i)^(?:changelog|changes|history|news|release[-_ ]?notes)(?:\.(?:md|markdown|rst|txt|adoc))?$"

# Patterns are kept as text: ``re`` compiles one the first time it is used (and caches it), so a hook pays only
# for those its call needs, not for all of them at import.
_QUOTED = r"`([^`\n]+)`"
_FIXED_BY_EDIT = r"^`[^`]+` failed with .*?; fixed by editing (?P<files>[^(`]*)"
_WORKS_AS = r"^`(?P<bad>[^`]+)` failed with .*?; it works as `(?P<good>[^`]+)`"
_NO_OPTION = (r"\b(?:has no|no such|without an?|does not (?:support|have|accept)|doesn't (?:support|have|"
              r"accept)|unsupported|unknown|unrecognized)\s+(?:option\s+|flag\s+)?`?(--?[A-Za-z][\w-]*)")
_CI = (r"(?i)\b(?:in|on|inside|under)\s+(?:the\s+)?(?:GitHub\s+Actions|GitLab\s+CI|CircleCI|Jenkins|CI)\b"
       r"|\bCI\s+(?:runners?|jobs?|workflows?|pipelines?)\b|\bGitHub\s+Actions\s+runners?\b")
_CI_CUES = ("CI", "GitHub", "Github", "GitLab", "Jenkins", "CircleCI")
_TESTS = r"(?i)^\s*(?:in|inside|within)\s+(?:the\s+)?(?:unit\s+|integration\s+)?tests?\b"
_TEST_PATH = r"(?:^|/)(?:tests?|spec|__tests__)/|(?:^|/)test_[^/]*$|_test\.[^/]+$|\.(?:test|spec)\.[^/]+$"
# A name inside a URL or an image reference (`mcr.microsoft.com/playwright:v1.48`) is not a symbol of the code;
# a division (`total/count`) keeps its names.
_PATH_OR_URL = r"[^\s\"'`()\[\]{}<>,;]*(?:://|/[^\s\"'`()\[\]{}<>,;/]*:)[^\s\"'`()\[\]{}<>,;]*"
# Lines that only bring a name in or pass it on: imports, re-exports, includes.
_IMPORT_LINE = (
    r"(?m)^\s*(?:from\s+\S+\s+import\b|import\s|export\s+(?:\*|\{)|export\s+default\s+\w+\s*;?\s*$|use\s+[\w:]+|"
    r"#\s*include\b|(?:const|let|var)\s+[\w{},\s]+=\s*require\(|__all__\s*[=+]|mod\s+\w+\s*;|package\s+[\w.]+)"
    r"[^\n]*")
_IMPORT_CUES = ("import", "export", "use ", "include", "require(", "__all__", "mod ", "package ")


def place(text: str) -> str | None:
    """Where the learning says it holds: "ci", "tests", or None (anywhere)."""
    if any(cue in text for cue in _CI_CUES) and re.search(_CI, text):
        return "ci"
    if text.lstrip()[:2].lower() in ("in", "wi") and re.match(_TESTS, text):
        return "tests"
    return None


def _extractor(text: str, pattern: str) -> re.Match | None:
    """``pattern`` matched on a learning the rules extractor wrote ("`A` failed with …"), else None."""
    return re.match(pattern, text) if text.startswith("`") and "` failed with " in text else None


def is_test_path(path: str) -> bool:
    """True for a file of a test suite (``tests/…``, ``test_x.py``, ``x_test.go``, ``x.spec.ts``)."""
    return bool(re.search(_TEST_PATH, path.replace(os.sep, "/")))


def command_applies(text: str, hit: tuple[str, str | None], command: str) -> bool:
    """Whether a learning (``text``) whose command anchor matched ``hit`` in ``command`` applies to it."""
    if place(text) == "ci" or _extractor(text, _FIXED_BY_EDIT):
        return False
    words = _words(command)
    works_as = _extractor(text, _WORKS_AS)
    if works_as:
        failing = set(_words(works_as["bad"])) - set(_words(works_as["good"]))
        return not failing or bool(failing & set(words))
    spans = re.findall(_QUOTED, text) if "`" in text else []
    if any(hit in shell.invocations(q) for q in spans) and not re.search(_WARNING, text) \
            and len(re.findall(r"\w+", re.sub(_QUOTED, " ", text))) <= RECIPE_WORDS:
        ran = set(shell.invocations(command))
        if all(key in ran or key[0] == hit[0] for q in spans for key in shell.invocations(q)):
            return False  # it only names what is being run ("Run tests with `tox -e unit`."), or its siblings
    options = set(re.findall(_NO_OPTION, text)) if "-" in text else set()
    if options and not options & {w.split("=")[0] for w in words}:
        return False
    if hit[1] in PACKAGE_SUBCOMMANDS:
        wanted = {w for q in spans if hit in shell.invocations(q) for w in operands(q, hit)}
        if wanted and not wanted & set(operands(command, hit)):
            return False
    return True


def _words(command: str) -> list[str]:
    """The words of a command line (an ellipsis a learning cut it with dropped)."""
    return [w.rstrip("…") for words in shell.simple_commands(command) for w in words if w.rstrip("…")]


def operands(command: str, key: tuple[str, str | None]) -> list[str]:
    """The operands after ``key``'s subcommand in the simple commands of ``command`` that run it."""
    found = []
    for words in shell.simple_commands(command):
        if shell.invocation(words) != key or key[1] not in words:
            continue
        found += [w for w in words[words.index(key[1]) + 1:] if not w.startswith("-") and "=" not in w]
    return found


def names_code(path: str) -> bool:
    """False for prose and data files, whose words are never a change to a symbol's code."""
    return not path.lower().endswith(PROSE_SUFFIXES + DATA_SUFFIXES)


def code_texts(path: str, texts: list[str]) -> list[str]:
    """The parts of an edit's texts where a symbol anchor can match: none in prose or data files, and no
    import or re-export line."""
    if not names_code(path):
        return []
    return [_without_paths(_without_imports(text)) for text in texts]


def _without_imports(text: str) -> str:
    return re.sub(_IMPORT_LINE, " ", text) if any(cue in text for cue in _IMPORT_CUES) else text


def _without_paths(text: str) -> str:
    return re.sub(_PATH_OR_URL, " ", text) if "/" in text and ":" in text else text


def edit_applies(text: str, kind: str, path: str) -> bool:
    """Whether a learning (``text``) whose anchor of ``kind`` matched an edit of ``path`` applies to it."""
    if place(text) == "tests" and not is_test_path(path):
        return False
    fixed = _extractor(text, _FIXED_BY_EDIT)
    return kind != "file" or not fixed or os.path.basename(path) in fixed["files"]


def is_bookkeeping(path: str) -> bool:
    """True for a changelog-like file, where every change is recorded."""
    name = os.path.basename(path)
    return name[:1] in "cChHnNrR" and bool(re.match(BOOKKEEPING, name))
