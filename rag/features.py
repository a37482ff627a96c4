"""Signals for answer choice: what the scorer knows about each retrieved sentence, as a fixed feature vector.

Every feature is general (ranks, similarities, coverage of the question, answer type, entities, time); none
names anything of a particular corpus. The combiner (rag/combiner.py) weighs them with fitted weights.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from rag import periods, romanize
from rag.bilingual import Lexicon
from rag.lexical import fold, terms
from rag.question import QuestionInfo, answer_type_matches, typed_matches
from rag.text import has_cjk, words

FEATURES = ("dense", "multilingual", "sim_gap", "rr_dense", "rr_bm25", "rr_multilingual", "agree",
            "fused", "cover", "cover_window", "cover_gap", "type_match", "type_missing", "focus_near",
            "entity_missing", "entity_missing_sentence", "entity_missing_doc", "version_missing", "period_hit",
            "period_clash", "latest_recency", "cross_lingual", "heading_like", "short", "rival_entity",
            "entity_all_missing", "soft_cover", "worst_gap", "doc_votes")
# The answerability gate sees the ranker's probability, its gap to the best candidate, and the signals that
# say whether the passage holds what was asked.
GATE_FEATURES = ("rank_prob", "rank_gap", "entity_missing", "entity_missing_sentence", "entity_missing_doc",
                 "rival_entity", "type_match", "type_missing", "focus_near", "cover", "cover_window", "dense",
                 "multilingual", "period_hit", "period_clash", "version_missing", "cross_lingual", "agree", "soft_cover",
                 "worst_gap")
TOP = 5  # a retriever "agrees" when it ranks the sentence in its top TOP


@dataclass(frozen=True)
class Evidence:
    """One retrieved sentence and the context the scorer may use (the narrow input of answer scoring)."""

    key: int
    doc_id: str
    text: str
    before: str = ""
    after: str = ""
    section: str = ""
    title: str = ""
    date: str = ""
    authors: tuple[str, ...] = ()
    start: int = 0
    dense: float = 0.0
    multilingual: float | None = None
    dense_rank: int | None = None
    multilingual_rank: int | None = None
    bm25_rank: int | None = None
    fused_rank: int = 0
    lines: tuple[tuple[str, int, int], ...] = ()  # the document's heading/byline/dateline lines (kind, start, end)
    doc_terms: frozenset[str] = frozenset()
    doc_text: str = ""
    source_names: str = ""  # who published or wrote the document ("according to X" names the source, not a subject)


@dataclass
class QuestionContext:
    """Per-question values shared by all candidates: term weights, focus terms, date span of the sources."""

    info: QuestionInfo
    weights: dict[str, float]
    focus: set[str]
    newest: str = ""
    oldest: str = ""
    best_sim: float = 0.0
    best_cover: float = 0.0
    extra: dict = field(default_factory=dict)
    doc_votes: dict[str, float] = field(default_factory=dict)  # each document's share of retrieval's votes


def context(info: QuestionInfo, evidence: list[Evidence], weight, rare: float = math.log(10.0)) -> QuestionContext:
    """Term weights (IDF from `weight`), focus terms and the newest/oldest source date for a question."""
    entity_terms = {t for e in info.entities for f in info.forms(e) for t in terms(f)}
    weights = {t: weight(t) * (0.5 if t in entity_terms else 1.0) for t in info.terms}
    focus = {t for t in info.terms if t not in entity_terms and weight(t) >= rare}
    dates = sorted(e.date for e in evidence if periods.doc_year(e.date))
    ctx = QuestionContext(info, weights, focus, dates[-1] if dates else "", dates[0] if dates else "")
    ctx.best_sim = max((_sim(e) for e in evidence), default=0.0)
    ctx.best_cover = max((_cover(ctx, _terms(e.text)) for e in evidence), default=0.0)
    votes: dict[str, float] = {}
    for e in evidence:  # how strongly retrieval points at each document: its sentences' reciprocal fused ranks
        votes[e.doc_id] = votes.get(e.doc_id, 0.0) + _rr(e.fused_rank)
    top = max(votes.values(), default=0.0)
    ctx.doc_votes = {d: v / top for d, v in votes.items()} if top else {}
    return ctx


def vector(ctx: QuestionContext, ev: Evidence) -> np.ndarray:
    """The feature vector of one candidate, in FEATURES order."""
    info = ctx.info
    own = _terms(ev.text)
    window_text = f"{ev.before} {ev.text} {ev.after} {ev.section} {ev.title}"
    window = own | _terms(ev.before) | _terms(ev.after) | _terms(ev.section) | _terms(ev.title)
    cover, cover_window = _cover(ctx, own), _cover(ctx, window)
    across = ctx.extra.get("bilingual", {}).get(ev.key)
    if across is not None:  # another language: the question's words counted through the dictionary
        cover, cover_window = max(cover, across[0]), max(cover_window, across[1])
    # Names may come from what precedes (the sentence before, the section, the title), never from what follows;
    # and not at all when the sentence names someone else.
    context_terms, context_text = _borrowable(info, ev, own)
    rival = _rival(info, ev.text, own)
    matches = answer_type_matches(info, ev.text)
    soft = ctx.extra.get("soft", {}).get(ev.key)
    ranks = [ev.dense_rank, ev.bm25_rank] + ([ev.multilingual_rank] if ev.multilingual is not None else [])
    asked = periods.periods(info.text, periods.doc_year(ev.date))
    # The period a sentence is about: the one it (or the sentence before, or its section) names, else its title's.
    dated = periods.doc_period(ev.date)
    mentioned = periods.anchored(periods.periods(f"{ev.before} {ev.text} {ev.section}", periods.doc_year(ev.date))
                                 or periods.periods(ev.title, periods.doc_year(ev.date)), dated)
    hit, clash = periods.match(asked, mentioned)
    if info.kinds & {"number", "money"} and periods.whole_year_for_part(asked, mentioned):
        clash = True  # "revenue in Q2 2024" asked, the year's revenue told
    if asked and not mentioned and dated is not None and any(a.kind != "year" and a.contains(dated) for a in asked):
        hit = True  # "what X said in November 2024": a document dated then, naming no other period, says it
    elif asked and not mentioned and periods.superseded(asked, dated):
        clash = True  # a sentence naming no period speaks of its document's time, later than the asked period
    values = {
        "dense": ev.dense, "multilingual": ev.multilingual or 0.0,
        "sim_gap": ctx.best_sim - _sim(ev),
        "rr_dense": _rr(ev.dense_rank), "rr_bm25": _rr(ev.bm25_rank), "rr_multilingual": _rr(ev.multilingual_rank),
        "agree": sum(r is not None and r < TOP for r in ranks) / len(ranks), "fused": _rr(ev.fused_rank),
        "cover": cover, "cover_window": cover_window, "cover_gap": ctx.best_cover - cover,
        "type_match": float(matches is True), "type_missing": float(matches is False),
        "focus_near": float(bool(matches) and focused(info, ev.text, ctx.focus)),
        # A sentence that names someone else may still take the asked name from the sentence just before it
        # ("it was renamed ..."), not from further away.
        "entity_missing": _missing(info, own | _terms(ev.before), f"{ev.text} {ev.before}") if rival
        else _missing(info, context_terms, context_text),
        "entity_missing_sentence": _missing(info, own, ev.text),
        "entity_missing_doc": _missing(info, window | ev.doc_terms, (window_text, ev.doc_text)),
        "version_missing": _versions_missing(info, window_text),
        "period_hit": float(hit), "period_clash": float(clash),
        "latest_recency": _recency(ctx, ev.date) if info.latest else 0.0,
        "cross_lingual": float(info.chinese != has_cjk(ev.text)),
        "heading_like": float(heading_like(ev.text, ev.section)),
        "short": float(len(words(ev.text)) < 8),
        "rival_entity": float(rival),
        "entity_all_missing": float(_all_missing(info, context_terms, context_text)),
        "soft_cover": soft.cover if soft is not None else cover,
        "worst_gap": soft.worst_gap if soft is not None else 0.0,
        "doc_votes": ctx.doc_votes.get(ev.doc_id, 0.0),
    }
    return np.array([values[name] for name in FEATURES], dtype=np.float64)


def bilingual_covers(ctx: QuestionContext, evidence: list[Evidence], lexicon: Lexicon) -> dict[int, tuple[float, float]]:
    """For each candidate in the other language than the question: its coverage of the question's weighted terms
    and its window's (the sentence, its neighbours and its section), counted in English stems through the lexicon.
    The best of them raises the question's best coverage, which `cover_gap` measures from."""
    out: dict[int, tuple[float, float]] = {}
    for ev in evidence:
        own = lexicon.cover(ctx.weights, ctx.info.chinese, ev.text)
        if own is not None:
            window = lexicon.cover(ctx.weights, ctx.info.chinese, f"{ev.before} {ev.text} {ev.after} {ev.section}")
            out[ev.key] = (own, max(own, window or 0.0))
    ctx.best_cover = max([ctx.best_cover, *(c for c, _ in out.values())])
    return out


def matrix(ctx: QuestionContext, evidence: list[Evidence]) -> np.ndarray:
    """Feature vectors of all candidates (rows in the order given)."""
    if not evidence:
        return np.zeros((0, len(FEATURES)))
    return np.vstack([vector(ctx, ev) for ev in evidence])


def gate_rows(rows: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """The gate's feature matrix from the ranker's rows and probabilities."""
    if rows.shape[0] == 0:
        return np.zeros((0, len(GATE_FEATURES)))
    extra = {"rank_prob": probs, "rank_gap": probs.max() - probs}
    return np.column_stack([extra[f] if f in extra else rows[:, FEATURES.index(f)] for f in GATE_FEATURES])


def heading_like(text: str, section: str = "") -> bool:
    """A title-like line (markdown heading, short line without sentence punctuation), never an answer."""
    stripped = text.strip()
    if stripped.startswith("#") or (section and stripped == section.strip()):
        return True
    return len(words(stripped)) <= 12 and not re.search(r"[.!?。！？:;；：,，\"”)]$", stripped)


def focused(info: QuestionInfo, text: str, focus: set[str], reach: int = 40) -> bool:
    """True when a typed answer sits within `reach` characters of a focus word of the question."""
    spans = typed_matches(info, text) or []
    if not spans or not focus:
        return False
    hits = [m.start() for m in re.finditer(r"[\w'’-]+", text) if any(fold(w) in focus for w in words(m.group()))]
    return any(abs(h - s) <= reach or abs(h - e) <= reach for s, e in spans for h in hits)


def mentions(form: str, term_set: frozenset[str] | set[str], raw: str | tuple[str, ...]) -> bool:
    """True when a name (in any script) occurs in a text given by its terms and raw string (or strings: each is
    checked on its own, so a whole document's spellings are worked out once and reused)."""
    texts = (raw,) if isinstance(raw, str) else raw
    if has_cjk(form):
        return any(form in t for t in texts) or any(romanize.chinese_in_latin(form, t) for t in texts)
    wanted = set(terms(form))
    return bool(wanted) and wanted <= term_set or any(romanize.latin_in_chinese(form, t) for t in texts) or (
        _ACRONYM.fullmatch(form) is not None and any(spells_out(form, t) for t in texts))


_ACRONYM = re.compile(r"[A-Z]{2,6}")
_JOINING = frozenset(["of", "the", "and", "for", "&"])


@lru_cache(maxsize=8192)
def spells_out(acronym: str, text: str) -> bool:
    """True when the text writes an acronym out in full: a run of capitalized words whose initials spell it
    ("EU" in "the European Union", "WHO" in "World Health Organization")."""
    tokens = re.findall(r"[A-Za-z]+|&", text)
    for i, first in enumerate(tokens):
        if first[0] != acronym[0] or not first[0].isupper():
            continue
        initials, j = "", i
        while j < len(tokens) and len(initials) < len(acronym):
            word = tokens[j]
            if word[0].isupper():
                initials += word[0]
            elif word not in _JOINING or not initials:
                break
            j += 1
        if initials == acronym:
            return True
    return False


def _missing(info: QuestionInfo, term_set, raw: str | tuple[str, ...]) -> float:
    """The largest share of an asked entity's words that the text lacks (0 when all are there).

    In a comparison one compared name is enough: each side is answered by its own sentence.
    """
    shares = {entity: _share_missing(info, entity, term_set, raw) for entity in _required(info)}
    sides = [shares[n] for n in info.names if n in shares]
    if info.kinds & {"compare", "list"} and len(sides) >= 2:
        rest = [v for e, v in shares.items() if e not in info.names]
        return max([min(sides), *rest])
    return max(shares.values(), default=0.0)


_SETTING = re.compile(r"\b(?:in|outside|across|among|within|throughout|inside)\s+(?:the\s+)?$", re.IGNORECASE)


def _required(info: QuestionInfo) -> list[str]:
    """The entities an answer must name: not the places a question sets itself in ("outside China", "among
    Chinese AI providers") when it names something else too."""
    core = [e for e in info.entities if not _set_in(info.text, e)]
    return core or list(info.entities)


def _set_in(question: str, entity: str) -> bool:
    at = question.find(entity)
    return at > 0 and _SETTING.search(question[:at]) is not None


def _all_missing(info: QuestionInfo, term_set, raw: str) -> bool:
    """True when the question names entities and the text has (at least half of) none of them."""
    required = _required(info)
    return bool(required) and all(_share_missing(info, e, term_set, raw) >= 0.5 for e in required)


def _share_missing(info: QuestionInfo, entity: str, term_set, raw: str | tuple[str, ...]) -> float:
    forms = info.forms(entity)
    if any(mentions(f, term_set, raw) for f in forms):
        return 0.0
    wanted = set(terms(entity))
    return len(wanted - set(term_set)) / len(wanted) if wanted else 0.0


_NAME = re.compile(r"(?<=[\s(“\"'‘])[A-Z][\w’'-]*[A-Za-z0-9]")
_CALENDAR = frozenset(m.lower() for m in ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "I"])


def _borrowable(info: QuestionInfo, ev: Evidence, own: frozenset[str]) -> tuple[frozenset[str], str]:
    """Terms and text a sentence may take names from: itself, then the sentence before, its section and its title,
    stopping at the nearest one that is about someone else (a title can't lend a name past a rival)."""
    found, text = own, ev.text
    for part in (ev.before, ev.section, ev.title):
        if not part:
            continue
        part_terms = _terms(part)
        if _rival(info, _expose_opening_name(part, ev.doc_text), part_terms):
            break
        if part is not ev.before and any(mentions(f, part_terms, part) and not _dominant(f, ev.doc_text)
                                         for e in info.entities for f in info.forms(e)):
            break  # a heading or title lends a name only when the document is mostly about it
        found, text = found | part_terms, f"{text} {part}"
    if ev.source_names:
        found, text = found | _terms(ev.source_names), f"{text} {ev.source_names}"
    return found, text


@lru_cache(maxsize=4096)
def _dominant(name: str, doc_text: str) -> bool:
    """True when a name is among the document's most mentioned names (at least half as often as the most
    mentioned one), so a heading or title naming it speaks for the whole text."""
    counts = _name_counts(doc_text)
    if not counts:
        return True
    own = doc_text.count(name) if has_cjk(name) else len(re.findall(rf"(?<!\w){re.escape(name)}(?!\w)", doc_text))
    return own * 2 >= max(counts.values())


@lru_cache(maxsize=256)
def _name_counts(doc_text: str) -> dict[str, int]:
    """How often each capitalized word (not at a sentence start) occurs in a document."""
    counts: dict[str, int] = {}
    for m in _NAME.finditer(doc_text):
        word = m.group()
        if word.lower() not in _CALENDAR and not word.isupper():
            counts[word] = counts.get(word, 0) + 1
    return counts


@lru_cache(maxsize=4096)
def _expose_opening_name(text: str, doc_text: str) -> str:
    """The text with a space before it when its first word is a name (the document capitalizes it mid-sentence
    too), so name detection, which skips sentence-initial words, sees it."""
    first = re.match(r"\s*([A-Z][\w’'-]*[A-Za-z0-9])", text)
    if first and re.search(rf"[a-z,;:] {re.escape(first.group(1))}\b", doc_text):
        return " " + text
    return text


def _rival(info: QuestionInfo, text: str, own: frozenset[str]) -> bool:
    """The sentence lacks an asked entity but names something else: it is about someone else."""
    if all(any(mentions(f, own, text) for f in info.forms(e)) for e in _required(info)):
        return False
    asked = {t for e in info.entities for f in info.forms(e) for t in terms(f)} | set(info.terms)
    return any(m.group().lower() not in _CALENDAR and not m.group().isupper() and not set(terms(m.group())) <= asked
               and not _attached(text, m.start()) and not _extends_asked(text, m.start(), asked)
               for m in _NAME.finditer(text))


_RUN = re.compile(r"[A-Z][\w’'-]*(?:\s+(?:[A-Z][\w’'-]*|\d+(?:\.\d+)*))*")


def _extends_asked(text: str, start: int, asked: set[str]) -> bool:
    """True when the capitalized run holding position `start` also holds an asked name: "Pro" in "Acme 2.0 Pro"
    is part of the asked product's name, not someone else."""
    for run in _RUN.finditer(text):
        if run.start() <= start < run.end():
            return bool(set(terms(run.group())) & asked)
    return False


# A name after one of these is where or what something is about (a place, an event, an owner, a platform), not
# someone else the sentence is about: "shown at the X Forum in Y", "built on X", "president of X".
_ATTACHING = frozenset(["in", "at", "on", "of", "for", "from", "across", "inside", "outside", "within", "near", "into", "via", "with", "under"])


def _attached(text: str, start: int) -> bool:
    """True when the capitalized run holding position `start` follows an attaching preposition."""
    before = text[:start].split()
    while before and re.fullmatch(r"[A-Z][\w’'-]*[A-Za-z0-9]", before[-1]):  # back to the start of the run
        before.pop()
    while before and before[-1].lower() in ("the", "a", "an"):
        before.pop()
    return bool(before) and before[-1].lower() in _ATTACHING


def _versions_missing(info: QuestionInfo, raw: str) -> float:
    """1 when the question names a version or model number the text does not (as a whole number, not a digit of
    a larger one; when it names the versioned name too, not only as another name's version)."""
    return float(any(not _has_version(v, raw) for v in info.versions))


def _has_version(version: str, raw: str) -> bool:
    parts = re.match(r"(?:([A-Za-z]+)[- ]?)?(\d+(?:\.\d+)*[A-Za-z]*)$", version)
    if parts is None:
        return version.lower() in raw.lower()
    name, number = parts.group(1), parts.group(2)
    hits = [m for m in re.finditer(rf"(?<![\d.]){re.escape(number)}(?![\d])(?!\.\d)", raw, re.IGNORECASE)]
    if not hits or not name or not any(ch.isupper() for ch in name[:1]):
        return bool(hits)
    # Another name's version ("Other 3.0") does not count; the asked name's, a bare one or one after Chinese does.
    for m in hits:
        before = re.search(r"([A-Za-z][\w’'-]*)[- ]?$", raw[:m.start()])
        if before is None or before.group(1).lower() == name.lower() or not before.group(1)[:1].isupper():
            return True
    return False


def _cover(ctx: QuestionContext, term_set) -> float:
    total = sum(ctx.weights.values())
    return sum(w for t, w in ctx.weights.items() if t in term_set) / total if total else 0.0


def _sim(ev: Evidence) -> float:
    return max(ev.dense, ev.multilingual or 0.0)


def _rr(rank: int | None) -> float:
    return 0.0 if rank is None else 1.0 / (1.0 + rank)


def _recency(ctx: QuestionContext, date: str) -> float:
    """1 for the newest dated source among the candidates, 0 for the oldest (0.5 when undated)."""
    if not periods.doc_year(date) or not ctx.newest:
        return 0.5
    if ctx.newest == ctx.oldest:
        return 1.0
    return 1.0 if date >= ctx.newest else 0.0 if date <= ctx.oldest else 0.5


@lru_cache(maxsize=32768)
def _terms(text: str) -> frozenset[str]:
    return frozenset(terms(text)) if text else frozenset()
