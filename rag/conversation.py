"""Follow-up questions resolved against earlier turns of the same conversation (bounded, never shared).

A follow-up takes from the previous turn only what it lacks (usually the subject) and keeps its own question:
"and B?" reuses the previous question with B as its subject; "what about B's revenue?" is already complete;
"how much did they pay?" gets the previous subject for "they". A complete question is never rewritten.
"""
from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass

from rag.aliases import Glossary
from rag.lexical import terms

NO_EARLIER_TURN = "Ask a full question: this conversation has no earlier turn."

# Words that open an elliptical follow-up ("and B?", "what about B?", "那B呢？").
_LEAD_IN = re.compile(r"^\s*(?:(?:ok(?:ay)?|so|and|but|also|then|or)\b[\s,]*)*"
                      r"(?:(?:what|how)\s+about|what\s+of|same\s+for|and\s+for|as\s+for)?\b[\s,]*", re.IGNORECASE)
_CJK_LEAD_IN = re.compile(r"^\s*(?:那么|那|还有|而|和|跟|至于)\s*")
_CJK_TAIL = re.compile(r"\s*呢\s*[？?]?\s*$")
# A clause asks something itself: it opens with a question word or an auxiliary verb, or is an imperative.
_CLAUSE = re.compile(r"^\s*(?:(?:in|on|at|for|from|by|to|with|of|during|since|according\s+to)\s+)?"
                     r"(?:what|who|whom|whose|which|where|when|why|how|is|are|was|were|do|does|did|can|could|"
                     r"should|would|will|has|have|had|compare|list|name|tell|give|describe|explain|show)\b", re.IGNORECASE)
_CJK_QUESTION = re.compile(r"什么|多少|多[大长久高远重快宽深早晚]|谁|哪|几|吗|怎么|怎样|如何|为什么|为何|是否|有没有|"
                           r"是不是|能不能|会不会|何")
_PRONOUNS = {"they": "", "them": "", "it": "", "he": "", "him": "", "she": "",
             "their": "'s", "theirs": "'s", "its": "'s", "his": "'s", "her": "'s", "hers": "'s"}
_PRONOUN = re.compile(r"\b(" + "|".join(_PRONOUNS) + r")\b", re.IGNORECASE)
_CJK_PRONOUN = re.compile(r"它们|他们|她们|它|他|她|其")
# Chinese function words (pronouns, particles, "and"/"also"): they carry no topic.
CJK_FILLERS = frozenset("那这它他她们的了吗呢吧啊么和与及也还又就再呀嘛个是有请问")
# Words that contain a pronoun's character without pointing back ("其他" others, "尤其" especially, "及其" and its).
_CJK_NOT_PRONOUN = re.compile(r"其他|其它|其中|其实|其余|其次|尤其|极其|及其|与其|他人|吉他")
# A fragment that only narrows the previous question ("and in 2023?", "for students?").
_MODIFIER = re.compile(r"^\s*(?:in|on|at|for|during|since|before|after|by|from|with|without|last|this|next|"
                       r"today|now|then|overseas|abroad|worldwide|globally)\b", re.IGNORECASE)
_ENTITY = re.compile(r"(?<![\w'’])[A-Z][\w'’-]*(?:\s+[A-Z0-9][\w'’-]*)*")
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


@dataclass
class Turn:
    """One asked question, as resolved, and when."""

    resolved: str
    at: float


@dataclass(frozen=True)
class Reading:
    """How a question relates to an earlier turn: what it lacks, if anything."""

    body: str
    names: list[str]
    clause: bool
    anaphoric: bool
    has_topic: bool

    @property
    def complete(self) -> bool:
        """Whether the question stands on its own (then it is never rewritten)."""
        if self.clause:
            return not self.anaphoric
        return bool(self.names) and self.has_topic


class Conversations:
    """Per-conversation turn history, bounded in turns, age and number of conversations."""

    def __init__(self, glossary: Glossary, max_turns: int = 6, ttl_seconds: float = 1800,
                 max_conversations: int = 10_000, clock=time.monotonic):
        self.glossary, self.max_turns, self.ttl = glossary, max_turns, ttl_seconds
        self.max_conversations, self.clock = max_conversations, clock
        self._turns: OrderedDict[str, deque[Turn]] = OrderedDict()
        self._lock = threading.Lock()
        self._all_names = sorted({n for canon, aliases in glossary.entries.items() for n in [canon, *aliases]},
                                 key=len, reverse=True)

    def resolve(self, conversation_id: str | None, question: str) -> str:
        """The question made standalone using the conversation's previous turn (unchanged when complete)."""
        previous = self._last(conversation_id)
        reading = self.read(question)
        if previous is None or reading.complete:
            return question
        if reading.anaphoric or reading.clause:
            return self._fill_pronoun(question, previous)
        if not reading.names:
            return self._add_subject(question, reading, previous)
        return self._swap_subject(question, reading, previous)

    def lacks_context(self, conversation_id: str | None, question: str) -> bool:
        """True for a follow-up that needs an earlier turn when the conversation has none (new or forgotten)."""
        return not self.read(question).complete and self._last(conversation_id) is None

    def read(self, question: str) -> Reading:
        """Whether a question has its own clause, subject and topic, or leans on an earlier turn."""
        if _CJK_QUESTION.search(question) or _CJK_TAIL.search(question) or _CJK_PRONOUN.search(question):
            return self._read_chinese(question)
        body = _LEAD_IN.sub("", question, count=1).strip()
        names = self.glossary.canonical_names(body) or _entities(body)
        clause = bool(_CLAUSE.match(body)) and len(re.findall(r"\w+", body)) > 1
        pronoun = _PRONOUN.search(body)
        # a pronoun after the question's own topic ("why is seaweed farming growing and what limits its spread?")
        # points back into the question, not to an earlier turn
        anaphoric = pronoun is not None and not names and not self._topic_before(body[:pronoun.start()])
        topic = [t for t in terms(self._without_names(body)) if t not in {"s", "’s"}]
        return Reading(body, names, clause, anaphoric, bool(topic))

    def remember(self, conversation_id: str | None, resolved: str) -> None:
        """Store a resolved question as the conversation's latest turn."""
        if not conversation_id:
            return
        with self._lock:
            turns = self._turns.pop(conversation_id, deque(maxlen=self.max_turns))
            turns.append(Turn(resolved, self.clock()))
            self._turns[conversation_id] = turns
            while len(self._turns) > self.max_conversations:
                self._turns.popitem(last=False)

    def _read_chinese(self, question: str) -> Reading:
        body = _CJK_TAIL.sub("", _CJK_LEAD_IN.sub("", question, count=1)).strip()
        names = self.glossary.canonical_names(body)
        clause = bool(_CJK_QUESTION.search(body))
        pronoun = _CJK_PRONOUN.search(_CJK_NOT_PRONOUN.sub(lambda m: "　" * len(m.group()), body))
        anaphoric = pronoun is not None and not names and not self._topic_before(body[:pronoun.start()])
        rest = re.sub(r"\s+", "", self._without_names(body))
        return Reading(body, names, clause, anaphoric, len(rest) >= 2)

    def history(self, conversation_id: str | None) -> list[str]:
        """The conversation's resolved questions, oldest first (empty when unknown or expired)."""
        if self._last(conversation_id) is None:  # also forgets an expired conversation
            return []
        with self._lock:
            return [turn.resolved for turn in self._turns.get(conversation_id or "", ())]

    def _last(self, conversation_id: str | None) -> str | None:
        if not conversation_id:
            return None
        with self._lock:
            turns = self._turns.get(conversation_id)
            if not turns:
                return None
            if self.clock() - turns[-1].at > self.ttl:
                del self._turns[conversation_id]
                return None
            return turns[-1].resolved

    def _subjects(self, previous: str) -> list[str]:
        return self.glossary.canonical_names(previous) or _entities(_LEAD_IN.sub("", previous, count=1))

    def _fill_pronoun(self, question: str, previous: str) -> str:
        """'how much did they pay?' → 'how much did <previous subject> pay?'."""
        subject = " and ".join(self._subjects(previous))
        if not subject:
            return f"{question} ({previous})"
        if _CJK_PRONOUN.search(question) and not _PRONOUN.search(question):
            return _CJK_PRONOUN.sub(subject, question, count=1)
        return _PRONOUN.sub(lambda m: subject + _PRONOUNS[m.group(1).lower()], question, count=1)

    def _add_subject(self, question: str, reading: Reading, previous: str) -> str:
        """A topic without a subject ('and the revenue?') gets the previous subject; a bare modifier
        ('and in 2023?') or nothing at all ('why?') narrows the previous question."""
        subjects = self._subjects(previous)
        body = reading.body.rstrip(" ?？")
        if not body or _CLAUSE.match(body):  # nothing of its own, or a bare 'why?'
            return f"{question} ({previous})" if body else previous
        if not reading.has_topic or _MODIFIER.match(body) or not subjects:
            return f"{previous.rstrip(' ?？')} {body}?"
        if re.search(r"[\u3400-\u9fff]", question):
            return f"{''.join(subjects)}{body}？"
        owner = " and ".join(f"{s}'s" for s in subjects)
        return f"What about {owner} {_ARTICLE.sub('', body)}?"

    def _swap_subject(self, question: str, reading: Reading, previous: str) -> str:
        """'and B?' after a question about A asks the same about B."""
        before = self._subjects(previous)
        swap = next((n for n in before if n not in reading.names), None)
        if swap is None:
            return previous if before else f"{previous.rstrip(' ?？')} ({', '.join(reading.names)})?"
        return self._replace_name(previous, swap, reading.names[0])

    def _topic_before(self, text: str) -> bool:
        """True when the words before a pronoun hold a topic it may point back to (two content characters or a
        content word)."""
        rest = re.sub(r"\s+", "", _CJK_QUESTION.sub("", self._without_names(text)))
        if re.search(r"[\u4e00-\u9fff]", rest):
            return len([c for c in rest if "\u4e00" <= c <= "\u9fff" and c not in CJK_FILLERS]) >= 2
        return bool(terms(text))

    def _without_names(self, text: str) -> str:
        for name in self._all_names:  # longest first
            text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(name)}(?:['’]s)?(?![A-Za-z0-9])", " ", text, flags=re.IGNORECASE)
        return _ENTITY.sub(" ", text)

    def _replace_name(self, text: str, old: str, new: str) -> str:
        names = [old, *self.glossary.entries.get(old, [])]
        pattern = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        return re.sub(rf"(?<![A-Za-z])(?:{pattern})(?![A-Za-z])", new, text, count=0, flags=re.IGNORECASE)


def _entities(text: str) -> list[str]:
    """Capitalized phrases (a subject's name), without a leading question word or lead-in."""
    found = []
    for match in _ENTITY.finditer(text):
        parts = re.sub(r"['’]s$", "", match.group()).split()
        while parts and parts[0].lower() in _QUESTION_WORDS:
            parts = parts[1:]
        if parts:
            found.append(" ".join(parts))
    return list(dict.fromkeys(found))


_QUESTION_WORDS = frozenset([
    "what", "who", "whom", "whose", "which", "where", "when", "why", "how", "is", "are", "was", "were",
    "do", "does", "did", "can", "could", "should", "would", "will", "has", "have", "had", "and", "also",
    "but", "then", "or", "so", "ok", "okay", "i", "in", "on", "at", "for", "from", "by", "to", "with",
    "of", "during", "since", "according", "compare", "list", "name", "tell", "give", "describe", "explain",
    "show", "the", "a", "an",
])
