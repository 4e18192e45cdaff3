"""Save real hook payloads and a real transcript from each e2e CLI version as fixtures.

    python -m tests.e2e.capture_fixtures [VERSION]  # rewrites tests/fixtures/hook_payloads, transcripts_e2e

The pinned version's files sit at the top of those folders (unit tests read them); another version's in a
subfolder named after it (e.g. hook_payloads/2.1.332/), which only test_contract.py reads.

Temp paths are replaced by fixed placeholders (PLACEHOLDERS), so the files are stable and machine-free.
test_contract.py checks that live payloads still have the saved shapes: when it fails after a Claude
Code upgrade, rerun this and review the diff.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

from tests.e2e.claude_runner import CLAUDE_VERSIONS, PINNED_VERSION, REPO_ROOT
from tests.e2e.scenarios import Session, run_compaction_session, run_tool_session

PAYLOAD_DIR = REPO_ROOT / "tests" / "fixtures" / "hook_payloads"
TRANSCRIPT_DIR = REPO_ROOT / "tests" / "fixtures" / "transcripts_e2e"
TRANSCRIPT_NAME = "tools-and-compaction.jsonl"
PLACEHOLDERS = {"project": "/repo/project", "home": "/home/user", "plugin": "/plugins/e2e-probe",
                "data": "/data/memory", "python": "python3"}


def payload_dir(version: str = PINNED_VERSION) -> Path:
    """Where the payload fixtures of one Claude Code version live."""
    return PAYLOAD_DIR if version == PINNED_VERSION else PAYLOAD_DIR / version


def transcript_file(version: str = PINNED_VERSION) -> Path:
    """The saved e2e transcript of one Claude Code version."""
    return TRANSCRIPT_DIR / TRANSCRIPT_NAME if version == PINNED_VERSION else TRANSCRIPT_DIR / version / TRANSCRIPT_NAME


def munged(path: str) -> str:
    """How Claude Code names a project's folder under ~/.claude/projects (every non-alnum -> '-')."""
    return "".join(ch if ch.isalnum() else "-" for ch in path)


def placeholders(session: Session) -> dict[str, str]:
    """Real temp path -> placeholder for one session, longest first so nested paths map correctly."""
    claude = session.claude
    pairs = {str(claude.cwd): PLACEHOLDERS["project"], munged(str(claude.cwd)): munged(PLACEHOLDERS["project"]),
             str(claude.home): PLACEHOLDERS["home"], str(session.probe.root): PLACEHOLDERS["plugin"],
             str(claude.data_dir): PLACEHOLDERS["data"], sys.executable: PLACEHOLDERS["python"]}
    return dict(sorted(pairs.items(), key=lambda pair: -len(pair[0])))


def scrub(value: Any, mapping: dict[str, str]) -> Any:
    """value with every occurrence of a mapping key replaced in all strings (keys and values)."""
    if isinstance(value, str):
        for real, placeholder in mapping.items():
            value = value.replace(real, placeholder)
        return value
    if isinstance(value, list):
        return [scrub(item, mapping) for item in value]
    if isinstance(value, dict):
        return {scrub(key, mapping): scrub(item, mapping) for key, item in value.items()}
    return value


def _first(payloads: list[dict], test: Callable[[dict], bool]) -> dict:
    """The first payload that passes test (KeyError naming nothing found, to fail loudly)."""
    for payload in payloads:
        if test(payload):
            return payload
    raise KeyError("no payload matched")


def tool_session_payloads(session: Session) -> dict[str, dict]:
    """Fixture name -> real payload, from run_tool_session. "PostToolUse-Read-unchanged" only where the
    version answers an identical re-read with a file_unchanged stub (2.1.197 does, 2.1.332 does not)."""
    probe = session.probe
    reads = probe.payloads("PostToolUse", "Read")
    response_type = lambda p: p["tool_response"].get("type")  # noqa: E731 - tiny local selector
    unchanged = [p for p in reads if response_type(p) == "file_unchanged"]
    return {**({"PostToolUse-Read-unchanged": unchanged[0]} if unchanged else {}),
        "SessionStart-startup": probe.payloads("SessionStart")[0],
        "UserPromptSubmit": probe.payloads("UserPromptSubmit")[0],
        "PreToolUse-Read": probe.payloads("PreToolUse", "Read")[0],
        "PostToolUse-Read-range": _first(reads, lambda p: "limit" in p["tool_input"]),
        "PostToolUse-Read": _first(reads, lambda p: response_type(p) == "text" and "limit" not in p["tool_input"]),
        "PostToolUse-Edit": probe.payloads("PostToolUse", "Edit")[0],
        "PostToolUse-Write": probe.payloads("PostToolUse", "Write")[0],
        "PostToolUse-Bash": probe.payloads("PostToolUse", "Bash")[0],
        "PostToolUseFailure-Bash": probe.payloads("PostToolUseFailure", "Bash")[0],
        "PostToolUse-TaskCreate": probe.payloads("PostToolUse", "TaskCreate")[0],
        "PostToolUse-TaskUpdate": probe.payloads("PostToolUse", "TaskUpdate")[0],
        "Stop": probe.payloads("Stop")[0],
        "SessionEnd": probe.payloads("SessionEnd")[0],
    }


def compaction_session_payloads(session: Session) -> dict[str, dict]:
    """Fixture name -> real payload, from run_compaction_session."""
    starts = session.probe.payloads("SessionStart")
    return {
        "PreCompact": session.probe.payloads("PreCompact")[0],
        "SessionStart-compact": _first(starts, lambda p: p.get("source") == "compact"),
        "SessionStart-resume": _first(starts, lambda p: p.get("source") == "resume"),
    }


def transcript_lines(session: Session) -> list[dict]:
    """The session's transcript (JSONL at transcript_path), one parsed object per JSON line."""
    path = Path(session.probe.payloads("SessionEnd")[-1]["transcript_path"])
    lines = []
    for line in path.read_text().splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            continue
    return lines


def write_fixtures(tool_session: Session, compaction_session: Session, version: str = PINNED_VERSION) -> list[Path]:
    """Write one version's scrubbed payload fixtures and transcript; return the files written."""
    payloads_at, transcript_at = payload_dir(version), transcript_file(version)
    payloads_at.mkdir(parents=True, exist_ok=True)
    transcript_at.parent.mkdir(parents=True, exist_ok=True)
    for old in payloads_at.glob("*.json"):
        old.unlink()  # a payload this version no longer sends must not linger
    written = []
    for session, payloads in ((tool_session, tool_session_payloads(tool_session)),
                              (compaction_session, compaction_session_payloads(compaction_session))):
        mapping = placeholders(session)
        for name, payload in payloads.items():
            target = payloads_at / f"{name}.json"
            target.write_text(json.dumps(scrub(payload, mapping), indent=2, ensure_ascii=False) + "\n")
            written.append(target)
    mapping = placeholders(compaction_session)
    target = transcript_at
    target.write_text("".join(json.dumps(scrub(line, mapping), ensure_ascii=False) + "\n"
                              for line in transcript_lines(compaction_session)))
    written.append(target)
    return written


def main() -> None:
    """Run both scenarios in a temp dir with one version (argv[1], default the pinned one); rewrite its fixtures."""
    version = sys.argv[1] if len(sys.argv) > 1 else PINNED_VERSION
    binary = CLAUDE_VERSIONS[version]
    with tempfile.TemporaryDirectory(prefix="e2e-capture-") as tmp:
        root = Path(tmp)
        written = write_fixtures(run_tool_session(root / "tools", binary),
                                 run_compaction_session(root / "compact", binary), version)
    for path in written:
        print(path.relative_to(REPO_ROOT))


if __name__ == "__main__":
    main()
