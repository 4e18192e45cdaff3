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


# --- learning cues, any language (used by memory.learning.rules) -------------------------------------------
#
# Standing instructions, corrections, task-scoped wording, "everywhere", abandoned approaches and stated causes,
# in English, French, German, Spanish, Japanese, Chinese and Korean. Lengths are measured by characters and
# script (a CJK character carries about a word), never by counting spaces. Each table is a plain regular
# expression so a reader can check one language at a glance.

_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_ANY_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])|\n+")

# "always", "never", "from now on", "in this repo we …", "remember that …"
STANDING = re.compile(
    r"\b(?:always|never|from now on|going forward|in the future|don'?t ever|do not ever|every time|whenever"
    r"|remember (?:that|to)|keep in mind|make sure (?:to )?always|in this (?:repo(?:sitory)?|project|codebase),? we"
    r"|(?:we|I) (?:always|never|prefer|don'?t use|do not use)|prefer \S+ (?:over|to)|stop using"
    r"|(?:we|I) (?:explicitly |really )?(?:don'?t|do not) want (?:you )?to|we (?:explicitly |really )?(?:don'?t|do not) want"
    r"|I'?d (?:rather|prefer)|I would (?:rather|prefer)"
    r"|use \S+(?: \S+)? (?:instead of|rather than|not)\b)"
    r"|\b(?:toujours|jamais|désormais|dorénavant|à l'avenir|à partir de maintenant|dans ce (?:dépôt|projet)"
    r"|on utilise (?:toujours|jamais)?|n'utilise (?:jamais|pas)|ne \S+ jamais|rappelle-toi|souviens-toi)"
    r"|\b(?:immer|niemals|nie|ab jetzt|von nun an|künftig|in Zukunft|in diesem (?:Repo|Projekt)|wir (?:verwenden|nutzen)"
    r"|verwende(?:t)? nie|denk daran)\b"
    r"|\b(?:siempre|nunca|jamás|a partir de ahora|de ahora en adelante|en este (?:repo|repositorio|proyecto)"
    r"|usamos|no uses nunca|recuerda que)\b"
    r"|いつも|常に|必ず|絶対に|今後|これから(?:は)?|以後|決して"
    r"|总是|始终|一律|永远不要|从不|以后|今后|从现在起|每次都|记住"
    r"|항상|언제나|절대|앞으로|이제부터|매번|기억해",
    re.I)

# Corrections: "no, use X", "not X, use Y"
CORRECTION_CUE = re.compile(
    r"^(?:no|nope|nah|actually|wait)\b[,!.]?\s+(?:use|do|put|call|run|keep|make|write|name|it should|we should|"
    r"you should)\b|\buse \S+,? not \S+|\bnot \S+,? use\b"
    r"|^non\b[,!.]?\s+(?:utilise|mets|fais|prends)|\bpas \S+,? (?:utilise|prends)"
    r"|^nein\b[,!.]?\s+(?:nimm|verwende|benutze|mach)|\bnicht \S+,? sondern"
    r"|^no\b[,!.]?\s+(?:usa|pon|haz|utiliza)|\bno \S+,? (?:sino|usa)"
    r"|じゃなくて|ではなく|ではなくて|を使って(?:ください)?。?$"
    r"|不要用|别用|不是\S+[，,]?(?:而是|用)|改用|用\S+[，,]?不要用"
    r"|말고|아니(?:야|요)?[,，]?\s*\S+\s*(?:써|사용해)",
    re.I)

# Task-scoped wording: about this piece of work, not a standing rule ("do not implement X yet", "for now")
TASK_SCOPED = re.compile(
    r"\b(?:yet|for now|right now|at the moment|this time|for this (?:task|PR|change|session)|until (?:later|we)"
    r"|first|next week|today|in this (?:PR|change|task|step)|not now|as a first step)\b"
    r"|\b(?:pour l'instant|pour le moment|pas encore|cette fois|d'abord|aujourd'hui)\b"
    r"|\b(?:noch nicht|vorerst|erstmal|erst mal|diesmal|zunächst|heute|jetzt noch)\b"
    r"|\b(?:todavía|por ahora|de momento|aún no|esta vez|primero|hoy)\b"
    r"|まだ|今は|とりあえず|今回は|一旦|今日は|まずは"
    r"|先不要|暂时|这次|目前|先别|下周再|今天|暂不"
    r"|지금은|아직|일단|이번에는|우선|오늘은|나중에",
    re.I)

# A request to do the work ("create an app that …", "implement X"): the task, never a standing instruction.
TASK_REQUEST = re.compile(
    r"^(?:please |can you |could you |let'?s |i want you to |i'?d like you to |now )?(?:create|build|implement|add"
    r"|make|write|fix|set up|setup|refactor|update|commit|push|run|test|deploy|ship|migrate|remove|delete|rename"
    r"|move|change|help|check|look|read|investigate|figure|explain|review|generate)\b"
    r"|^(?:ajoute|crée|créer|implémente|fais|écris|corrige|mets|lance|vérifie|explique)\b"
    r"|^(?:füge|erstelle|implementiere|mach|schreib|behebe|prüfe|erkläre)\b"
    r"|^(?:añade|agrega|crea|implementa|haz|escribe|arregla|corrige|revisa|explica)\b"
    r"|(?:作って|作成して|実装して|追加して|書いて|直して|修正して|アップデートして|更新して|確認して|調べて)(?:ください|下さい)?。?$"
    r"|^(?:帮我|请帮我|给|把)|(?:加一个|实现|写一个|修一下|提交一下|生成)"
    r"|(?:만들어|추가해|구현해|작성해|고쳐|수정해|붙여|올려|확인해)(?:줘|주세요|줄래)",
    re.I)

# "in all my projects": says by itself that an instruction holds everywhere.
GLOBAL_SCOPE = re.compile(
    r"\b(?:in (?:all|every|any) (?:of )?my (?:projects|repos(?:itories)?)|in all (?:our )?(?:projects|repos(?:itories)?)"
    r"|across (?:all )?(?:my |our )?projects|in every (?:project|repo(?:sitory)?)|for all (?:my|our) projects)\b"
    r"|\b(?:dans tous (?:mes|nos|les) projets|dans chaque projet)\b"
    r"|\b(?:in allen (?:meinen |unseren )?Projekten|in jedem Projekt)\b"
    r"|\b(?:en todos (?:mis|nuestros|los) proyectos|en cada proyecto)\b"
    r"|(?:すべての|全ての|全部の|どの)プロジェクト(?:で|でも)|全プロジェクト"
    r"|所有(?:的)?项目|每个项目|全部项目|任何项目"
    r"|모든 프로젝트",
    re.I)
# "everywhere", "globally": global only in a sentence that is already a standing instruction ("install it
# globally" is not).
GLOBAL_WEAK = re.compile(r"\b(?:everywhere|globally|partout|überall|en todas partes)\b|どこでも|到处|어디서나", re.I)

# An approach given up ("that didn't work", "abandon", "instead"): a dead end only with a later success.
ABANDONS = re.compile(
    r"\b(?:didn'?t (?:work|help|fix)|doesn'?t (?:work|help|fix)|did not (?:work|help)|does not (?:work|help)"
    r"|had no effect|has no effect|no effect|still (?:fails|failing|broken)|give up on|giving up on|abandon\w*"
    r"|drop (?:this|that) approach|try (?:a |an )?(?:different|another) (?:approach|way)|won'?t work)\b"
    r"|\b(?:ne (?:change|marche|fonctionne) rien|ne marche pas|ne fonctionne pas|j'abandonne|abandonne\w*"
    r"|sans effet|autre approche)\b"
    r"|\b(?:funktioniert nicht|hat nicht funktioniert|bringt nichts|keine Wirkung|aufgeben|anderen Ansatz)\b"
    r"|\b(?:no funciona|no funcionó|no sirve|abandon\w*|sin efecto|otro enfoque)\b"
    r"|うまくいかない|うまくいきません|効果がない|効かない|諦め|やめて|別の方法"
    r"|没用|不行|无效|放弃|行不通|换个办法|改用"
    r"|안 ?돼|안 ?됩니다|효과가 없|포기|다른 방법",
    re.I)

# A stated cause ("because", "requires", "by default", "cannot"): the "why" kept with a fix.
EXPLAINS = re.compile(
    r"\b(?:because|since|requires?|needs? to|needs|only works|doesn'?t support|does not support|not supported"
    r"|is not|isn'?t|can'?t|cannot|must|expects?|by default|defaults to|reads? (?:its|the) \S+ (?:once|only))\b"
    r"|\b(?:car|parce que|nécessite|il faut|n'est pas|ne peut pas|par défaut|on ne peut pas|sérialise)\b"
    r"|\b(?:weil|braucht|benötigt|muss|kann nicht|standardmäßig|unterstützt kein)\b"
    r"|\b(?:porque|necesita|requiere|no es|no puede|por defecto|no soporta)\b"
    r"|ため|ので|必要|できない|されない|デフォルト|サポートされ"
    r"|因为|需要|不支持|必须|默认|没有|不在|不能|无法"
    r"|때문|필요|없습니다|지원하지|기본으로|기본 |라서",
    re.I)


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` in any script: split after . ! ? (and 。！？ without a space), and at line breaks;
    code blocks dropped, bullets and markup stripped."""
    out: list[str] = []
    for raw_line in _CODE_BLOCK_RE.sub("\n", text).splitlines():
        line = raw_line.strip()
        if not line or line.startswith(("#", "|", "<", "{")) or line.count("|") >= 2:
            continue
        line = _EMOJI_RE.sub("", _MARKUP_RE.sub("", _BULLET_RE.sub("", line))).strip()
        for piece in _ANY_SENTENCE_END.split(line):
            piece = piece.strip().rstrip(":：").strip()
            if piece:
                out.append(piece)
    return out


def text_size(text: str) -> int:
    """How much a text says, in word units by script: each CJK character counts one, each Latin-script word one."""
    cjk = len(re.findall(f"[{_CJK}]", text))
    latin_words = len(re.findall(r"[^\W\d_]{2,}|\d+", re.sub(f"[{_CJK}]", " ", text)))
    return cjk + latin_words


def is_learning_sized(sentence: str) -> bool:
    """A sentence long enough to say something (3+ word units) and short enough to be one (<= 300 chars),
    mostly letters, no markup or tool noise, not a question."""
    if not 3 <= text_size(sentence) <= 80 or len(sentence) > 300:
        return False
    if ("<" in sentence and ">" in sentence) or "system-reminder" in sentence:
        return False
    if sentence.rstrip().endswith(("?", "？")):
        return False
    letters = sum(c.isalpha() or c.isspace() for c in sentence)
    return letters / max(len(sentence), 1) >= 0.6


_NOT_STANDING = re.compile(r"\bnever ?mind\b|\bnevertheless\b|\balways been\b", re.I)


def is_standing_instruction(sentence: str) -> bool:
    """A standing instruction (always/never/from now on/in this repo …, "in all my projects …") or a
    correction ("no, use X"), and not about the task at hand ("… yet", "for now", "先不要 …")."""
    if not is_learning_sized(sentence):
        return False
    if GLOBAL_SCOPE.search(sentence):
        return True
    if TASK_SCOPED.search(sentence):
        return False
    cleaned = _NOT_STANDING.sub(" ", sentence)
    return bool(STANDING.search(cleaned) or CORRECTION_CUE.search(cleaned))


def is_task_request(sentence: str) -> bool:
    """The sentence asks for the current work ("create an app that …", "實装して"): never a standing rule."""
    return bool(TASK_REQUEST.search(sentence.strip()))


# "Do not implement / create / build …": a negated request about the work, not a standing rule.
NEGATED_TASK = re.compile(r"^(?:please )?(?:don'?t|do not|never)\s+(?:implement|create|build|add|write|make|start"
                          r"|touch|work on|finish|ship)\b", re.I)


def is_task_text(sentence: str) -> bool:
    """About the current piece of work, not a standing instruction: scoped to now ("… yet", "for now", "先不要
    …"), a negated request ("do not implement X"), or a bare request without a standing cue ("create an app
    that …"). A sentence that says it holds in all projects is never task text."""
    if GLOBAL_SCOPE.search(sentence):
        return False
    if TASK_SCOPED.search(sentence) or NEGATED_TASK.search(sentence.strip()):
        return True
    cleaned = _NOT_STANDING.sub(" ", sentence)
    return is_task_request(sentence) and not (STANDING.search(cleaned) or CORRECTION_CUE.search(cleaned))


# A request addressed to the assistant ("I want you to create …", "can you add …", "请帮我 …").
POLITE_REQUEST = re.compile(
    r"^(?:i want you to|i'?d like you to|can you|could you|would you|please|let'?s|help me)\s+\w+"
    r"|^(?:peux-tu|pourrais-tu|je veux que tu|kannst du|könntest du|ich möchte, dass du|puedes|podrías|quiero que)\b"
    r"|(?:してください|して下さい|してほしい|お願いします)。?$|^(?:请|帮我|麻烦)|(?:해줘|해 줘|해주세요|해 주세요)\.?$",
    re.I)


def words_of(text: str) -> set[str]:
    """The words of a text for comparing two texts: Latin-script words lower-cased, each CJK character one."""
    return set(re.findall(r"[^\W\d_]{2,}|\d+", re.sub(f"[{_CJK}]", " ", text.lower()))) | set(
        re.findall(f"[{_CJK}]", text))


def global_scope_words(sentence: str) -> str | None:
    """The user's words saying an instruction holds in all their projects, or None."""
    match = GLOBAL_SCOPE.search(sentence)
    if match:
        return match.group(0)
    weak = GLOBAL_WEAK.search(sentence)
    cleaned = _NOT_STANDING.sub(" ", sentence)
    return weak.group(0) if weak and (STANDING.search(cleaned) or CORRECTION_CUE.search(cleaned)) else None


def abandons(sentence: str) -> bool:
    """The writer gives up an approach ("that didn't work", "放弃这个办法", "j'abandonne cette piste")."""
    return bool(ABANDONS.search(sentence))


def explains(sentence: str) -> bool:
    """The sentence states a cause or a rule of the tool ("X requires Y", "因为 …", "par défaut …")."""
    return bool(EXPLAINS.search(sentence)) and is_learning_sized(sentence)


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
