"""Chunks and sentences keep exact offsets and fit the model's token limit."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from index.chunking import chunk_document, sentence_units
from index.loaders import load_document
from rag.schemas import DocumentMeta, LoadedDocument
from rag.text import sentence_spans, sha256
from tests.conftest import CORPUS


def _doc(text: str, body_start: int = 0) -> LoadedDocument:
    return LoadedDocument(meta=DocumentMeta(doc_id="d", source="d.txt"), text=text, body_start=body_start,
                          sha256=sha256(text))


def test_every_chunk_of_the_corpus_is_its_source_span_and_fits_the_model(embedder):
    doc = load_document(CORPUS / "keling-next-target-for-jimeng.txt", CORPUS)
    units = sentence_units(doc, embedder.token_offsets, 200)
    chunks = chunk_document(doc, units, 200)
    assert len(chunks) > 5
    for chunk in chunks:
        assert doc.text[chunk.start:chunk.end] == chunk.text
        assert len(embedder.token_offsets(chunk.text)) <= 200
    covered = set()
    for chunk in chunks:
        covered.update(range(chunk.start, chunk.end))
    for unit in units:
        assert set(range(unit.start, unit.end)) <= covered, "a sentence fell between chunks"


def test_an_over_long_sentence_is_cut_at_token_boundaries(embedder):
    text = "Keling " * 600 + "ends here."
    doc = _doc(text)
    units = sentence_units(doc, embedder.token_offsets, 100)
    assert len(units) > 5
    assert all(u.tokens <= 100 for u in units)
    assert units[-1].end == len(text)
    for chunk in chunk_document(doc, units, 100):
        assert text[chunk.start:chunk.end] == chunk.text
        assert len(embedder.token_offsets(chunk.text)) <= 100


def test_front_matter_is_never_chunked(embedder):
    text = "---\ntitle: x\n---\nBody sentence one. Body sentence two."
    doc = _doc(text, body_start=text.index("Body"))
    chunks = chunk_document(doc, sentence_units(doc, embedder.token_offsets, 200), 200)
    assert chunks[0].start == doc.body_start and "title" not in chunks[0].text


def test_sentence_spans_split_on_sentence_ends_and_lines():
    text = "Dr. Zhang said so. Keling grew 195%! Did Jimeng?\nNew line here"
    pieces = [text[s:e] for s, e in sentence_spans(text)]
    assert pieces == ["Dr. Zhang said so.", "Keling grew 195%!", "Did Jimeng?", "New line here"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?\n\t'\"AZ09可灵。")), max_size=300))
def test_sentence_spans_are_trimmed_ordered_and_inside_the_text(text):
    previous_end = 0
    for start, end in sentence_spans(text):
        assert previous_end <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        previous_end = end


def test_a_hard_wrapped_paragraph_gives_whole_sentences_with_exact_offsets(embedder):
    text = ("# Weft's contest\n\n"
            "Unlike the small prizes of earlier student events, the first prize for the Weft\n"
            "Creator Contest is now a cash prize of 100,000 yuan. The winner, Ivo Brandt, is an\n"
            "independent developer.\n\n"
            "- a list item without a full stop\n"
            "- another item\n\n"
            "Short line\n"
            "Another paragraph starts here.\n")
    units = [u for u in sentence_units(_doc(text), embedder.token_offsets, 200) if u.kind == "body"]
    said = [text[u.start:u.end] for u in units]
    assert said[0] == ("Unlike the small prizes of earlier student events, the first prize for the Weft\n"
                       "Creator Contest is now a cash prize of 100,000 yuan.")
    assert said[1] == "The winner, Ivo Brandt, is an\nindependent developer."
    assert "a list item without a full stop" in said and "another item" in said  # list items stay apart
    assert "Another paragraph starts here." in said  # a short line does not run on into the next
