"""``python -m memory status`` (and /memory-status): what the memory holds, what it saved and cost, what is
broken -- in seconds.

The "current" session is ``$CLAUDE_CODE_SESSION_ID`` when set (inside Claude Code, e.g. from /memory-status),
else the most recently seen session of this project. Fast: SQLite counts only, and no network unless
embeddings may use Ollama (a one-second probe).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
from typing import Any

from memory import paths
from memory.cli.common import CliError, add_command, check_database, current_project, human_size, print_json
from memory.config import Settings, load_settings
from memory.health import check_api_key, check_config, check_dependencies, check_ollama

SINCE_24H = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day')"


def register(subparsers) -> None:
    """Add the ``status`` command."""
    add_command(subparsers, "status", run, "what the memory holds, saved and cost, the current session, health",
                description="Database path and size; handoffs, signatures (and their average savings) and "
                            "learnings stored; the current session's task, files and decisions; net tokens "
                            "saved by narrowed Reads (this session and in total); LLM tokens spent today "
                            "against the daily budget; the worker's queue; hook errors in the last 24 h; and "
                            "anything running in a degraded mode. The current session is "
                            "$CLAUDE_CODE_SESSION_ID when set, else the project's most recently seen one. "
                            "This is /memory-status. Exit code 0 even when something is degraded (see "
                            "`doctor` for checks that fail).",
                examples=["status", "status --json"])


def run(args: argparse.Namespace) -> int:
    """Print the status block."""
    project = current_project()
    settings = load_settings(project.root)
    conn, problem = _connect()
    data = collect(conn, project, settings, os.environ.get("CLAUDE_CODE_SESSION_ID") or None)
    if problem:
        data["degraded"].insert(0, f"database: {problem}")
    if args.json:
        print_json(data)
    else:
        print(render(data))
    return 0


def _connect() -> tuple[sqlite3.Connection | None, str | None]:
    """The store, or (None, why) when there is none yet or it cannot be read; never creates or moves it."""
    db = paths.db_path()
    if not os.path.exists(db):
        return None, None
    try:
        check_database(db)
    except CliError as exc:
        return None, str(exc)
    from memory import store

    return store.connect(), None


def collect(conn: sqlite3.Connection | None, project: Any, settings: Settings,
            session_id: str | None) -> dict[str, Any]:
    """Everything ``status`` shows, as data."""
    db = paths.db_path()
    data: dict[str, Any] = {
        "database": {"path": db, "bytes": _size(db) + _size(db + "-wal")},
        "project": {"name": project.name, "root": project.root},
    }
    if conn is not None:
        data.update(_store_counts(conn, project, settings, session_id))
    data["degraded"] = degraded(settings)
    return data


def _store_counts(conn: sqlite3.Connection, project: Any, settings: Settings, session_id: str | None) -> dict[str, Any]:
    from memory.continuity.inspection import current_session_summary
    from memory.learning.summary import learning_summary
    from memory.signatures.accounting import savings_summary

    session = current_session_summary(conn, project, session_id)
    learning = learning_summary(conn, settings.learning)
    return {
        "handoffs": _scalar(conn, "SELECT count(*) FROM handoffs"),
        "signatures": _signature_stats(conn),
        "learnings": learning["learnings"],
        "learning": {k: learning[k] for k in ("forgotten", "global", "by_category", "recalls")},
        "current_session": session,
        "tokens_saved": {
            "session": savings_summary(conn, session["session_id"]) if session else None,
            "total": savings_summary(conn),
        },
        "llm": {"tokens_today": learning["llm_tokens_today"], "daily_budget": learning["llm_daily_budget"],
                "extractors": learning["extractors"]},
        "queue": learning["queue"],
        "hooks_24h": _hook_stats(conn),
        "errors_24h": _error_stats(conn),
    }


def degraded(settings: Settings) -> list[str]:
    """What runs in a degraded mode: dependencies missing or installing, config problems, no Ollama, no key."""
    notes = [f"{c.name}: {c.detail}" for c in (check_dependencies(), check_config(settings), check_ollama(settings))
             if c.status != "ok"]
    if not os.environ.get("ANTHROPIC_API_KEY") and settings.feature_enabled("learning"):
        notes.append(f"api key: {check_api_key().detail}")
    return notes


def render(data: dict[str, Any]) -> str:
    """The human block, in the shape of seed 003's example."""
    lines = ["=== Memory System Status ===",
             f"Database: {data['database']['path']} ({human_size(data['database']['bytes'])})"]
    if "handoffs" not in data:
        lines.append("Nothing stored yet." if not data["degraded"] or not data["degraded"][0].startswith(
            "database:") else "The database cannot be read.")
    else:
        sig, learned, llm, queue = data["signatures"], data["learning"], data["llm"], data["queue"]
        lines += [
            f"Handoffs: {data['handoffs']} saved",
            f"Signatures: {sig['cached']} cached (avg {sig['avg_savings_pct']}% savings)",
            f"Learnings: {data['learnings']} stored ({learned['global']} global, {learned['forgotten']} "
            f"forgotten, recalled {learned['recalls']}x)",
        ]
        lines += _session_lines(data["current_session"], data["tokens_saved"]["session"])
        total = data["tokens_saved"]["total"]
        lines += [
            f"Tokens saved: {_saved(total)} in total",
            f"LLM tokens today: {llm['tokens_today']:,} of {llm['daily_budget']:,} budget "
            f"(extractors: {', '.join(llm['extractors'])})",
            f"Worker queue: {queue['pending']} pending, {queue['running']} running, {queue['failed']} failed",
        ]
        if queue["last_error"]:
            err = queue["last_error"]
            lines.append(f"  Last error: job {err['id']} ({err['kind']}, {err['updated_at'][:16].replace('T', ' ')})"
                         f": {_last_line(err['last_error'])}")
        errors, runs = data["errors_24h"], sum(e["runs"] for e in data["hooks_24h"].values())
        lines.append(f"Hooks (24 h): {runs} runs, {errors['count']} errors")
        if errors["latest"]:
            lines.append(f"  Latest error: {errors['latest']}")
    lines += [f"Degraded: {note}" for note in data["degraded"]]
    return "\n".join(lines)


def _session_lines(session: dict[str, Any] | None, saved: dict[str, Any] | None) -> list[str]:
    """Seed 003's "Current Session" block, with the tokens that session saved."""
    if not session:
        return ["Current Session: none seen in this project yet"]
    title = "Current Session" if not session.get("ended_at") else f"Last Session (ended {session['ended_at'][:16]})"
    lines = [f"{title}: {session['session_id']}",
             f"  Task: {session['task'] or '(not known yet)'}",
             f"  Files: {len(session['files_modified'])} modified, {session['files_read']} read",
             f"  Decisions: {len(session['decisions'])} made"]
    if session["last_action"]:
        lines.append(f"  Last: {session['last_action']}")
    if saved is not None:
        lines.append(f"  Tokens saved: {_saved(saved)}")
    return lines


def _saved(summary: dict[str, Any]) -> str:
    if not summary["intercepted_reads"]:
        return "0 (no Read narrowed)"
    return (f"{summary['net_saved_tokens']:,} net ({summary['net_saved_percent']}% of "
            f"{summary['original_tokens']:,}, {summary['intercepted_reads']} narrowed Read(s))")


def _last_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return lines[-1][:160] if lines else ""


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _scalar(conn: sqlite3.Connection, sql: str) -> Any:
    return conn.execute(sql).fetchone()[0]


def _signature_stats(conn: sqlite3.Connection) -> dict[str, Any]:
    cached, avg = conn.execute(
        "SELECT count(*), avg(1.0 - 1.0 * signature_tokens / original_tokens) FROM file_signatures "
        "WHERE original_tokens > 0"
    ).fetchone()
    return {"cached": cached, "avg_savings_pct": round((avg or 0) * 100)}


def _error_stats(conn: sqlite3.Connection) -> dict[str, Any]:
    count, latest = conn.execute(
        f"SELECT count(*), max(ts || ' ' || source || ': ' || message) FROM errors WHERE ts >= {SINCE_24H}"
    ).fetchone()
    return {"count": count, "latest": _last_line(latest) if latest else None}


def _hook_stats(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    stats: dict[str, dict[str, Any]] = {}
    rows = conn.execute(
        f"SELECT event, duration_ms FROM hook_runs WHERE ts >= {SINCE_24H} ORDER BY event, duration_ms"
    ).fetchall()
    for event in {row[0] for row in rows}:
        durations = [row[1] for row in rows if row[0] == event]
        stats[event] = {"runs": len(durations), "p50_ms": round(durations[len(durations) // 2], 1)}
    return stats
