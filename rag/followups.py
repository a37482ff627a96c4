"""Follow-up questions rewritten by the chat model from the conversation, checked, with the rule-based fallback."""
from __future__ import annotations

import logging
import re

from rag.aliases import Glossary
from rag.claims import MARKER
from rag.conversation import CJK_FILLERS, Conversations
from rag.lexical import terms
from rag.llm import LlmClient, LlmFault
from rag.prompt import rewrite_messages

log = logging.getLogger("reelqa.llm")

_PREFIX = re.compile(r"^\s*(?:standalone question|question|rewritten question|独立问题|问题)\s*[:：]\s*", re.IGNORECASE)


def keeps_topic(question: str, rewrite: str, glossary: Glossary) -> bool:
    """True when the rewrite keeps every name and content term of the follow-up (aliases may become canonical)."""
    names = set(glossary.canonical_names(question))
    if not names <= set(glossary.canonical_names(rewrite)):
        return False
    aliases = sorted({a for n in names for a in [n, *glossary.entries.get(n, [])]}, key=len, reverse=True)
    name_terms = {t for alias in aliases for t in terms(alias)}
    rest = question
    for alias in aliases:  # names out first: a word segmenter may join a name with the word beside it
        rest = re.sub(re.escape(alias) + r"(?:['’]s\b)?", " ", rest, flags=re.IGNORECASE)
    wanted = {t for t in terms(rest) if t not in name_terms and t not in CJK_FILLERS}  # a rewrite may drop fillers
    return wanted <= set(terms(rewrite))


def clean_rewrite(reply: str) -> str:
    """The model's reply as one question: first non-empty line, no label, no quotes, no markers."""
    lines = [line for line in reply.splitlines() if line.strip()]
    text = _PREFIX.sub("", lines[0] if lines else "")
    text = MARKER.sub("", text).strip().strip("\"'“”‘’「」").strip()
    return " ".join(text.split())


class LlmFollowUps:
    """Resolves follow-ups with the chat model; falls back to the rule-based rewrite on any fault or failed check."""

    def __init__(self, client: LlmClient, conversations: Conversations, glossary: Glossary, max_chars: int = 1000):
        self.client, self.conversations, self.glossary, self.max_chars = client, conversations, glossary, max_chars

    def resolve(self, conversation_id: str | None, question: str) -> str:
        """The question made standalone from the conversation's earlier turns."""
        history = self.conversations.history(conversation_id)
        if not history:
            return question
        try:
            rewrite = clean_rewrite(self.client.complete(rewrite_messages(history, question), "rewrite"))
        except LlmFault:
            return self.conversations.resolve(conversation_id, question)
        if not rewrite or len(rewrite) > self.max_chars or not keeps_topic(question, rewrite, self.glossary):
            log.info("rewrite %r of follow-up %r lost its topic; using the rule-based rewrite", rewrite, question)
            return self.conversations.resolve(conversation_id, question)
        return rewrite

    def remember(self, conversation_id: str | None, resolved: str) -> None:
        """Store a resolved question as the conversation's latest turn."""
        self.conversations.remember(conversation_id, resolved)

    def lacks_context(self, conversation_id: str | None, question: str) -> bool:
        """True for a follow-up that needs an earlier turn when the conversation has none (rule-based)."""
        return self.conversations.lacks_context(conversation_id, question)
