"""Results a session reached: test counts, commits, tags, URLs (a PR, a gist, a deployment, a dev server), a
CI run that passed -- taken from what the assistant reported and from command output.

Each result is one short line keyed by what it is about (a commit hash, a URL, "tests"), so a later report of
the same thing replaces the earlier one: the newest test count wins.
"""

from __future__ import annotations

import re

from memory.text import shorten

MAX_RESULTS = 8
LINE_SHOWN = 160
_HASH = r"[0-9a-f]{7,12}"
_COMMIT_SENTENCE = re.compile(
    rf"(?:\bcommit(?:ted)?\b|\bpushed\b|\bhash\b)[^\n]{{0,80}}?`?\b({_HASH})\b`?|`({_HASH})`\s*[-–—:]\s*\S", re.I)
_COMMIT_OUTPUT = re.compile(rf"^\[[^\]\s]+(?: \([^)]*\))? ({_HASH})[0-9a-f]*\] (.+)$", re.M)
_TESTS = re.compile(
    r"\b(?:all\s+)?(\d+)(?:\s*/\s*\d+)?\s+(?:\w+\s+){0,2}?tests?\b[^.\n]{0,40}?\b(?:pass(?:ed|es|ing)?|green|succeed\w*|ok)\b"
    r"|\b(\d+) passed\b"
    r"|\ball\s+(?:\w+\s+){0,2}?tests?\s+(?:now\s+)?(?:have\s+|are\s+)?(?:now\s+)?pass(?:ed|ing)?\b"
    r"|\b(?:テスト|测试|測試|테스트)[^\n。]{0,20}(?:\d+)[^\n。]{0,20}(?:成功|通过|通過|パス|통과)", re.I)
_CI = re.compile(r"\b(?:CI|pipeline|workflow|build|all (?:jobs|checks))\b[^.\n]{0,40}?\b(?:(?:has |have )?(?:completely |fully )?"
                 r"passed|(?:is |are )?(?:all )?green|succeeded)\b", re.I)
_URL = re.compile(r"https?://[^\s)>\]`'\"*]+|\blocalhost:\d{2,5}\b[^\s)>\]`'\"*]*")
_REPORT_FILE = re.compile(r"\b(?:created|generated|wrote|written|saved|added)\b[^.\n]{0,40}?\b(?:report|document|summary|"
                          r"documentation|guide|plan)\b[^.\n]{0,20}?\b(?:at|in|to)\s+`?([\w./-]+\.\w+)`?", re.I)
_TAG = re.compile(r"\btag(?:ged)?\b[^.\n]{0,30}?`?\b(v\d+\.\d+(?:\.\d+)?)\b", re.I)
_DOC_URL = re.compile(r"(?:docs?\.|/docs?/|/wiki/|stackoverflow|developer\.|/blob/|/issues/\d+|/tree/|"
                      r"readthedocs|npmjs\.com|pypi\.org|mdn|w3\.org|/search\?|code\.claude\.com)", re.I)
_REPORTING = re.compile(r"\b(?:running|available|live|deployed|published|created|opened|pushed|at|url|pr|gist|"
                        r"ready|serving|open)\b|✅|🎯|🎉", re.I)


def from_text(text: str) -> list[tuple[str, str]]:
    """(key, line) results the assistant reported in ``text``."""
    found: list[tuple[str, str]] = []
    for sentence in _sentences(text):
        for match in _COMMIT_SENTENCE.finditer(sentence):
            sha = match.group(1) or match.group(2)
            if sha and not sha.isdigit():
                found.append((f"commit:{sha[:7]}", cut(sentence, LINE_SHOWN)))
        if _TESTS.search(sentence):
            found.append(("tests", cut(sentence, LINE_SHOWN)))
        elif _CI.search(sentence):
            found.append(("ci", cut(sentence, LINE_SHOWN)))
        for match in _REPORT_FILE.finditer(sentence):
            found.append((f"file:{match.group(1)}", cut(sentence, LINE_SHOWN)))
        for match in _TAG.finditer(sentence):
            found.append((f"tag:{match.group(1)}", cut(sentence, LINE_SHOWN)))
        for match in _URL.finditer(sentence):
            url = match.group(0).rstrip(".,;:")
            if not _DOC_URL.search(url) and (url.startswith("localhost") or _REPORTING.search(sentence)):
                found.append((f"url:{url}", cut(sentence, LINE_SHOWN) if url in cut(sentence, LINE_SHOWN) else url))
    return found


def from_command(command: str, output: str, ok: bool) -> list[tuple[str, str]]:
    """(key, line) results shown by a command's output: a commit made, a PR opened, a test run that passed."""
    found: list[tuple[str, str]] = []
    if not ok:
        return found
    if re.search(r"\bgit\b.*\bcommit\b", command):
        for match in _COMMIT_OUTPUT.finditer(output):
            found.append((f"commit:{match.group(1)[:7]}", cut(f"Committed {match.group(1)}: {match.group(2)}", LINE_SHOWN)))
    if re.search(r"\bgh\s+pr\s+create\b|\bgh\s+gist\s+create\b", command):
        for url in _URL.findall(output):
            found.append((f"url:{url}", f"Created {url}"))
    passed = re.search(r"\b(\d+) passed\b[^\n]*", output)
    if passed and re.search(r"\b(pytest|test|jest|vitest|tox|cargo test|go test)\b", command):
        found.append((f"run:{command.strip()[:200]}", cut(f"`{cut(command, 100)}`: {passed.group(0)}", LINE_SHOWN)))
    return found


def keep(results: list[tuple[str, str]]) -> list[str]:
    """The newest line per key, in order of their last report, at most ``MAX_RESULTS`` (the newest)."""
    latest: dict[str, str] = {}
    for key, line in results:
        latest.pop(key, None)
        latest[key] = line
    lines: list[str] = []
    for line in latest.values():
        if line in lines:
            lines.remove(line)
        lines.append(line)
    return lines[-MAX_RESULTS:]


def cut(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary."""
    return shorten(text, limit, one_line=True, at_word=True)


def _sentences(text: str) -> list[str]:
    text = re.sub(r"```.*?(?:```|\Z)", " ", text, flags=re.S)
    parts = re.split(r"(?<=[.!?。！？])\s+|\n+", text)
    return [p.strip(" -*#>|") for p in parts if p.strip(" -*#>|")]
