"""Secret redaction against a corpus of fake secrets (built by format) and of look-alike non-secrets."""

from __future__ import annotations

import subprocess
import sys

import pytest

from memory.redact import contains_secret, redact, redact_thorough, shannon_entropy
from tests.fixtures.secrets_corpus import NON_SECRETS, SECRET_CASES


def test_the_corpus_is_broad():
    assert len(SECRET_CASES) >= 40
    assert len({kind.split("-")[0] for kind, _, _ in SECRET_CASES}) >= 25


@pytest.mark.parametrize("kind,text,value", SECRET_CASES, ids=[c[0] for c in SECRET_CASES])
def test_no_secret_survives(kind, text, value):
    out = redact(text)
    assert value not in out
    assert "[REDACTED:" in out
    assert contains_secret(text)


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
        assert value not in redact_thorough(text)
    for text in NON_SECRETS:
        assert redact_thorough(text) == text


def test_the_hook_path_does_not_import_detect_secrets():
    code = ("import sys; from memory import redact, transcript; from memory.learning import rules; "
            "redact.redact('token=abc123def456'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('detect_secrets', 'numpy', 'lancedb', 'pyarrow', 'anthropic', 'ollama', 'rich')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
