"""Issue 8 item 1: the counterexample CI once found, kept as a plain example."""
from __future__ import annotations

from bot.formatting import answer_pages
from rag.schemas import Answer, Passage


def test_a_very_long_related_title_starting_with_a_marker_keeps_its_number():
    title = "[1] " + "a very long title " * 40
    related = [Passage(doc_id="d", source="d.txt", title=title, date="2024-01-01", start=0, end=5, text="Closest.")]
    (page,) = answer_pages(Answer(question="Weather on Mars?", answer="x", answered=False, related=related))
    names = [f.name for e in page.embeds for f in e.fields]
    assert len(names) == 1 and names[0].startswith("Related 1: ") and len(names[0]) <= 256
