"""Whether a text names what a question asks about: its entities in any script or alias, in the sentence or in
what it may borrow from (the sentence before, its section, its title), someone else named instead, and versions.

Used by the answer features (rag/features.py) and answer choice (rag/answer.py); nothing here names anything of a
particular corpus.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from rag import romanize
from rag.lexical import terms
from rag.question import QuestionInfo, is_person
from rag.text import has_cjk

if TYPE_CHECKING:
    from rag.features import Evidence


def mentions(form: str, term_set: frozenset[str] | set[str], raw: str | tuple[str, ...]) -> bool:
    """True when a name (in any script) occurs in a text given by its terms and raw string (or strings: each is
    checked on its own, so a whole document's spellings are worked out once and reused)."""
    texts = (raw,) if isinstance(raw, str) else raw
    if has_cjk(form):
        return any(form in t for t in texts) or any(romanize.chinese_in_latin(form, t) for t in texts)
    wanted = set(terms(form))
    return bool(wanted) and wanted <= term_set or any(romanize.latin_in_chinese(form, t) for t in texts) or (
        _ACRONYM.fullmatch(form) is not None and any(spells_out(form, t) for t in texts)) or (
        _PLACE.fullmatch(form) is not None and any(_demonym(form, t) for t in texts))


_PLACE = re.compile(r"[A-Z][a-z]{3,}")


@lru_cache(maxsize=8192)
def _demonym(place: str, text: str) -> bool:
    """True when the text says the adjective of a one-word place name ("Chinese" for China, "Korean" for Korea)."""
    stem = re.escape(place[:-1])
    return re.search(rf"\b{stem}(?:{re.escape(place[-1])}n|ese|nese|ean|ian|an)\b", text) is not None


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


def missing_share(info: QuestionInfo, term_set, raw: str | tuple[str, ...]) -> float:
    """The largest share of an asked entity's words that the text lacks (0 when all are there).

    In a comparison one compared name is enough: each side is answered by its own sentence.
    """
    shares = {entity: _share_missing(info, entity, term_set, raw) for entity in _required(info)}
    sides = [shares[n] for n in info.names if n in shares]
    if info.kinds & {"compare", "list"} and len(sides) >= 2:
        rest = [v for e, v in shares.items() if e not in info.names]
        return max([min(sides), *rest])
    return max(shares.values(), default=0.0)


_SETTING = re.compile(r"\b(?:outside|across|among|within|throughout|inside)\s+(?:the\s+)?$", re.IGNORECASE)


def _required(info: QuestionInfo) -> list[str]:
    """The entities an answer must name: not the places a question sets itself in ("outside China", "among
    Chinese AI providers") nor names in an apposition describing another ("X, the counterpart of Y") when it
    names something else too."""
    core = [e for e in info.entities if not _set_in(info.text, e) and not _describes(info.text, e)
            and not _names_document(info.text, e) and not _in_wh_phrase(info.text, e)]
    return core or list(info.entities)


_WH_PHRASE = re.compile(r"^\s*(?:what|which)\s+(?:[\w.-]+\s+){1,3}?(?=(?:does|do|did|is|are|was|were|has|have|had|"
                        r"will|would|can|could)\b)", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _in_wh_phrase(question: str, entity: str) -> bool:
    """True when the question names the entity only in what it asks for ("What Elo rating does X get?": a kind of
    rating, not a name the answer must repeat)."""
    phrase = _WH_PHRASE.match(question)
    if phrase is None:
        return False
    found = list(re.finditer(rf"(?<!\w){re.escape(entity)}(?!\w)", question))
    return bool(found) and all(m.end() <= phrase.end() for m in found)


_DOCUMENT_NOUN = re.compile(r"(?:\s+[a-z][\w-]*){0,2}\s+(?:article|report|piece|review|profile|write-up|story|post|"
                            r"column|analysis|interview|note|comparison|roundup|explainer|editorial|tracker|digest|essay|writer|reviewer|"
                            r"author|reporter)s?\b")


@lru_cache(maxsize=4096)
def _names_document(question: str, entity: str) -> bool:
    """True when every mention of the entity describes a document or its writer ("according to the Acme 2.0
    article", "the Acme anniversary piece", "the Daily Brief writer"): the sentence need not name it."""
    found = list(re.finditer(rf"(?<!\w){re.escape(entity)}(?!\w)", question))
    return bool(found) and all(_DOCUMENT_NOUN.match(question, m.end()) for m in found)


_APPOSITION = re.compile(r"\w,\s+(?:the|a|an)\s+[^,;:?]*$", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _describes(question: str, entity: str) -> bool:
    """True when the question names the entity only inside an apposition describing what comes before it
    ("Who runs Acme, the Chinese counterpart of Foo?": Chinese and Foo describe Acme)."""
    found = list(re.finditer(rf"(?<!\w){re.escape(entity)}(?!\w)", question))
    return bool(found) and all(_APPOSITION.search(question[:m.start()]) for m in found)


@lru_cache(maxsize=4096)
def _set_in(question: str, entity: str) -> bool:
    """True when the question names the entity as where it is set ("outside X", "among X")."""
    found = re.finditer(rf"(?<!\w){re.escape(entity)}(?!\w)", question)
    return any(_SETTING.search(question[:m.start()]) for m in found)


def all_missing(info: QuestionInfo, term_set, raw: str) -> bool:
    """True when the question names entities and the text has (at least half of) none of them."""
    required = _required(info)
    return bool(required) and all(_share_missing(info, e, term_set, raw) >= 0.5 for e in required)


def _share_missing(info: QuestionInfo, entity: str, term_set, raw: str | tuple[str, ...]) -> float:
    forms = info.forms(entity)
    if any(mentions(f, term_set, raw) for f in forms):
        return 0.0
    wanted = set(terms(entity))
    return len(wanted - set(term_set)) / len(wanted) if wanted else 0.0


# (Not a word opening a sentence inside the text: "Here" in "X is here. Here is what it costs".)
_NAME = re.compile(r"(?<![.!?]\s)(?<=[\s(“\"'‘])[A-Z][\w’'-]*[A-Za-z0-9]")
_CALENDAR = frozenset(m.lower() for m in ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "I"])


# A pronoun (or "the company", 该/其) that takes its referent from the sentence before.
_PRONOUN, _CJK_PRONOUN = r"it|its|they|their|them|he|his|she|her", r"它|她|(?<!其)他|其(?![中他实次余])"
_ANAPHOR = re.compile(rf"\b(?:{_PRONOUN}|the company|the firm|the startup)\b|{_CJK_PRONOUN}|"
                      r"该(?:公司|模型|产品|应用|平台|工具)", re.IGNORECASE)
# A sentence opening with a pronoun or a definite description in apposition ("The winner, X,") refers back to
# what came just before, even across a paragraph break.
REFERS_BACK = re.compile(rf"\s*(?:(?:{_PRONOUN}|this|that|these|those)\b|the \w+,|{_CJK_PRONOUN}|该|此)",
                         re.IGNORECASE)


def borrowable(info: QuestionInfo, ev: Evidence, own: frozenset[str]) -> tuple[frozenset[str], str]:
    """Terms and text a sentence may take names from: itself, then the sentence before, its section and its title.
    A sentence before that is about someone else lends nothing (its section and title still may); a section or
    title about someone else stops the search (a title can't lend a name past a rival heading)."""
    found, text = own | _referred(info, ev), ev.text
    opening = _paragraph_opening(info, ev)
    for part in (ev.before, opening, ev.section, ev.title):
        if not part:
            continue
        part_terms = terms_of(part)
        if rival(info, _expose_opening_name(part, ev.doc_text), part_terms):
            if part is ev.before and not _ANAPHOR.search(ev.text):
                continue  # "Its maker restricted uploads. Every video carries a mark.": the title still lends
            break  # "Foo launched Bar. It costs $5.": "it" is the one the sentence before named
        if part is opening:
            found, text = found | part_terms, f"{text} {part}"
            continue
        if part is not ev.before and any(
                any(mentions(f, part_terms, part) for f in forms)
                and not any(_dominant(f, ev.doc_text) or _owns(f, part) for f in forms)
                for forms in (info.forms(e) for e in info.entities)):
            break  # a heading or title lends a name only when the document is mostly about it (in any of its forms)
        found, text = found | part_terms, f"{text} {part}"
    if ev.source_names:
        found, text = found | terms_of(ev.source_names), f"{text} {ev.source_names}"
    return found, text


def _paragraph_opening(info: QuestionInfo, ev: Evidence) -> str:
    """The sentence a paragraph opens with, which sets what it is about, when no sentence from there on names
    someone else ("The union's approach runs through the Tessel Act. … Breaches can draw fines of up to …"); else ""."""
    if not ev.earlier or not ev.before:
        return ""
    if any(rival(info, s, terms_of(s)) for s in (*ev.earlier, ev.before)):
        return ""
    return ev.earlier[0]


def _referred(info: QuestionInfo, ev: Evidence) -> frozenset[str]:
    """Terms of asked names the sentence refers to by their head noun ("the festival" for "Acme Film Festival",
    "the unit" for "Acme AI Business Unit") when its document names them in full."""
    out: set[str] = set()
    asked = frozenset(t for e in info.entities for f in info.forms(e) for t in terms(f))
    for entity in info.entities:
        head = entity.split()[-1] if " " in entity and not has_cjk(entity) else ""
        if head[:1].isupper() and head[1:].islower() and re.search(rf"\b[Tt]he {head.lower()}\b", ev.text) and any(
                _last_named(head, ev.doc_text[:ev.start], ev.doc_text, f, asked) for f in info.forms(entity)):
            out.update(terms(entity))
    return frozenset(out)


def _last_named(head: str, before: str, doc_text: str, form: str, asked: frozenset[str]) -> bool:
    """True when the last name ending in the head noun before a sentence ("… Internet Court") is the asked one: what
    "the court" refers to (the document's first such name when none comes before)."""
    pattern = rf"(?:[A-Z][\w’'-]*\s+)+{re.escape(head)}\b"
    named = list(re.finditer(pattern, before)) or list(re.finditer(pattern, doc_text))[:1]
    if not named:
        return False
    said = set(terms(named[-1].group()))
    return said <= asked or set(terms(form)) <= said  # the asked name (in any of its forms), shorter or longer


def _owns(name: str, heading: str) -> bool:
    """True when a heading opens with the name as its owner ("Acme's 2024 results: ..."): it speaks for Acme."""
    return re.match(rf"\s*{re.escape(name)}[’']s\b", heading) is not None


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


def rival(info: QuestionInfo, text: str, own: frozenset[str], source: str = "") -> bool:
    """The sentence lacks an asked entity but names something else: it is about someone else. An entity its
    document's source names (the publication or author of "according to X") counts as present."""
    lent, texts = (own | terms_of(source), (text, source)) if source else (own, (text,))
    if all(any(mentions(f, lent, texts) for f in info.forms(e)) for e in _required(info)):
        return False
    asked = {t for e in info.entities for f in info.forms(e) for t in terms(f)} | set(info.terms)
    return any(m.group().lower() not in _CALENDAR and not m.group().isupper() and not set(terms(m.group())) <= asked
               and not _attached(text, m.start()) and not _extends_asked(text, m.start(), asked)
               and not ("person" in info.kinds and _in_person_name(text, m.start()))
               for m in _NAME.finditer(text))


def _in_person_name(text: str, start: int) -> bool:
    """True when the capitalized run holding position `start` is a person's name ("Ada Reyes"): asked who, a person
    the sentence names is the answer, not someone else it is about."""
    return is_person(_run_at(text, start))


_RUN = re.compile(r"[A-Z][\w’'-]*(?:\s+(?:[A-Z][\w’'-]*|\d+(?:\.\d+)*))*")


def _extends_asked(text: str, start: int, asked: set[str]) -> bool:
    """True when the capitalized run holding position `start` also holds an asked name: "Pro" in "Acme 2.0 Pro"
    is part of the asked product's name, not someone else."""
    return bool(set(terms(_run_at(text, start))) & asked)


def _run_at(text: str, start: int) -> str:
    """The capitalized run ("Acme 2.0 Pro", "Ada Reyes") holding position `start`, or "" if none does."""
    return next((run.group() for run in _RUN.finditer(text) if run.start() <= start < run.end()), "")


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


def versions_missing(info: QuestionInfo, raw: str) -> float:
    """1 when the question names a version or model number the text does not (as a whole number, not a digit of
    a larger one; when it names the versioned name too, not only as another name's version)."""
    return float(any(not _has_version(v, raw) for v in info.versions))


def other_version(info: QuestionInfo, text: str) -> bool:
    """True when the sentence itself names another version of an asked versioned name ("Acme 1.0" in a sentence,
    "Acme 2.0" asked) and not the asked one: it is about that version, whatever its title names."""
    for version in info.versions:
        parts = re.match(r"([A-Z][A-Za-z]+)[- ]?(\d+(?:\.\d+)*)$", version)
        if parts is None or _has_version(version, text):
            continue
        name, number = parts.groups()
        if any(m.group(1) != number for m in re.finditer(rf"(?<![A-Za-z0-9]){re.escape(name)}[- ]?(\d+(?:\.\d+)*)(?![\d.]?\d)",
                                                         text, re.IGNORECASE)):
            return True
    return False


def other_edition(info: QuestionInfo, text: str) -> bool:
    """True when the question names an edition of a version ("Acme 1.0 Lite") and the sentence names only another
    edition of it ("Acme 1.0 Pro"): it is about that edition."""
    for entity in info.entities:
        parts = re.fullmatch(r"(.*?\d+(?:\.\d+)*)\s+([A-Z][a-z]+)", entity)
        if parts is None:
            continue
        base, edition = parts.groups()
        said = [m.group(1) for m in re.finditer(rf"(?<![\w.]){re.escape(base)}\s*([A-Z][a-z]+)?", text)]
        if edition not in said and any(e and e != edition for e in said):
            return True
    return False


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


@lru_cache(maxsize=32768)
def terms_of(text: str) -> frozenset[str]:
    """A text's content terms as a set (cached: the same sentences are read for many questions)."""
    return frozenset(terms(text)) if text else frozenset()
