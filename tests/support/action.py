"""Learnings at the moment of action: a seeded store and the PreToolUse/PostToolUse hook processes (real ones,
through the launcher) that the tests of tests/action drive."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from memory import store
from memory.learning.dedup import text_hash
from memory.project import find_project
from memory.store.core import upsert_project
from tests.support.session import hook_env, hook_output, payload, run_hook

PNPM = "Use pnpm, never npm: the lockfile is pnpm-lock.yaml."
CARGO = "`cargo test` needs DATABASE_URL set: use `make test`, which sets it."
ROUND = "round_total rounds half-up with Decimal.quantize, never float round()."
MONEY_FILE = "Invoice totals in money.py are cents in integers, converted only for display."
OTHER = "`cargo test` in the other project needs the redis container up."

MONEY = "from decimal import Decimal\n\n\ndef round_total(amount):\n    return amount\n"


def add(conn, project_id, category, text, anchor_list, **columns) -> int:
    """Store one learning with its anchors, as the extractor does."""
    cur = conn.execute(
        "INSERT INTO learnings(project_id, category, text, text_hash, confidence, anchors_json, files_json, "
        "superseded_by, forgotten_at) VALUES (?,?,?,?,?,?,?,?,?)",
        (project_id, category, text, text_hash(text), columns.get("confidence", 0.8), json.dumps(anchor_list),
         json.dumps(columns.get("files", [])), columns.get("superseded_by"), columns.get("forgotten_at")))
    return cur.lastrowid


def seed(project_dir: Path, other_dir: Path | None = None) -> dict[str, int]:
    conn = store.connect()
    pid = upsert_project(conn, find_project(str(project_dir)))
    ids = {
        "pnpm": add(conn, None, "preference", PNPM, [{"kind": "command", "value": "npm"}]),
        "cargo": add(conn, pid, "fix", CARGO, [{"kind": "command", "value": "cargo test"}]),
        "round": add(conn, pid, "pattern", ROUND, [{"kind": "symbol", "value": "round_total", "file": "money.py"},
                                                   {"kind": "file", "value": "money.py"}]),
        "money": add(conn, pid, "architecture", MONEY_FILE, [], files=["money.py"]),
    }
    if other_dir is not None:
        other = upsert_project(conn, find_project(str(other_dir)))
        ids["other"] = add(conn, other, "fix", OTHER, [{"kind": "command", "value": "cargo test"}])
    conn.close()
    return ids


def context(result: subprocess.CompletedProcess) -> str | None:
    answer = hook_output(result)
    if answer is None:
        return None
    out = answer["hookSpecificOutput"]
    assert out["hookEventName"] == "PreToolUse" and "permissionDecision" not in out  # never decides for the user
    return out["additionalContext"]


def pre(project_dir: Path, tool: str, tool_input: dict, session: str = "s1") -> str | None:
    return context(run_hook("PreToolUse", payload("PreToolUse", session_id=session, cwd=str(project_dir),
                                                  tool_name=tool, tool_input=tool_input,
                                                  tool_use_id=f"t-{tool}"), env=hook_env()))


def post(project_dir: Path, tool: str, tool_input: dict, session: str = "s1") -> None:
    result = run_hook("PostToolUse", payload("PostToolUse", session_id=session, cwd=str(project_dir),
                                             tool_name=tool, tool_input=tool_input, tool_response={}),
                      env=hook_env())
    assert hook_output(result) is None


def recalls(session: str) -> list[dict]:
    conn = store.connect()
    return [dict(r) for r in conn.execute("SELECT learning_id, event, query FROM recalls WHERE session_id = ? "
                                          "ORDER BY id", (session,))]
