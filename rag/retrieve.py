"""Hybrid retrieval over one index version: dense (Chroma) + BM25, fused by reciprocal rank, sentence level."""
from __future__ import annotations

import bisect
import json
import logging
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag.embedder import Embedder
from rag.lexical import LexicalIndex, index_terms_all
from rag.schemas import Passage
from rag.store import IndexVersions, VersionStore
from rag.text import has_cjk

RRF_K = 60
log = logging.getLogger("reelqa.retrieve")
CROSS_WEIGHT = 0.5  # weight of a sentence in the other language than the question's (see `fuse`)
OTHER_LANGUAGE_SLOTS = (2, 4)  # where the best other-language sentences stand at the latest (see `make_room`)


def fuse(rankings: dict[str, list[int]], cjk: Sequence[bool], question_cjk: bool,
         dense_reads_chinese: bool = False, dense_query_cjk: bool | None = None,
         cross_weight: float = CROSS_WEIGHT) -> dict[int, float]:
    """Reciprocal-rank fusion that gives each language of a mixed corpus a fair hearing.

    `rankings` maps a retriever ("dense", "bm25", "multilingual", "translated": BM25 of the question's words in
    the other language, over that language's sentences only) to sentence positions, best first; `cjk[pos]`
    says whether a sentence is Chinese. The multilingual ranking is read per language (a sentence's rank among
    the sentences of its own language), because a multilingual model prefers the question's language and would
    otherwise bury the other language's best passage. A sentence's fused score is the mean of its reciprocal
    ranks over the retrievers that can rank its language: the English dense model reads only non-Chinese
    sentences, BM25 only sentences in the question's script, the multilingual model both. An English dense model
    given a Chinese query (`dense_query_cjk`, default `question_cjk`) has not read the question: its list is left
    out. Sentences in the other language than the question's are weighted by `cross_weight`: only one model
    vouches for them, across languages, where its similarities are least reliable.
    """
    if (question_cjk if dense_query_cjk is None else dense_query_cjk) and not dense_reads_chinese:
        rankings = {name: ranking for name, ranking in rankings.items() if name != "dense"}
    totals: dict[int, float] = {}
    for name, ranking in rankings.items():
        if name == "multilingual":
            seen = {True: 0, False: 0}
            for pos in ranking:
                totals[pos] = totals.get(pos, 0.0) + 1.0 / (RRF_K + seen[cjk[pos]] + 1)
                seen[cjk[pos]] += 1
            continue
        for rank, pos in enumerate(ranking):
            if name == "dense" and cjk[pos] and not dense_reads_chinese:
                continue  # an English model's neighbours among Chinese sentences are noise
            totals[pos] = totals.get(pos, 0.0) + 1.0 / (RRF_K + rank + 1)

    def readers(chinese: bool) -> int:
        count = 0
        count += "dense" in rankings and (dense_reads_chinese or not chinese)
        count += "bm25" in rankings and chinese == question_cjk
        count += "multilingual" in rankings
        count += "translated" in rankings and chinese != question_cjk
        return max(count, 1)

    share = {True: readers(True), False: readers(False)}
    weight = {question_cjk: 1.0, not question_cjk: cross_weight}
    return {pos: total * weight[cjk[pos]] / share[cjk[pos]] for pos, total in totals.items()}


def make_room(order: list[int], cjk: Sequence[bool], question_cjk: bool,
              slots: tuple[int, ...] = OTHER_LANGUAGE_SLOTS) -> list[int]:
    """The fused order with the best sentences of the other language moved up to `slots` (0-based) if lower.

    In a mixed-language corpus the answer to a question may sit only in the other language, where every
    retriever is weakest; the best of them are kept in view (the top 5 holds two) without displacing the
    question-language leaders above them.
    """
    others = [pos for pos in order if cjk[pos] != question_cjk][:len(slots)]
    if not others:
        return order
    rest = [pos for pos in order if pos not in others]
    for slot, pos in zip(slots, others):
        if order.index(pos) > slot:
            rest.insert(slot, pos)
        else:
            rest.insert(order.index(pos), pos)
    return rest


@dataclass(slots=True)
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
    translated: float = 0.0  # BM25 of the question's words translated into the sentence's language
    translated_rank: int | None = None
    fused_rank: int = 0  # 0-based position in the retrieval order (the list `candidates` returns)
    neighbour_of: int | None = None  # pos of the fused candidate this one sits next to, when it joined that way
    date: str = ""  # the document's date (ISO YYYY-MM-DD when known)
    section: str = ""  # the heading the sentence sits under
    features: dict = field(default_factory=dict)


def _span(rid: str, text: str, m: dict) -> Span:
    shared = sys.intern  # a document's fields repeat on every one of its records: one copy each
    return Span(rid, shared(m["doc_id"]), shared(m["source"]), shared(m.get("title", "")),
                shared(m.get("date", "")), m["start"], m["end"], text, shared(m.get("section", "")),
                shared(m.get("kind", "body")))


def _record_spans(folder: Path, store: VersionStore, kind: str) -> list[Span]:
    """Records of a version: its `<kind>.jsonl` file, or (versions built before it existed) its collection.

    The file is read a line at a time: parsed rows are dropped as their spans are made, so loading a large
    version does not hold every row twice (a peak the process would keep as resident memory).
    """
    path = folder / f"{kind}.jsonl"
    if not path.exists():
        records = store.get_all(kind)
        spans = [_span(rid, text, m) for rid, text, m in zip(records.ids, records.documents, records.metadatas)]
    else:
        with path.open(encoding="utf-8", newline="\n") as rows:
            spans = [_span(row["id"], row["text"], row["meta"]) for row in map(json.loads, filter(str.strip, rows))]
    spans.sort(key=lambda s: (s.doc_id, s.start))
    return spans


def release_freed_memory() -> None:
    """Hand memory freed by a large load back to the system (glibc's malloc_trim; nothing elsewhere)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class IndexView:
    """One index version loaded for reading: spans, lexical indexes and the snapshot of document texts."""

    def __init__(self, versions: IndexVersions, version: str, warm: bool = False):
        """Load a version; `warm` also loads its dense indexes into memory meanwhile, in a second thread (the
        store loads them on its first query otherwise, i.e. inside the first answer)."""
        self.version = version
        self.store: VersionStore = versions.open(version)
        self.manifest = versions.manifest(version)
        warming = threading.Thread(target=self._warm_dense, name="reelqa-warm-index", daemon=True) if warm else None
        if warming is not None:
            warming.start()
        self.folder: Path = versions.folder(version)
        self.sentences = _record_spans(self.folder, self.store, "sentences")
        self.chunks = _record_spans(self.folder, self.store, "chunks")
        self.sentence_pos = {s.id: i for i, s in enumerate(self.sentences)}
        tokenized = index_terms_all(s.text for s in self.sentences)
        self.sentence_lex = LexicalIndex([s.text for s in self.sentences], tokenized)
        del tokenized
        self.sentence_cjk = [has_cjk(s.text) for s in self.sentences]
        self.has_multilingual = "sentences_ml" in self.manifest.get("counts", {})
        self._chunk_starts: dict[str, list[tuple[int, int]]] = {}
        for i, chunk in enumerate(self.chunks):
            self._chunk_starts.setdefault(chunk.doc_id, []).append((chunk.start, i))
        self._texts: dict[str, str] = {}
        self._sizes: dict[str, int] = {}
        if warming is not None:
            warming.join()
        release_freed_memory()  # what loading built and dropped (rows, token lists)

    def _warm_dense(self) -> None:
        """Query each dense collection once with one of its own vectors, so the store loads its index now."""
        kinds = ["sentences"] + (["sentences_ml"] if "sentences_ml" in self.manifest.get("counts", {}) else [])
        for kind in kinds:
            try:
                got = self.store.collection(kind).get(limit=1, include=["embeddings"])
                if len(got["ids"]):
                    self.store.query(kind, np.asarray(got["embeddings"][0], dtype=np.float32), 1)
            except Exception as exc:  # noqa: BLE001 - only a head start: the first answer loads it anyway
                log.debug("warming %s failed: %s", kind, exc)

    def size(self, kind: str) -> int:
        """Records in a collection of this version (counted once: a loaded version never changes)."""
        if kind not in self._sizes:
            self._sizes[kind] = self.store.count(kind)
        return self._sizes[kind]

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

    def __init__(self, embedder: Embedder, multilingual: Embedder | None = None, depth: int = 40,
                 dense_reads_chinese: bool = False):
        self.embedder, self.multilingual, self.depth = embedder, multilingual, depth
        self.dense_reads_chinese = dense_reads_chinese

    def candidates(self, view: IndexView, dense_query: str, lexical_query: str,
                   multilingual_query: str | None = None, translated: list[str] | None = None) -> list[Candidate]:
        """Sentences ranked best first by reciprocal rank fusion (see `fuse` and `make_room`), each with every
        retriever's score and rank; sentences that joined only as neighbours come last.

        The multilingual model reads `multilingual_query` (the question as asked, in any language) when the index
        has multilingual vectors: it is what finds a Chinese passage for an English question and the reverse.
        """
        found: dict[int, Candidate] = {}
        qvec = self.embedder.embed([dense_query])[0]
        rankings = {"dense": self._dense(view, "sentences", qvec), "bm25": self._lexical(view, lexical_query)}
        if multilingual_query and self.multilingual is not None and view.has_multilingual:
            mvec = self.multilingual.embed([multilingual_query])[0]
            rankings["multilingual"] = self._dense(view, "sentences_ml", mvec)
        if translated:  # the question's words in the other language find what no model ranks high
            question_cjk = has_cjk(lexical_query)
            rankings["translated"] = [(pos, score) for pos, score in view.sentence_lex.search_terms(
                translated, 2 * self.depth) if view.sentence_cjk[pos] != question_cjk][:self.depth]
        for name, ranking in rankings.items():
            for rank, (pos, score) in enumerate(ranking):
                cand = found.setdefault(pos, self._new(view, pos))
                setattr(cand, name, score)
                setattr(cand, f"{name}_rank", rank)
        fused = fuse({name: [pos for pos, _ in ranking] for name, ranking in rankings.items()}, view.sentence_cjk,
                     has_cjk(lexical_query), self.dense_reads_chinese, has_cjk(dense_query))
        for pos, score in fused.items():
            found[pos].rrf = score
        self._add_neighbours(view, found)
        self._fill_dense(view, found, qvec)
        order = sorted(fused, key=lambda pos: -fused[pos])
        if "multilingual" in rankings:
            order = make_room(order, view.sentence_cjk, has_cjk(lexical_query))
        order += sorted((pos for pos in found if pos not in fused), key=lambda pos: -found[pos].dense)
        for rank, pos in enumerate(order):
            found[pos].fused_rank = rank
        return [found[pos] for pos in order]

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
        hits = view.store.query(kind, vector, self.depth, view.size(kind))
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
