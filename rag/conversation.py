"""Follow-up questions resolved against earlier turns of the same conversation (bounded, never shared)."""
from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass

from rag.aliases import Glossary

_FOLLOW_UP_START = re.compile(r"^\s*(and|also|what about|how about|what of|same for|then|but)\b", re.I)
_PRONOUN = re.compile(r"\b(they|them|their|theirs|it|its|he|she|his|her|this|that|these|those|the company|"
                      r"the product|the model)\b", re.I)


@dataclass
class Turn:
    """One asked question, as resolved, and when."""

    resolved: str
    at: float


class Conversations:
    """Per-conversation turn history, bounded in turns, age and number of conversations."""

    def __init__(self, glossary: Glossary, max_turns: int = 6, ttl_seconds: float = 1800,
                 max_conversations: int = 10_000, clock=time.monotonic):
        self.glossary, self.max_turns, self.ttl = glossary, max_turns, ttl_seconds
        self.max_conversations, self.clock = max_conversations, clock
        self._turns: OrderedDict[str, deque[Turn]] = OrderedDict()
        self._lock = threading.Lock()

    def resolve(self, conversation_id: str | None, question: str) -> str:
        """The question made standalone using the conversation's previous turn."""
        previous = self._last(conversation_id)
        if previous is None or not self._is_follow_up(question):
            return question
        now_names = self.glossary.canonical_names(question)
        before_names = self.glossary.canonical_names(previous)
        if now_names:
            swap = next((n for n in before_names if n not in now_names), None)
            if swap is None:
                return question
            return self._replace_name(previous, swap, now_names[0])
        if before_names:
            subject = " and ".join(before_names)
            replaced, count = _PRONOUN.subn(subject, question, count=1)
            return replaced if count else f"{question} ({subject})"
        return f"{question} {previous}"

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

    def _is_follow_up(self, question: str) -> bool:
        words = re.findall(r"\w+", question)
        has_names = bool(self.glossary.canonical_names(question))
        return bool(_FOLLOW_UP_START.search(question)) or len(words) <= 4 or \
            (bool(_PRONOUN.search(question)) and not has_names)

    def _replace_name(self, text: str, old: str, new: str) -> str:
        names = [old, *self.glossary.entries.get(old, [])]
        pattern = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        return re.sub(rf"(?<![A-Za-z])(?:{pattern})(?![A-Za-z])", new, text, count=0, flags=re.I)
