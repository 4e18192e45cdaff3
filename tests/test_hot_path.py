"""Hook processes stay light: no heavy library is imported on the hot path (DESIGN.md, rule 2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.session import hook_env, payload, run_hook

HEAVY = {"lancedb", "pyarrow", "anthropic", "ollama", "numpy", "rich", "detect_secrets"}
# Costly standard modules (tens of ms together on slow machines); the no-op path must not need them.
COSTLY_STDLIB = {"typing", "dataclasses", "pathlib", "logging", "inspect", "asyncio", "email"}

EVENTS = {
    "SessionStart": payload("SessionStart", source="startup"),
    "UserPromptSubmit": payload("UserPromptSubmit", prompt="how do I run the tests?"),
    "PreToolUse": payload("PreToolUse", tool_name="Read", tool_input={"file_path": "/etc/hostname"}),
    "PostToolUse": payload("PostToolUse", tool_name="Read", tool_input={"file_path": "/etc/hostname"},
                           tool_response={"type": "text", "file": {"filePath": "/etc/hostname", "content": "x",
                                                                   "numLines": 1, "startLine": 1, "totalLines": 1}}),
    "PreCompact": payload("PreCompact", trigger="auto"),
    "SessionEnd": payload("SessionEnd", reason="other"),
}


def imported_modules(event: str, body: dict) -> set[str]:
    result = run_hook(event, body, env=hook_env(PYTHONPROFILEIMPORTTIME="1"))
    assert result.returncode == 0
    return set(re.findall(r"\|\s+([\w.]+)\s*$", result.stderr.decode(), re.M))


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_no_heavy_library_on_any_hook(memory_home: Path, event: str) -> None:
    roots = {name.split(".")[0] for name in imported_modules(event, EVENTS[event])}
    assert not roots & HEAVY


def test_noop_hook_avoids_costly_standard_modules(memory_home: Path) -> None:
    body = payload("PostToolUse", tool_name="Glob", tool_input={"pattern": "*"}, tool_response={})
    assert not imported_modules("PostToolUse", body) & COSTLY_STDLIB
