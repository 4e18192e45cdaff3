"""Run the real, pinned `claude` CLI against the scripted loopback server, isolated from the real user.

Two versions, each from its committed npm lock file (installed by install-claude.sh): the pinned one
(tests/e2e/package-lock.json -> <repo>/.tools) and the newest the registry offered when it was last raised
(tests/e2e/newest/package-lock.json -> <repo>/.tools/newest). The e2e suite runs against both. Each
run gets a minimal environment: HOME and the memory data folder are temp dirs, the API base URL is the
loopback server, and every proxy variable points at that same server so that any attempt to reach the
internet is recorded there (and refused) instead of leaving the machine.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from tests.support.api_server import ScriptedServer

REPO_ROOT = Path(__file__).resolve().parents[2]
INSTALL_SCRIPT = REPO_ROOT / "tests" / "e2e" / "install-claude.sh"
CLAUDE_BIN = REPO_ROOT / ".tools" / "node_modules" / ".bin" / "claude"
PINNED_VERSION = "2.1.197"
NEWEST_BIN = REPO_ROOT / ".tools" / "newest" / "node_modules" / ".bin" / "claude"
# version -> binary; every e2e test that takes the `claude_binary` fixture runs once per entry.
CLAUDE_VERSIONS = {
    PINNED_VERSION: CLAUDE_BIN,
    json.loads((REPO_ROOT / "tests" / "e2e" / "newest" / "package.json").read_text(encoding="utf-8"))
    ["dependencies"]["@anthropic-ai/claude-code"]: NEWEST_BIN,
}

# Variables of the parent environment a run may keep; everything else (the caller's ANTHROPIC_*,
# CLAUDE*, proxies, XDG dirs) is dropped so that nothing of the real user leaks in.
_INHERITED = ("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR")


class ClaudeUnavailable(RuntimeError):
    """node or npm is missing, so the CLI cannot be installed here: the one reason e2e tests skip."""


class ClaudeInstallFailed(RuntimeError):
    """node and npm exist but install-claude.sh failed: an error, never a skip."""


def version_key(version: str) -> tuple[int, ...]:
    """'2.1.197' -> (2, 1, 197), for comparing versions."""
    return tuple(int(part) for part in version.split("."))


def find_claude(install: bool = True, version: str = PINNED_VERSION) -> Path:
    """The `claude` binary of one of CLAUDE_VERSIONS, installing both with install-claude.sh when node/npm exist.

    Raises ClaudeUnavailable when node/npm are missing, ClaudeInstallFailed when installing fails.
    """
    binary = CLAUDE_VERSIONS[version]
    if binary.exists():
        return binary
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        raise ClaudeUnavailable(f"{' and '.join(missing)} not installed: cannot install the claude CLI "
                                f"(.ci/run installs them; locally run `apt-get install nodejs npm`)")
    if not install:
        raise ClaudeInstallFailed(f"{binary} missing: run {INSTALL_SCRIPT}")
    done = subprocess.run(["sh", str(INSTALL_SCRIPT)], capture_output=True, text=True, timeout=600)
    if done.returncode != 0 or not binary.exists():
        raise ClaudeInstallFailed(f"install-claude.sh failed ({done.returncode}): {done.stderr[-2000:]}")
    return binary


@dataclass
class Result:
    """What one run of the CLI produced: exit code, parsed stream-json events, stderr, wall time."""

    returncode: int
    events: list[dict[str, Any]]
    stderr: str
    stdout: str = ""
    seconds: float = 0.0
    argv: list[str] = field(default_factory=list)

    @property
    def session_id(self) -> str | None:
        """The session id the CLI reported (init event, else the result event)."""
        for event in self.events:
            if event.get("session_id"):
                return event["session_id"]
        return None

    @property
    def result(self) -> dict[str, Any] | None:
        """The closing `result` event, if any."""
        finals = [e for e in self.events if e.get("type") == "result"]
        return finals[-1] if finals else None

    @property
    def final_text(self) -> str:
        """The text of the closing result event ('' when there is none)."""
        return (self.result or {}).get("result") or ""

    def describe(self) -> str:
        """A short report to put in assertion messages."""
        return (f"argv={self.argv}\nreturncode={self.returncode} seconds={self.seconds:.1f}\n"
                f"stderr={self.stderr[-3000:]}\nstdout tail={self.stdout[-3000:]}")


def parse_stream_json(stdout: str) -> list[dict[str, Any]]:
    """The JSON events of `--output-format stream-json` output (one per line; other lines skipped)."""
    events = []
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            events.append(json.loads(line))
        except ValueError:
            continue
    return events


def claude_env(server: ScriptedServer, home: Path, data_dir: Path,
               env_extra: dict[str, str] | None = None) -> dict[str, str]:
    """The whole environment of one run: isolated HOME, loopback API, proxies that trap any egress."""
    env = {key: os.environ[key] for key in _INHERITED if key in os.environ}
    trap = server.url
    env.update({
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "MEMORY_HOME": str(data_dir),
        "MEMORY_PYTHON": sys.executable,  # hooks/run: run the plugin with the interpreter of the tests
        "ANTHROPIC_BASE_URL": server.url,
        "ANTHROPIC_API_KEY": "x",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_AUTOUPDATER": "1",
        "DISABLE_TELEMETRY": "1",
        "DISABLE_ERROR_REPORTING": "1",
        # 2.1.332 offers the task tools (TaskCreate/TaskUpdate) to its default model in -p mode only with this
        # opt-in ("TaskCreate is disabled for this session" otherwise); 2.1.197 always offers them.
        "CLAUDE_CODE_ENABLE_TODO_TOOLS": "1",
        "HTTP_PROXY": trap, "HTTPS_PROXY": trap, "http_proxy": trap, "https_proxy": trap,
        "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
    })
    env.update(env_extra or {})
    return env


def run_claude(prompt: str | None, *, server: ScriptedServer, cwd: Path, home: Path, data_dir: Path,
               plugin_dir: Path | None = REPO_ROOT, env_extra: dict[str, str] | None = None,
               resume: str | None = None, timeout: float = 120, extra_args: Sequence[str] = (),
               binary: Path | None = None) -> Result:
    """Run `claude -p PROMPT` once (stream-json, acceptEdits) and return what it produced.

    `plugin_dir=None` loads no plugin; `resume` continues a session by id; `extra_args` go last.
    """
    argv = [str(binary or find_claude())]
    if prompt is not None:
        argv += ["-p", prompt]
    if plugin_dir is not None:
        argv += ["--plugin-dir", str(plugin_dir)]
    argv += ["--permission-mode", "acceptEdits", "--output-format", "stream-json", "--verbose"]
    if resume:
        argv += ["--resume", resume]
    argv += list(extra_args)
    return _run(argv, cwd=cwd, env=claude_env(server, home, data_dir, env_extra), timeout=timeout)


def run_claude_cli(args: Sequence[str], *, cwd: Path, home: Path, timeout: float = 60,
                   binary: Path | None = None) -> Result:
    """Run a non-conversation subcommand (e.g. `plugin validate DIR`) with an isolated HOME, no network."""
    env = {key: os.environ[key] for key in _INHERITED if key in os.environ}
    env.update({"HOME": str(home), "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
                "DISABLE_AUTOUPDATER": "1", "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY":
                "http://127.0.0.1:9", "NO_PROXY": "127.0.0.1,localhost"})
    return _run([str(binary or find_claude()), *args], cwd=cwd, env=env, timeout=timeout)


def _run(argv: list[str], *, cwd: Path, env: dict[str, str], timeout: float) -> Result:
    """Run argv in its own process group (killed whole on timeout); stdin is closed."""
    started = time.monotonic()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        stderr += f"\n[e2e] killed after {timeout}s timeout"
    return Result(process.returncode, parse_stream_json(stdout), stderr, stdout,
                  time.monotonic() - started, argv)


@dataclass
class Claude:
    """The CLI bound to one server and one isolated HOME / data dir / project dir; runs it on demand."""

    binary: Path
    server: ScriptedServer
    home: Path
    data_dir: Path
    cwd: Path
    plugin_dir: Path | None = REPO_ROOT

    def run(self, prompt: str | None, *, resume: str | None = None, env_extra: dict[str, str] | None = None,
            timeout: float = 120, extra_args: Sequence[str] = (), **overrides: Any) -> Result:
        """Run `claude -p PROMPT` here; keyword overrides (cwd, plugin_dir) replace the bound values."""
        options = {"cwd": self.cwd, "plugin_dir": self.plugin_dir, **overrides}
        return run_claude(prompt, server=self.server, home=self.home, data_dir=self.data_dir,
                          resume=resume, env_extra=env_extra, timeout=timeout, extra_args=extra_args,
                          binary=self.binary, **options)

    def cli(self, *args: str, timeout: float = 60) -> Result:
        """Run a subcommand such as `plugin validate DIR` with this HOME."""
        return run_claude_cli(args, cwd=self.cwd, home=self.home, timeout=timeout, binary=self.binary)


def make_claude(root: Path, server: ScriptedServer, *, binary: Path | None = None,
                plugin_dir: Path | None = REPO_ROOT) -> Claude:
    """A Claude bound to fresh home/, data/ and project/ folders under root."""
    dirs = {name: root / name for name in ("home", "data", "project")}
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    return Claude(binary or find_claude(), server, dirs["home"], dirs["data"], dirs["project"], plugin_dir)


def clean_checkout(target: Path) -> Path:
    """The files git tracks (what a user's clone holds: no .venv, no .tools), copied to ``target``."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, files):
        source = REPO_ROOT / name.decode()
        if source.is_file():
            (target / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name.decode())
    return target
