"""What the index holds, for people: the document list, what the corpus covers, and example questions
picked at run time from the corpus (checked to be answerable, never hard-coded)."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from pydantic import BaseModel, Field

from rag.aliases import Glossary
from rag.schemas import Answer
from rag.text import has_cjk

_CJK = re.compile(r"[\u3400-\u9fff]")
_PLURAL_TERM = re.compile(r"^[a-z][a-z ]*[a-z]s$")


class LibraryDocument(BaseModel):
    """One indexed document as the library lists it."""

    doc_id: str
    title: str
    date: str = ""
    source: str = Field("", description="who published it (the metadata's source), else the file name")
    authors: list[str] = Field(default_factory=list)
    file: str = Field("", description="path relative to the corpus folder")
    url: str = ""
    language: str = Field("", description="'English' or 'Chinese', detected from the text")
    chunks: int = 0
    characters: int = 0


class Library(BaseModel):
    """The live index: its version, when it was built, its documents and what they talk about."""

    version: str
    built_at: str = ""
    documents: list[LibraryDocument]
    topics: list[str] = Field(default_factory=list, description="names the documents mention most")
    examples: list[str] = Field(default_factory=list, description="questions the documents answer")


def language_of(text: str) -> str:
    """'Chinese' when a tenth of the letters are CJK, else 'English'."""
    letters = [ch for ch in text[:20_000] if ch.isalpha()]
    cjk = sum(1 for ch in letters if _CJK.match(ch))
    return "Chinese" if letters and cjk / len(letters) >= 0.1 else "English"


def list_documents(documents: dict[str, dict], text_of: Callable[[str], str]) -> list[LibraryDocument]:
    """The documents of a manifest, newest first, with language and size from their text."""
    rows = []
    for doc_id, info in documents.items():
        text = text_of(doc_id)
        rows.append(LibraryDocument(
            doc_id=doc_id, title=info.get("title") or info.get("source", doc_id), date=str(info.get("date") or ""),
            source=_publisher(info), authors=list(info.get("authors") or []), file=info.get("source", ""),
            url=_link(info), language=language_of(text), chunks=int(info.get("chunks", 0)),
            characters=len(text)))
    return sorted(rows, key=lambda d: (d.date, d.title), reverse=True)


def _link(info: dict) -> str:
    url = str(info.get("url") or "")
    return url if re.match(r"https?://", url) else ""


def publication(info: dict) -> str:
    """Who published a document: its `publisher`, else the metadata's non-URL `source` (kept in `url`), else ""."""
    url = str(info.get("url") or "")
    return str(info.get("publisher") or "") or ("" if not url or _link(info) else url)


def _publisher(info: dict) -> str:
    """The publisher, else the authors."""
    return publication(info) or ", ".join(info.get("authors") or [])


def topics(texts: list[str], glossary: Glossary, limit: int = 8) -> list[str]:
    """The glossary names the texts mention most often."""
    counts: Counter[str] = Counter()
    for text in texts:
        for name in glossary.entries:
            counts[name] += len(re.findall(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", text))
    return [name for name, n in counts.most_common(limit) if n]


def candidate_questions(texts: list[str], glossary: Glossary) -> list[tuple[str, str | None, str]]:
    """Count questions ('How many X does N have?') for names and measured things that share a sentence
    with a number in the corpus, most frequent pairs first: (English, Chinese form or None, name)."""
    measures = [t for t in dict.fromkeys(english for _, english in glossary.terms) if _PLURAL_TERM.match(t)]
    measures = measures or counted_things(texts)
    pairs: Counter[tuple[str, str]] = Counter()
    for text in texts:
        for sentence in re.split(r"(?<=[.!?。！？])\s+", text):
            if not re.search(r"\d", sentence):
                continue
            for name in glossary.canonical_names(sentence):
                for term in measures:
                    if re.search(rf"\b{re.escape(term)}\b", sentence, re.IGNORECASE):
                        pairs[(name, term)] += 1
    questions = []
    for (name, term), _ in pairs.most_common(12):
        chinese_name = min((a for a in glossary.entries.get(name, []) if has_cjk(a)), key=len, default=None)
        chinese_term = min((w for w, english in glossary.terms if english == term and has_cjk(w)), key=len,
                           default=None)
        chinese = f"{chinese_name}有多少{chinese_term}？" if chinese_name and chinese_term else None
        questions.append((f"How many {term} does {name} have?", chinese, name))
    return questions


_COUNTED = re.compile(r"\d[\d,.]*(?:\s+(?:million|billion|thousand))?\s+((?:[a-z]+\s+)?[a-z]{3,}s)\b")


_UNITS_OF_TIME = frozenset(["times", "years", "months", "weeks", "days", "hours", "minutes", "seconds"])


def counted_things(texts: list[str], limit: int = 12) -> list[str]:
    """Plural things the corpus counts ('25,000 paying users' gives 'paying users'), most frequent first."""
    counts: Counter[str] = Counter(m.group(1) for text in texts for m in _COUNTED.finditer(text))
    return [thing for thing, _ in counts.most_common(limit) if thing.split()[-1] not in _UNITS_OF_TIME]


def pick_examples(candidates: list[tuple[str, str | None, str]], ask: Callable[[str], Answer],
                  wanted: int = 3) -> list[str]:
    """Up to `wanted` questions the service answers, about different names where possible; the last one in
    Chinese when a Chinese form is answered."""
    english: list[tuple[str, str]] = []
    for question, _, name in sorted(candidates, key=lambda c: _seen_before(c[2], candidates, c)):
        if len(english) < wanted - 1 and name not in {n for _, n in english} and ask(question).answered:
            english.append((question, name))
    picked = {q for q, _ in english}
    for question, chinese, _ in candidates:
        if chinese and question not in picked and ask(chinese).answered:
            return [q for q, _ in english] + [chinese]
    for question, _, name in candidates:
        if len(english) < wanted and question not in {q for q, _ in english} and ask(question).answered:
            english.append((question, name))
    return [q for q, _ in english]


def _seen_before(name: str, candidates: list, item) -> int:
    """How many earlier candidates are about the same name (so the first of each name comes first)."""
    return sum(1 for c in candidates[: candidates.index(item)] if c[2] == name)
