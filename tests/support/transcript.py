"""Claude Code transcripts for tests: ``Transcript`` writes one (the JSONL the CLI writes: prompts, prose, tool
calls and their results, rejections, compactions, with the parentUuid chain and the fields of a 2.0.76 session);
``fixture_transcripts`` lists the committed ones (real and written); ``E2E_TRANSCRIPT`` is one the real CLI wrote."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from benchmarks.harness import REAL_TRANSCRIPTS
from tests.support.session import REPO

LOCAL_TRANSCRIPTS = REPO / "tests" / "fixtures" / "transcripts"
E2E_TRANSCRIPT = REPO / "tests" / "fixtures" / "transcripts_e2e" / "tools-and-compaction.jsonl"

MODEL = "claude-sonnet-4-5-20250929"
REJECT = ("The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file "
          "edit, the new_string was NOT written to the file). To tell you how to proceed, the user said:\n")


def fixture_transcripts() -> list[Path]:
    """Every transcript fixture we have: the real ones and the ones written for these tests."""
    found = sorted(REAL_TRANSCRIPTS.glob("*.jsonl")) + sorted(LOCAL_TRANSCRIPTS.glob("*.jsonl"))
    if not found:
        pytest.skip("no transcript fixtures")
    return found


class Transcript:
    """Accumulates transcript lines with a parentUuid chain, like Claude Code writes them."""

    def __init__(self, name: str, cwd: str, start: str, branch: str = "main"):
        self.name, self.cwd, self.branch = name, cwd, branch
        self.sid = str(uuid.uuid5(uuid.NAMESPACE_URL, "compound-memory/written/" + name))
        self.t = datetime.fromisoformat(start).replace(tzinfo=timezone.utc)
        self.lines: list[dict] = []
        self.parent: str | None = None
        self.n = 0
        self.pending: dict[str, str] = {}

    def _id(self, kind: str) -> str:
        self.n += 1
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.sid}/{kind}/{self.n}"))

    def _stamp(self, seconds: float) -> str:
        self.t += timedelta(seconds=seconds)
        return self.t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.t.microsecond // 1000:03d}Z"

    def _base(self, kind: str, seconds: float) -> dict:
        uid = self._id(kind)
        line = {"parentUuid": self.parent, "isSidechain": False, "userType": "external", "cwd": self.cwd,
                "sessionId": self.sid, "version": "2.0.76", "gitBranch": self.branch, "type": kind,
                "uuid": uid, "timestamp": self._stamp(seconds)}
        self.parent = uid
        return line

    def user(self, text: str, seconds: float = 30) -> None:
        """A prompt the user typed."""
        line = self._base("user", seconds)
        line["message"] = {"role": "user", "content": text}
        line["thinkingMetadata"] = {"level": "high", "disabled": False, "triggers": []}
        self.lines.append(line)

    def _assistant(self, block: dict, seconds: float) -> None:
        line = self._base("assistant", seconds)
        mid = "msg_01" + uuid.uuid5(uuid.NAMESPACE_URL, line["uuid"]).hex[:22]
        line["message"] = {"model": MODEL, "id": mid, "type": "message", "role": "assistant", "content": [block],
                           "stop_reason": "tool_use" if block["type"] == "tool_use" else None, "stop_sequence": None,
                           "usage": {"input_tokens": 8, "cache_creation_input_tokens": 512,
                                     "cache_read_input_tokens": 18000 + 700 * self.n, "output_tokens": 180,
                                     "service_tier": "standard"}}
        line["requestId"] = "req_011C" + uuid.uuid5(uuid.NAMESPACE_URL, mid).hex[:20]
        self.lines.append(line)

    def say(self, text: str, seconds: float = 6) -> None:
        """Assistant prose."""
        self._assistant({"type": "text", "text": text}, seconds)

    def tool(self, name: str, seconds: float = 4, **inp) -> str:
        """An assistant tool call; returns its tool_use id."""
        tid = "toolu_01" + uuid.uuid5(uuid.NAMESPACE_URL, f"{self.sid}/tool/{self.n}").hex[:22]
        self._assistant({"type": "tool_use", "id": tid, "name": name, "input": inp}, seconds)
        return tid

    def result(self, tid: str, text: str, error: bool = False, seconds: float = 2, extra=None) -> None:
        """The tool result the harness sends back as a user line."""
        line = self._base("user", seconds)
        block = {"tool_use_id": tid, "type": "tool_result", "content": text}
        if error:
            block["is_error"] = True
        line["message"] = {"role": "user", "content": [block]}
        line["toolUseResult"] = ("Error: " + text) if error else (extra if extra is not None else text)
        self.lines.append(line)

    def bash(self, command: str, output: str, description: str, code: int = 0, seconds: float = 5) -> None:
        """A Bash call and its result (exit code != 0 is an error result, as Claude Code reports it)."""
        tid = self.tool("Bash", command=command, description=description)
        if code:
            self.result(tid, f"Exit code {code}\n{output}", error=True, seconds=seconds)
        else:
            self.result(tid, output, seconds=seconds,
                        extra={"stdout": output, "stderr": "", "interrupted": False, "isImage": False})

    def reject(self, name: str, reason: str, **inp) -> None:
        """A tool call the user rejected, giving a reason."""
        tid = self.tool(name, **inp)
        self.result(tid, REJECT + reason, error=True, seconds=20)

    def edit(self, path: str, old: str, new: str) -> None:
        """A successful Edit."""
        tid = self.tool("Edit", file_path=path, old_string=old, new_string=new)
        self.result(tid, f"The file {path} has been updated. Here's the result of running `cat -n` on a snippet "
                         f"of the edited file:\n     1→{new.splitlines()[0] if new else ''}",
                    extra={"filePath": path, "oldString": old, "newString": new, "replaceAll": False})

    def write(self, path: str, content: str) -> None:
        """A successful Write."""
        tid = self.tool("Write", file_path=path, content=content)
        self.result(tid, f"File created successfully at: {path}",
                    extra={"type": "create", "filePath": path, "content": content})

    def read(self, path: str, content: str) -> None:
        """A successful Read."""
        tid = self.tool("Read", file_path=path)
        numbered = "\n".join(f"{i:6}→{l}" for i, l in enumerate(content.splitlines(), 1))
        self.result(tid, numbered, extra={"type": "text", "file": {"filePath": path, "content": content}})

    def compact(self, summary: str, pre_tokens: int = 154000) -> None:
        """An automatic compaction: the boundary line, then the summary as a user line."""
        uid = self._id("system")
        self.lines.append({"parentUuid": None, "logicalParentUuid": self.parent, "isSidechain": False,
                           "userType": "external", "cwd": self.cwd, "sessionId": self.sid, "version": "2.0.76",
                           "gitBranch": self.branch, "type": "system", "subtype": "compact_boundary",
                           "content": "Conversation compacted", "isMeta": False, "timestamp": self._stamp(40),
                           "uuid": uid, "level": "info",
                           "compactMetadata": {"trigger": "auto", "preTokens": pre_tokens}})
        self.parent = uid
        line = self._base("user", 1)
        line["message"] = {"role": "user", "content":
                           "This session is being continued from a previous conversation that ran out of context. "
                           "The conversation is summarized below:\n" + summary +
                           "\nPlease continue the conversation from where we left it off without asking the user "
                           "any further questions. Continue with the last task that you were asked to work on."}
        line["isVisibleInTranscriptOnly"] = True
        line["isCompactSummary"] = True
        self.lines.append(line)

    def text(self) -> str:
        """The transcript as JSON Lines."""
        return "".join(json.dumps(l, ensure_ascii=False, separators=(",", ":")) + "\n" for l in self.lines)

    def save(self, folder: Path) -> Path:
        """Write NAME.jsonl into ``folder``; return its path."""
        path = Path(folder) / f"{self.name}.jsonl"
        path.write_text(self.text(), encoding="utf-8")
        return path


