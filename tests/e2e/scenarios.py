"""Scripted sessions of the real CLI with the probe plugin: the contract tests assert on them, and
capture_fixtures.py saves their hook payloads and transcript as fixtures for unit tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from tests.support.api_server import Reply, ScriptedServer, end_turn, text, tool_use, tool_uses
from tests.e2e.claude_runner import Claude, Result, make_claude
from tests.e2e.probe_plugin import ProbePlugin, write_probe_plugin

BIG_FILE_LINES = 100
EDITED_LINE = ("value_50 = 50", "value_50 = 5000")
SIGNATURES_MARK = "E2E-SIGNATURES: def value_1 (line 1)"
COMMAND_OUTPUT = "123456"


def context_answer(event: str, context: str) -> dict[str, Any]:
    """A hook answer that adds context for the model."""
    return {"hookSpecificOutput": {"hookEventName": event, "additionalContext": context}}


def marker(event: str, detail: str = "") -> str:
    """The recognisable additionalContext text a probe hook answers for one event (and source)."""
    return f"E2E-CONTEXT-{event}{'-' + detail if detail else ''}"


def numbered_lines(count: int) -> str:
    """A file body whose line N reads `value_N = N`."""
    return "".join(f"value_{n} = {n}\n" for n in range(1, count + 1))


def narrow_read_answer(file_path: Path) -> dict[str, Any]:
    """PreToolUse Read answer: allow, but read only line 1, and add signatures as context."""
    return {"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "allow",
                                   "updatedInput": {"file_path": str(file_path), "offset": 1, "limit": 1},
                                   "additionalContext": SIGNATURES_MARK}}


@dataclass
class Session:
    """What a scenario left behind: the bound CLI, the server's records, the probe and each run's result."""

    claude: Claude
    probe: ProbePlugin
    runs: list[Result] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def server(self) -> ScriptedServer:
        """The scripted API server the runs talked to."""
        return self.claude.server


def _stepper(steps: list[Callable[[], Reply]]) -> Callable[[dict, int], Reply]:
    """A script from a list of reply makers (called when their turn comes, so they may act first)."""
    return lambda body, turn: steps[turn]() if turn < len(steps) else end_turn()


def run_tool_session(root: Path, binary: Path | None = None) -> Session:
    """One `-p` run whose script uses Read (narrowed by the hook, then plain, then unchanged), Edit,
    Write, Bash (success and failure, in parallel), TaskCreate and TaskUpdate."""
    answers = {"SessionStart": context_answer("SessionStart", marker("SessionStart")),
               "UserPromptSubmit": context_answer("UserPromptSubmit", marker("UserPromptSubmit"))}
    probe = write_probe_plugin(root / "plugin", answers)
    project = root / "project"
    project.mkdir(parents=True, exist_ok=True)
    big, new = project / "big.py", project / "notes.txt"
    big.write_text(numbered_lines(BIG_FILE_LINES))
    probe.respond({**answers, "PreToolUse:Read": narrow_read_answer(big)})

    def plain_read() -> Reply:
        probe.respond(answers)  # from now on the hook lets Read through untouched
        return tool_use("Read", {"file_path": str(big)})

    steps: list[Callable[[], Reply]] = [
        lambda: tool_use("Read", {"file_path": str(big)}),
        lambda: tool_use("Edit", {"file_path": str(big), "old_string": EDITED_LINE[0],
                                  "new_string": EDITED_LINE[1]}),
        plain_read,
        lambda: tool_use("Read", {"file_path": str(big)}),
        lambda: tool_use("Write", {"file_path": str(new), "content": "first note\n"}),
        lambda: tool_uses(("Bash", {"command": "echo to-stdout; echo to-stderr >&2", "description": "ok"}),
                          ("Bash", {"command": "cat missing-file.txt", "description": "fails"})),
        lambda: tool_use("TaskCreate", {"subject": "Refactor big.py", "description": "Split the values",
                                        "activeForm": "Refactoring big.py"}),
        lambda: tool_use("TaskUpdate", {"taskId": "1", "status": "completed"}),
        lambda: text("All steps done."),
    ]
    with ScriptedServer(_stepper(steps)) as server:
        claude = make_claude(root, server, binary=binary, plugin_dir=probe.root)
        session = Session(claude, probe, files={"big": big, "new": new})
        session.runs.append(claude.run("Work through big.py"))
    return session


def run_compaction_session(root: Path, binary: Path | None = None) -> Session:
    """Three runs of one session: a start with tool calls, `/compact` on resume, then a resumed prompt.
    SessionStart answers a different marker per source (startup, resume, compact)."""
    answers = {f"SessionStart:{source}": context_answer("SessionStart", marker("SessionStart", source))
               for source in ("startup", "resume", "compact")}
    probe = write_probe_plugin(root / "plugin", answers)
    project = root / "project"
    project.mkdir(parents=True, exist_ok=True)
    notes = project / "plan.md"
    notes.write_text("# Plan\n- step one\n- step two\n")
    script = [tool_use("Read", {"file_path": str(notes)}),
              tool_use("Edit", {"file_path": str(notes), "old_string": "- step one",
                                "new_string": "- step one (done)"}),
              tool_use("Bash", {"command": "echo checked", "description": "check"}),
              text("Step one is done.")]
    with ScriptedServer(script) as server:
        claude = make_claude(root, server, binary=binary, plugin_dir=probe.root)
        session = Session(claude, probe, files={"plan": notes})
        first = claude.run("Do step one of plan.md")
        session.runs.append(first)
        session.runs.append(claude.run("/compact keep the plan in mind", resume=first.session_id))
        session.runs.append(claude.run("Continue with step two", resume=first.session_id))
    return session


def run_command_session(root: Path, binary: Path | None = None) -> Session:
    """A plugin slash command whose !`python3 …` line must run (allowed-tools given) and one without
    allowed-tools whose line must not."""
    probe = write_probe_plugin(root / "plugin", {})
    commands = probe.root / "commands"
    commands.mkdir(exist_ok=True)
    (commands / "x.md").write_text(
        "---\nname: x\ndescription: e2e probe command\nargument-hint: [words]\n"
        "allowed-tools: Bash(python3:*)\n---\n"
        f"Command output:\n!`python3 -c \"print({COMMAND_OUTPUT})\"`\n"
        "Arguments: $ARGUMENTS\nPlugin root: ${CLAUDE_PLUGIN_ROOT}\n")
    (commands / "y.md").write_text(
        "---\nname: y\ndescription: e2e probe command without allowed-tools\n---\n"
        f"Command output:\n!`python3 -c \"print({COMMAND_OUTPUT[::-1]})\"`\n")
    with ScriptedServer([text("Seen.")]) as server:
        claude = make_claude(root, server, binary=binary, plugin_dir=probe.root)
        session = Session(claude, probe)
        session.runs.append(claude.run("/x alpha beta"))
        session.runs.append(claude.run("/y"))
    return session
