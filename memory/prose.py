"""Prose: the sentences of a message, and the cue phrases that mark decisions, instructions, corrections and
dead ends in them.

Used by learning (the detectors in ``memory.learning.rules``: English cues) and by continuity (the handoff's
decisions -- ``decision_sentences``, in English, French, German, Spanish, Japanese, Chinese and Korean -- and the
user reporting a failure, ``reports_failure``, in the same languages). Regular expressions only: no model, no
network.
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
# The user saying something fails, in English, Chinese, Japanese, Korean, French, German or Spanish: a problem that
# persists ("it still fails", "neither shows readings", "还是失败"), or a pasted failure (a traceback, "npm error").
STILL_FAILS = re.compile(
    r"\b(still|again)\b[^.?!\n]{0,80}\b(fail\w*|error\w*|broken|crash\w*|wrong|missing|not|no|doesn'?t|"
    r"didn'?t|isn'?t|won'?t|can'?t)\b"
    r"|\b(doesn'?t|does not|didn'?t|did not|isn'?t|is not|not|never) work(s|ing)?\b"
    r"|\bsame (error|problem|issue)\b"
    r"|\b(is|are) (also |still )?(failing|broken|crashing|erroring)\b"
    r"|\bfail(s|ed|ing)? (again|too|as well)\b"
    r"|\b(?:neither|none of (?:them|these|those)|nothing) (?:shows?|works?|appears?|happens?|loads?)\b"
    r"|\b(?:doesn'?t|don'?t|isn'?t|aren'?t|is not|are not) (?:show(?:ing)?|appear(?:ing)?|display(?:ing)?|"
    r"load(?:ing)?|start(?:ing)?|build(?:ing)?|compil(?:e|ing)|pass(?:ing)?)\b"
    r"|(还是|仍然|依然|又)[^。！？\n]{0,30}(失败|报错|错误|不行|不对|崩溃)|(失败了|报错了|出错了|不行了)"
    r"|(まだ|また)[^。！？\n]{0,30}(失敗|エラー|動かない|動きません|落ちる)|(失敗します|エラーになります|動きません)"
    r"|(여전히|아직도|또)[^.?!\n]{0,30}(실패|에러|오류|안 ?돼|안 ?됩니다)"
    r"|\b(ne marche (toujours )?pas|ne fonctionne (toujours )?pas|échoue encore|toujours (une )?erreur)\b"
    r"|\b(funktioniert (immer )?noch nicht|schlägt (immer )?noch fehl|immer noch (ein )?fehler)\b"
    r"|\b(sigue (sin funcionar|fallando)|todavía (falla|no funciona)|no funciona)\b",
    re.I,
)
PASTED_FAILURE = re.compile(
    r"Traceback \(most recent call last\)|^\s*(?:\S+\s+)?(?:npm ERR!|npm error)\b|^\s*(?:Error|ERROR|FATAL):\s"
    r"|\bexit(?:ed with)? code:? [1-9]\d*\b|^FAILED\b|^E\s{2,}\w+Error\b|\berror\[E\d+\]|^error: ", re.M)


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


def reports_failure(text: str) -> bool:
    """True when the user's message says something fails (in words, in any of the seven languages) or pastes a
    failure."""
    return bool(STILL_FAILS.search(text) or PASTED_FAILURE.search(text))


# --- decisions a handoff lists (continuity's cues; learning keeps its own above) ------------------------------

STRONG_CUE, WEAK_CUE = 2, 1
DECISION_STRONG = re.compile(
    r"\b(?:I|we)\s+(?:have\s+|'ve\s+)?(?:chose|chosen|decided|opted|settled on|went with|switched to)\b"
    r"|\b(?:decided to|decision is|chose to|choose to|opted (?:for|to)|going with|go with|went with|switch(?:ed|ing)? to"
    r"|instead of|rather than|in favou?r of|trade-?offs?|tradeoffs?|over the alternative)\b"
    r"|\b(?:I'll|I will|we'll|we will|let's)\s+(?:use|keep|adopt|stick with)\b"
    r"|\buse \S+(?: \S+)? instead\b|\binstead\b"
    r"|\b(?:changed|switched|moved|migrated|updated|converted) (?:\S+ ){0,5}from \S+(?: \S+){0,4} to\b"
    r"|\b(?:the )?best (?:fit|option|choice|approach)\b|\bmy recommendation\b|\brecommend(?:ed)?:"
    r"|^(?:since|as|because)\b[^,]{3,160},\s*(?:I|we)(?:'ll| will| should|'re going to| am going to)\b"
    r"|\brevert(?:ed|ing)? to\b|\babandon(?:ed|ing)?\b|\bg[ia]ve up on\b|\bdrop(?:ped)? (?:the|this) (?:idea|approach)\b"
    # French
    r"|\b(?:j'ai|nous avons|on a) (?:choisi|décidé|opté)|\bau lieu de\b|\bplutôt que\b|\bcompromis\b|\bopté pour\b"
    r"|\b(?:je vais|nous allons|on va) utiliser\b|\bj'abandonne\b|\bje renonce\b|\bje remplace\b|\bje passe (?:à|au|l)"
    # German
    r"|\bentschieden\b|\b(?:ich habe|wir haben) (?:mich|uns) für\b|\b(?:an)?statt\b|\banstelle von\b|\bgewählt\b"
    r"|\bKompromiss\b|\b(?:ich|wir) verwende(?:n)?\b|\bstattdessen\b|\bverwerfe\b|\bverzichte\b"
    # Spanish
    r"|\b(?:elegí|elegimos|decidí|decidimos|opté por|optamos por)\b|\ben (?:lugar|vez) de\b"
    r"|\b(?:vamos a usar|usaré|usaremos|compensación|descarto|abandono|en su lugar)\b"
    # Japanese
    r"|ことにしました|ことにします|に決めました|を選びました|を選択しました|を採用|の代わりに|ではなく|トレードオフ"
    r"|に切り替え|を使うことに|にしました|を諦め|代わりに|に変更"
    # Chinese
    r"|决定|決定|选择了|選擇了|选用|採用|采用|改用|而不是|而非|权衡|取舍|代替|放弃|换成|改为"
    # Korean
    r"|(?:으)?로 결정|하기로 했|선택했|선택하였|대신(?:에)?|트레이드오프|채택|로 전환|포기|말고|로 변경|로 바꾸",
    re.I)
DECISION_WEAK = re.compile(
    r"\bbecause\b|\bsince (?:the|it|we|this)\b|\bso that\b|\bso (?:it|we|they) can\b|"
    r"\bthe (?:fix|solution|approach|root cause|issue|problem) (?:is|was)\b|\bthe key (?:change|insight)\b"
    r"|\bparce que\b|\bcar\b|\bweil\b|\bdenn\b|\bporque\b|\bya que\b|ため、|ため。|なので|から、|因为|因為|所以|때문에|므로",
    re.I)
_NOT_A_CHOICE = re.compile(
    r"^(?:let me|let's (?:check|see|look|try|run|verify|start)|i'll (?:check|look|read|run|verify|wait|start|help|now)"
    r"|now (?:let me|i'll)|first,? (?:let me|i'll)|great|perfect|excellent|good)\b"
    r"|^(?:まず|次に|では)|^(?:让我|我来|首先)|^(?:먼저|이제)", re.I)
_ASKS = re.compile(r"[?？]\s*$")
_LEADS_IN = re.compile(r"[:：]\s*$")  # "The issue might be because:" introduces a list; it decides nothing itself
_CHOICE_IN_A_STEP = re.compile(r"\binstead\b|\brather than\b|\bswitch(?:ing)? to\b|\bgo(?:ing)? with\b", re.I)
_REFERS_BACK = re.compile(r"\b(?:it|this|that|them|these|those|one)\b(?! (?:is|was|will|would)\b)", re.I)
_ANY_SCRIPT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z`\"'(\[*])|(?<=[。！？])|\n+")
_PLAIN_MARKUP = re.compile(r"\*\*|__|`")


def decision_sentences(text: str) -> list[tuple[int, str]]:
    """(strength, sentence) for each sentence of ``text``, in any of the seven languages, that states a choice.

    Strong cues name the choice (chose, decided, went with, instead of, rather than, trade-off, switched to and
    their equivalents); weak ones give a reason or a recommendation (because, the fix is). A sentence that only
    announces a step ("Let me check …"), asks, or leads into a list is none; one that refers back ("… use it
    instead") keeps the sentence before it."""
    found = []
    previous = ""
    for raw in _ANY_SCRIPT_SPLIT.split(_CODE_BLOCK_RE.sub(" ", text)):
        sentence = _PLAIN_MARKUP.sub("", raw).strip(" -*#>|•\t")
        before, previous = previous, sentence
        if len(sentence) < 12 or len(sentence) > 600 or _looks_like_code_line(sentence) or _ASKS.search(sentence):
            continue
        if _LEADS_IN.search(sentence) and len(sentence) < 50:
            continue  # "Here's what I'd recommend:" -- the choice is in the list that follows
        strong = bool(DECISION_STRONG.search(sentence))
        if _NOT_A_CHOICE.search(sentence) and not (strong and _CHOICE_IN_A_STEP.search(sentence)):
            continue  # "Let me check …" announces a step, unless the step is a choice ("… and use X instead")
        if strong and before and len(sentence) < 90 and _REFERS_BACK.search(sentence):
            sentence = f"{before} {sentence}"  # "… use it instead": what "it" is was said just before
        if strong:
            found.append((STRONG_CUE, sentence))
        elif DECISION_WEAK.search(sentence) and not _LEADS_IN.search(sentence):
            found.append((WEAK_CUE, sentence))
    return found


def _looks_like_code_line(sentence: str) -> bool:
    symbols = sum(sentence.count(c) for c in "{}();=<>[]$\\")
    return symbols > max(6, len(sentence) // 12)
