"""``python -m memory status`` (and /memory-status): what the memory holds, what it costs, what is broken."""

from __future__ import annotations

import argparse
import os
import sqlite3
from typing import Any

from memory import paths
from memory.cli.common import add_command, current_project, human_size, print_json
from memory.config import load_config
from memory.health import check_api_key, check_config, check_dependencies, check_ollama


def register(subparsers) -> None:
    """Add the ``status`` command."""
    add_command(subparsers, "status", run, "summary of handoffs, signatures, learnings, the current session and health")


def collect(conn: sqlite3.Connection | None, project: Any, config: Any) -> dict[str, Any]:
    """Everything ``status`` shows, as data."""
    db = paths.db_path()
    data: dict[str, Any] = {
        "database": {"path": db, "bytes": os.path.getsize(db) if os.path.exists(db) else 0},
        "project": {"name": project.name, "root": project.root},
    }
    if conn is not None:
        data["handoffs"] = _scalar(conn, "SELECT count(*) FROM handoffs")
        data["signatures"] = _signature_stats(conn)
        data["learnings"] = _scalar(conn, "SELECT count(*) FROM learnings WHERE forgotten_at IS NULL")
        data["hooks_24h"] = _hook_stats(conn)
        data["errors_24h"] = _scalar(
            conn, "SELECT count(*) FROM errors WHERE ts >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day')")
        data["jobs"] = {row[0]: row[1] for row in conn.execute("SELECT status, count(*) FROM jobs GROUP BY status")}
        from memory.continuity.inspection import current_session_summary

        data["current_session"] = current_session_summary(conn, project)
        data["llm_tokens_today"] = _scalar(
            conn, "SELECT coalesce(sum(input_tokens + output_tokens), 0) FROM llm_usage WHERE day = date('now')")
    data["llm_daily_budget"] = config.get("learning", "daily_token_budget")
    data["degraded"] = [
        f"{c.name}: {c.detail}"
        for c in (check_dependencies(), check_config(config), check_ollama(config), check_api_key())
        if c.status != "ok" or c.name == "api key" and "not set" in c.detail
    ]
    return data


def run(args: argparse.Namespace) -> int:
    """Print the status block."""
    project = current_project()
    config = load_config(project.root)
    conn = None
    if os.path.exists(paths.db_path()):
        from memory import store

        conn = store.connect()
    data = collect(conn, project, config)
    if args.json:
        print_json(data)
    else:
        print(render(data))
    return 0


def render(data: dict[str, Any]) -> str:
    """The human block, in the shape of seed 003's example."""
    lines = ["=== Memory System Status ===", f"Database: {data['database']['path']} ({human_size(data['database']['bytes'])})"]
    if "handoffs" not in data:
        lines.append("Nothing stored yet.")
    else:
        sig = data["signatures"]
        lines += [
            f"Handoffs: {data['handoffs']} saved",
            f"Signatures: {sig['cached']} cached (avg {sig['avg_savings_pct']}% savings)",
            f"Learnings: {data['learnings']} stored",
            f"LLM tokens today: {data['llm_tokens_today']} of {data['llm_daily_budget']} budget",
            "Worker queue: " + (", ".join(f"{n} {s}" for s, n in sorted(data["jobs"].items())) or "empty"),
            f"Hook runs (24 h): {sum(e['runs'] for e in data['hooks_24h'].values())}, errors: {data['errors_24h']}",
        ]
        lines += _current_session_lines(data.get("current_session"))
        for event, stats in sorted(data["hooks_24h"].items()):
            lines.append(f"  {event}: {stats['runs']} runs, p50 {stats['p50_ms']} ms")
    for note in data["degraded"]:
        lines.append(f"Degraded: {note}")
    return "\n".join(lines)


def _current_session_lines(session: dict[str, Any] | None) -> list[str]:
    """Seed 003's "Current Session" block."""
    if not session:
        return []
    lines = ["Current Session:", f"  Task: {session['task'] or '(not known yet)'}",
             f"  Files: {len(session['files_modified'])} modified, {session['files_read']} read",
             f"  Decisions: {len(session['decisions'])} made"]
    if session["last_action"]:
        lines.append(f"  Last: {session['last_action']}")
    return lines


def _scalar(conn: sqlite3.Connection, sql: str) -> Any:
    return conn.execute(sql).fetchone()[0]


def _signature_stats(conn: sqlite3.Connection) -> dict[str, Any]:
    cached, avg = conn.execute(
        "SELECT count(*), avg(1.0 - 1.0 * signature_tokens / original_tokens) FROM file_signatures "
        "WHERE original_tokens > 0"
    ).fetchone()
    return {"cached": cached, "avg_savings_pct": round((avg or 0) * 100)}


def _hook_stats(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    stats: dict[str, dict[str, Any]] = {}
    rows = conn.execute(
        "SELECT event, duration_ms FROM hook_runs WHERE ts >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day') "
        "ORDER BY event, duration_ms"
    ).fetchall()
    for event in {row[0] for row in rows}:
        durations = [row[1] for row in rows if row[0] == event]
        stats[event] = {"runs": len(durations), "p50_ms": round(durations[len(durations) // 2], 1)}
    return stats
