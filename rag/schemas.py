"""Typed records shared by indexing, retrieval and every front end."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class DocumentMeta(BaseModel):
    """Metadata of one corpus document."""

    doc_id: str
    source: str = Field(description="path relative to the corpus folder")
    title: str = ""
    date: str = ""
    authors: list[str] = Field(default_factory=list)
    url: str = ""
    publisher: str = Field("", description="who published it: a site or publication name, when known")


class LoadedDocument(BaseModel):
    """A document as a loader produced it: the text that citation offsets point into."""

    meta: DocumentMeta
    text: str
    body_start: int = Field(0, description="offset where indexable text starts (after front matter)")
    sha256: str


class Chunk(BaseModel):
    """A span of a document small enough for the embedding model."""

    doc_id: str
    source: str
    title: str
    date: str
    index: int
    start: int
    end: int
    text: str
    content_hash: str

    @property
    def chunk_id(self) -> str:
        """Stable id: the same text in the same document keeps its id (and embedding)."""
        return f"{self.doc_id}:{self.content_hash[:20]}"


class Passage(BaseModel):
    """A retrieved span (chunk or sentence) with its retrieval score."""

    doc_id: str
    source: str
    title: str = ""
    date: str = ""
    start: int
    end: int
    text: str
    score: float = 0.0
    chunk_index: int = 0


class Citation(BaseModel):
    """A verified verbatim quote: `quote == source_text[start:end]`."""

    n: int
    doc_id: str
    source: str
    title: str = ""
    date: str = ""
    quote: str
    start: int
    end: int
    passage: str = Field(description="the chunk the quote sits in")
    score: float = 0.0


class Answer(BaseModel):
    """The one answer type every front end returns."""

    question: str
    answer: str
    answered: bool
    citations: list[Citation] = Field(default_factory=list)
    related: list[Passage] = Field(default_factory=list, description="closest passages when not answered")
    index_version: str = ""
    took_ms: float = 0.0
    answer_id: str = ""
    conversation_id: str | None = None
    resolved_question: str | None = Field(None, description="the question after follow-up resolution")
    mode: Literal["extractive", "generative"] = Field(
        "extractive", description="which answerer produced `answer`: quoted sentences, or an LLM's verified text")
    dropped_sentences: int = Field(0, ge=0, description="generated sentences removed because no citation supported them")
    notice: Literal["no_earlier_turn"] | None = Field(
        None, description="why no answer was attempted: 'no_earlier_turn' = a follow-up ('and B?') in a "
                          "conversation with no earlier turn (new, expired or the server restarted)")


class IndexStatus(BaseModel):
    """What `reelqa index status` reports."""

    version: str | None
    documents: int = 0
    chunks: int = 0
    sentences: int = 0
    embedding_model: str = ""
    built_at: str = ""
    drift: list[str] = Field(default_factory=list, description="corpus files added, changed or removed since")
    previous_versions: list[str] = Field(default_factory=list)


class UpdateReport(BaseModel):
    """What an index update or rebuild did."""

    version: str
    previous: str | None
    added: int = 0
    kept: int = 0
    deleted: int = 0
    embedded: int = 0
    documents: int = 0
    chunks: int = 0
    errors: list[str] = Field(default_factory=list)
    took_ms: float = 0.0
    up_to_date: bool = False
