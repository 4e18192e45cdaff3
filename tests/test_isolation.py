"""A user's project may hold its own ``memory.py`` or ``memory/`` package: our processes must still load ours.

Claude Code runs hooks with the project as the working directory, and everything they start inherits it. A
child started as ``python -m memory.worker`` would put that directory first on ``sys.path`` and import the
project's ``memory`` instead of the plugin's: the worker died and no learning was ever extracted. Every child
process is started from the plugin root's own script with an explicit path, which this test pins down through
the real SessionEnd hook and the detached worker it starts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from memory import store
from tests.support.session import LAUNCHER, hook_env, payload
from tests.support.transcript import fixture_transcripts

SHADOW = "import pathlib\npathlib.Path(__file__).resolve().parent.joinpath('SHADOWED').write_text(__name__)\n"


@pytest.mark.parametrize("layout", ["module", "package"])
def test_a_project_memory_module_does_not_shadow_the_plugin(memory_home: Path, project_dir: Path, layout: str) -> None:
    if layout == "module":
        (project_dir / "memory.py").write_text(SHADOW)
    else:
        (project_dir / "memory").mkdir()
        (project_dir / "memory" / "__init__.py").write_text(SHADOW)
        (project_dir / "memory" / "worker.py").write_text(SHADOW)
    transcript = project_dir / "transcript.jsonl"
    shutil.copy(max(fixture_transcripts(), key=lambda p: p.stat().st_size), transcript)
    event = payload("SessionEnd", session_id="shadow-1", cwd=str(project_dir), transcript_path=str(transcript),
                    reason="prompt_input_exit")
    env = hook_env(MEMORY_CONTINUITY_ENABLED="0")
    result = subprocess.run(["sh", str(LAUNCHER), "SessionEnd"], input=json.dumps(event).encode(),
                            capture_output=True, timeout=30, env=env, cwd=project_dir)  # as Claude Code runs it
    assert result.returncode == 0 and not result.stdout, result.stderr
    conn = store.connect()
    assert conn.execute("SELECT count(*) FROM jobs WHERE kind = 'extract'").fetchone()[0] == 1
    deadline = time.time() + 90
    while time.time() < deadline and conn.execute("SELECT status FROM jobs").fetchone()[0] != "done":
        time.sleep(0.2)
    assert conn.execute("SELECT status FROM jobs").fetchone()[0] == "done"
    assert conn.execute("SELECT count(*) FROM learnings WHERE source_session = 'shadow-1'").fetchone()[0] > 0
    assert not list(project_dir.rglob("SHADOWED")), "the project's memory module was imported"
