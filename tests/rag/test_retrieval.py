"""Candidate retrieval on real development documents: cross-lingual hits, typed per-retriever evidence, what is
indexed (body sentences only) and what is embedded (only what is queried)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.build import Indexer
from rag.retrieve import HybridRetriever, IndexView
from rag.store import IndexVersions

DEVDOCS = Path(__file__).resolve().parents[1] / "data" / "devcorpus" / "docs"
DOCS = ["kling-first-anniversary-zh.md", "kuaishou-q3-2024-results.md", "kuaishou-fy2024-zh.txt",
        "kuaishou-fy2024-zh.meta.yaml", "kling-2-0-launch.html", "seaweed-farming-boom.txt",
        "seaweed-farming-boom.meta.yaml"]


@pytest.fixture(scope="module")
def view(tmp_path_factory, embedder, multilingual) -> IndexView:
    """An index of a few real development documents, English and Chinese, in several formats."""
    root = tmp_path_factory.mktemp("retrieval")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in DOCS:
        shutil.copy(DEVDOCS / name, corpus / name)
    versions = IndexVersions(root / "data")
    Indexer(corpus, versions, embedder, multilingual).update()
    return IndexView(versions, versions.require_current())


@pytest.fixture(scope="module")
def retriever(embedder, multilingual) -> HybridRetriever:
    return HybridRetriever(embedder, multilingual)


def top_texts(retriever, view, question: str, k: int = 5) -> list[str]:
    candidates = retriever.candidates(view, question, question, question)
    return [view.sentences[c.pos].text for c in candidates[:k]]


def test_an_english_question_finds_the_chinese_evidence_sentence(retriever, view):
    top = top_texts(retriever, view, "How much does Kling's gold membership cost each month?")
    assert any("黄金会员的月费为66元" in text for text in top), top


def test_a_chinese_question_finds_the_english_evidence_sentence(retriever, view):
    top = top_texts(retriever, view, "快手2024年第三季度的总收入是多少？")
    assert any("total revenue of RMB 31.1 billion for the third quarter of 2024" in text for text in top), top


def test_candidates_carry_each_retrievers_score_and_zero_based_rank(retriever, view):
    candidates = retriever.candidates(view, "Kling gold membership monthly fee", "Kling gold membership monthly fee",
                                      "Kling gold membership monthly fee")
    ranked = {name: sorted((getattr(c, f"{name}_rank"), c.pos) for c in candidates
                           if getattr(c, f"{name}_rank") is not None)
              for name in ("dense", "multilingual", "bm25")}
    for name, ranks in ranked.items():
        assert [r for r, _ in ranks] == list(range(len(ranks))), f"{name} ranks are not 0..n-1"
    assert ranked["dense"] and ranked["multilingual"] and ranked["bm25"]
    by_pos = {c.pos: c for c in candidates}
    best_bm25 = by_pos[ranked["bm25"][0][1]]
    assert best_bm25.bm25 == max(c.bm25 for c in candidates) > 0
    for cand in candidates:
        if all(getattr(cand, f"{name}_rank") is None for name in ("dense", "multilingual", "bm25", "translated")):
            assert cand.neighbour_of is not None and cand.rrf == 0.0  # joined as a neighbour only
        span = view.sentences[cand.pos]
        assert (cand.date, cand.section) == (span.date, span.section)
    assert [c.fused_rank for c in candidates] == list(range(len(candidates)))


def test_a_question_translated_through_the_dictionary_ranks_the_other_languages_sentences(retriever, view):
    from tests.conftest import shared_lexicon
    lexicon = shared_lexicon()
    question = "快手的广告收入是多少？"
    english = sorted(lexicon.as_english(question))
    assert {"advertis", "revenu"} <= set(english)
    candidates = retriever.candidates(view, question, question, question, english)
    ranked = sorted((c.translated_rank, c.pos) for c in candidates if c.translated_rank is not None)
    assert [r for r, _ in ranked] == list(range(len(ranked))) and ranked
    assert not any(view.sentence_cjk[pos] for _, pos in ranked)  # only English sentences: the question is Chinese
    assert any("advertising" in view.sentences[pos].text for _, pos in ranked[:5]), [view.sentences[p].text for _, p in ranked[:5]]
    assert lexicon.chinese("watermark") == ("水印",) and lexicon.chinese("the") == ()


def test_headings_bylines_and_datelines_are_never_candidate_sentences(view):
    texts = {s.text for s in view.sentences}
    lines = [line for doc_id in view.documents() for line in view.lines(doc_id)]
    kinds = {line.kind for line in lines}
    assert {"heading", "byline"} <= kinds
    assert not any(line.text in texts for line in lines)
    assert not any(text.startswith("#") for text in texts)
    for line in lines:
        assert view.text(line.doc_id)[line.start:line.end] == line.text


def test_sentences_know_their_section_heading(view):
    fee = next(s for s in view.sentences if "黄金会员的月费为66元" in s.text)
    headings = [line.text for line in view.lines(fee.doc_id) if line.kind == "heading"]
    assert fee.section and any(fee.section in heading for heading in headings)
    assert fee.date == "2025-06-09"


def test_html_document_is_served_as_extracted_text_with_title_and_date(view):
    info = next(d for d in view.documents().values() if d["source"] == "kling-2-0-launch.html")
    text = view.text(info["doc_id"])
    assert info["date"] == "2025-04-16" and info["title"] and "|" not in info["title"]
    assert text.startswith("# " + info["title"])
    for sentence in (s for s in view.sentences if s.doc_id == info["doc_id"]):
        assert text[sentence.start:sentence.end] == sentence.text


def test_only_queried_vectors_are_embedded(view):
    """Chunks are records for passages, not vectors: every embedded collection is one retrieval queries."""
    collections = {c.name for c in view.store._client.list_collections()}
    assert collections == {"sentences", "sentences_ml"}
    assert set(view.manifest["models"]) == {"sentences", "sentences_ml"}
    assert view.chunks and view.manifest["counts"]["chunks"] == len(view.chunks)
    for chunk in view.chunks:
        assert view.text(chunk.doc_id)[chunk.start:chunk.end] == chunk.text


def test_a_warmed_view_is_the_same_view_with_its_dense_indexes_loaded(retriever, view):
    """`warm` (a server's start: the dense indexes load in a second thread) changes when work happens, not what."""
    warmed = IndexView(IndexVersions(view.folder.parents[2]), view.version, warm=True)
    assert [(s.id, s.start, s.end, s.text) for s in warmed.sentences] == \
        [(s.id, s.start, s.end, s.text) for s in view.sentences]
    for question in ("Kling gold membership monthly fee", "快手2024年第三季度的总收入是多少？"):
        got = [(c.pos, c.rrf, c.dense, c.bm25) for c in retriever.candidates(warmed, question, question, question)]
        assert got == [(c.pos, c.rrf, c.dense, c.bm25) for c in retriever.candidates(view, question, question, question)]
