"""The `claude -p` extractor: for people without an API key, the user's own Claude Code CLI, run headless.

Opt-in (``learning.extractor = "claude-cli"``), in the worker only, under the same daily token budget as the
Haiku extractor (estimated before the call, charged after from the usage the CLI reports; a call that times
out is charged its estimate). The child cannot recurse into this plugin or any other:

* ``MEMORY_DISABLE=1`` in its environment (our hooks do nothing even if they were loaded);
* ``--setting-sources ""`` and ``--settings {"disableAllHooks": true}``: no user/project settings, so no
  enabled plugins, and no hooks at all;
* ``--tools ""``, ``--strict-mcp-config`` (no MCP servers), ``--disable-slash-commands``, one turn, no
  session saved to disk (``--no-session-persistence``), our system prompt instead of Claude Code's;
* a hard timeout (``learning.claude_timeout_seconds``): the whole process group is killed.

The prompt is the Haiku extractor's (memory.learning.llm_prompt), answered as JSON text.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess

from memory.learning import llm_prompt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from memory.config import Learning

NAME = "claude-cli"
# What the CLI adds to our prompt (its own framing of a -p turn) and the most it may answer, for the estimate.
CLI_OVERHEAD_TOKENS = 600
MAX_OUTPUT_TOKENS = 1024


def command(learning: Learning) -> str | None:
    """The claude executable to run (``learning.claude_command``, a path or a name on PATH), or None."""
    configured = learning.claude_command or "claude"
    return configured if os.path.isabs(configured) and os.access(configured, os.X_OK) else shutil.which(configured)


def available(learning: Learning) -> bool:
    """True when the user opted in, a budget is set and the CLI can be found (the budget is checked per call)."""
    return learning.extractor == "claude-cli" and learning.daily_token_budget > 0 and command(learning) is not None


def argv(executable: str, model: str) -> list[str]:
    """The child's command line: headless, one JSON answer, nothing loaded that could call back into us."""
    return [executable, "-p", "--output-format", "json", "--model", model, "--max-turns", "1",
            "--system-prompt", llm_prompt.SYSTEM, "--tools", "", "--setting-sources", "",
            "--settings", json.dumps({"disableAllHooks": True}), "--strict-mcp-config",
            "--disable-slash-commands", "--no-session-persistence"]


def child_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The caller's environment (the user's own auth) with this plugin switched off."""
    env = dict(os.environ if environ is None else environ)
    env["MEMORY_DISABLE"] = "1"
    return env


def extract(records: list[Any], *, session_id: str, learning: Learning, conn: sqlite3.Connection) -> list[Any]:
    """Ask the user's `claude -p` for learnings; [] when over budget, on timeout or on an unusable answer."""
    from memory import log
    from memory.learning import budget
    from memory.learning.haiku import condense
    from memory.tokens import estimate_tokens

    executable = command(learning)
    transcript = condense(records, learning.max_input_tokens)
    if executable is None or not transcript.strip():
        return []
    prompt = f"{llm_prompt.JSON_INSTRUCTIONS}\n\n<session>\n{transcript}\n</session>"
    estimate = estimate_tokens(llm_prompt.SYSTEM) + estimate_tokens(prompt) + CLI_OVERHEAD_TOKENS + MAX_OUTPUT_TOKENS
    limit = learning.daily_token_budget
    if not budget.allows(conn, limit, estimate):
        log.info(NAME, f"skipped: ~{estimate} tokens would pass today's budget of {limit}")
        return []
    model = learning.claude_model
    timeout = learning.claude_timeout_seconds
    done = run(argv(executable, model), prompt, timeout)
    if done is None:
        budget.charge(conn, model, "extract", estimate - MAX_OUTPUT_TOKENS, MAX_OUTPUT_TOKENS)
        log.error(NAME, f"claude -p did not answer within {timeout:.0f}s: killed, estimate charged")
        return []
    code, stdout, stderr = done
    answer = _result_event(stdout)
    if answer is None:
        log.error(NAME, f"claude -p exited {code} without a JSON result: {stderr[-300:]!r}")
        return []
    usage = answer.get("usage") or {}
    spent_in = sum(int(usage.get(k) or 0) for k in ("input_tokens", "cache_creation_input_tokens",
                                                     "cache_read_input_tokens"))
    budget.charge(conn, model, "extract", spent_in, int(usage.get("output_tokens") or 0))
    if answer.get("is_error"):
        log.error(NAME, f"claude -p reported an error: {str(answer.get('result'))[:300]!r}")
        return []
    items = llm_prompt.parse_json_answer(str(answer.get("result") or ""))
    if items is None:
        log.info(NAME, "claude -p answered without a learnings object")
        return []
    return llm_prompt.parse_items(items, session_id=session_id, extractor=NAME)


def run(args: list[str], prompt: str, timeout: float) -> tuple[int, str, str] | None:
    """Run the child in its own process group with ``prompt`` on stdin; None (group killed) on timeout."""
    process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=child_env(), start_new_session=True)
    try:
        stdout, stderr = process.communicate(prompt, timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.communicate()
        return None
    return process.returncode, stdout, stderr


def _result_event(stdout: str) -> dict[str, Any] | None:
    """The CLI's JSON result object (``--output-format json``), or None."""
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if isinstance(data, dict) and data.get("type") == "result":
                return data
    return None
