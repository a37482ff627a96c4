"""Hybrid retrieval over one index version: dense (Chroma) + BM25, fused by reciprocal rank, sentence level."""
from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag.embedder import Embedder
from rag.lexical import LexicalIndex, terms
from rag.schemas import Passage
from rag.store import IndexVersions, VersionStore

RRF_K = 60


@dataclass
class Span:
    """A sentence or chunk of the loaded index."""

    id: str
    doc_id: str
    source: str
    title: str
    date: str
    start: int
    end: int
    text: str
    section: str = ""
    kind: str = "body"

    def passage(self, score: float = 0.0) -> Passage:
        """As a public Passage."""
        return Passage(doc_id=self.doc_id, source=self.source, title=self.title, date=self.date,
                       start=self.start, end=self.end, text=self.text, score=round(score, 4))


@dataclass
class Candidate:
    """A sentence with the evidence every retriever gave for it.

    Scores are 0.0 and ranks None when that retriever did not return the sentence (scores of sentences that
    only joined as neighbours or through another retriever are filled in where cheap: `dense` always).
    Ranks are 0-based positions in that retriever's list.
    """

    pos: int
    rrf: float = 0.0
    dense: float = 0.0
    multilingual: float = 0.0
    bm25: float = 0.0
    dense_rank: int | None = None
    multilingual_rank: int | None = None
    bm25_rank: int | None = None
    neighbour_of: int | None = None  # pos of the fused candidate this one sits next to, when it joined that way
    date: str = ""  # the document's date (ISO YYYY-MM-DD when known)
    section: str = ""  # the heading the sentence sits under
    features: dict = field(default_factory=dict)


def _spans(ids, documents, metadatas) -> list[Span]:
    spans = [Span(rid, m["doc_id"], m["source"], m.get("title", ""), m.get("date", ""), m["start"], m["end"], text,
                  m.get("section", ""), m.get("kind", "body"))
             for rid, text, m in zip(ids, documents, metadatas)]
    return sorted(spans, key=lambda s: (s.doc_id, s.start))


def _chunk_spans(folder: Path, store: VersionStore) -> list[Span]:
    """Chunk records of a version: its chunk file, or (versions built before it existed) its chunk collection."""
    path = folder / "chunks.jsonl"
    if not path.exists():
        records = store.get_all("chunks")
        return _spans(records.ids, records.documents, records.metadatas)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return _spans([r["id"] for r in rows], [r["text"] for r in rows], [r["meta"] for r in rows])


class IndexView:
    """One index version loaded for reading: spans, lexical indexes and the snapshot of document texts."""

    def __init__(self, versions: IndexVersions, version: str):
        self.version = version
        self.store: VersionStore = versions.open(version)
        self.manifest = versions.manifest(version)
        self.folder: Path = versions.folder(version)
        records = self.store.get_all("sentences")
        self.sentences = _spans(records.ids, records.documents, records.metadatas)
        self.chunks = _chunk_spans(self.folder, self.store)
        self.sentence_pos = {s.id: i for i, s in enumerate(self.sentences)}
        self.chunk_pos = {c.id: i for i, c in enumerate(self.chunks)}
        self.sentence_lex = LexicalIndex([s.text for s in self.sentences])
        self.sentence_terms = {s.id: frozenset(terms(s.text)) for s in self.sentences}
        self.has_multilingual = "sentences_ml" in self.manifest.get("counts", {})
        self._chunk_starts: dict[str, list[tuple[int, int]]] = {}
        for i, chunk in enumerate(self.chunks):
            self._chunk_starts.setdefault(chunk.doc_id, []).append((chunk.start, i))
        self._texts: dict[str, str] = {}

    def documents(self) -> dict[str, dict]:
        """Metadata of each indexed document, keyed by doc_id."""
        return {info["doc_id"]: info for info in self.manifest["documents"].values()}

    def lines(self, doc_id: str) -> list[Span]:
        """The document's headings, bylines and datelines (kind set; never answer candidates), in text order."""
        info = next((d for d in self.manifest["documents"].values() if d["doc_id"] == doc_id), None)
        if info is None:
            return []
        text = self.text(doc_id)
        return [Span(f"{doc_id}:{kind}:{start}", doc_id, info["source"], info.get("title", ""), info.get("date", ""),
                     start, end, text[start:end], kind=kind) for kind, start, end in info.get("lines", [])]

    def text(self, doc_id: str) -> str:
        """The loaded text of a document, as indexed (citation offsets point into it)."""
        if doc_id not in self._texts:
            self._texts[doc_id] = (self.folder / "texts" / f"{doc_id}.txt").read_text(encoding="utf-8")
        return self._texts[doc_id]

    def chunk_around(self, doc_id: str, start: int, end: int) -> Span | None:
        """The chunk that holds [start, end) (or overlaps it most)."""
        starts = self._chunk_starts.get(doc_id, [])
        i = bisect.bisect_right(starts, (start, len(self.chunks))) - 1
        best, best_overlap = None, -1
        for _, pos in starts[max(i - 1, 0): i + 2]:
            chunk = self.chunks[pos]
            overlap = min(end, chunk.end) - max(start, chunk.start)
            if chunk.start <= start and end <= chunk.end:
                return chunk
            if overlap > best_overlap:
                best, best_overlap = chunk, overlap
        return best

    def neighbour(self, pos: int, step: int, same_paragraph: bool = True) -> Span | None:
        """The sentence before (-1) or after (+1) in the same document (and paragraph, by default)."""
        other = pos + step
        if not 0 <= other < len(self.sentences):
            return None
        a, b = sorted((self.sentences[pos], self.sentences[other]), key=lambda s: s.start)
        if a.doc_id != b.doc_id or (same_paragraph and "\n" in self.text(a.doc_id)[a.end:b.start]):
            return None
        return self.sentences[other]


class HybridRetriever:
    """Ranks sentences by fusing dense, multilingual-dense and BM25 rankings (reciprocal rank fusion)."""

    def __init__(self, embedder: Embedder, multilingual: Embedder | None = None, depth: int = 40):
        self.embedder, self.multilingual, self.depth = embedder, multilingual, depth

    def candidates(self, view: IndexView, dense_query: str, lexical_query: str,
                   multilingual_query: str | None = None) -> list[Candidate]:
        """Sentences ranked best first by reciprocal rank fusion, each with every retriever's score and rank.

        The multilingual model reads `multilingual_query` (the question as asked, in any language) when the index
        has multilingual vectors: it is what finds a Chinese passage for an English question and the reverse.
        """
        found: dict[int, Candidate] = {}
        qvec = self.embedder.embed([dense_query])[0]
        rankings = {"dense": self._dense(view, "sentences", qvec), "bm25": self._lexical(view, lexical_query)}
        if multilingual_query and self.multilingual is not None and view.has_multilingual:
            mvec = self.multilingual.embed([multilingual_query])[0]
            rankings["multilingual"] = self._dense(view, "sentences_ml", mvec)
        for name, ranking in rankings.items():
            for rank, (pos, score) in enumerate(ranking):
                cand = found.setdefault(pos, self._new(view, pos))
                cand.rrf += 1.0 / (RRF_K + rank + 1)
                setattr(cand, name, score)
                setattr(cand, f"{name}_rank", rank)
        self._add_neighbours(view, found)
        self._fill_dense(view, found, qvec)
        return sorted(found.values(), key=lambda c: -c.rrf)

    @staticmethod
    def _new(view: IndexView, pos: int, neighbour_of: int | None = None) -> Candidate:
        span = view.sentences[pos]
        return Candidate(pos, date=span.date, section=span.section, neighbour_of=neighbour_of)

    @classmethod
    def _add_neighbours(cls, view: IndexView, found: dict[int, Candidate], top: int = 10) -> None:
        """Sentences next to the best candidates join them: answers often sit one sentence away."""
        for cand in sorted(found.values(), key=lambda c: -c.rrf)[:top]:
            for step in (-1, 1):
                other = view.neighbour(cand.pos, step, same_paragraph=False)
                if other is not None:
                    pos = view.sentence_pos[other.id]
                    found.setdefault(pos, cls._new(view, pos, neighbour_of=cand.pos))

    def _dense(self, view: IndexView, kind: str, vector: np.ndarray) -> list[tuple[int, float]]:
        hits = view.store.query(kind, vector, self.depth)
        return [(view.sentence_pos[i], sim) for i, sim in hits if i in view.sentence_pos]

    def _lexical(self, view: IndexView, query: str) -> list[tuple[int, float]]:
        return view.sentence_lex.search(query, self.depth)

    def _fill_dense(self, view: IndexView, found: dict[int, Candidate], qvec: np.ndarray) -> None:
        """Exact dense similarity for candidates only BM25 found."""
        missing = [pos for pos, c in found.items() if c.dense == 0.0]
        if not missing:
            return
        got = view.store.collection("sentences").get(ids=[view.sentences[p].id for p in missing],
                                                     include=["embeddings"])
        for rid, vec in zip(got["ids"], got["embeddings"]):
            found[view.sentence_pos[rid]].dense = float(np.dot(np.asarray(vec, dtype=np.float32), qvec))
