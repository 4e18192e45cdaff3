"""Decision cues: the sentences in which the assistant states a choice, in English, French, German, Spanish,
Japanese, Chinese and Korean ("went with X instead of Y because …", "X を採用しました", "改用 X，因为 …").

Strong cues name the choice itself (chose, decided, went with, instead of, rather than, trade-off, switched
to); weak ones give a reason or a recommendation (because, the fix is, my recommendation). Sentences that
only announce the next step ("Let me check …") or ask a question are not decisions. These are continuity's
cues; the learning detectors keep their own instruction and correction cues.
"""

from __future__ import annotations

import re

STRONG, WEAK = 2, 1
_STRONG = re.compile(
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
_WEAK = re.compile(
    r"\bbecause\b|\bsince (?:the|it|we|this)\b|\bso that\b|\bso (?:it|we|they) can\b|"
    r"\bthe (?:fix|solution|approach|root cause|issue|problem) (?:is|was)\b|\bthe key (?:change|insight)\b"
    r"|\bparce que\b|\bcar\b|\bweil\b|\bdenn\b|\bporque\b|\bya que\b|ため、|ため。|なので|から、|因为|因為|所以|때문에|므로",
    re.I)
_NOT_DECISION = re.compile(
    r"^(?:let me|let's (?:check|see|look|try|run|verify|start)|i'll (?:check|look|read|run|verify|wait|start|help|now)"
    r"|now (?:let me|i'll)|first,? (?:let me|i'll)|great|perfect|excellent|good)\b"
    r"|^(?:まず|次に|では)|^(?:让我|我来|首先)|^(?:먼저|이제)", re.I)
_QUESTION = re.compile(r"[?？]\s*$")
_LEAD_IN = re.compile(r"[:：]\s*$")  # "The issue might be because:" introduces a list; it decides nothing itself
_CHOICE_IN_STEP = re.compile(r"\binstead\b|\brather than\b|\bswitch(?:ing)? to\b|\bgo(?:ing)? with\b", re.I)
_REFERS_BACK = re.compile(r"\b(?:it|this|that|them|these|those|one)\b(?! (?:is|was|will|would)\b)", re.I)
_CODE_BLOCK = re.compile(r"```.*?(?:```|\Z)", re.S)
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z`\"'(\[*])|(?<=[。！？])|\n+")
_MARKUP = re.compile(r"\*\*|__|`")


def decision_sentences(text: str) -> list[tuple[int, str]]:
    """(strength, sentence) for each sentence of ``text`` that states a decision."""
    found = []
    previous = ""
    for raw in _SPLIT.split(_CODE_BLOCK.sub(" ", text)):
        sentence = _MARKUP.sub("", raw).strip(" -*#>|•\t")
        before, previous = previous, sentence
        if len(sentence) < 12 or len(sentence) > 600 or _looks_like_code(sentence) or _QUESTION.search(sentence):
            continue
        if _LEAD_IN.search(sentence) and len(sentence) < 50:
            continue  # "Here's what I'd recommend:" -- the choice is in the list that follows
        strong = bool(_STRONG.search(sentence))
        if _NOT_DECISION.search(sentence) and not (strong and _CHOICE_IN_STEP.search(sentence)):
            continue  # "Let me check …" announces a step, unless the step is a choice ("… and use X instead")
        if strong and before and len(sentence) < 90 and _REFERS_BACK.search(sentence):
            sentence = f"{before} {sentence}"  # "… use it instead": what "it" is was said just before
        if strong:
            found.append((STRONG, sentence))
        elif _WEAK.search(sentence) and not _LEAD_IN.search(sentence):
            found.append((WEAK, sentence))
    return found


def _looks_like_code(sentence: str) -> bool:
    symbols = sum(sentence.count(c) for c in "{}();=<>[]$\\")
    return symbols > max(6, len(sentence) // 12)
