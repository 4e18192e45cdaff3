"""A tiny throwaway plugin for contract tests: each hook logs its stdin payload and answers fixed JSON.

Written into a temp dir by a test; `respond()` sets what a hook prints (read at hook run time, so it can
change between runs), `calls()` reads back what Claude Code sent the hooks.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EVENTS = ("SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "PostToolUseFailure", "PreCompact",
          "SessionEnd", "Stop")
TOOL_EVENTS = ("PreToolUse", "PostToolUse", "PostToolUseFailure")

# The hook: append {event, payload, env} to calls.jsonl (under a lock: hooks run in parallel), then print
# the configured answer for "Event:Tool", "Event:source" (SessionStart) or "Event", if any.
HOOK_SCRIPT = r'''
import fcntl, json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
event = sys.argv[1]
payload = json.loads(sys.stdin.read() or "{}")
env = {k: v for k, v in os.environ.items() if k.startswith(("CLAUDE", "MEMORY_")) or k == "HOME"}
with open(os.path.join(here, "calls.jsonl"), "a") as log:
    fcntl.flock(log, fcntl.LOCK_EX)
    log.write(json.dumps({"event": event, "payload": payload, "env": env}) + "\n")
with open(os.path.join(here, "responses.json")) as f:
    responses = json.load(f)
keys = [event + ":" + str(payload.get(k)) for k in ("tool_name", "source") if payload.get(k)] + [event]
answer = next((responses[k] for k in keys if k in responses), None)
if answer is not None:
    sys.stdout.write(answer if isinstance(answer, str) else json.dumps(answer))
'''


@dataclass
class ProbePlugin:
    """A probe plugin on disk: its root (for --plugin-dir) and its call log."""

    root: Path

    @property
    def log(self) -> Path:
        """The JSONL file every hook call is appended to."""
        return self.root / "hooks" / "calls.jsonl"

    def respond(self, answers: dict[str, Any]) -> None:
        """Set the hook answers: keys "Event", "Event:Tool" or "Event:source"; values JSON or a raw string."""
        (self.root / "hooks" / "responses.json").write_text(json.dumps(answers))

    def calls(self, event: str | None = None, tool: str | None = None) -> list[dict[str, Any]]:
        """The logged hook calls ({event, payload, env}), optionally only one event / one tool."""
        if not self.log.exists():
            return []
        entries = [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]
        return [e for e in entries
                if (event is None or e["event"] == event)
                and (tool is None or e["payload"].get("tool_name") == tool)]

    def payloads(self, event: str | None = None, tool: str | None = None) -> list[dict[str, Any]]:
        """Just the stdin payloads of the matching calls."""
        return [entry["payload"] for entry in self.calls(event, tool)]

    def clear(self) -> None:
        """Forget the logged calls."""
        self.log.unlink(missing_ok=True)


def hook_config(root: Path, events: tuple[str, ...] = EVENTS) -> dict[str, Any]:
    """The hooks.json content: every event runs the probe script (tool events for every tool)."""
    script = root / "hooks" / "probe.py"
    hooks: dict[str, Any] = {}
    for event in events:
        entry: dict[str, Any] = {"hooks": [{"type": "command", "timeout": 30,
                                            "command": f"{sys.executable} {script} {event}"}]}
        if event in TOOL_EVENTS:
            entry["matcher"] = ".*"
        hooks[event] = [entry]
    return {"description": "e2e probe: logs payloads, answers fixed JSON", "hooks": hooks}


def write_probe_plugin(root: Path, answers: dict[str, Any] | None = None, *, name: str = "e2e-probe",
                       events: tuple[str, ...] = EVENTS) -> ProbePlugin:
    """Write the probe plugin (manifest, hooks.json, hook script) under root and return it."""
    (root / ".claude-plugin").mkdir(parents=True, exist_ok=True)
    (root / "hooks").mkdir(exist_ok=True)
    (root / ".claude-plugin" / "plugin.json").write_text(json.dumps({"name": name, "version": "0.0.1"}))
    (root / "hooks" / "hooks.json").write_text(json.dumps(hook_config(root, events), indent=2))
    (root / "hooks" / "probe.py").write_text(HOOK_SCRIPT)
    plugin = ProbePlugin(root)
    plugin.respond(answers or {})
    return plugin
