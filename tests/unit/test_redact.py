"""Secret redaction against a corpus of fake secrets (built by format) and of look-alike non-secrets."""

from __future__ import annotations

import subprocess
import sys

import pytest

from memory.redact import contains_secret, redact, redact_thorough, shannon_entropy
from tests.fixtures.secrets_corpus import LOOKALIKES, NON_SECRETS, SECRET_CASES, fragments, leaked


def test_the_corpus_is_broad():
    assert len(SECRET_CASES) >= 300
    assert len({kind.split(":")[0].split("-")[0] for kind, _, _ in SECRET_CASES}) >= 30
    assert len(LOOKALIKES) >= 100 and len({kind for kind, _ in LOOKALIKES}) >= 10


@pytest.mark.parametrize("kind,text,value", SECRET_CASES, ids=[c[0] for c in SECRET_CASES])
def test_no_secret_survives(kind, text, value):
    out = redact(text)
    assert not leaked(value, out)
    assert "[REDACTED:" in out
    assert contains_secret(text)


def test_a_piece_of_a_secret_counts_as_a_leak():
    value = [v for k, _, v in SECRET_CASES if k == "random-base64-64:prompt"][0]
    assert leaked(value, "cut: " + value[10:40] + "…")
    assert not leaked(value, "cut: " + value[10:20] + "…")  # 10 characters identify nothing
    assert value in fragments(value)


@pytest.mark.parametrize("text,expected", [
    ("env: DB_PASSWORD=hunter2xyz9", "env: DB_PASSWORD=[REDACTED:secret]"),
    ("curl https://api.example.com/d?api-key=550e8400-e29b-41d4-a716-446655440000&page=2",
     "curl https://api.example.com/d?api-key=[REDACTED:url-query-secret]&page=2"),
    ("mysql -u root -p'S3cr3t!pass' db", "mysql -u root -p[REDACTED:cli-password] db"),
    ("mysql -u root -p db", "mysql -u root -p db"),  # -p alone asks for the password
    ("curl -u admin:Pa55word! https://x", "curl -u admin:[REDACTED:cli-password] https://x"),
    ("redis-cli -h cache -a Sup3rS3cret ping", "redis-cli -h cache -a [REDACTED:cli-password] ping"),
    ("echo 'MyPa55!' | sudo -S apt-get install x", "echo [REDACTED:cli-password] | sudo -S apt-get install x"),
    ("echo 'hello' | grep h", "echo 'hello' | grep h"),
    ("ls --pass-through -la", "ls --pass-through -la"),
    ("set `Authorization: Bearer <token>`", "set `Authorization: Bearer <token>`"),
])
def test_positional_and_query_secrets(text, expected):
    assert redact(text) == expected


def test_public_look_alikes_survive_both_redactions():
    for kind, text in LOOKALIKES:
        assert redact(text) == text, kind
        assert redact_thorough(text) == text, kind


def test_a_pem_cut_before_its_begin_line_is_still_removed():
    pem = [v for k, _, v in SECRET_CASES if k == "private-key:prompt"][0]
    tail = pem[len(pem) // 3:]
    assert not leaked(tail, redact("…" + tail))


def test_thorough_redaction_writes_no_file(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.setattr(tempfile, "mkstemp", lambda *a, **k: pytest.fail("a temp file was created"))
    text = SECRET_CASES[0][1]
    assert SECRET_CASES[0][2] not in redact_thorough(text)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("text", NON_SECRETS)
def test_non_secrets_survive_unchanged(text):
    assert redact(text) == text
    assert not contains_secret(text)


def test_context_around_a_secret_is_kept():
    text = SECRET_CASES[0][1]
    out = redact("before " + text + " after")
    assert out.startswith("before export ANTHROPIC_API_KEY=") and out.endswith(" after")
    url = [c for c in SECRET_CASES if c[0] == "url-password"][0]
    assert redact(url[1]) == "DATABASE_URL=postgres://admin:[REDACTED:url-password]@db.internal:5432/app"


def test_redaction_is_idempotent():
    for _, text, _ in SECRET_CASES:
        once = redact(text)
        assert redact(once) == once


def test_kinds_are_named():
    by_kind = {kind: redact(text) for kind, text, _ in SECRET_CASES}
    assert "[REDACTED:anthropic-key]" in by_kind["anthropic"]
    assert "[REDACTED:aws-access-key-id]" in by_kind["aws-access-key-id"]
    assert "[REDACTED:private-key]" in by_kind["pem"]
    assert "[REDACTED:jwt]" in by_kind["jwt-bare"]
    assert "[REDACTED:github-token]" in by_kind["github-fine-grained"]


def test_entropy():
    assert shannon_entropy("aaaa") == 0
    assert shannon_entropy("abcd") == 2


def test_thorough_adds_detect_secrets_findings():
    mailchimp = "0123456789abcdef0123456789abcdef-us12"  # a format only detect-secrets knows
    assert redact(f"mailchimp {mailchimp}") == f"mailchimp {mailchimp}"
    assert mailchimp not in redact_thorough(f"mailchimp {mailchimp}")
    for _, text, value in SECRET_CASES:
        assert not leaked(value, redact_thorough(text))
    for text in NON_SECRETS:
        assert redact_thorough(text) == text


def test_the_hook_path_does_not_import_detect_secrets():
    code = ("import sys; from memory import redact, transcript; from memory.learning import rules; "
            "redact.redact('token=abc123def456'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('detect_secrets', 'numpy', 'lancedb', 'pyarrow', 'anthropic', 'ollama', 'rich')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_hook_gate_is_the_redaction_gate():
    from memory.continuity import events
    from memory import redact as module

    assert events.MAYBE_SECRET == module.MAYBE_SECRET  # the hook skips the import only when redact would too


def _strings(value, out):
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)
    return out


def test_the_quick_test_skips_only_texts_no_rule_changes(monkeypatch):
    """``redact`` first asks a test that compiles no pattern; it may skip only a text the rules leave alone:
    checked on the secrets corpus, its look-alikes, and every string of the real transcripts."""
    import json
    from pathlib import Path

    from memory import redact as module

    texts = [text for _, text, _ in SECRET_CASES] + [text for _, text in LOOKALIKES] + list(NON_SECRETS)
    for transcript in sorted(Path("tests/fixtures/transcripts/real").glob("*.jsonl")):
        for line in transcript.read_text(encoding="utf-8").splitlines():
            try:
                _strings(json.loads(line), texts)
            except ValueError:
                continue
    quick = module._could_hold_secret
    skipped = [text for text in texts if not quick(text)]
    monkeypatch.setattr(module, "_could_hold_secret", lambda text: True)
    assert len(skipped) > 10_000  # the quick test does skip most short texts
    assert [text for text in skipped if module.redact(text) != text] == []
    assert all(quick(text) for _, text, _ in SECRET_CASES)


def test_redacted_text_passes_the_door_as_it_is():
    from memory import redact as module

    secret = "ghp_" + "A1b2C3d4" * 5
    block = module.redacted(f"token = {secret}")
    assert isinstance(block, module.Redacted) and secret not in block
    assert module.redact_data({"a": block})["a"] is block
    joined = module.join_blocks(["header of src/app.py", block, "", f"Previous learning: the key is {secret}"])
    assert isinstance(joined, module.Redacted) and secret not in joined and joined.count("\n") == 2
    assert isinstance(module.lines_from(joined, 1), module.Redacted)
    assert not isinstance(module.lines_from("a\nb", 1), module.Redacted)


def test_stored_text_is_trusted_only_under_the_current_rules():
    from memory import redact as module

    assert module.stamp()
    assert isinstance(module.restored("outline", module.stamp()), module.Redacted)
    assert not isinstance(module.restored("outline", "other-rules"), module.Redacted)
    assert not isinstance(module.restored("outline", None), module.Redacted)


def test_code_keeps_its_definition_names_and_loses_its_secrets():
    """An outline's names are code: ``redact`` alone takes ``EventLoopToken:72{`` for a token's value and a long
    mixed-case name for a random key; ``redact_code`` keeps the names it is given, and redacts values as ever."""
    from memory.redact import Redacted, redact_code

    secret = "ghp_" + "A1b2C3d4" * 5
    text = ("   · EventLoopToken:72{native_token:80} V1ValidatorWithValuesKwOnly:27{__call__:30}\n"
            f" 88│ API_TOKEN = '{secret}'\n 90│ def connect(password='hunter2xyz9'):")
    names = ["EventLoopToken", "native_token", "V1ValidatorWithValuesKwOnly", "__call__", "API_TOKEN", "connect"]
    assert "EventLoopToken:72{" not in redact(text) and "V1ValidatorWithValuesKwOnly" not in redact(text)
    out = redact_code(text, names)
    assert isinstance(out, Redacted)
    assert "EventLoopToken:72{native_token:80} V1ValidatorWithValuesKwOnly:27{__call__:30}" in out
    assert secret not in out and "hunter2xyz9" not in out and " 88│ API_TOKEN = " in out
    named_like_a_token = redact_code(f" 12│ def {secret}(self):", [secret])
    assert secret not in named_like_a_token  # a provider token format is never kept, even as a name


def test_a_name_inside_a_longer_run_is_not_kept():
    from memory.redact import redact_code

    token = "xK9mP2vL8qR4wN7tY3zB6cF1hJ5-EventLoopToken-aQ8sD3gH6jK9lZ2xC5vB"
    out = redact_code(f"   · EventLoopToken:72\n 90│ SESSION = '{token}'", ["EventLoopToken"])
    assert not leaked(token, out) and "EventLoopToken:72" in out


def test_the_gate_knows_every_rule_word_and_hint():
    """``memory.redacted`` decides without loading the rules: its words and hints are exactly the rules'."""
    from memory import redact as module, redacted as gate

    words = set(module._SECRET_ROOTS) | {h for _, _, hints in module._CLI_HINTS for h in hints}
    words |= set(module._API_HEADER_HINTS) | {"bearer", "authorization", "private key", "://"}
    assert set(gate.SUSPECT_WORDS) == words
    assert set(gate.TOKEN_HINTS) == set(module._HINTS)


def test_the_gate_sends_only_what_could_hold_a_secret_through_the_rules():
    from memory.redacted import Redacted, joined_if_clean, needs_redaction

    keep = frozenset({"updatedInput"})
    clean = {"hookEventName": "PreToolUse", "permissionDecision": "allow", "additionalContext": Redacted("x=1"),
             "updatedInput": {"file_path": "/p/token=abc123def456"}}
    assert not needs_redaction(clean, keep)
    assert needs_redaction({**clean, "reason": "token = abc123def456"}, keep)
    assert joined_if_clean(["[compound-memory] Only line 1 of src/app.py", Redacted("password=[REDACTED:secret]")])
    assert joined_if_clean(["header", "Previous learning: the password is hunter2xyz9"]) is None


def test_the_gate_asks_the_curl_rule_for_its_program_not_for_a_dash_u():
    from memory.redact import redact
    from memory.redacted import could_hold_secret

    for plain in ("round_total rounds half-up with Decimal.", "a follow-up edit", "git push -u origin main"):
        assert not could_hold_secret(plain) and redact(plain) == plain
    for command in ("curl -u admin:s3cretPassw0rd https://api.example.com", "wget --user=bob:hunter2xyz ftp.example.com"):
        assert could_hold_secret(command)
        assert "s3cretPassw0rd" not in redact(command) and "hunter2xyz" not in redact(command)
