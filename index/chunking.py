"""Split a loaded document into sentence units and token-limited chunks, keeping character offsets."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from rag.schemas import Chunk, LoadedDocument
from rag.text import sentence_spans, sha256

TokenOffsets = Callable[[str], list[tuple[int, int]]]


@dataclass(frozen=True)
class Unit:
    """A sentence (or a piece of an over-long one) with its token count."""

    start: int
    end: int
    tokens: int


def sentence_units(doc: LoadedDocument, token_offsets: TokenOffsets, max_tokens: int) -> list[Unit]:
    """Sentences of the document body, over-long ones cut at token boundaries so each fits the model."""
    units = []
    for start, end in sentence_spans(doc.text, doc.body_start):
        offsets = token_offsets(doc.text[start:end])
        if len(offsets) <= max_tokens:
            units.append(Unit(start, end, len(offsets)))
            continue
        for i in range(0, len(offsets), max_tokens):
            piece = offsets[i:i + max_tokens]
            piece_end = end if i + max_tokens >= len(offsets) else start + piece[-1][1]
            units.append(Unit(start + piece[0][0], piece_end, len(piece)))
    return units


def chunk_document(doc: LoadedDocument, units: list[Unit], max_tokens: int) -> list[Chunk]:
    """Pack consecutive sentences into chunks of at most max_tokens, overlapping by one short sentence."""
    groups: list[list[Unit]] = []
    current: list[Unit] = []
    for unit in units:
        if current and sum(u.tokens for u in current) + unit.tokens > max_tokens:
            groups.append(current)
            tail = current[-1]
            current = [tail] if tail.tokens <= max_tokens // 4 and tail.tokens + unit.tokens <= max_tokens else []
        current.append(unit)
    if current:
        groups.append(current)
    meta = doc.meta
    chunks = []
    for index, group in enumerate(groups):
        start, end = group[0].start, group[-1].end
        text = doc.text[start:end]
        chunks.append(Chunk(doc_id=meta.doc_id, source=meta.source, title=meta.title, date=meta.date,
                            index=index, start=start, end=end, text=text, content_hash=sha256(text)))
    return chunks
