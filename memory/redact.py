"""Secret redaction: replace credentials in text by ``[REDACTED:<kind>]`` before anything is stored or sent.

This is the one door: the store's write functions (events, session state and its file, handoffs, file
signatures, learnings, recalls, errors, hook runs, job errors), the log, the hooks' answers, the Haiku input
and ``export`` all pass their text through ``redact`` / ``redact_data`` (or ``redact_thorough``), redacting
*before* any cut to length (a cut token or a PEM without its BEGIN line is no longer recognizable).

Its gate, ``memory.redacted``, lets through without loading these rules what was redacted already
(``Redacted``: the outline cache stores its text redacted) and what no rule could change.

``redact`` is stdlib-only and fast enough for hooks (text without ``=:@``, a long run or a secret word returns
at once; ~1-3 ms for a 16 KB source file). It knows:

* provider token formats (Anthropic, OpenAI, AWS, GitHub, GitLab, Slack, Stripe, Google, npm, PyPI, Twilio,
  SendGrid, Hugging Face, Azure, DigitalOcean, Shopify, Discord, Atlassian, Grafana, age, …), PEM private-key
  blocks (also without their BEGIN line) and JWTs;
* credentials by position: ``scheme://user:password@host``, keys in query strings (``?api-key=…``,
  ``&sig=…``, ``#access_token=…``), ``Authorization: Bearer …``, ``X-Api-Key: …``, passwords on a command
  line (``mysql -p'…'``, ``curl -u user:…``, ``redis-cli -a …``, ``sshpass -p``, ``--password …``, what is
  echoed into ``sudo -S``), and the value of any assignment whose key looks secret (``password=…``,
  ``"apiKey": "…"``, ``OPENAI_API_KEY=…`` in .env files, ``env: DB_PASSWORD=…``, ``secret: …`` in YAML);
* anything else that looks random: a run of 24+ base64/url-safe characters that mixes upper case, lower case
  and digits, changes character class often, and whose Shannon entropy is close to that of random text.

What is deliberately *not* a secret: hexadecimal strings (git SHAs, content hashes, checksums, Ethereum
addresses) and UUIDs; public Solana and Bitcoin addresses (base58 of 32 / 25 bytes); images and fonts in
base64, data URIs, integrity hashes (``sha512-…``, ``h1:…``). A hex secret is still caught when it has a
known prefix or sits in a secret-looking assignment. Assignments whose value is code (``token =
get_token()``, ``password: str``, ``os.environ["X"]``, ``None``, ``${VAR}``, ``credentials: 'include'``) are
left alone.

``redact_thorough`` adds detect-secrets (imported lazily: worker and CLI only, never in hooks), scanning in
memory: no file ever holds the text.
"""

from __future__ import annotations

import re

from memory.redacted import Redacted
from memory.redacted import could_hold_secret as _could_hold_secret
from memory.redacted import lines_from, restored, stamp  # noqa: F401 -- the gate's API, here too

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, Callable


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


def redacted(text: str) -> Redacted:
    """``redact(text)``, marked as having been through the door."""
    return text if isinstance(text, Redacted) else Redacted(redact(text))


def join_blocks(blocks: list[str]) -> Redacted:
    """Non-empty ``blocks`` joined by newlines, each redacted unless it already was. Redacting each block is
    redacting the whole only when no secret can span two of them: every block after the first must start
    with text of ours (a label such as "Previous learning:", a numbered outline line)."""
    return Redacted("\n".join(redacted(block) for block in blocks if block))


def redact_code(text: str, names: Iterable[str]) -> Redacted:
    """``redact(text)`` for text that shows code (an outline), with the identifiers ``names`` (its definitions)
    kept as they are unless one holds a provider token format: the rules for assignments and random-looking
    runs would take ``EventLoopToken:72{`` for a token's value and ``V1ValidatorWithValuesKwOnly`` for a
    random key. Values, defaults and constants in the text are redacted as anywhere else."""
    kept = sorted({name for name in names if name and _could_hold_secret(name) and _token_formats(name) == name
                   and name.isidentifier()}, key=len, reverse=True)
    if not kept or "\x00" in text:
        return redacted(text)
    slots: list[str] = []

    def hide(match: re.Match) -> str:
        slots.append(match.group(0))
        return f"\x00{len(slots) - 1}\x01"  # no rule sees a word, a key or a run in it

    # A name stands alone (`Name:72{`, `class Name(`), never inside a longer run such as a token's segments.
    masked = re.sub(r"(?<![\w$\-./+=])(?:" + "|".join(map(re.escape, kept)) + r")(?![\w$\-./+=])", hide, text)
    return Redacted(re.sub("\x00(\\d+)\x01", lambda match: slots[int(match.group(1))], redact(masked)))


def _token_formats(text: str) -> str:
    """``text`` with the provider token formats redacted (none of the heuristic rules)."""
    for kind, pattern, hints in _COMPILED:
        if any(hint in text for hint in hints):
            text = pattern.sub(_marker(kind), text)
    return text


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
    ("discord-token", r"(?<![A-Za-z0-9_\-])[MNO][A-Za-z0-9_\-]{23,27}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,40}",
     "MT|Mj|Mz|MD|NT|Nj|Nz|ND|OT|OD"),
    ("atlassian-token", r"\bATATT3[A-Za-z0-9_\-=]{100,}", "ATATT3"),
    ("postman-key", r"\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b", "PMAK-"),
    ("age-secret-key", r"\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b", "AGE-SECRET-KEY-"),
    ("doppler-token", r"\bdp\.(?:st|ct|sa|scim|audit|pt)\.[A-Za-z0-9_\-.]{20,}", "dp."),
    ("pulumi-token", r"\bpul-[a-f0-9]{40}\b", "pul-"),
    ("grafana-token", r"\b(?:glsa|glc)_[A-Za-z0-9_+/=\-]{32,}", "glsa_|glc_"),
    ("newrelic-key", r"\bNR(?:AK|JS|II)-[A-Za-z0-9]{20,}", "NRAK-|NRJS-|NRII-"),
    ("flyio-token", r"\bfo1_[A-Za-z0-9_\-]{40,}", "fo1_"),
    ("planetscale-token", r"\bpscale_(?:tkn|pw|oauth)_[A-Za-z0-9_\-.]{32,}", "pscale_"),
    ("replicate-token", r"\br8_[A-Za-z0-9]{37}\b", "r8_"),
    ("perplexity-key", r"\bpplx-[A-Za-z0-9]{40,}\b", "pplx-"),
    ("mapbox-token", r"\b[sp]k\.eyJ[A-Za-z0-9_\-]{20,}\.[A-Za-z0-9_\-]{20,}", "k.eyJ"),
    ("supabase-token", r"\bsbp_[a-f0-9]{40}\b", "sbp_"),
    ("sentry-token", r"\bsntr[ysu]_[A-Za-z0-9_+/=\-]{40,}", "sntry|sntrs|sntru"),
    ("square-token", r"\bsq0(?:atp|csp)-[A-Za-z0-9_\-]{22,43}", "sq0"),
    ("figma-token", r"\bfig[dhu]_[A-Za-z0-9_\-]{40,}", "figd_|figh_|figu_"),
    ("contentful-token", r"\bCFPAT-[A-Za-z0-9_\-]{43}\b", "CFPAT-"),
    ("dynatrace-token", r"\bdt0[a-z]\d{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64}\b", "dt0"),
    ("heroku-key", r"\bHRKU-[A-Za-z0-9_\-]{40,}", "HRKU-"),
    ("rubygems-key", r"\brubygems_[a-f0-9]{48}\b", "rubygems_"),
]

_PEM_RE = _Lazy(r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?(?:-----END \1-----|\Z)")
# A block whose BEGIN line was cut off (an excerpt, a wrapped log): its END line and the base64 lines before it.
_PEM_END_RE = _Lazy(r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_BASE64_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
_PEM_GAP_CHARS = frozenset(" \t\r\n\\")  # between lines: whitespace, or the backslash of an escaped \n
# Keys in URL query strings (`?api-key=…`, `&sig=…`, `#access_token=…`): the value up to the next `&`.
_QUERY_RE = _Lazy(
    r"(?i)(?P<head>[?&#;](?:api[-_]?key|apikey|key|token|access[-_]?token|refresh[-_]?token|id[-_]?token"
    r"|auth[-_]?token|auth|sig|signature|secret|client[-_]?secret|password|passwd|pwd|pass|private[-_]?token"
    r"|x-amz-signature|x-amz-security-token|sessionkey|session[-_]?token|code_verifier)=)"
    r"(?P<value>[^&\s#\"'<>]{4,})")
# A credential named in prose: "the db password is hunter2!", "my token was ghx8…" (a value with a digit).
_PROSE_RE = _Lazy(
    r"(?i)(?P<head>\b(?:password|passphrase|passwd|pwd|secret|token|api[ _-]?key|access[ _-]?key|pin)"
    r"\s+(?:is|was|is now|=|:)\s+[\"'`]?)(?P<value>[^\s\"'`]*\d[^\s\"'`]*)")
# Passwords by position on a command line: `mysql -p'…'`, `curl -u user:…`, `redis-cli -a …`, `sshpass -p …`,
# `--password …`, and what is echoed into `sudo -S`.
_CLI_RULES = [
    ("cli-password", _Lazy(r"(?P<head>\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|mysqlimport|mysqlsh)\b"
                           r"[^|;&\n]*?\s-p)(?P<value>'[^'\n]+'|\"[^\"\n]+\"|[^\s'\"]+)"), "mysql|mariadb"),
    ("cli-password", _Lazy(r"(?P<head>\b(?:curl|wget|http|httpie)\b[^|;&\n]*?\s(?:-u|--user)[ =]?['\"]?[^\s:'\"]+:)"
                           r"(?P<value>[^\s'\"@]+)"), "curl|wget|http"),
    ("cli-password", _Lazy(r"(?P<head>\bredis-cli\b[^|;&\n]*?\s(?:-a|--pass|--askpass)\s+)(?P<value>'[^'\n]+'|\"[^\"\n]+\"|\S+)"),
     "redis-cli"),
    ("cli-password", _Lazy(r"(?P<head>\bsshpass\s+-p\s*)(?P<value>'[^'\n]+'|\"[^\"\n]+\"|\S+)"), "sshpass"),
    ("cli-password", _Lazy(r"(?P<head>\b(?:echo|printf)\s+(?:-[ne]\s+)?)(?P<value>'[^'\n]+'|\"[^\"\n]+\"|[^\s|]+)"
                           r"(?=\s*\|\s*sudo\b[^|;&\n]*\s-S\b)"), "sudo"),
    ("cli-password", _Lazy(r"(?i)(?P<head>(?<![\w-])--?(?:password|passwd|pass|token|api-key|apikey|api_key|secret"
                           r"|client-secret|access-token|auth-token|private-key-passphrase|passphrase)[ \t]+)"
                           r"(?P<value>'[^'\n]+'|\"[^\"\n]+\"|[^\s'\"-][^\s'\"]*)"), "pass|token|key|secret"),
    ("cli-password", _Lazy(r"(?P<head>\b(?:docker|podman|helm|oras|skopeo)\s+(?:registry\s+)?login\b[^|;&\n]*?\s-p\s+)"
                           r"(?P<value>'[^'\n]+'|\"[^\"\n]+\"|\S+)"), "login"),
]
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
_LONG_RUN_RE = _Lazy(r"(?<!\S)\S{16,}")  # anchored at a run's start: no retry inside every short word
_SECRET_ROOTS = ("pass", "pwd", "secret", "token", "key", "auth", "credential", "dsn", "webhook", "conn", "pat")
_KEY_SUFFIX_NEEDS_UPPER = ("_key", "_pat", "auth", "pass")  # generic endings count only in ENV_STYLE keys

_CODE_LITERALS = frozenset(
    "none null nil true false undefined yes no on off lambda required optional str string int bytes bool "
    "float number boolean object any dict list redacted self this new include omit same-origin".split())
_TYPE_LIKE_RE = _Lazy(r"^[A-Z][A-Za-z_]*(?:\[.*\])?$|^[a-z]+\[.*\]$")
_DOTTED_RE = _Lazy(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")
_IDENT_RE = _Lazy(r"^[A-Za-z_]\w*$")

_CANDIDATE_RE = _Lazy(r"(?<![A-Za-z0-9+/_\-])[A-Za-z0-9+/_\-]{24,}={0,2}")
_DIGIT_RE = _Lazy(r"\d")
_HEX_RE = _Lazy(r"^[0-9a-fA-F\-]+$")
_UUID_RE = _Lazy(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
ENTROPY_RATIO = 0.78  # of log2(len): random base64 of length n scores 0.82-0.95, words and paths far less
SWITCH_RATIO = 0.35  # random alphanumerics change character class at ~60% of positions, identifiers at ~20%

_COMPILED = [(kind, _Lazy(pattern), hint.split("|")) for kind, pattern, hint in _TOKEN_RULES]
_HINTS = sorted({h for _, _, hints in _COMPILED for h in hints})
_CLI_HINTS = [(kind, pattern, hints.split("|")) for kind, pattern, hints in _CLI_RULES]
_ROOTS_RE = _Lazy("|".join(_SECRET_ROOTS))


# Text that could hold a credential: assignments and URLs (``=:@``), long runs (every token format), secret
# words, PEM armour, commands that take a password by position. Anything else (``ls -la``, ``Read
# src/app.py``) is returned at once. ``memory.store.events.MAYBE_SECRET`` is the same test.
MAYBE_SECRET = r"[=:@]|[A-Za-z0-9_+/.\-]{20,}|(?i:token|secret|passw|bearer|auth|key|-----|mysql|maria|redis|sshpass|sudo|login| -[up])"
_MAYBE_SECRET = _Lazy(MAYBE_SECRET)


def redact(text: str) -> str:
    """``text`` with every secret we recognize replaced by ``[REDACTED:<kind>]``."""
    if not text or isinstance(text, Redacted) or not _could_hold_secret(text) or not _MAYBE_SECRET.search(text):
        return text
    if "PRIVATE KEY-----" in text:
        text = _PEM_RE.sub(_marker("private-key"), text)
    if "PRIVATE KEY" in text and "-----END" in text:
        text = _redact_pem_tails(text)
    # Every token format lives in a long run without spaces: test the rules' hints on those runs only,
    # which is much less text than the whole.
    runs = "\n".join(_LONG_RUN_RE.findall(text))
    if runs:
        present = {h for h in _HINTS if h in runs}
        for kind, pattern, hints in _COMPILED:
            if not present.isdisjoint(hints):
                text = pattern.sub(_marker(kind), text)
        if "://" in runs:
            text = _URL_PASSWORD_RE.sub(_keep_head("url-password"), text)
    if "=" in text and any(c in text for c in "?&#;"):
        text = _QUERY_RE.sub(_keep_head("url-query-secret"), text)
    lower = text.lower()
    for kind, pattern, hints in _CLI_HINTS:
        if any(h in lower for h in hints):
            text = pattern.sub(_keep_head(kind), text)
    if " is " in lower or " was " in lower:
        text = _PROSE_RE.sub(_prose_secret, text)
    if "authorization" in lower:
        text = _AUTH_HEADER_RE.sub(_keep_head("authorization"), text)
    if "bearer" in lower:
        text = _BEARER_RE.sub(_keep_head("bearer-token"), text)
    if any(name in lower for name in _API_HEADER_HINTS):
        text = _API_HEADER_RE.sub(_keep_head("api-key"), text)
    text = _redact_assignments(text)
    return _CANDIDATE_RE.sub(_redact_random, text) if runs else text


def _redact_pem_tails(text: str) -> str:
    """Each END line of a private key, with the base64 lines before it (back to the first short word)."""
    out, pos = [], 0
    for match in _PEM_END_RE.finditer(text):
        start = match.start()
        first = True
        while True:
            gap = start
            while gap > pos and text[gap - 1] in _PEM_GAP_CHARS:
                gap -= 1
            word = gap
            while word > pos and text[word - 1] in _BASE64_CHARS:
                word -= 1
            if word == gap or (gap - word < 16 and not first):
                break  # prose before the block, not a base64 line
            start, first = word, False
        out.append(text[pos:start] + _marker("private-key"))
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def _redact_assignments(text: str) -> str:
    """Redact secret-looking assignments, scanning only the lines that mention a secret word."""
    lower = text.lower()
    if len(lower) != len(text):  # lower() changed the text's length (rare Unicode): no shortcut
        return _sub_assignments(text)
    out, pos = [], 0
    for match in _ROOTS_RE.finditer(lower):
        if match.start() < pos:
            continue  # on a line already done
        start = lower.rfind("\n", 0, match.start()) + 1
        end = lower.find("\n", match.end())
        end = len(text) if end < 0 else end
        out.append(text[pos:start])
        out.append(_sub_assignments(text[start:end]))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _sub_assignments(text: str) -> str:
    """Every secret assignment redacted. After a key that is not secret the scan resumes at its value, which
    may hold an assignment of its own (``env: DB_PASSWORD=…``, ``value: password: …``, ``https://h/?token=…``)."""
    out, pos = [], 0
    while True:
        match = _ASSIGNMENT_RE.search(text, pos)
        if match is None:
            out.append(text[pos:])
            return "".join(out)
        replaced = _redact_assignment(match)
        if replaced is None:
            out.append(text[pos:match.start("value")])
            pos = match.start("value")
        else:
            out.append(text[pos:match.start()] + replaced)
            pos = match.end()


def redact_data(value: Any, *, keep: frozenset[str] = frozenset()) -> Any:
    """``value`` (a JSON-like structure) with every string in it redacted, at any depth; dict keys are kept,
    and so are the values under a key in ``keep`` (structural fields such as a tool's ``updatedInput``).
    A ``Redacted`` text has been through the door already and is kept as it is."""
    if isinstance(value, Redacted):
        return value
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: item if k in keep else redact_data(item, keep=keep) for k, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_data(item, keep=keep) for item in value]
    return value


def contains_secret(text: str) -> bool:
    """True when ``redact`` would change ``text``."""
    return redact(text) != text


def redact_thorough(text: str) -> str:
    """``redact`` plus whatever detect-secrets finds on any line beyond our rules (worker/CLI only)."""
    if not text:
        return text
    findings = _detect_secrets_findings(text)  # on the original text: our markers confuse it
    text = redact(text)  # first ours: a finding that is part of a token would leave the rest unrecognizable
    for value, kind in findings:
        text = text.replace(value, f"[REDACTED:{kind}]")
    return text


def _detect_secrets_findings(text: str) -> list[tuple[str, str]]:
    """(secret value, kind) pairs detect-secrets reports for ``text``, with its default plugins and filters."""
    from detect_secrets.core.scan import _process_line_based_plugins  # heavy: never on the hook path
    from detect_secrets.settings import default_settings

    # Scanned in memory, line by line: no file ever holds the unredacted text.
    lines = list(enumerate(text.splitlines(), start=1))
    with default_settings():
        findings = list(_process_line_based_plugins(lines, filename="memory.txt"))
    found = {s.secret_value: _slug(s.type) for s in findings if _keep_finding(s.secret_value, s.type)}
    return sorted(found.items(), key=lambda item: -len(item[0]))


def _keep_finding(value: str | None, kind: str) -> bool:
    if not value or len(value) < 6 or _is_hex_or_uuid(value):
        return False
    if "High Entropy" in kind and (_is_public_address(value) or value.startswith(_DATA_PREFIXES + _DIGEST_PREFIXES)):
        return False  # public keys, images and integrity hashes are random but no credential
    # Its keyword plugin flags code (`password = getpass.getpass()`): hold it to our own value test.
    return kind != "Secret Keyword" or _secret_value(value, quoted=False, spaced=False)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "secret"


def _marker(kind: str) -> str:
    return f"[REDACTED:{kind}]"


def _keep_head(kind: str) -> Callable[[re.Match], str]:
    def replace(match: re.Match) -> str:
        if match.group("value").startswith(("[REDACTED", "<", "${", "{{")):
            return match.group(0)  # already done, or a placeholder (`Bearer <token>`)
        return match.group("head") + _marker(kind)
    return replace


def _prose_secret(match: re.Match) -> str:
    value = match.group("value").rstrip(".,;:!?)")
    if len(value) < 6 or not any(c.isalpha() for c in value) or value.startswith("[REDACTED"):
        return match.group(0)  # "the pin is 4", "token is v2": not a credential
    return match.group("head") + _marker("secret") + match.group("value")[len(value):]


def _redact_assignment(match: re.Match) -> str | None:
    """The redacted assignment, or None when it is none (the scan then goes on inside its value)."""
    key = match.group("key")
    raw = match.group("value")
    quote = raw[0] if raw[:1] in "\"'" and len(raw) >= 2 and raw[-1] == raw[0] else ""
    value = raw[1:-1] if quote else raw
    op = match.group("op")
    if not _secret_key(key):
        return None
    if not _secret_value(value, quoted=bool(quote), spaced=op.startswith((" ", "\t"))):
        return None  # the value may still hold an assignment: `token='{"api_key": "…"}'`
    if key.lower().endswith(("_key", "_pat")) and not _credential_like(value):
        return None  # `SORT_KEY = 'createdAt'`: a generic *_KEY only counts with a token-like value
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
    if _public_blob(match.string, match.start(), run):
        return run
    return _marker("high-entropy") if _looks_random(run) else run


# Base64 that is data, not a credential: image and document headers (a PNG starts `iVBORw0KGgo`), integrity
# hashes (`sha512-…` in lock files, `h1:…` in go.sum) and data URIs.
_DATA_PREFIXES = ("iVBORw0KGgo", "/9j/", "R0lGOD", "UklGR", "PHN2Zy", "PD94bWwg", "JVBERi", "AAAA")
_DIGEST_PREFIXES = ("sha512-", "sha384-", "sha256-", "sha1-", "md5-")
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_SET = frozenset(_BASE58)


def _public_blob(text: str, start: int, run: str) -> bool:
    before = text[max(0, start - 8):start]
    if before.endswith(("base64,", "h1:")) or run.startswith(_DATA_PREFIXES + _DIGEST_PREFIXES):
        return True
    return _is_public_address(run)


def _is_public_address(run: str) -> bool:
    """A Solana public key (base58 of 32 bytes) or a Bitcoin address (base58 of 25 bytes from 1 or 3)."""
    if not 25 <= len(run) <= 44 or not _BASE58_SET.issuperset(run):
        return False
    number = 0
    for char in run:
        number = number * 58 + _BASE58.index(char)
    size = len(run) - len(run.lstrip("1")) + (number.bit_length() + 7) // 8
    return size == 32 or (size == 25 and run[0] in "13")


def _looks_random(run: str) -> bool:
    if "REDACTED" in run or _is_hex_or_uuid(run):
        return False
    core = run.rstrip("=")
    if core == core.lower() or core == core.upper() or not _DIGIT_RE.search(core):
        return False  # random tokens mix upper case, lower case and digits
    if "/" in core and not any(_mixed(part) and not _is_public_address(part) for part in core.split("/")
                               if len(part) >= 6):
        return False  # a path: its parts are words (or public addresses), not random runs
    if _class_switches(core) < SWITCH_RATIO:
        return False  # `TodoItem2Checkbox`: words change case at their boundaries only
    from math import log2

    return shannon_entropy(core) >= ENTROPY_RATIO * log2(min(len(core), 64))


def _mixed(part: str) -> bool:
    return part != part.lower() and part != part.upper() and bool(_DIGIT_RE.search(part))


def _class_switches(text: str) -> float:
    """The share of adjacent character pairs whose class (upper, lower, digit, other) differs."""
    classes = [2 if c.isdigit() else 1 if c.isupper() else 0 if c.islower() else 3 for c in text]
    return sum(a != b for a, b in zip(classes, classes[1:])) / max(len(classes) - 1, 1)


def _is_hex_or_uuid(value: str) -> bool:
    if value[:2] in ("0x", "0X"):
        value = value[2:]
    return bool(_HEX_RE.match(value)) or bool(_UUID_RE.fullmatch(value))


def shannon_entropy(text: str) -> float:
    """Shannon entropy of ``text`` in bits per character."""
    if not text:
        return 0.0
    n = len(text)
    from collections import Counter
    from math import log2

    return -sum(c / n * log2(c / n) for c in Counter(text).values())
