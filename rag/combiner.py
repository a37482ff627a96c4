"""A small logistic-regression combiner over the answer features, with fitted weights kept in a data file."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag.errors import ConfigError
from rag.features import FEATURES, GATE_FEATURES, gate_rows

WEIGHTS_FILE = Path(__file__).parent / "data" / "combiner.json"


@dataclass
class Combiner:
    """P(sentence answers the question) = sigmoid(w · standardized features + b); abstain below `threshold`."""

    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    threshold: float = 0.5
    threshold_chinese: float | None = None
    info: dict = field(default_factory=dict)
    gate: Combiner | None = None
    listwise: bool = False  # scores compared within a question (softmax) rather than each on its own (sigmoid)

    def probability(self, rows: np.ndarray) -> np.ndarray:
        """The fitted probability for each row of a feature matrix."""
        if rows.shape[0] == 0:
            return np.zeros(0)
        z = ((rows - self.mean) / self.scale) @ self.weights + self.bias
        if self.listwise:  # one question's candidates: how much of the probability mass each one takes
            e = np.exp(z - z.max())
            return e / e.sum()
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def confidence(self, rows: np.ndarray) -> np.ndarray:
        """P(this candidate is a correct answer): the gate over the ranker's output (the ranker alone if none)."""
        probs = self.probability(rows)
        return probs if self.gate is None else self.gate.probability(gate_rows(rows, probs))

    def cutoff(self, chinese: bool) -> float:
        """The probability below which the answer is withheld."""
        return self.threshold_chinese if chinese and self.threshold_chinese is not None else self.threshold

    def to_json(self, names: tuple[str, ...] = FEATURES) -> dict:
        """The combiner as plain JSON data (feature names keep the weights aligned)."""
        gate = {"gate": self.gate.to_json(GATE_FEATURES)} if self.gate is not None else {}
        return {**gate, "listwise": self.listwise, "features": list(names), "weights": [round(float(w), 6) for w in self.weights],
                "bias": round(self.bias, 6), "mean": [round(float(m), 6) for m in self.mean],
                "scale": [round(float(s), 6) for s in self.scale], "threshold": round(self.threshold, 4),
                "threshold_chinese": None if self.threshold_chinese is None else round(self.threshold_chinese, 4),
                "info": self.info}

    def save(self, path: Path = WEIGHTS_FILE) -> None:
        """Write the combiner as JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> Combiner:
        """Read fitted weights; features missing from the file weigh 0 (so old files keep working)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            model = cls.from_json(data, FEATURES)
            if "gate" in data:
                model.gate = cls.from_json(data["gate"], GATE_FEATURES)
            return model
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"answer weights {path} are unreadable ({exc.__class__.__name__}); "
                              "run `make fit` to write them") from None

    @classmethod
    def from_json(cls, data: dict, names: tuple[str, ...]) -> Combiner:
        """A combiner from its JSON data; features missing from the data weigh 0 (old files keep working)."""
        stored = dict(zip(data["features"], zip(data["weights"], data["mean"], data["scale"])))
        w, m, s = (np.array([stored.get(f, (0.0, 0.0, 1.0))[i] for f in names]) for i in range(3))
        return cls(w, float(data["bias"]), m, np.where(s > 0, s, 1.0), float(data.get("threshold", 0.5)),
                   data.get("threshold_chinese"), data.get("info", {}), listwise=bool(data.get("listwise", False)))


def fit(rows: np.ndarray, labels: np.ndarray, l2: float = 1.0, steps: int = 500,
        groups: np.ndarray | None = None) -> Combiner:
    """Logistic regression by Newton's method with an L2 penalty; classes weighed to balance."""
    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    x = np.hstack([(rows - mean) / scale, np.ones((rows.shape[0], 1))])
    y = labels.astype(np.float64)
    pos = max(y.sum(), 1.0)
    sample = np.where(y > 0, len(y) / (2 * pos), len(y) / (2 * max(len(y) - pos, 1.0)))
    if groups is not None:  # each question weighs the same, however many candidates it has
        counts = np.bincount(groups)
        sample = sample * (counts.mean() / counts[groups])
    theta = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ theta, -30, 30)))
        grad = x.T @ (sample * (p - y)) + penalty * theta
        hess = (x * (sample * p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return Combiner(theta[:-1], float(theta[-1]), mean, scale)


def fit_listwise(rows: np.ndarray, labels: np.ndarray, groups: np.ndarray, l2: float = 1.0,
                 steps: int = 400, rate: float = 0.1) -> Combiner:
    """A softmax ranker: maximizes, per question, the probability mass on the sentences that hold the answer."""
    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    x = (rows - mean) / scale
    keep = np.isin(groups, np.unique(groups[labels.astype(bool)]))  # questions with an answer to rank
    x, y, g = x[keep], labels[keep].astype(np.float64), groups[keep]
    _, g = np.unique(g, return_inverse=True)
    n = int(g.max()) + 1
    w = np.zeros(x.shape[1])
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for step in range(1, steps + 1):
        z = x @ w
        zmax = np.full(n, -np.inf)
        np.maximum.at(zmax, g, z)
        e = np.exp(z - zmax[g])
        p = e / np.bincount(g, e, n)[g]
        pos = p * y
        q = pos / np.bincount(g, pos, n)[g]
        grad = x.T @ (p - q) / n + l2 * w / n
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad ** 2
        w -= rate * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return Combiner(w, 0.0, mean, scale, listwise=True)
