"""Fit the answer combiner on tuning gold sets and calibrate the abstention threshold (`reelqa fit`)."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from rag.answer import AnswerParams, ExtractiveAnswerer, Scored
from rag.combiner import Combiner, fit, fit_listwise
from rag.errors import InputError
from rag.evaluate import judge, norm
from rag.features import FEATURES, gate_rows
from rag.question import QuestionInfo
from rag.retrieve import IndexView
from rag.schemas import Answer


@dataclass
class Sample:
    """One tuning question: its gold entry, parsed question, scored candidates and the index view they came from."""

    item: dict
    info: QuestionInfo
    scored: list[Scored]
    labels: np.ndarray
    view: IndexView


def refuse_check_sets(paths: list[Path]) -> None:
    """Never tune on a held-out set: refuse gold files named as check/held-out halves."""
    for path in paths:
        if any(word in path.stem.lower() for word in ("check", "heldout", "held_out", "test")):
            raise InputError(f"{path} looks like a held-out set; fit only on tuning sets (never on the check half)")


def label(item: dict, scored: Scored) -> bool:
    """True when a candidate sentence holds the gold answer and overlaps its evidence."""
    if not item.get("answerable"):
        return False
    text = norm(scored.sentence.text)
    keys = [norm(k) for k in item.get("answer_any") or item.get("answer_all") or []]
    if keys and not any(k and k in text for k in keys):
        return False
    evidence = [norm(e) for e in item.get("evidence", []) if e]
    return not evidence or any(e in text or text in e for e in evidence)


def collect(items: list[dict], service) -> list[Sample]:
    """Every question's scored candidates (with feature rows) and labels, from a live service."""
    view = service.view()
    samples = []
    for item in items:
        found = service.search_step.find(view, item["question"], service.top_k)
        scored, info = found.scored, found.info
        labels = np.array([label(item, s) for s in scored], dtype=bool)
        samples.append(Sample(item, info, scored, labels, view))
    return samples


def rows_of(sample: Sample) -> np.ndarray:
    """The feature matrix of a sample's candidates."""
    return np.array([[s.row.get(f, 0.0) for f in FEATURES] for s in sample.scored]).reshape(-1, len(FEATURES))


def answer(params: AnswerParams, sample: Sample, combiner: Combiner) -> Answer:
    """The answer a sample's question gets with the given combiner (no retrieval is repeated)."""
    answerer = ExtractiveAnswerer(params, combiner)
    probs = combiner.confidence(rows_of(sample))
    if sample.scored and sample.scored[0].row.get("unknown_entity"):
        probs = np.zeros_like(probs)  # a name no document uses: served answers withhold it whatever the weights
    scored = sorted((replace(s, score=round(float(p), 4)) for s, p in zip(sample.scored, probs)),
                    key=lambda s: -s.score)
    chosen = answerer.complete(sample.info, sample.view, answerer.pick(sample.info, scored))
    citations = answerer.cite(sample.view, chosen)
    text = answerer.compose(chosen, citations) if citations else ""
    return Answer(question=sample.item["question"], answer=text, answered=bool(citations), citations=citations)


def accuracy(params: AnswerParams, samples: list[Sample], combiner: Combiner) -> dict:
    """Answer accuracy, abstention accuracy, false abstention and their balanced mean over samples."""
    return summary([judge(s.item, answer(params, s, combiner)) for s in samples])


def summary(rows: list[dict]) -> dict:
    """Answer accuracy, abstention accuracy, false abstention and their balanced mean over judged rows."""
    ans = [r for r in rows if "rank" in r]
    una = [r for r in rows if "rank" not in r]
    acc = sum(r["correct"] for r in ans) / len(ans) if ans else 1.0
    abst = sum(r["correct"] for r in una) / len(una) if una else 1.0
    false = sum(not r["answered"] for r in ans) / len(ans) if ans else 0.0
    return {"answer_acc": round(acc, 3), "abstain_acc": round(abst, 3), "false_abstain": round(false, 3),
            "balanced": round((acc + abst) / 2, 4)}


def calibrate(params: AnswerParams, samples: list[Sample], combiner: Combiner,
              grid: np.ndarray | None = None) -> float:
    """The threshold with the best balanced accuracy (middle of the best plateau)."""
    grid = np.round(np.arange(0.05, 0.96, 0.05), 3) if grid is None else grid
    if not samples:
        return combiner.threshold
    scores = []
    for t in grid:
        trial = replace(combiner, threshold=float(t), threshold_chinese=None)
        scores.append(accuracy(params, samples, trial)["balanced"])
    best = max(scores)
    plateau = [t for t, s in zip(grid, scores) if s >= best - 1e-9]
    return float(plateau[len(plateau) // 2])


def calibrate_held_out(params: AnswerParams, pairs: list[tuple[Combiner, list[Sample]]],
                       grid: np.ndarray | None = None) -> float | None:
    """The threshold with the best balanced accuracy over questions each scored by a model not fitted on their
    documents (`pairs`: model, held-out samples), so it is not set by scores inflated by fitting."""
    grid = np.round(np.arange(0.05, 0.96, 0.05), 3) if grid is None else grid
    if not any(held for _, held in pairs):
        return None
    scores = []
    for t in grid:
        rows = [judge(s.item, answer(params, s, replace(model, threshold=float(t), threshold_chinese=None)))
                for model, held in pairs for s in held]
        scores.append(summary(rows)["balanced"])
    best = max(scores)
    plateau = [t for t, v in zip(grid, scores) if v >= best - 1e-9]
    return float(plateau[len(plateau) // 2])


def fit_combiner(samples: list[Sample], l2: float = 1.0, listwise: bool = False) -> Combiner:
    """Logistic regression on every candidate of every sample (each question weighs the same)."""
    rows = np.vstack([rows_of(s) for s in samples if s.scored])
    labels = np.concatenate([s.labels for s in samples if s.scored])
    groups = np.concatenate([np.full(len(s.scored), i) for i, s in enumerate(samples) if s.scored])
    if labels.sum() == 0:
        raise InputError("no candidate holds a gold answer: check the gold files and the corpus they go with")
    return fit_listwise(rows, labels, groups, l2=l2) if listwise else fit(rows, labels, l2=l2, groups=groups)


def fit_gate(samples: list[Sample], ranker: Combiner, top: int = 5, l2: float = 3.0) -> Combiner:
    """The answerability gate: fitted on each question's `top` candidates by ranker probability."""
    rows, labels, groups = [], [], []
    for i, sample in enumerate(samples):
        if not sample.scored:
            continue
        feats = rows_of(sample)
        probs = ranker.probability(feats)
        order = np.argsort(-probs)[:top]
        rows.append(gate_rows(feats, probs)[order])
        labels.append(sample.labels[order])
        groups.append(np.full(len(order), i))
    return fit(np.vstack(rows), np.concatenate(labels), l2=l2, groups=np.concatenate(groups))


def fit_both(samples: list[Sample], l2: float, listwise: bool = False) -> Combiner:
    """The ranker fitted on every candidate, then the gate on its top candidates."""
    ranker = fit_combiner(samples, l2, listwise)
    ranker.gate = fit_gate(samples, ranker)
    return ranker


def document_group(item: dict) -> str:
    """The document (or question set) a gold question belongs to, from its id: "doc-07" -> "doc", "x12" -> "x";
    a leading batch tag is not part of it ("t2-doc-07" -> "doc": later batches over the same document)."""
    qid = re.sub(r"^t\d+-(?=.+-)", "", str(item.get("id", "")))
    return qid.rsplit("-", 1)[0] if "-" in qid else qid.rstrip("0123456789") or qid


def document_folds(samples: list[Sample]) -> list[list[Sample]]:
    """Two folds that never split a document's questions, so a fold is scored on documents it was not fitted on
    (as the check half is); alternate questions when there are fewer than four documents."""
    groups = sorted({document_group(s.item) for s in samples})
    if len(groups) < 4:
        return [samples[0::2], samples[1::2]]
    first = set(groups[0::2])
    return [[s for s in samples if document_group(s.item) in first],
            [s for s in samples if document_group(s.item) not in first]]


def fit_and_calibrate(samples: list[Sample], configs=((3.0, False), (10.0, False), (3.0, True), (10.0, True))
                      ) -> tuple[Combiner, dict]:
    """Choose the ranker (pointwise or listwise) and its L2 strength by 2-fold cross-validation over documents,
    fit on all, calibrate the thresholds."""
    params = AnswerParams()  # thresholds unset: each trial combiner's own
    folds = document_folds(samples)
    cv: dict[str, float] = {}
    fold_models: dict[tuple[float, bool], list[tuple[Combiner, list[Sample]]]] = {}
    for l2, listwise in configs:
        total = 0.0
        fold_models[(l2, listwise)] = []
        for i in (0, 1):
            model = fit_both(folds[i], l2, listwise)
            model.threshold = calibrate(params, folds[i], model)
            total += accuracy(params, folds[1 - i], model)["balanced"]
            fold_models[(l2, listwise)].append((model, folds[1 - i]))
        cv[f"{'listwise' if listwise else 'pointwise'} l2={l2}"] = round(total / 2, 4)
    best = max(range(len(configs)), key=lambda k: list(cv.values())[k])
    l2, listwise = configs[best]
    model = fit_both(samples, l2, listwise)
    # Thresholds from held-out scores (each fold scored by the model fitted on the other one), not in-sample.
    pairs = fold_models[(l2, listwise)]
    model.threshold = calibrate_held_out(params, pairs) or calibrate(params, samples, model)
    chinese = [[s for s in held if s.info.chinese] for _, held in pairs]
    if sum(map(len, chinese)) >= 10:
        model.threshold_chinese = calibrate_held_out(params, [(m, c) for (m, _), c in zip(pairs, chinese)])
    report = {"ranker": list(cv)[best], "cv_balanced": cv, "questions": len(samples),
              "candidates": int(sum(len(s.scored) for s in samples)),
              "positives": int(sum(s.labels.sum() for s in samples)), "threshold": model.threshold,
              "threshold_chinese": model.threshold_chinese, "tuning": accuracy(params, samples, model)}
    model.info = {k: v for k, v in report.items() if k != "cv_balanced"}
    return model, report
