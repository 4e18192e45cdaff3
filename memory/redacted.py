"""The gate of the one redaction door (``memory.redact``): what may pass without loading the rules.

Text passes the gate as it is when it has been through ``redact`` already (``Redacted``: the outline cache
stores its text redacted and says so) or when no rule could change it: a test of plain string checks
against the words and hints every rule needs (``could_hold_secret``). Anything else goes through
``memory.redact``, which its callers import only then (this module never imports it): a cache hit of the pre-read, whose answer is a stored outline and a
header line, never loads the rules (49 KB of bytecode). ``tests/learning/test_redact.py`` checks that these
words and hints cover every rule of ``memory.redact``.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Lower-cased words every rule but the token formats and the random-run rule needs: the secret words of the
# assignment, PEM, header and prose rules, the command-line rules' hints, a URL's "://".
SUSPECT_WORDS = (
    "://", "api-key", "auth", "auth-token", "authorization", "bearer", "conn", "credential", "curl", "dsn",
    "http", "key", "login", "mariadb", "mysql", "pass", "pat", "private key", "private-token", "pwd",
    "redis-cli", "secret", "sshpass", "subscription-key", "sudo", "token", "webhook", "wget",
)
# What a provider token format holds (case kept), found in a run of 16+ non-space characters.
TOKEN_HINTS = (
    ':AA', 'ABIA', 'ACCA', 'AGE-SECRET-KEY-', 'AGPA', 'AIDA', 'AIPA', 'AIza', 'AKIA', 'ANPA', 'ANVA', 'APKA',
    'AROA', 'ASCA', 'ASIA', 'ATATT3', 'CFPAT-', 'GOCSPX-', 'HRKU-', 'MD', 'MT', 'Mj', 'Mz', 'ND', 'NRAK-', 'NRII-',
    'NRJS-', 'NT', 'Nj', 'Nz', 'OD', 'OT', 'PMAK-', 'Q~', 'SG.', 'SK', '_live_', '_test_', '_v1_', 'api_org_',
    'dapi', 'dp.', 'dt0', 'eyJ', 'figd_', 'figh_', 'figu_', 'fo1_', 'gho_', 'ghp_', 'ghr_', 'ghs_', 'ghu_',
    'github_pat_', 'glagent-', 'glc_', 'glcbt-', 'gldt-', 'glft-', 'glimt-', 'gloas-', 'glpat-', 'glptt-', 'glrt-',
    'glsa_', 'glsoat-', 'gsk_', 'hf_', 'hooks.slack', 'k.eyJ', 'key-', 'lin_api_', 'npm_', 'ntn_', 'pplx-',
    'pscale_', 'pul-', 'pypi-', 'r8_', 'rubygems_', 'sbp_', 'secret_', 'shp', 'sig=', 'sk-', 'sk-ant-', 'sntrs',
    'sntru', 'sntry', 'sq0', 'webhooks', 'whsec_', 'xai-', 'xapp-', 'xox', 'ya29.',
)


class Redacted(str):
    """Text that has been through ``memory.redact.redact``: the door returns it as it is. Made only by this
    module's ``joined_if_clean``, ``lines_from`` and ``restored`` (stored text whose stamp says the current
    rules redacted it), and by ``memory.redact`` (``redacted``, ``join_blocks``, ``redact_code``)."""

    __slots__ = ()


def could_hold_secret(text: str) -> bool:
    """False only when no rule of ``memory.redact`` can change ``text``: plain string tests, nothing compiled
    or imported, so a header line or a path costs microseconds."""
    lower = text.lower()
    if any(word in lower for word in SUSPECT_WORDS):
        return True
    if "pin" in lower and (" is " in lower or " was " in lower):  # the prose rule's one word not above
        return True
    if "=" in text and any(c in text for c in "?&#;"):
        return True
    runs = [run for run in text.split() if len(run) >= 16]
    if not runs:
        return False
    joined = "\n".join(runs)
    if any(hint in joined for hint in TOKEN_HINTS):
        return True
    return any(len(run) >= 24 and run != run.lower() and run != run.upper() and any(c.isdigit() for c in run)
               for run in runs)


def joined_if_clean(blocks: list[str]) -> Redacted | None:
    """Non-empty ``blocks`` joined by newlines, as they are, when each is ``Redacted`` or could hold no secret
    (what ``memory.redact.join_blocks`` would return without loading a rule); else None."""
    parts = [block for block in blocks if block]
    if all(isinstance(block, Redacted) or not could_hold_secret(block) for block in parts):
        return Redacted("\n".join(parts))
    return None


def lines_from(text: str, first: int) -> str:
    """``text`` from its line ``first`` (0-based) on, still ``Redacted`` when ``text`` was: a rule either matches
    within one line or spans lines and was replaced whole, and its look-behinds see a line start as they see
    a newline, so dropping whole lines from the front uncovers no secret."""
    rest = "\n".join(text.split("\n")[first:])
    return Redacted(rest) if isinstance(text, Redacted) else rest


def needs_redaction(value: Any, keep: frozenset[str] = frozenset()) -> bool:
    """Whether some text in ``value`` (a JSON-like structure; values under a key in ``keep`` aside) must go
    through ``memory.redact``: it is not ``Redacted`` and could hold a secret."""
    if isinstance(value, Redacted):
        return False
    if isinstance(value, str):
        return could_hold_secret(value)
    if isinstance(value, dict):
        return any(k not in keep and needs_redaction(item, keep) for k, item in value.items())
    if isinstance(value, (list, tuple)):
        return any(needs_redaction(item, keep) for item in value)
    return False


_STAMP: list[str | None] = []


def stamp() -> str | None:
    """The identity of the rules (``memory/redact.py``), stored with text redacted ahead of time (the outline
    cache): the file's size and modification time, as the cache identifies a source file (no hash: a cache
    hit would pay for it). None when the file cannot be seen, and then nothing stored is trusted."""
    if not _STAMP:
        import os

        try:
            info = os.stat(os.path.join(os.path.dirname(os.path.abspath(__file__)), "redact.py"))
            _STAMP.append(f"{info.st_size:x}.{info.st_mtime_ns:x}")
        except (OSError, NameError):
            _STAMP.append(None)
    return _STAMP[0]


def restored(text: str, text_stamp: str | None) -> str:
    """Stored ``text`` as it comes back: ``Redacted`` when ``text_stamp`` says the current rules redacted it
    before it was stored, else plain text (the door redacts it again)."""
    current = stamp()
    return Redacted(text) if current is not None and text_stamp == current else text
