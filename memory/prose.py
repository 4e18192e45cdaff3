"""Prose: the sentences of a message, and the cue phrases that mark decisions, instructions, corrections and
dead ends in them.

Used by continuity (the decisions a handoff lists, the user saying something still fails) and by learning (the
detectors in ``memory.learning.rules``). English only, regular expressions only: no model, no network.
"""

from __future__ import annotations

import re

_CODE_BLOCK_RE = re.compile(r"```.*?(?:```|\Z)", re.S)
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`\"'(\[])")
_BULLET_RE = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_MARKUP_RE = re.compile(r"\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)")
_EMOJI_RE = re.compile(r"[\u2600-\u27bf\U0001F300-\U0001FAFF\u2705\u274c\u2714\u2713]")

# --- cue phrases ----------------------------------------------------------------------------------------

_WE_WILL = r"I'll|I will|we'll|we will|let's|let us|I'm going to|we're going to|I've decided to|we've decided to"
DECISION = re.compile(
    r"\b(?:" + _WE_WILL + r")"
    r"\s+(?:use|go with|switch to|stick with|keep using|adopt|rely on|store|keep|put|structure|organi[sz]e|split"
    r"|move|implement \S+(?: \S+)? (?:with|using|via)|build \S+(?: \S+)? (?:with|using|on))\b"
    r"|\b(?:decided|decide|chose|choosing|opted|opting)\s+(?:to|for|on|with)\b"
    r"|\bgoing with\b|\b(?:the|our) (?:approach|decision|choice) (?:is|will be)\b", re.I)
NOT_DECISION = re.compile(r"\b(?:help you|let me (?:check|see|look|read|run|verify|try|know)|I'll (?:check|"
                          r"look|read|run|verify|wait|let you know))\b", re.I)
FACT = re.compile(
    r"^(?:The |This |Our )?[\w.`/\-]+(?: [\w.`/\-]+)? (?:uses|is built with|relies on|is configured (?:with|via)"
    r"|stores (?:its|the)|reads (?:its|the)) \S.* (?:for|to|in|from|via|as) \S"
    r"|\b(?:tests?|the build|the app|the server|it) (?:needs?|requires?|must have) .+ (?:first|before)\b", re.I)
DEAD_END = re.compile(
    r"\b(?:(?:that|this|it|which) (?:didn'?t|did not|doesn'?t|does not|won'?t|will not) (?:work|help|fix)"
    r"|(?:didn'?t|doesn'?t|does not|did not) work|not working|still (?:fails|failing|broken)"
    r"|(?:try|trying|take|use) (?:a |an )?(?:different|another|alternative|simpler|new) (?:approach|way|method"
    r"|version|strategy)|revert(?:ed|ing)?\b|roll(?:ed|ing)? back|abandon(?:ed|ing)?|give up on|dead end"
    r"|won'?t work|also requires|can'?t (?:be done|work))", re.I)
INSTEAD = re.compile(r"\b(?:try|use|using|switch|let me|let's|I'll|we'll)\b.*\binstead\b(?!\s+of\s+\d)", re.I)
INSTRUCTION_LEAD = re.compile(r"^(?:(?:no|nope|nah|actually|wait|please|ok|okay|also|and|but|hmm)\b[,!.]?\s*)+", re.I)
INSTRUCTION = re.compile(
    r"^(?:always|never|don'?t|do not|stop|avoid|prefer|make sure|from now on|please (?:use|always|never|don'?t)"
    r"|we (?:always|never|use|prefer|don'?t)|i (?:prefer|want you to|'d rather|would rather|like to use)"
    r"|let'?s (?:always|never|stick with|keep using))\b"
    r"|^use \S.*\b(?:instead|rather than|not|over)\b", re.I)
CORRECTION = re.compile(r"^(?:no|nope|nah|actually|wait)\b[,!.]?\s+(?P<rest>(?:use|do|put|call|run|keep|make"
                        r"|write|name|it should|we should|you should|that should)\b.*)", re.I)
FIRST_PERSON_DECISION = re.compile(
    r"^(?:so |now |then |ok,? |okay,? )?(?:" + _WE_WILL + r"|I decided to|we decided to)\s+", re.I)
# The user saying a problem persists ("it still fails", "same error", "doesn't work").
STILL_FAILS = re.compile(
    r"\b(still|again)\b[^.?!\n]{0,80}\b(fail\w*|error\w*|broken|crash\w*|wrong|missing|not|no|doesn'?t|"
    r"didn'?t|isn'?t|won'?t|can'?t)\b"
    r"|\b(doesn'?t|does not|didn'?t|did not|isn'?t|is not|not|never) work(s|ing)?\b"
    r"|\bsame (error|problem|issue)\b",
    re.I,
)


def sentences(text: str) -> list[str]:
    """The prose sentences of ``text``: code blocks, tables, headings and tags removed, markup stripped."""
    out: list[str] = []
    for raw_line in _CODE_BLOCK_RE.sub("\n", text).splitlines():
        line = raw_line.strip()
        if not line or line.startswith(("#", "|", ">", "<", "{", "[")) or line.count("|") >= 2:
            continue
        line = _EMOJI_RE.sub("", _MARKUP_RE.sub("", _BULLET_RE.sub("", line))).strip()
        for sentence in _SENTENCE_SPLIT_RE.split(line):
            sentence = sentence.strip().rstrip(":").strip()
            if sentence:
                out.append(sentence)
    return out


def is_prose(sentence: str) -> bool:
    """A plausible one-sentence learning: 4+ words, mostly letters, no markup or tool noise."""
    if not 4 <= len(sentence.split()) <= 60 or len(sentence) > 300:
        return False
    if "<" in sentence and ">" in sentence or "system-reminder" in sentence or sentence.endswith("?"):
        return False
    letters = sum(c.isalpha() or c.isspace() for c in sentence)
    return letters / len(sentence) >= 0.7


def is_decision(sentence: str) -> bool:
    """Whether ``sentence`` states a decision ("I'll use …", "we decided to …") rather than a next step."""
    return bool(DECISION.search(sentence)) and not NOT_DECISION.search(sentence)


def find_decisions(text: str) -> list[str]:
    """Sentences of ``text`` in which the writer states a decision ("I'll use …", "we decided to …")."""
    return [s for s in sentences(text) if is_decision(s) and is_prose(s)]
