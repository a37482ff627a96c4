"""POST /v1/ask (one JSON answer) and POST /v1/ask/stream (server-sent events)."""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

from anyio import to_thread
from fastapi import APIRouter, Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.deps import AppContext, ContextDep, check_length
from api.routes import error_responses
from api.schemas import AnswerEvent, AskRequest, AskResponse, CitationsEvent, DoneEvent, TokenEvent
from rag.schemas import Answer

router = APIRouter(prefix="/v1", tags=["answers"])
log = logging.getLogger("reelqa.api")


def _event_schema(name: str, payload: str) -> dict:
    return {"type": "object", "required": ["event", "data"],
            "properties": {"event": {"const": name},
                           "data": {"type": "string", "contentMediaType": "application/json",
                                    "description": f"a JSON {payload}"}}}


_STREAM_DOC = {200: {
    "description": "events, in order: zero or more `token` (TokenEvent; only when an LLM writes the answer, as it "
                   "writes), then `citations` (CitationsEvent), `answer` (AnswerEvent: the verified text, which "
                   "replaces the tokens), `done` (DoneEvent)",
    "content": {"text/event-stream": {"schema": {"oneOf": [_event_schema("token", "TokenEvent"),
                                                           _event_schema("citations", "CitationsEvent"),
                                                           _event_schema("answer", "AnswerEvent"),
                                                           _event_schema("done", "DoneEvent")]}}}}}


def _answer_and_record(context: AppContext, body: AskRequest) -> Answer:
    """The service's answer, recorded for feedback (one trip through the compute queue for both)."""
    answer = context.service.ask(body.question, body.top_k, body.conversation_id)
    context.feedback.record_answer(answer, "http")
    return answer


def _first_item(context: AppContext, items: Iterator[str | Answer]) -> str | Answer:
    """The stream's first item; recorded for feedback when it is already the final answer (extractive mode)."""
    item = next(items)
    if isinstance(item, Answer):
        context.feedback.record_answer(item, "http")
    return item


def count(context: AppContext, request: Request, answer: Answer) -> None:
    """Count the answer and add it to the request's log line."""
    context.metrics.observe_answer(answer.answered)
    request.state.log_fields = {"answer_id": answer.answer_id, "answered": answer.answered,
                                "citations": len(answer.citations), "index_version": answer.index_version,
                                "mode": answer.mode, "dropped_sentences": answer.dropped_sentences}


async def answer_question(context: AppContext, request: Request, body: AskRequest) -> Answer:
    """Ask the shared service in its turn in the compute queue, record the answer for feedback and count it."""
    check_length(body.question, context.settings)
    answer = await context.compute.run(_answer_and_record, context, body)
    count(context, request, answer)
    return answer


@router.post("/ask", response_model=AskResponse, responses=error_responses(413, 422, 503),
             summary="Answer a question with verbatim citations")
async def ask(body: AskRequest, request: Request, context: ContextDep) -> Answer:
    """A cited answer, or `answered: false` with related passages when the documents don't say."""
    return await answer_question(context, request, body)


def _final_events(answer: Answer) -> Iterator[ServerSentEvent]:
    first = CitationsEvent(answer_id=answer.answer_id, answered=answer.answered,
                           index_version=answer.index_version, citations=answer.citations, related=answer.related)
    yield ServerSentEvent(event="citations", data=first.model_dump_json())
    second = AnswerEvent(answer=answer.answer, answered=answer.answered, resolved_question=answer.resolved_question,
                         mode=answer.mode, dropped_sentences=answer.dropped_sentences)
    yield ServerSentEvent(event="answer", data=second.model_dump_json())
    last = DoneEvent(answer_id=answer.answer_id, took_ms=answer.took_ms, conversation_id=answer.conversation_id)
    yield ServerSentEvent(event="done", data=last.model_dump_json())


def _token(piece: str) -> ServerSentEvent:
    return ServerSentEvent(event="token", data=TokenEvent(text=piece).model_dump_json())


async def _events(context: AppContext, request: Request, first: str | Answer,
                  items: Iterator[str | Answer]) -> AsyncIterator[ServerSentEvent]:
    """`token` events while the service streams, then the final answer's events."""
    item: str | Answer | None = first
    recorded = isinstance(first, Answer)
    try:
        while isinstance(item, str):
            yield _token(item)
            item = await to_thread.run_sync(next, items, None)
    finally:
        if not isinstance(item, Answer):  # the client went away or the service failed: stop the model
            await to_thread.run_sync(items.close)
    if item is None:
        log.error("the answer stream ended without an answer")
        return
    if not recorded:
        await to_thread.run_sync(context.feedback.record_answer, item, "http")
    count(context, request, item)
    for event in _final_events(item):
        yield event


@router.post("/ask/stream", response_class=EventSourceResponse,
             responses={**_STREAM_DOC, **error_responses(413, 422, 503)},
             summary="Answer a question as server-sent events")
async def ask_stream(body: AskRequest, request: Request, context: ContextDep) -> EventSourceResponse:
    """The same answer as /v1/ask, sent as events: `token` (generative mode), `citations`, `answer`, `done`."""
    check_length(body.question, context.settings)
    items = context.service.ask_stream(body.question, body.top_k, body.conversation_id)
    first = await context.compute.run(_first_item, context, items)  # bad input or no index fail here, as usual
    return EventSourceResponse(_events(context, request, first, items), headers={"Cache-Control": "no-store"})
