"""The narrow scoring input built from the index view: each candidate sentence with its neighbours, section,
document facts (title, date, authors, publisher, heading lines, words) and each retriever's rank of it."""
from __future__ import annotations

from rag.features import Evidence
from rag.lexical import terms
from rag.library import publication
from rag.mentions import REFERS_BACK
from rag.retrieve import Candidate, IndexView


def evidence_from_view(view: IndexView, candidates: list[Candidate]) -> list[Evidence]:
    """The narrow scoring input for each candidate: its text, neighbours, section, document facts and ranks."""
    docs = view.documents()
    ranks = _ranks(candidates)
    doc_terms: dict[str, frozenset[str]] = {}
    out = []
    for fused, cand in enumerate(candidates):
        span = view.sentences[cand.pos]
        if span.doc_id not in doc_terms:
            doc_terms[span.doc_id] = _doc_terms(view, span.doc_id)
        before, after = view.neighbour(cand.pos, -1), view.neighbour(cand.pos, 1)
        if before is None and REFERS_BACK.match(span.text):  # "The winner, …" continues the paragraph before
            before = view.neighbour(cand.pos, -1, same_paragraph=False)
        meta = docs.get(span.doc_id, {})
        earlier = _earlier(view, cand.pos) if before is not None and before.doc_id == span.doc_id else ()
        out.append(Evidence(
            key=cand.pos, doc_id=span.doc_id, text=span.text, before=before.text if before else "",
            after=after.text if after else "", section=str(getattr(span, "section", "") or ""),
            title=span.title or meta.get("title", ""), date=span.date or meta.get("date", ""),
            authors=tuple(meta.get("authors") or ()), start=span.start, dense=cand.dense,
            multilingual=cand.multilingual if view.has_multilingual and cand.multilingual else None,
            dense_rank=ranks[cand.pos][0], bm25_rank=ranks[cand.pos][1], multilingual_rank=ranks[cand.pos][2],
            fused_rank=fused, earlier=earlier, lines=tuple(tuple(x) for x in meta.get("lines", ())),
            doc_terms=doc_terms[span.doc_id], doc_text=view.text(span.doc_id), source_names=_source_names(meta),
            publisher=publication(meta)))
    return out


def _earlier(view: IndexView, pos: int, most: int = 6) -> tuple[str, ...]:
    """The sentences of a paragraph before the one just before `pos`, its opening first (at most `most`)."""
    out: list[str] = []
    prev = view.neighbour(pos, -1)
    at = view.sentence_pos.get(prev.id) if prev is not None else None
    while at is not None and len(out) < most:
        span = view.neighbour(at, -1)
        if span is None:
            break
        out.append(span.text)
        at = view.sentence_pos.get(span.id)
    return tuple(reversed(out))


def document_label(ev: Evidence) -> str:
    """What names a document: its title and who published or wrote it."""
    return f"{ev.title} {ev.source_names}".strip()


def _source_names(meta: dict) -> str:
    """The document's authors and publisher."""
    return "; ".join(n for n in [*(meta.get("authors") or ()), publication(meta)] if n)


def _ranks(candidates: list[Candidate]) -> dict[int, tuple[int | None, int | None, int | None]]:
    """Each retriever's 0-based rank of each candidate (None when that retriever missed it)."""
    return {c.pos: (c.dense_rank, c.bm25_rank, c.multilingual_rank) for c in candidates}


_DOC_TERMS: dict[tuple[str, str], frozenset[str]] = {}


def _doc_terms(view: IndexView, doc_id: str) -> frozenset[str]:
    key = (view.version, doc_id)
    if key not in _DOC_TERMS:
        if len(_DOC_TERMS) > 4096:
            _DOC_TERMS.clear()
        _DOC_TERMS[key] = frozenset(terms(view.text(doc_id)))
    return _DOC_TERMS[key]


_META_TERMS: dict[str, frozenset[str]] = {}


def metadata_terms(view: IndexView) -> frozenset[str]:
    """The words of every document's title, authors and publisher: names a question may use for a source."""
    if view.version not in _META_TERMS:
        _META_TERMS.clear()
        labels = [f"{m.get('title', '')} {_source_names(m)}" for m in view.documents().values()]
        _META_TERMS[view.version] = frozenset(t for label in labels for t in terms(label))
    return _META_TERMS[view.version]
