"""The benchmark corpus (the article plus N pages of Debian's Python documentation) and its questions."""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYDOC = Path(os.environ.get("BENCH_PYDOC_DIR", "/usr/share/doc/python3.11/html/library"))
GOLD = ROOT.parent / "shared" / "eval" / "dev.jsonl"
EXTRA = ROOT / "tests" / "data" / "extra.jsonl"
# Questions a developer would ask the Python pages (not from the article).
PYDOC_QUESTIONS = [
    "How do I parse command-line arguments?",
    "What does functools.lru_cache do?",
    "How do I read a CSV file?",
    "How can I run a subprocess and capture its output?",
    "What is the difference between a list and a tuple?",
    "How do I format a date as a string?",
    "How do I create a temporary directory?",
    "What does the json module's dumps function return?",
]
_CJK = re.compile(r"[\u3400-\u9fff]")


def pydoc_pages(limit: int | None) -> list[Path]:
    """The first `limit` library pages (sorted by name), or all of them."""
    pages = sorted(PYDOC.glob("*.html"))
    return pages if limit is None else pages[:limit]


def make_corpus(dest: Path, pages: int | None, include_article: bool = True) -> list[Path]:
    """Copy the article (with its sidecar and glossary) and the Python pages into `dest`; returns the files."""
    dest.mkdir(parents=True, exist_ok=True)
    if include_article:
        for path in (ROOT / "corpus").iterdir():
            if path.is_file():
                shutil.copy(path, dest / path.name)
    if pages != 0:
        (dest / "pydoc").mkdir(exist_ok=True)
        for page in pydoc_pages(pages):
            shutil.copy(page, dest / "pydoc" / page.name)
    return sorted(p for p in dest.rglob("*") if p.is_file())


def _gold_items() -> list[dict]:
    items = []
    for path in (GOLD, EXTRA):
        if path.exists():
            items += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return items


def questions() -> dict[str, list[str]]:
    """English and Chinese benchmark questions: the gold sets' questions plus questions to the Python pages."""
    english, chinese = [], []
    for item in _gold_items():
        (chinese if _CJK.search(item["question"]) else english).append(item["question"])
    english = list(dict.fromkeys(english + PYDOC_QUESTIONS))
    return {"english": english, "chinese": list(dict.fromkeys(chinese))}
