"""Load .txt, .md, .html and .pdf files into text whose offsets citations point into.

HTML goes through trafilatura (main text, title, date, author); the text served and cited is that extraction,
headed by the title, byline and date lines when they are known. Dates become ISO `YYYY-MM-DD` where possible.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from index.html import extract_html
from rag.errors import DocumentError
from rag.schemas import DocumentMeta, LoadedDocument
from rag.text import runs_on, sha256, wrap_joiner

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
SIDECAR = ".meta.yaml"
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.S)


def find_documents(corpus_dir: Path) -> list[Path]:
    """Every loadable file under the corpus folder, sorted; sidecars and the glossary are skipped."""
    if not corpus_dir.is_dir():
        raise DocumentError(str(corpus_dir), "corpus folder not found", "create it or set REELQA_CORPUS_DIR")
    return sorted(p for p in corpus_dir.rglob("*")
                  if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith("."))


def load_document(path: Path, corpus_dir: Path) -> LoadedDocument:
    """Load one file; raises DocumentError with the file's name on any bad input."""
    source = path.relative_to(corpus_dir).as_posix()
    raw = _read_bytes(path, source)
    suffix = path.suffix.lower()
    meta: dict[str, Any]
    if suffix == ".pdf":
        (text, meta), body_start = _pdf_text(path, source), 0
    else:
        text = _decode(raw, source)
        if suffix in (".html", ".htm"):
            extracted = extract_html(text)
            text, body_start = extracted.text, 0
            meta = {k: v for k, v in (("title", extracted.title), ("date", extracted.date),
                                      ("authors", extracted.authors), ("url", extracted.url),
                                      ("publisher", extracted.publisher)) if v}
        else:
            meta, body_start = _front_matter(text, source)
    if not text[body_start:].strip():
        raise DocumentError(source, "has no text", "add text or remove the file")
    sidecar = _sidecar(path, source)
    # Front matter and a sidecar are both the user's word (front matter wins, as it sits in the file); either wins
    # over metadata extracted from an HTML page or a PDF.
    meta = {**meta, **sidecar} if suffix in (".pdf", ".html", ".htm") else {**sidecar, **meta}
    return LoadedDocument(meta=_meta(source, meta, text, body_start), text=text,
                          body_start=body_start, sha256=sha256(text))


def _read_bytes(path: Path, source: str) -> bytes:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(source, f"cannot be read ({exc.strerror})", "check its permissions") from None
    if not raw.strip():
        raise DocumentError(source, "is empty", "add text or remove the file")
    return raw


def _decode(raw: bytes, source: str) -> str:
    if b"\x00" in raw[:8192]:
        raise DocumentError(source, "is a binary file, not text", "convert it to .txt/.md or remove it")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(source, f"is not valid UTF-8 (byte {exc.start})", "re-save it as UTF-8") from None
    # Universal newlines, as Python's text mode reads files: offsets match `Path.read_text()`.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _front_matter(text: str, source: str) -> tuple[dict, int]:
    match = _FRONT_MATTER.match(text)
    if not match:
        if text.startswith("---\n"):
            raise DocumentError(source, "front matter is not closed by a '---' line", "close or remove it")
        return {}, 0
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 2
        raise DocumentError(source, f"front matter is not valid YAML (line {line})", "fix the YAML") from None
    if not isinstance(data, dict):
        raise DocumentError(source, "front matter is not a mapping of key: value", "fix the YAML")
    return data, match.end()


def _sidecar(path: Path, source: str) -> dict:
    sidecar = path.with_name(path.stem + SIDECAR)
    if not sidecar.is_file():
        return {}
    try:
        data = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError):
        raise DocumentError(source, f"metadata file {sidecar.name} is not valid YAML", "fix it") from None
    if not isinstance(data, dict):
        raise DocumentError(source, f"metadata file {sidecar.name} is not a mapping", "fix it")
    return data


def _meta(source: str, data: dict, text: str, body_start: int) -> DocumentMeta:
    authors = data.get("authors") or data.get("author") or []
    if isinstance(authors, str):
        authors = [a.strip() for a in re.split(r"[,;，、]|\band\b", authors) if a.strip()]
    when = data.get("date") or data.get("published") or data.get("published_at") or _dateline(text[body_start:])
    return DocumentMeta(doc_id=data.get("id") or _doc_id(source), source=source,
                        title=str(data.get("title") or _fallback_title(source, text[body_start:])),
                        date=normalize_date(when),
                        authors=[str(a) for a in authors], url=str(data.get("source") or data.get("url") or ""),
                        publisher=str(data.get("publisher") or data.get("site") or ""))


def _dateline(body: str, lines: int = 5) -> str:
    """The date of a short dateline among the first lines ("Published 15 July 2025", "2025年3月26日"), if any."""
    for line in [ln.strip() for ln in body.split("\n") if ln.strip()][:lines]:
        if len(line.split()) > 10 or len(line) > 60 or re.search(r"[.!?。！？；]\s*\S", line):
            continue  # a sentence, not a dateline
        found = normalize_date(line)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", found):
            return found
    return ""


def _fallback_title(source: str, body: str) -> str:
    """The first line when it reads as a title (short, no sentence end), else the file name in words."""
    first_line = body.strip().split("\n", 1)[0].lstrip("#").strip()
    if first_line and len(first_line) <= 120 and not re.search(r"[.!?。！？；]$", first_line):
        return first_line
    return re.sub(r"[-_]+", " ", Path(source).stem).strip()


_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def normalize_date(value: Any) -> str:
    """ISO `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`) from a date, a datetime or a common written form; else as given."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    text = str(value or "").strip()
    if not text:
        return ""
    patterns = [
        (r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})", lambda m: (m[1], m[2], m[3])),
        (r"(\d{1,2})/(\d{1,2})/(\d{4})", lambda m: (m[3], m[1], m[2])),  # US order, as written in English
        (r"([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", lambda m: (m[3], _MONTHS.get(m[1].lower()), m[2])),
        (r"(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?,?\s+(\d{4})", lambda m: (m[3], _MONTHS.get(m[2].lower()), m[1])),
        (r"(\d{4})[-/.年](\d{1,2})月?$", lambda m: (m[1], m[2], None)),
        (r"([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$", lambda m: (m[2], _MONTHS.get(m[1].lower()), None)),
        (r"(\d{4})年?$", lambda m: (m[1], None, None)),
    ]
    for pattern, parts in patterns:
        match = re.search(pattern, text)
        if match:
            year, month, day = parts(match)
            if month is None and day is None:
                return f"{int(year):04d}"
            if month is None or not 1 <= int(month) <= 12:
                continue
            if day is None:
                return f"{int(year):04d}-{int(month):02d}"
            try:
                return date(int(year), int(month), int(day)).isoformat()
            except ValueError:
                continue
    return text


def _doc_id(source: str) -> str:
    stem = re.sub(r"\.[A-Za-z]+$", "", source)
    return re.sub(r"[^A-Za-z0-9_\-/]+", "-", stem).strip("-").replace("/", "--") or "doc"


def _pdf_text(path: Path, source: str) -> tuple[str, dict[str, Any]]:
    """The text of every page and the PDF's own metadata (title, author, creation date)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
        info: Any = reader.metadata or {}
        meta = {"title": _pdf_field(info, "/Title"), "authors": _pdf_field(info, "/Author"),
                "date": _pdf_date(_pdf_field(info, "/CreationDate") or _pdf_field(info, "/ModDate"))}
    except Exception as exc:  # pypdf raises many kinds on corrupt input
        raise DocumentError(source, f"is not a readable PDF ({type(exc).__name__})", "re-export it") from None
    if re.search(r"\.(docx?|pptx?|pdf|odt|tex)$|^untitled$|^microsoft word", meta["title"], re.IGNORECASE):
        meta["title"] = ""  # a file name, not a title
    text = _join_pages([_unwrap(p) for p in _without_running_lines([p.strip() for p in pages if p.strip()])])
    return text, {k: v for k, v in meta.items() if v}


_PAGE_NUMBER = re.compile(r"(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—]|"
                          r"第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?", re.IGNORECASE)


def _without_running_lines(pages: list[str], edge: int = 2) -> list[str]:
    """Pages without their running headers and footers: a line among a page's first or last `edge` lines that
    recurs (digits aside) at the edge of at least half the pages (two at least), or that is only a page number."""
    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line.strip().lower())

    split = [[ln for ln in page.split("\n") if ln.strip()] for page in pages]
    seen: dict[str, int] = {}
    for lines in split:
        for k in {key(ln) for ln in lines[:edge] + lines[-edge:]}:
            seen[k] = seen.get(k, 0) + 1
    running = {k for k, n in seen.items() if len(pages) >= 2 and n >= max(2, (len(pages) + 1) // 2)}
    out = []
    for lines in split:
        kept = [ln for i, ln in enumerate(lines) if not (
            (i < edge or i >= len(lines) - edge) and (key(ln) in running or _PAGE_NUMBER.fullmatch(ln.strip())))]
        out.append("\n".join(kept))
    return [page for page in out if page.strip()]


def _join_pages(pages: list[str], wide: int = 60) -> str:
    """Pages as paragraphs; a sentence running over a page break is joined back (as `_unwrap` joins lines)."""
    text = ""
    for page in pages:
        last = text.rsplit("\n", 1)[-1]
        if runs_on(last, page, wide):
            text += wrap_joiner(last, page) + page
        else:
            text = f"{text}\n\n{page}" if text else page
    return text


def _unwrap(page: str, wide: int = 60) -> str:
    """Join the hard-wrapped lines of a PDF page back into paragraphs (headings and short lines stay lines).

    A line continues the previous one when that one has no sentence end and either is long (a wrapped line)
    or the new line goes on in lower case or in Chinese (`rag.text.runs_on`).
    """
    out: list[str] = []
    for line in (ln.strip() for ln in page.split("\n")):
        if not line:
            continue
        prev = out[-1] if out else ""
        if runs_on(prev, line, wide):
            out[-1] = prev + wrap_joiner(prev, line) + line
        else:
            out.append(line)
    return "\n".join(out)


def _pdf_field(info: Any, key: str) -> str:
    value = info.get(key) if hasattr(info, "get") else None
    return str(value).strip() if value else ""


def _pdf_date(value: str) -> str:
    """`D:20250301093000+08'00'` → `2025-03-01`."""
    match = re.match(r"D:(\d{4})(\d{2})?(\d{2})?", value)
    if not match:
        return value
    return normalize_date("-".join(g for g in match.groups() if g) if match[3] else match[1] + (f"-{match[2]}" if match[2] else ""))
