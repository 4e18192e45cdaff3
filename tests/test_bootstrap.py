"""Zero setup: a missing dependency starts a detached bootstrap; the launcher then uses its venv."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.session import LAUNCHER, REPO, payload

pytestmark = pytest.mark.slow


@pytest.fixture
def bare_python(tmp_path: Path) -> Path:
    """An interpreter with none of our dependencies (a venv without pip), like a user's plain python3."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "bare")], check=True)
    return tmp_path / "bare" / "bin" / "python"


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# nothing to install: the test checks the mechanism, not PyPI\n")
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"), "CLAUDE_PLUGIN_DATA": str(tmp_path / "data"),
            "MEMORY_BOOTSTRAP_REQUIREMENTS": str(requirements), "MEMORY_EMBEDDINGS_PROVIDER": "builtin", **extra}


def wait_for(path: Path, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.2)
    return False


def test_first_session_start_bootstraps_in_the_background(tmp_path: Path, bare_python: Path) -> None:
    env = env_for(tmp_path, MEMORY_PYTHON=str(bare_python))
    started = time.monotonic()
    result = subprocess.run(["sh", str(LAUNCHER), "SessionStart"], input=json.dumps(payload("SessionStart")).encode(),
                            capture_output=True, env=env, timeout=60)
    assert result.returncode == 0
    assert time.monotonic() - started < 10  # the install itself runs detached
    assert wait_for(tmp_path / "data" / "venv" / ".ready", 180)
    # A second SessionStart does not start another bootstrap once it is ready.
    subprocess.run(["sh", str(LAUNCHER), "SessionStart"], input=json.dumps(payload("SessionStart")).encode(), env=env,
                   timeout=60)
    log = (tmp_path / "data" / "logs" / "memory.log").read_text()
    assert log.count("bootstrap: started") == 1


def test_foreground_install_and_launcher_switch(tmp_path: Path, bare_python: Path) -> None:
    env = env_for(tmp_path, MEMORY_BOOTSTRAP_PYTHON=str(bare_python))
    done = subprocess.run(["sh", str(REPO / "install.sh")], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dependencies ready" in done.stdout
    doctor = subprocess.run(["sh", str(LAUNCHER), "cli", "doctor", "--json", "--no-validate"], capture_output=True,
                            text=True, env=env, timeout=60)
    checks = {c["name"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert str(tmp_path / "data" / "venv" / "bin" / "python") in checks["python"]["detail"]
    # The venv got no packages (empty requirements): the CLI still works on the standard library alone and
    # says what is missing.
    assert checks["dependencies"]["status"] == "warn" and "tree_sitter_language_pack" in checks["dependencies"]["detail"]
