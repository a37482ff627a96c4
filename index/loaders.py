"""Load .txt, .md, .html and .pdf files into text whose offsets citations point into."""
from __future__ import annotations

import re
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import yaml

from rag.errors import DocumentError
from rag.schemas import DocumentMeta, LoadedDocument
from rag.text import sha256

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
    if suffix == ".pdf":
        text, meta, body_start = _pdf_text(path, source), {}, 0
    else:
        text = _decode(raw, source)
        if suffix in (".html", ".htm"):
            text, meta, body_start = _html_text(text), {}, 0
        else:
            meta, body_start = _front_matter(text, source)
    if not text[body_start:].strip():
        raise DocumentError(source, "has no text", "add text or remove the file")
    meta = {**_sidecar(path, source), **meta}
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
        authors = [a.strip() for a in authors.split(",") if a.strip()]
    when = data.get("date", "")
    if isinstance(when, (date, datetime)):
        when = when.isoformat()[:10]
    first_line = text[body_start:].strip().split("\n", 1)[0][:120]
    return DocumentMeta(doc_id=data.get("id") or _doc_id(source), source=source,
                        title=str(data.get("title") or first_line), date=str(when or ""),
                        authors=[str(a) for a in authors], url=str(data.get("source") or data.get("url") or ""))


def _doc_id(source: str) -> str:
    stem = re.sub(r"\.[A-Za-z]+$", "", source)
    return re.sub(r"[^A-Za-z0-9_\-/]+", "-", stem).strip("-").replace("/", "--") or "doc"


class _TextExtractor(HTMLParser):
    _SKIP = {"script", "style", "head", "noscript", "template"}
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
              "blockquote", "pre", "title", "ul", "ol", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in self._SKIP
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        self.skip -= tag in self._SKIP and self.skip > 0
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def _html_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _pdf_text(path: Path, source: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(source, f"is not a readable PDF ({type(exc).__name__})", "re-export it") from None
    except Exception as exc:  # pypdf raises many kinds on corrupt input
        raise DocumentError(source, f"is not a readable PDF ({type(exc).__name__})", "re-export it") from None
    return "\n\n".join(p.strip() for p in pages if p.strip())
