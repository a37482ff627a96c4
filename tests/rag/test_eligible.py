"""Whether a sentence may answer at all: the rules of rag/eligible.py on hand-made candidates."""
from __future__ import annotations

import pytest

from rag.aliases import Glossary
from rag.answer import Scored
from rag.eligible import holds_what_was_asked
from rag.features import Evidence
from rag.question import analyse
from rag.retrieve import Candidate, Span


def _scored(text: str, before: str = "") -> Scored:
    span = Span(id="s", doc_id="d", source="d.md", title="", date="", start=0, end=len(text), text=text)
    return Scored(Candidate(pos=0), span, 0.9, 0, len(text), text, Evidence(key=0, doc_id="d", text=text, before=before))


@pytest.mark.parametrize("question, text, holds", [
    ("How many free credits does Tessel give users per day?", "Tessel's free tier gives 80 credits a month.", False),
    ("How many free credits does Tessel give users per day?", "Tessel gives 66 free credits a day.", True),
    ("How much does Tessel cost per year?", "Tessel costs $10 a month.", False),
    ("How many credits does Tessel give?", "Tessel's free tier gives 80 credits a month.", True),  # no rate asked
])
def test_a_count_or_price_for_another_period_does_not_answer(question, text, holds):
    assert holds_what_was_asked(analyse(question, Glossary({})), _scored(text)) is holds
