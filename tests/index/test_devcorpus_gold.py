"""Development corpus and its gold questions: every span and answer is really in the documents (fast, no model)."""
from __future__ import annotations

import datetime
import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

from index.loaders import find_documents, load_document
from rag.evaluate import norm

DATA = Path(__file__).resolve().parents[1] / "data"
DOCS = DATA / "devcorpus" / "docs"
HALVES = {"dev_tune.jsonl": "A", "dev_check.jsonl": "B"}
# The split by document (tests/data/devcorpus/README.md): a question goes with the group of its first evidence.
GROUPS = {
    "A": {"kuaishou-q3-2024-results.md", "kling-2-0-launch.html", "bytedance-video-models-volcano.txt",
          "kling-first-anniversary-zh.md", "vidu-global-launch.html", "jimeng-growth-zh.txt",
          "sora-public-release.md", "seaweed-farming-boom.txt"},
    "B": {"kuaishou-q1-2025-results.md", "kuaishou-q3-2025-results.html", "seedance-1-0-release.md",
          "ai-video-market-review-2025.pdf", "jimeng-vs-kling-zh.md", "kuaishou-fy2024-zh.txt",
          "minimax-hailuo-video.txt", "pika-heat-study.md"},
}
TYPES = {"factoid", "numeric", "list", "why", "alias", "comparison", "paraphrase", "chinese", "crosslingual",
         "metadata", "period", "latest", "conflict", "unanswerable"}
CJK = re.compile(r"[\u4e00-\u9fff]")


normalize = norm  # the shared scorer's matching rule, as the evaluator applies it


def collapse(text: str) -> str:
    """Whitespace collapsed: a PDF wraps paragraphs into lines, and the scorer collapses whitespace too."""
    return re.sub(r"\s+", " ", text)


class _ArticleText(HTMLParser):
    """Visible text inside <article> only: the main body a main-text extractor keeps."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        self.depth += tag == "article"
        self.parts.append("\n")

    def handle_endtag(self, tag):
        self.depth -= tag == "article" and self.depth > 0
        self.parts.append("\n")

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


@cache
def documents() -> dict[str, dict]:
    """Each file's loaded text (current loader), its main-body text, and every date/author it declares."""
    out = {}
    for path in find_documents(DOCS):
        doc = load_document(path, DOCS)
        body = doc.text[doc.body_start:]
        declared = [doc.meta.title, doc.meta.date, *doc.meta.authors]
        suffix = path.suffix.lower()
        if suffix in (".html", ".htm"):
            raw = path.read_text(encoding="utf-8")
            parser = _ArticleText()
            parser.feed(raw)
            body = "".join(parser.parts)
            declared += re.findall(r'<meta[^>]+content="([^"]+)"', raw) + re.findall(r"<title>(.*?)</title>", raw)
        elif suffix == ".pdf":
            from pypdf import PdfReader

            info = PdfReader(str(path)).metadata or {}
            declared += [str(v) for v in info.values()]
            body = collapse(body)
        out[doc.meta.source] = {"text": doc.text, "body": body, "declared": " ".join(declared),
                                "pdf": suffix == ".pdf", "date": _declared_date(" ".join(declared))}
    return out


def _declared_date(declared: str) -> str:
    """The first ISO date (or PDF `D:YYYYMMDD` date) a document declares, as YYYY-MM-DD; '' if none."""
    match = re.search(r"(20\d\d)-(\d\d)-(\d\d)|D:(20\d\d)(\d\d)(\d\d)", declared)
    return "-".join(g for g in match.groups() if g) if match else ""


def _date_forms(iso: str) -> str:
    """A declared date as a metadata answer may write it: 2025-04-16, April 16, 2025, 16 April 2025."""
    if not iso:
        return ""
    day = datetime.date.fromisoformat(iso)
    return f"{iso} {day:%B} {day.day}, {day.year} {day.day} {day:%B} {day.year}"


def questions(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def holders(span: str) -> list[str]:
    """The documents whose main body holds the span (whitespace-collapsed for PDFs)."""
    found = []
    for source, doc in documents().items():
        if (collapse(span) in doc["body"]) if doc["pdf"] else (span in doc["body"]):
            found.append(source)
    return found


ALL = [(name, q) for name in HALVES for q in questions(name)]
ANSWERABLE = [(name, q) for name, q in ALL if q["answerable"]]


def test_every_document_loads_with_a_date_and_belongs_to_one_group():
    docs = documents()
    assert set(docs) == GROUPS["A"] | GROUPS["B"] and not GROUPS["A"] & GROUPS["B"]
    for source, doc in docs.items():
        assert doc["date"], f"{source} declares no date"
    chinese = {s for s, d in docs.items() if len(CJK.findall(d["body"])) > 500}
    assert len(chinese) >= 4 and chinese & GROUPS["A"] and chinese & GROUPS["B"]
    suffixes = {Path(s).suffix for s in docs}
    assert suffixes >= {".md", ".txt", ".html", ".pdf"}


def test_documents_are_article_length():
    for source, doc in documents().items():
        body = doc["body"]
        han, words = len(CJK.findall(body)), len(re.findall(r"[A-Za-z]+", body))
        assert (800 <= han <= 2500) if han > 500 else (400 <= words <= 1500), f"{source}: {han} han, {words} words"


def test_ids_are_unique_and_fields_are_well_formed():
    ids = [q["id"] for _, q in ALL]
    assert len(ids) == len(set(ids))
    for _, q in ALL:
        assert set(q) == {"id", "question", "answerable", "answer_any", "answer_all", "evidence", "type"}, q["id"]
        assert q["type"] in TYPES and q["question"].strip(), q["id"]
        if q["answerable"]:
            assert q["evidence"] and (q["answer_any"] or q["answer_all"]), q["id"]
            assert q["type"] != "unanswerable", q["id"]
        else:
            assert not (q["evidence"] or q["answer_any"] or q["answer_all"]), q["id"]


def in_loaded_text(span: str, source: str) -> bool:
    """The span is in the text the project's loader produced for the document (offsets point into it)."""
    doc = documents()[source]
    return collapse(span) in collapse(doc["text"]) if doc["pdf"] else span in doc["text"]


@pytest.mark.parametrize("name,q", ANSWERABLE, ids=[q["id"] for _, q in ANSWERABLE])
def test_evidence_is_verbatim_main_body_text(name, q):
    loaded = []
    for span in q["evidence"]:
        assert "\n" not in span and "<" not in span, f"{q['id']}: span has a line break or markup"
        assert holders(span), f"{q['id']}: evidence not in any document's main body: {span!r}"
        loaded.append(any(in_loaded_text(span, source) for source in holders(span)))
    # A byline or title may become metadata under a main-text extractor: one such span in the text is enough.
    assert any(loaded) if q["type"] == "metadata" else all(loaded), f"{q['id']}: evidence not in loaded text"


@pytest.mark.parametrize("name,q", ANSWERABLE, ids=[q["id"] for _, q in ANSWERABLE])
def test_answers_are_in_the_documents_that_hold_the_evidence(name, q):
    sources = {s for span in q["evidence"] for s in holders(span)}
    texts = [documents()[s]["text"] for s in sources]
    if q["type"] == "metadata":
        texts += [documents()[s]["declared"] + " " + _date_forms(documents()[s]["date"]) for s in sources]
    haystack = normalize(" ".join(texts))
    for answer in q["answer_any"] + q["answer_all"]:
        assert normalize(answer) in haystack, f"{q['id']}: answer {answer!r} not in {sorted(sources)}"
    if q["type"] == "conflict":
        assert len(sources) >= 2 and len({documents()[s]["date"] for s in sources}) >= 2, q["id"]


@pytest.mark.parametrize("name", list(HALVES))
def test_each_half_is_large_mixed_and_split_by_first_evidence(name):
    rows = questions(name)
    group = HALVES[name]
    assert len(rows) >= 100
    unanswerable = [q for q in rows if not q["answerable"]]
    assert len(unanswerable) >= 0.15 * len(rows)
    assert any(CJK.search(q["question"]) for q in unanswerable)
    assert any(CJK.search(q["question"]) for q in rows if q["answerable"])
    assert {q["type"] for q in rows} >= {"conflict", "latest", "period", "metadata", "crosslingual", "chinese"}
    for q in rows:
        if q["answerable"]:
            first = holders(q["evidence"][0])
            assert set(first) & GROUPS[group], f"{q['id']}: first evidence is in {first}, not group {group}"
