"""Request and response models of the HTTP API (the stable, documented wire format)."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

from rag.schemas import Answer, Citation, Passage, UpdateReport

# A question must contain at least one non-space character; its length limit is the configured
# REELQA_MAX_QUESTION_CHARS, which create_app writes into the OpenAPI schema as maxLength.
NON_BLANK = r"\S"


def _json_integer(value: Any) -> Any:
    """Accept what JSON Schema calls an integer (7, 7.0), not strings or booleans that lax parsing would coerce."""
    if isinstance(value, (str, bool)):
        raise ValueError("must be a JSON integer, not a string or boolean")
    return value


TopK = Annotated[int, Field(ge=1, le=20), BeforeValidator(_json_integer)]


class AskRequest(BaseModel):
    """A question, optionally part of a conversation (follow-ups are resolved against earlier turns)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"question": "How many paying users does Jimeng have?", "top_k": 3,
                      "conversation_id": "c-42"}]})

    question: str = Field(min_length=1, pattern=NON_BLANK, description="the question, in plain words")
    top_k: TopK | None = Field(None, description="most citations to return (default REELQA_TOP_K)")
    conversation_id: str | None = Field(
        None, min_length=1, max_length=128,
        description="any id you choose; questions sharing it are one conversation, so 'and Keling?' works")


class AskResponse(Answer):
    """The shared answer type: every sentence of `answer` cites a verbatim quote, or `answered` is false."""


class SearchResponse(BaseModel):
    """Passages ranked by relevance to a query (no answer is composed)."""

    query: str
    k: int
    passages: list[Passage]


class DocumentResponse(BaseModel):
    """An indexed document: its metadata and the text that citation offsets point into."""

    doc_id: str
    meta: dict[str, Any] = Field(description="title, date, source, authors, url and index bookkeeping")
    text: str = Field(description="full text; a citation's quote equals text[start:end]")


class FeedbackRequest(BaseModel):
    """Feedback on an answer returned earlier by /v1/ask or /v1/ask/stream."""

    model_config = ConfigDict(extra="forbid")

    answer_id: str = Field(min_length=1, max_length=64, description="the answer_id of the answer")
    helpful: StrictBool
    comment: str | None = Field(None, max_length=1000)


class FeedbackResponse(BaseModel):
    """The stored feedback."""

    feedback_id: int
    answer_id: str


class Health(BaseModel):
    """The process is alive."""

    status: str = "ok"


class Readiness(BaseModel):
    """The live index version is loaded and answering."""

    status: str = "ready"
    version: str
    documents: int
    chunks: int


class ErrorResponse(BaseModel):
    """Every error: one clear line saying what went wrong and what to do."""

    error: str = Field(examples=["question is empty; type a question about the documents"])


class TokenEvent(BaseModel):
    """Payload of each `token` event: a piece of the generated answer as the model writes it (generative mode)."""

    text: str = Field(description="the next piece of text; the final `answer` event is authoritative")


class CitationsEvent(BaseModel):
    """Payload of the first server-sent event, `citations`."""

    answer_id: str
    answered: bool
    index_version: str
    citations: list[Citation]
    related: list[Passage]


class AnswerEvent(BaseModel):
    """Payload of the `answer` event: the verified answer text (it replaces any streamed tokens)."""

    answer: str
    answered: bool
    resolved_question: str | None = None
    mode: Literal["extractive", "generative"] = Field("extractive", description="'extractive' (quoted sentences) or 'generative' (verified LLM text)")
    dropped_sentences: int = Field(0, description="generated sentences removed because no citation supported them")


class DoneEvent(BaseModel):
    """Payload of the last server-sent event, `done`."""

    answer_id: str
    took_ms: float
    conversation_id: str | None = None


__all__ = ["AnswerEvent", "AskRequest", "AskResponse", "CitationsEvent", "DocumentResponse", "DoneEvent",
           "ErrorResponse", "FeedbackRequest", "FeedbackResponse", "Health", "Readiness", "SearchResponse",
           "TokenEvent", "UpdateReport"]
