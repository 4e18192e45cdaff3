"""Fixtures for the signatures tests: real code files in a real project folder, and the real hook process."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import hook_env, hook_output, payload, run_hook


def python_source(lines_wanted: int = 600) -> tuple[str, dict[str, int]]:
    """A Python module of about ``lines_wanted`` lines, and the line of each definition it holds."""
    lines = ['"""A generated-for-test module of services."""', "", "import os", "import json", ""]
    where: dict[str, int] = {}
    index = 0
    while len(lines) < lines_wanted - 12:
        lines += ["", ""]
        where[f"Service{index}"] = len(lines) + 1
        lines += [f"class Service{index}:", f'    """Service number {index}."""', ""]
        for method in range(2):
            where[f"Service{index}.handle_{method}"] = len(lines) + 1
            lines += [
                f"    def handle_{method}(self, request: dict, retries: int = {method}) -> dict:",
                f'        """Handle a request of kind {method}."""',
                "        result = dict(request)",
                "        for attempt in range(retries):",
                "            result[str(attempt)] = os.getpid()",
                "        return json.loads(json.dumps(result))",
                "",
            ]
        index += 1
    while len(lines) < lines_wanted:
        lines.append(f"# padding line {len(lines) + 1}")
    return "\n".join(lines) + "\n", where


def typescript_source(lines_wanted: int = 600) -> tuple[str, dict[str, int]]:
    """A TypeScript module of about ``lines_wanted`` lines, and the line of each definition it holds."""
    lines = ["import { readFileSync } from 'fs';", ""]
    where: dict[str, int] = {}
    index = 0
    while len(lines) + 27 <= lines_wanted:
        lines.append("")
        where[f"Options{index}"] = len(lines) + 1
        lines += [f"export interface Options{index} {{", "  path: string;", "  retries: number;", "}", ""]
        where[f"Loader{index}"] = len(lines) + 1
        lines += [f"export class Loader{index} {{"]
        where[f"Loader{index}.load"] = len(lines) + 1
        lines += [
            f"  load(options: Options{index}): string {{",
            "    let text = '';",
            "    for (let i = 0; i < options.retries; i++) {",
            "      try {",
            "        text = readFileSync(options.path, 'utf8');",
            "        break;",
            "      } catch (error) {",
            "        if (i === options.retries - 1) {",
            "          throw error;",
            "        }",
            "      }",
            "    }",
            "    if (text.length === 0) {",
            "      return 'empty';",
            "    }",
            "    return text;",
            "  }",
            "}",
        ]
        index += 1
    while len(lines) < lines_wanted:
        lines.append(f"// padding line {len(lines) + 1}")
    return "\n".join(lines) + "\n", where


class Session:
    """Drives the real hook processes for one Claude Code session in one project."""

    def __init__(self, project: Path, home: Path, session_id: str = "session-1", **env: str) -> None:
        self.project, self.home, self.session_id = project, home, session_id
        self.env = hook_env(MEMORY_HOME=str(home), MEMORY_CONTINUITY_ENABLED="0", **env)
        self._next_id = 0

    def read(self, path: Path | str, **tool_input: Any) -> dict[str, Any] | None:
        """PreToolUse Read of ``path``; the hook's answer (None: the Read passes untouched)."""
        return hook_output(self.pre_read_process(path, **tool_input))

    def pre_read_process(self, path: Path | str, **tool_input: Any):
        """The completed PreToolUse process (to inspect stderr)."""
        self._next_id += 1
        body = payload("PreToolUse", self.session_id, str(self.project), tool_name="Read",
                       tool_use_id=f"toolu_{self._next_id}", tool_input={"file_path": str(path), **tool_input})
        return run_hook("PreToolUse", body, env=self.env)

    @property
    def last_tool_use_id(self) -> str:
        return f"toolu_{self._next_id}"

    def post(self, tool_name: str, tool_input: dict[str, Any], tool_response: Any, tool_use_id: str | None = None):
        """PostToolUse of a tool call (answers nothing)."""
        if tool_use_id is None:
            self._next_id += 1
            tool_use_id = f"toolu_{self._next_id}"
        body = payload("PostToolUse", self.session_id, str(self.project), tool_name=tool_name,
                       tool_input=tool_input, tool_response=tool_response, tool_use_id=tool_use_id)
        assert hook_output(run_hook("PostToolUse", body, env=self.env)) is None

    def db(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.home / "memory.db")
        conn.row_factory = sqlite3.Row
        return conn


def read_response(path: Path, start: int = 1, count: int | None = None) -> dict[str, Any]:
    """A PostToolUse Read tool_response as Claude Code 2.1.197 sends it."""
    all_lines = path.read_text().splitlines()
    chosen = all_lines[start - 1: None if count is None else start - 1 + count]
    return {"type": "text", "file": {"filePath": str(path), "content": "\n".join(chosen), "numLines": len(chosen),
                                     "startLine": start, "totalLines": len(all_lines)}}


def outline_lines(context: str) -> dict[int, str]:
    """Line number -> what the context shows there: the source text of a numbered line (``N│ text``), or the
    name of a ``name:line`` entry of a compact ``·`` line."""
    import re

    from parser import compact_entries

    found = {number: name for name, number in compact_entries(context)}
    for line in context.splitlines():
        match = re.match(r"^ *(\d+)│ (.*)$", line)
        if match:
            found[int(match.group(1))] = match.group(2)
    return found


def context_of(answer: dict[str, Any]) -> str:
    return answer["hookSpecificOutput"]["additionalContext"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / ".git").mkdir()  # a repository root: the project is this folder
    return folder


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "memory-home"


@pytest.fixture
def session(project: Path, home: Path) -> Session:
    return Session(project, home)


@pytest.fixture
def py_file(project: Path) -> tuple[Path, dict[str, int]]:
    text, where = python_source(600)
    path = project / "src" / "services.py"
    path.parent.mkdir()
    path.write_text(text)
    return path, where


def dumps(data: Any) -> str:
    return json.dumps(data)


__all__ = ["Session", "context_of", "python_source", "read_response", "typescript_source", "os"]
