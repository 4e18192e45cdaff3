"""Recall at the moment of action, through the real PreToolUse/PostToolUse hook processes on a real store."""

from __future__ import annotations

import json

from memory import shell, store
from memory.learning import anchors
from memory.project import find_project
from memory.store.core import upsert_project
from tests.support.action import (CARGO, MONEY, MONEY_FILE, OTHER, PNPM, ROUND, add, context, post, pre,
                                  recalls, seed)
from tests.support.session import hook_env, payload, run_hook

def test_a_command_anchor_fires_on_its_command_once_per_session(memory_home, project_dir, tmp_path):
    ids = seed(project_dir, tmp_path / "other")
    text = pre(project_dir, "Bash", {"command": "cd web && npm install left-pad"})
    assert text is not None and PNPM in text and f"#{ids['pnpm']}, global; command `npm`" in text
    assert text.startswith("compound-memory, before `npm install`: ")
    assert pre(project_dir, "Bash", {"command": "npm install"}) is None  # once per session
    assert PNPM in pre(project_dir, "Bash", {"command": "npm ci"}, session="s2")
    text = pre(project_dir, "Bash", {"command": "DATABASE_URL= cargo test --release -p core"})
    assert CARGO in text and OTHER not in text  # the other project's learning stays there
    assert recalls("s1") == [{"learning_id": ids["pnpm"], "event": "PreToolUse:Bash", "query": "command `npm`"},
                             {"learning_id": ids["cargo"], "event": "PreToolUse:Bash",
                              "query": "command `cargo test`"}]


def test_global_learnings_stay_out_when_global_preferences_are_off(memory_home, project_dir):
    seed(project_dir)
    env = hook_env(MEMORY_RECALL_GLOBAL_PREFERENCES="0")
    answer = run_hook("PreToolUse", payload("PreToolUse", session_id="s1", cwd=str(project_dir), tool_name="Bash",
                                            tool_input={"command": "npm install"}), env=env)
    assert context(answer) is None
    assert PNPM in pre(project_dir, "Bash", {"command": "npm install"})


def test_commands_that_only_look_alike_do_not_fire(memory_home, project_dir):
    seed(project_dir)
    for command in ("pnpm install", "cargo build", "echo npm install", "cat cargo-test.log", "npmx run",
                    "ls node_modules/npm", "git commit -m 'cargo test now passes'"):
        assert pre(project_dir, "Bash", {"command": command}) is None, command


def test_edit_of_an_anchored_file_or_symbol_fires_at_most_two(memory_home, project_dir):
    ids = seed(project_dir)
    money = project_dir / "money.py"
    money.write_text(MONEY)
    text = pre(project_dir, "Edit", {"file_path": str(money), "old_string": "return amount",
                                     "new_string": "return amount.quantize(Decimal('0.01'))"})
    assert ROUND in text and MONEY_FILE in text
    assert "symbol" not in text  # round_total is not in the edited text: both fired on the file
    assert pre(project_dir, "Write", {"file_path": str(money), "content": MONEY}) is None  # both shown already
    # A symbol in the edited text of another file fires too.
    text = pre(project_dir, "MultiEdit", {"file_path": str(project_dir / "invoice.py"),
                                          "edits": [{"old_string": "x", "new_string": "total = round_total(x)"}]},
               session="s2")
    assert ROUND in text and "symbol `round_total` in the edited text" in text and MONEY_FILE not in text
    assert {r["learning_id"] for r in recalls("s2")} == {ids["round"]}


def test_forgotten_superseded_and_already_recalled_learnings_never_fire(memory_home, project_dir):
    conn = store.connect()
    pid = upsert_project(conn, find_project(str(project_dir)))
    anchor = [{"kind": "command", "value": "alembic upgrade"}]
    newer = add(conn, pid, "fix", "alembic upgrade needs the venv's alembic, not the system one.", anchor)
    add(conn, pid, "fix", "alembic upgrade head is run by CI only.", anchor, superseded_by=newer)
    add(conn, pid, "fix", "alembic upgrade must run twice.", anchor, forgotten_at="2026-01-01T00:00:00.000Z")
    conn.execute("INSERT INTO recalls(learning_id, session_id, event, query) VALUES (?, 's1', 'SessionStart', 'x')",
                 (newer,))
    conn.close()
    assert pre(project_dir, "Bash", {"command": "alembic upgrade head"}) is None
    text = pre(project_dir, "Bash", {"command": "alembic upgrade head"}, session="s2")
    assert "venv's alembic" in text and "CI only" not in text and "twice" not in text


def test_a_changed_signature_makes_the_learning_stale_and_silent_until_seen_again(memory_home, project_dir):
    ids = seed(project_dir)
    money = project_dir / "money.py"
    money.write_text(MONEY)
    post(project_dir, "Read", {"file_path": str(money)})  # first sight: the baseline
    money.write_text(MONEY.replace("def round_total(amount):", "def round_total(amount, places=2):"))
    post(project_dir, "Edit", {"file_path": str(money)})
    conn = store.connect()
    from memory.store import anchor_marks

    reasons = anchor_marks.stale_reasons(conn, [ids["round"], ids["money"]])
    assert list(reasons) == [ids["round"]]
    assert "round_total" in reasons[ids["round"]] and "places=2" in reasons[ids["round"]]
    text = pre(project_dir, "Edit", {"file_path": str(money), "old_string": "round_total(amount, places=2)",
                                     "new_string": "round_total(amount, places=3)"})
    assert ROUND not in text and MONEY_FILE in text  # stale: never at the moment of action
    money.write_text(MONEY)  # the definition is back as it was
    post(project_dir, "Read", {"file_path": str(money)})
    assert anchor_marks.stale_reasons(conn, [ids["round"]]) == {}


def test_a_deleted_file_makes_its_learnings_stale(memory_home, project_dir):
    ids = seed(project_dir)
    money = project_dir / "money.py"
    money.write_text(MONEY)
    post(project_dir, "Read", {"file_path": str(money)})
    money.unlink()
    post(project_dir, "Bash", {"command": "git rm -q money.py && echo done"})
    from memory.store import anchor_marks

    reasons = anchor_marks.stale_reasons(store.connect(), ids.values())
    assert set(reasons) == {ids["round"], ids["money"]}
    assert "money.py was deleted" in reasons[ids["money"]]


def test_bad_tool_inputs_pass_silently(memory_home, project_dir):
    seed(project_dir)
    for tool, tool_input in [("Bash", {}), ("Bash", {"command": 12}), ("Bash", {"command": "echo 'unclosed"}),
                             ("Edit", {"file_path": ""}), ("Write", {"file_path": 3, "content": None}),
                             ("MultiEdit", {"file_path": "/x.py", "edits": "nope"}), ("Glob", {"pattern": "*"})]:
        assert pre(project_dir, tool, tool_input) is None


def test_invocations():
    assert shell.invocations("FOO=1 sudo -E cargo test --release") == [("cargo", "test")]
    assert shell.invocations("git -C repo status; python -m pytest -q") == [("git", "status"), ("pytest", None)]
    assert shell.invocations("uv run alembic upgrade head | tee log") == [("alembic", "upgrade"), ("tee", "log")]
    assert anchors.command_match("npm", [("cd", "web"), ("npm", "install")]) == ("npm", "install")
    assert anchors.command_match("npm install", [("pnpm", "install")]) is None
    assert anchors.command_match("cargo test --release", [("cargo", "test")]) == ("cargo", "test")
    assert anchors.command_match("tox -e unit", shell.invocations("tox -e lint")) is None


def test_why_show_confirm_and_forget_explain_and_undo_an_injection(memory_home, project_dir):
    from tests.support.session import run_cli

    ids = seed(project_dir)
    money = project_dir / "money.py"
    money.write_text(MONEY)
    assert PNPM in pre(project_dir, "Bash", {"command": "npm install"})
    assert ROUND in pre(project_dir, "Edit", {"file_path": str(money), "old_string": "a", "new_string": "b"})
    why = run_cli("why", "--json", cwd=project_dir)
    assert why.returncode == 0, why.stderr
    data = json.loads(why.stdout)
    assert data["session_id"] == "s1"
    assert [(i["where"], i["id"], i["why"]) for i in data["injections"]][-1] == (
        "Bash", ids["pnpm"], "anchor: command `npm`")
    assert {i["where"] for i in data["injections"]} == {"Bash", "Edit"}
    text = run_cli("why", cwd=project_dir).stdout
    assert "Bash" in text and f"#{ids['pnpm']} [preference, global]" in text and "forget ID" in text

    post(project_dir, "Read", {"file_path": str(money)})
    money.write_text(MONEY.replace("round_total(amount)", "round_total(amount, cents)"))
    post(project_dir, "Read", {"file_path": str(money)})
    shown = run_cli("show", str(ids["round"]), cwd=project_dir)
    assert shown.returncode == 0, shown.stderr
    assert "May be stale" in shown.stdout and "round_total(amount, cents)" in shown.stdout
    assert "at Edit in session s1: anchor: file money.py" in shown.stdout
    assert "Anchors: symbol round_total (in money.py); file money.py" in shown.stdout
    confirmed = run_cli("confirm", str(ids["round"]), "--json", cwd=project_dir)
    assert json.loads(confirmed.stdout)["was_stale"] is True
    assert "May be stale" not in run_cli("show", str(ids["round"]), cwd=project_dir).stdout
    assert json.loads(run_cli("show", str(ids["round"]), "--json", cwd=project_dir).stdout)["stale"] is None

    assert run_cli("forget", str(ids["pnpm"]), cwd=project_dir).returncode == 0
    assert pre(project_dir, "Bash", {"command": "npm install"}, session="s9") is None
    assert run_cli("confirm", "999", cwd=project_dir).returncode == 1
    assert run_cli("why", "--session", "nobody", cwd=project_dir).returncode == 1


def test_malformed_anchor_lists_are_skipped_not_fatal(memory_home, project_dir):
    conn = store.connect()
    pid = upsert_project(conn, find_project(str(project_dir)))
    add(conn, pid, "tip", "String anchors are not anchors.", ["npm", 3, None, [1]], files=["x.py"])
    conn.execute("UPDATE learnings SET anchors_json = 'not json' WHERE text LIKE 'String%'")
    add(conn, pid, "tip", "Run npm with --no-fund.", ["npm install", {"kind": "command"}, {"kind": "command", "value": "npm"}])
    conn.close()
    assert "--no-fund" in pre(project_dir, "Bash", {"command": "npm install"})
    assert "String anchors" in pre(project_dir, "Edit", {"file_path": str(project_dir / "x.py"), "old_string": "a",
                                                         "new_string": "b"})


def test_session_start_records_the_baseline_of_new_learnings(memory_home, project_dir):
    """A learning stored by the last session's worker gets its baseline at the next SessionStart, so a change
    made later in that session is noticed even if the file was never read before it."""
    ids = seed(project_dir)
    money = project_dir / "money.py"
    money.write_text(MONEY)
    start = payload("SessionStart", session_id="s5", cwd=str(project_dir), source="startup")
    assert run_hook("SessionStart", start, env=hook_env()).returncode == 0
    conn = store.connect()
    marks = {(r["learning_id"], r["kind"], r["value"]): r["baseline"] for r in conn.execute(
        "SELECT learning_id, kind, value, baseline FROM anchor_marks")}
    assert marks[(ids["round"], "symbol", "round_total")] == "def round_total(amount):"
    assert marks[(ids["money"], "file", "money.py")] is not None  # the content hash
    money.write_text(MONEY.replace("round_total(amount)", "round_total(amount, currency)"))
    post(project_dir, "Edit", {"file_path": str(money)}, session="s5")
    from memory.store import anchor_marks

    assert list(anchor_marks.stale_reasons(conn, ids.values())) == [ids["round"]]


def test_signature_lines_across_languages():
    source = ("class Cart(Base):\n    def round_total(self, amount: float) -> float:\n"
              "export const handle = async (req) => {\nexport function renderInvoice(inv: Invoice) {\n"
              "pub fn parse_config(path: &Path) -> Config {\nfunc (s *Server) ServeHTTP(w http.ResponseWriter) {\n"
              "total = round_total(x)\n")
    assert anchors.signature_line(source, "Cart.round_total") == "def round_total(self, amount: float) -> float:"
    assert anchors.signature_line(source, "handle") == "export const handle = async (req) => {"
    assert anchors.signature_line(source, "renderInvoice") == "export function renderInvoice(inv: Invoice) {"
    assert anchors.signature_line(source, "parse_config") == "pub fn parse_config(path: &Path) -> Config {"
    assert anchors.signature_line(source, "Cart") == "class Cart(Base):"
    assert anchors.signature_line(source, "total") is None  # assigned a value, not defined
    assert anchors.signature_line(source, "missing") is None


def test_deleted_paths_of_shell_commands():
    from memory.learning.staleness import deleted_paths

    assert deleted_paths("git mv -f a.py b.py && rm -rf build x.py; mv c d e/", "/p") == [
        "/p/a.py", "/p/build", "/p/x.py", "/p/c", "/p/d"]
    assert deleted_paths("cat a.py && git status", "/p") == []
