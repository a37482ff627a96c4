"""HTML pages through trafilatura: the article's main text, title, date and byline; boilerplate dropped.

The text is laid out as plain lines: a `# title` line, the byline and dateline when the page has them, then one
paragraph per block (`#` marks on headings, `- ` on list items, ` | ` between table cells). Citation offsets
point into this text, and `/v1/documents/{id}` serves it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from typing import Any

_BYLINE_ATTR = re.compile(r"author|byline|writer|reporter", re.IGNORECASE)
_BYLINE_TEXT = re.compile(r"^\s*((written |words |text |reporting )?by\b|作者|文\s*[|｜/:：]|撰文|记者)", re.IGNORECASE)
_AUTHOR_AFTER = re.compile(r"(?:\bby\b|作者|撰文|记者|文)\s*[:|｜：/]?\s*(.+)", re.IGNORECASE)
_LABEL = re.compile(r"^\s*(?:(?:作者|撰文|记者|文)\s*[:|｜：/]\s*|by\s+)", re.IGNORECASE)  # "作者：" before a name
_SPLIT_AUTHORS = re.compile(r"\s*(?:,|，|、|;|\band\b|&|和)\s*")
_DATE_TAIL = re.compile(r"\s*(?:[·|｜—–-]|\bon\b|\bupdated\b|\bpublished\b).*$|\s+\d.*$", re.IGNORECASE)


@dataclass
class Extracted:
    """What one HTML page yields."""

    text: str
    title: str = ""
    date: str = ""
    authors: list[str] = field(default_factory=list)
    url: str = ""
    publisher: str = ""


def extract_html(html: str) -> Extracted:
    """Main text and metadata of an HTML page (empty text when the page has no main content)."""
    import trafilatura

    options: dict[str, Any] = {
        "with_metadata": True, "include_comments": False, "include_tables": True, "include_images": False,
        "include_links": False, "date_extraction_params": {"extensive_search": True, "original_date": True}}
    doc = trafilatura.bare_extraction(html, favor_precision=True, **options)
    if doc is None or isinstance(doc, dict) or doc.body is None or not len(doc.body):
        doc = trafilatura.bare_extraction(html, favor_recall=True, **options)  # a short page: keep what there is
    if doc is None or isinstance(doc, dict) or doc.body is None:
        return Extracted(text="")
    title = _clean(doc.title or "")
    byline = _byline(html)
    authors = [a for a in _SPLIT_AUTHORS.split(_LABEL.sub("", _clean(doc.author or ""))) if a] or _authors_from(byline)
    date = doc.date or ""
    blocks = _blocks(doc.body)
    if blocks and title and _same(blocks[0].lstrip("# "), title):
        blocks = blocks[1:]
    head = [f"# {title}"] if title else []
    if byline:
        head.append(byline)
    elif authors:
        head.append("By " + ", ".join(authors))
    if date:
        head.append(f"Published {date}")
    text = "\n\n".join(head + blocks) if blocks else ""
    return Extracted(text=text, title=title, date=date, authors=authors, url=doc.url or "",
                     publisher=_publisher(html, title, doc.sitename or ""))


def _blocks(body) -> list[str]:
    """One text block per paragraph, heading, list item, quote or table row of trafilatura's XML tree."""
    out: list[str] = []
    for element in body:
        tag = element.tag
        if tag == "head":
            level = int(re.sub(r"\D", "", element.get("rend", "h2")) or 2)
            out.append("#" * min(max(level, 1), 6) + " " + _clean(_text(element)))
        elif tag == "list":
            items = [_clean(_text(item)) for item in element.iter("item")]
            out.append("\n".join(f"- {item}" for item in items if item))
        elif tag == "table":
            rows = [" | ".join(_clean(_text(cell)) for cell in row.iter("cell")) for row in element.iter("row")]
            out.append("\n".join(row for row in rows if row.strip(" |")))
        else:
            out.append("\n".join(_clean(line) for line in _text(element).split("\n")
                                  if not _BOILERPLATE.match(_clean(line))))
    return [block.strip() for block in out if block.strip(" \n#-|")]


# Page furniture the extractor may keep at the end of an article: disclaimers, copyright and sharing lines, editor
# credits, newsletter prompts. They are never what a question asks about.
_BOILERPLATE = re.compile(r"(免责声明|版权声明|特别声明|责任编辑|分享到|扫一扫|关注我们|(?i:disclaimer\s*[:：]|"
                          r"copyright\s*(?:©|\(c\)|\d{4})|©|all rights reserved|share this (?:article|story|page)|"
                          r"sign up for our|subscribe to our))")


def _text(element) -> str:
    """The element's text, with line breaks where the page had `<lb/>`."""
    parts = []
    for node in element.iter():
        if node.tag == "lb":
            parts.append("\n")
        if node.text and node.tag != "lb":
            parts.append(node.text)
        if node is not element and node.tail:
            parts.append(node.tail)
    return "".join(parts)


def _clean(text: str) -> str:
    return re.sub(r"[ \t\r\f\v\u00a0]+", " ", text).strip()


_SITE_NAME = re.compile(r"<meta\s[^>]*property=[\"']og:site_name[\"'][^>]*content=[\"']([^\"']+)[\"']", re.IGNORECASE)
_TITLE_TAG = re.compile(r"<title[^>]*>([^<]+)</title>", re.IGNORECASE)


def _publisher(html: str, title: str, extracted: str) -> str:
    """The site or publication: `og:site_name`, else what the `<title>` adds after the article's title
    ("Headline | Site", "标题_频道_网站"), else the extractor's guess unless it is the title again or a bare domain."""
    named = _SITE_NAME.search(html)
    if named:
        return _clean(unescape(named.group(1)))
    tag = _TITLE_TAG.search(html)
    if tag and title:
        parts = [_clean(p) for p in re.split(r"\s+[|–—·-]\s+|\s*_\s*", unescape(tag.group(1)))]
        if len(parts) >= 2 and _same(parts[0], title) and 0 < len(parts[-1]) <= 60:
            return parts[-1]
    guess = _clean(extracted)
    return "" if not guess or _same(guess, title) or re.fullmatch(r"[\w.-]+\.[a-z]{2,}", guess) else guess


def _same(a: str, b: str) -> bool:
    return _clean(a).lower().rstrip(" .") == _clean(b).lower().rstrip(" .")


def _byline(html: str) -> str:
    """The page's own byline text ("By Jane Roe", "作者：…"), when an element holds one."""
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html)
    except Exception:  # unparseable markup: no byline, the extractor already decided the text
        return ""
    found: list[tuple[int, int, str]] = []  # (0 when the text itself reads as a byline else 1, length, text)
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style", "head", "title", "meta"):
            continue
        attrs = " ".join(str(element.get(a, "")) for a in ("class", "id", "rel", "itemprop"))
        text = _clean(element.text_content())
        if not text or len(text) > 100:
            continue
        if _BYLINE_TEXT.match(text):
            found.append((0, len(text), text))
        elif _BYLINE_ATTR.search(attrs) and len(text.split()) <= 12:
            found.append((1, len(text), text))
    return min(found)[2] if found else ""


def _authors_from(byline: str) -> list[str]:
    match = _AUTHOR_AFTER.search(byline)
    if not match:
        return [byline] if byline and len(byline.split()) <= 4 else []
    names = _DATE_TAIL.sub("", match.group(1)).strip(" |｜:：")
    return [n for n in _SPLIT_AUTHORS.split(names) if n and len(n) <= 40]
