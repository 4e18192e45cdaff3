"""Secret redaction: replace credentials in text by ``[REDACTED:<kind>]`` before anything is stored or sent.

``redact`` is stdlib-only and fast enough for hooks (it runs on Bash error excerpts). It knows:

* provider token formats (Anthropic, OpenAI, AWS, GitHub, GitLab, Slack, Stripe, Google, npm, PyPI, Twilio,
  SendGrid, Hugging Face, Azure, DigitalOcean, Shopify, …), PEM private-key blocks and JWTs;
* credentials by position: ``scheme://user:password@host``, ``Authorization: Bearer …``, ``X-Api-Key: …``,
  and the value of any assignment whose key looks secret (``password=…``, ``"apiKey": "…"``,
  ``OPENAI_API_KEY=…`` in .env files, ``secret: …`` in YAML);
* anything else that looks random: a run of 24+ base64/url-safe characters that mixes upper case, lower case
  and digits and whose Shannon entropy is close to that of random text.

What is deliberately *not* a secret: hexadecimal strings (git SHAs, content hashes, checksums) and UUIDs.
They are everywhere in build output and carry no credential; a hex secret is still caught when it has a
known prefix or sits in a secret-looking assignment. Assignments whose value is code (``token =
get_token()``, ``password: str``, ``os.environ["X"]``, ``None``, ``${VAR}``) are left alone.

``redact_thorough`` adds detect-secrets (imported lazily: worker and CLI only, never in hooks).
"""

from __future__ import annotations

import math
import re
from collections import Counter

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable


class _Lazy:
    """A regular expression compiled on first use: ~50 patterns would cost ~25 ms at import in every hook
    that redacts, while most calls need only a few of them."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, *args) -> None:
        self._args = args
        self._compiled = None

    def __getattr__(self, name: str):
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, name)

# (kind, pattern, substrings separated by "|"): a rule's regex runs only when one of its substrings occurs.
_TOKEN_RULES: list[tuple[str, str, str]] = [
    ("anthropic-key", r"sk-ant-(?:api|admin|oat|ort)?\d{0,2}-?[A-Za-z0-9_\-]{20,}", "sk-ant-"),
    ("openai-key", r"(?<![A-Za-z0-9_\-])sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{20,}", "sk-"),
    ("aws-access-key-id", r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16}\b",
     "AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA"),
    ("github-token", r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,255}\b", "ghp_|gho_|ghu_|ghs_|ghr_"),
    ("github-token", r"\bgithub_pat_[A-Za-z0-9_]{22,255}", "github_pat_"),
    ("gitlab-token", r"\bgl(?:pat|dt|rt|ptt|cbt|oas|soat|ft|imt|agent)-[A-Za-z0-9_\-]{20,}",
     "glpat-|gldt-|glrt-|glptt-|glcbt-|gloas-|glsoat-|glft-|glimt-|glagent-"),
    ("slack-token", r"\bxox[abposre]-[A-Za-z0-9\-]{10,}", "xox"),
    ("slack-token", r"\bxapp-\d-[A-Za-z0-9\-]{10,}", "xapp-"),
    ("slack-webhook", r"https://hooks\.slack(?:-gov)?\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_\-]+",
     "hooks.slack"),
    ("discord-webhook", r"https://(?:\w+\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_\-]+", "webhooks"),
    ("stripe-key", r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}", "_live_|_test_"),
    ("stripe-webhook-secret", r"\bwhsec_[A-Za-z0-9+/=]{24,}", "whsec_"),
    ("google-api-key", r"\bAIza[0-9A-Za-z_\-]{35}", "AIza"),
    ("google-oauth-secret", r"\bGOCSPX-[A-Za-z0-9_\-]{20,}", "GOCSPX-"),
    ("google-oauth-token", r"\bya29\.[0-9A-Za-z_\-]{20,}", "ya29."),
    ("npm-token", r"\bnpm_[A-Za-z0-9]{36}\b", "npm_"),
    ("pypi-token", r"\bpypi-AgE[A-Za-z0-9_\-]{50,}", "pypi-"),
    ("sendgrid-key", r"\bSG\.[A-Za-z0-9_\-]{16,32}\.[A-Za-z0-9_\-]{16,64}", "SG."),
    ("twilio-key", r"\bSK[0-9a-fA-F]{32}\b", "SK"),
    ("huggingface-token", r"\bhf_[A-Za-z0-9]{30,}\b", "hf_"),
    ("huggingface-token", r"\bapi_org_[A-Za-z0-9]{30,}\b", "api_org_"),
    ("azure-client-secret", r"(?<![A-Za-z0-9_~.\-])[A-Za-z0-9_~.\-]{3}\dQ~[A-Za-z0-9_~.\-]{31,34}", "Q~"),
    ("azure-sas-signature", r"(?<=[?&]sig=)[A-Za-z0-9%+/=]{20,}", "sig="),
    ("digitalocean-token", r"\bdo[opr]_v1_[a-f0-9]{64}\b", "_v1_"),
    ("shopify-token", r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b", "shp"),
    ("mailgun-key", r"\bkey-[0-9a-f]{32}\b", "key-"),
    ("databricks-token", r"\bdapi[a-f0-9]{32}\b", "dapi"),
    ("groq-key", r"\bgsk_[A-Za-z0-9]{40,}\b", "gsk_"),
    ("xai-key", r"\bxai-[A-Za-z0-9]{40,}\b", "xai-"),
    ("linear-key", r"\blin_api_[A-Za-z0-9]{32,}\b", "lin_api_"),
    ("notion-token", r"\b(?:secret|ntn)_[A-Za-z0-9]{40,}\b", "secret_|ntn_"),
    ("telegram-bot-token", r"\b\d{8,10}:AA[A-Za-z0-9_\-]{33}\b", ":AA"),
    ("jwt", r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*", "eyJ"),
]

_PEM_RE = _Lazy(r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?(?:-----END \1-----|\Z)")
_URL_PASSWORD_RE = _Lazy(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@\"'<>]+:)(?P<value>[^\s@/\"'<>]+)(?=@)")
_AUTH_HEADER_RE = _Lazy(
    r"(?i)(?P<head>\bauthorization[\"']?\s*[:=]\s*[\"']?(?:bearer|basic|token|bot|digest)\s+)(?P<value>[^\s\"',;]+)")
_BEARER_RE = _Lazy(r"(?i)(?P<head>\bbearer\s+)(?P<value>[A-Za-z0-9._~+/\-]{16,}=*)")
_API_HEADER_RE = _Lazy(
    r"(?i)(?P<head>\b(?:x-api-key|api-key|x-auth-token|private-token|x-goog-api-key|ocp-apim-subscription-key)"
    r"[\"']?\s*:\s*[\"']?)(?P<value>[^\s\"',;]+)")

# A key "looks secret" when it ends with one of these words (case-insensitive; `tokenizer`, `max_tokens`,
# `token_url` do not).
_SECRET_WORDS = (
    r"password|passwd|passphrase|pwd|pass|secret|secrets|token|apikey|api_key|api-key|access_key|accesskey"
    r"|secret_key|secretkey|private_key|privatekey|auth_key|authkey|account_key|accountkey|credentials?"
    r"|signing_key|encryption_key|master_key|session_key|client_secret|clientsecret|webhook_url"
    r"|connection_string|connectionstring|conn_str|dsn|access_token|refresh_token|auth|_pat|_key"
)
# Every `key <op> value` pair is found by one cheap scan; whether the key is secret is decided per match.
_ASSIGNMENT_RE = _Lazy(
    r"(?<![\w.\-])(?P<q>[\"']?)(?P<key>[\w.\-]+)(?P=q)"
    r"(?P<op>[ \t]*(?::=|=>|=|:)[ \t]*)"
    r"(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^\s,;)\]}]+)"
)
_SECRET_ENDINGS = tuple(_SECRET_WORDS.replace("?", "").split("|")) + ("credential",)
_API_HEADER_HINTS = ("api-key", "auth-token", "private-token", "subscription-key")
_LONG_RUN_RE = _Lazy(r"\S{16,}")
_SECRET_ROOTS = ("pass", "pwd", "secret", "token", "key", "auth", "credential", "dsn", "webhook", "conn", "pat")
_KEY_SUFFIX_NEEDS_UPPER = ("_key", "_pat", "auth", "pass")  # generic endings count only in ENV_STYLE keys

_CODE_LITERALS = frozenset(
    "none null nil true false undefined yes no on off lambda required optional str string int bytes bool "
    "float number boolean object any dict list redacted self this new".split())
_TYPE_LIKE_RE = _Lazy(r"^[A-Z][A-Za-z_]*(?:\[.*\])?$|^[a-z]+\[.*\]$")
_DOTTED_RE = _Lazy(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")
_IDENT_RE = _Lazy(r"^[A-Za-z_]\w*$")

_CANDIDATE_RE = _Lazy(r"[A-Za-z0-9+/_\-]{24,}={0,2}")
_DIGIT_RE = _Lazy(r"\d")
_HEX_RE = _Lazy(r"^[0-9a-fA-F\-]+$")
_UUID_RE = _Lazy(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
ENTROPY_RATIO = 0.85  # of log2(len): random base64 of length n scores ~0.9-0.97, words and paths far less

_COMPILED = [(kind, _Lazy(pattern), hint.split("|")) for kind, pattern, hint in _TOKEN_RULES]


def redact(text: str) -> str:
    """``text`` with every secret we recognize replaced by ``[REDACTED:<kind>]``."""
    if not text:
        return text
    if "PRIVATE KEY-----" in text:
        text = _PEM_RE.sub(_marker("private-key"), text)
    # Every token format lives in a long run without spaces: test the rules' hints on those runs only,
    # which is much less text than the whole.
    runs = "\n".join(_LONG_RUN_RE.findall(text))
    if runs:
        for kind, pattern, hints in _COMPILED:
            if any(h in runs for h in hints):
                text = pattern.sub(_marker(kind), text)
        if "://" in runs:
            text = _URL_PASSWORD_RE.sub(_keep_head("url-password"), text)
    lower = text.lower()
    if "authorization" in lower:
        text = _AUTH_HEADER_RE.sub(_keep_head("authorization"), text)
    if "bearer" in lower:
        text = _BEARER_RE.sub(_keep_head("bearer-token"), text)
    if any(name in lower for name in _API_HEADER_HINTS):
        text = _API_HEADER_RE.sub(_keep_head("api-key"), text)
    text = _redact_assignments(text, lower)
    return _CANDIDATE_RE.sub(_redact_random, text) if runs else text


def _redact_assignments(text: str, lower: str) -> str:
    """Redact secret-looking assignments, scanning only the lines that mention a secret word."""
    if not any(root in lower for root in _SECRET_ROOTS):
        return text
    lines = text.split("\n")
    lower_lines = lower.split("\n")
    if len(lines) != len(lower_lines):  # lower() changed the text's length (rare Unicode): no shortcut
        return _ASSIGNMENT_RE.sub(_redact_assignment, text)
    for i, low in enumerate(lower_lines):
        if any(root in low for root in _SECRET_ROOTS):
            lines[i] = _ASSIGNMENT_RE.sub(_redact_assignment, lines[i])
    return "\n".join(lines)


def contains_secret(text: str) -> bool:
    """True when ``redact`` would change ``text``."""
    return redact(text) != text


def redact_thorough(text: str) -> str:
    """``redact`` plus whatever detect-secrets finds on any line beyond our rules (worker/CLI only)."""
    for value, kind in _detect_secrets_findings(text):  # on the original text: our markers confuse it
        text = text.replace(value, f"[REDACTED:{kind}]")
    return redact(text)


def _detect_secrets_findings(text: str) -> list[tuple[str, str]]:
    """(secret value, kind) pairs detect-secrets reports for ``text``, with its default plugins and filters."""
    import os
    import tempfile

    from detect_secrets import SecretsCollection  # heavy: never imported on the hook path
    from detect_secrets.settings import default_settings

    fd, path = tempfile.mkstemp(suffix=".txt", prefix="redact-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        secrets = SecretsCollection()
        with default_settings():
            secrets.scan_file(path)
        found = {s.secret_value: _slug(s.type) for _, s in secrets if _keep_finding(s.secret_value, s.type)}
    finally:
        os.unlink(path)
    return sorted(found.items(), key=lambda item: -len(item[0]))


def _keep_finding(value: str | None, kind: str) -> bool:
    if not value or len(value) < 6 or _is_hex_or_uuid(value):
        return False
    # Its keyword plugin flags code (`password = getpass.getpass()`): hold it to our own value test.
    return kind != "Secret Keyword" or _secret_value(value, quoted=False, spaced=False)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "secret"


def _marker(kind: str) -> str:
    return f"[REDACTED:{kind}]"


def _keep_head(kind: str) -> Callable[[re.Match], str]:
    def replace(match: re.Match) -> str:
        if match.group("value").startswith("[REDACTED"):
            return match.group(0)
        return match.group("head") + _marker(kind)
    return replace


def _redact_assignment(match: re.Match) -> str:
    key = match.group("key")
    raw = match.group("value")
    quote = raw[0] if raw[:1] in "\"'" and len(raw) >= 2 and raw[-1] == raw[0] else ""
    value = raw[1:-1] if quote else raw
    op = match.group("op")
    if not _secret_key(key) or not _secret_value(value, quoted=bool(quote), spaced=op.startswith((" ", "\t"))):
        return match.group(0)
    if key.lower().endswith(("_key", "_pat")) and not _credential_like(value):
        return match.group(0)  # `SORT_KEY = 'createdAt'`: a generic *_KEY only counts with a token-like value
    q = match.group("q")
    return f"{q}{key}{q}{op}{quote}{_marker('secret')}{quote}"


def _secret_key(key: str) -> bool:
    low = key.lower()
    if not low.endswith(_SECRET_ENDINGS):
        return False
    if low.endswith(_KEY_SUFFIX_NEEDS_UPPER) and not low.endswith(("api_key", "secret_key", "private_key")):
        # `primary_key`, `sort_key`, `auth`, `bypass` in code are not credentials; `STRIPE_KEY` in .env is.
        return key.isupper() and "_" in key or low in ("auth", "pass")
    return True


def _secret_value(value: str, *, quoted: bool, spaced: bool) -> bool:
    """False for values that are code, placeholders or empty, not a credential."""
    v = value.strip()
    if not v or v.startswith("[REDACTED") or len(v) < 3:
        return False
    if v.lower() in _CODE_LITERALS or set(v) <= set("*xX.-_<>•"):
        return False
    if v[0] in "$%{<" or v.startswith(("process.env", "os.environ", "os.getenv", "env(", "getenv(")):
        return False
    if quoted:
        return not (v.startswith("{") and v.endswith("}"))  # "{password}" templates
    if "(" in v or "[" in v or _DOTTED_RE.match(v):
        return False  # a call, an index or an attribute: code
    if v.isdigit() and len(v) <= 5:
        return False  # counts and sizes (`max_tokens: 1024`)
    if _TYPE_LIKE_RE.match(v):
        return False  # type annotations (`token: Token`, `password: Optional[str]`)
    if spaced and _IDENT_RE.match(v) and not any(c.isdigit() for c in v):
        return False  # `token = new_token` in code
    return True


def _credential_like(value: str) -> bool:
    return len(value) >= 20 or (len(value) >= 8 and any(c.isdigit() for c in value))


def _redact_random(match: re.Match) -> str:
    run = match.group(0)
    return _marker("high-entropy") if _looks_random(run) else run


def _looks_random(run: str) -> bool:
    if "REDACTED" in run or _is_hex_or_uuid(run):
        return False
    core = run.rstrip("=")
    if core == core.lower() or core == core.upper() or not _DIGIT_RE.search(core):
        return False  # random tokens mix upper case, lower case and digits
    if "/" in core and all(len(part) < 16 for part in core.split("/")):
        return False  # a path
    return shannon_entropy(core) >= ENTROPY_RATIO * math.log2(min(len(core), 64))


def _is_hex_or_uuid(value: str) -> bool:
    return bool(_HEX_RE.match(value)) or bool(_UUID_RE.fullmatch(value))


def shannon_entropy(text: str) -> float:
    """Shannon entropy of ``text`` in bits per character."""
    if not text:
        return 0.0
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())
