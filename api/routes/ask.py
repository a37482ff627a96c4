"""POST /v1/ask (one JSON answer) and POST /v1/ask/stream (server-sent events)."""
from __future__ import annotations

from collections.abc import AsyncIterator

from anyio import to_thread
from fastapi import APIRouter, Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.deps import AppContext, ContextDep, check_length
from api.routes import error_responses
from api.schemas import AnswerEvent, AskRequest, AskResponse, CitationsEvent, DoneEvent
from rag.schemas import Answer

router = APIRouter(prefix="/v1", tags=["answers"])

def _event_schema(name: str, payload: str) -> dict:
    return {"type": "object", "required": ["event", "data"],
            "properties": {"event": {"const": name},
                           "data": {"type": "string", "contentMediaType": "application/json",
                                    "description": f"a JSON {payload}"}}}


_STREAM_DOC = {200: {
    "description": "three events, in order: `citations` (CitationsEvent), `answer` (AnswerEvent), `done` (DoneEvent)",
    "content": {"text/event-stream": {"schema": {"oneOf": [_event_schema("citations", "CitationsEvent"),
                                                           _event_schema("answer", "AnswerEvent"),
                                                           _event_schema("done", "DoneEvent")]}}}}}


async def answer_question(context: AppContext, request: Request, body: AskRequest) -> Answer:
    """Ask the shared service in a worker thread, record the answer for feedback and count it."""
    check_length(body.question, context.settings)
    answer = await to_thread.run_sync(context.service.ask, body.question, body.top_k, body.conversation_id)
    await to_thread.run_sync(context.feedback.record_answer, answer, "http")
    context.metrics.observe_answer(answer.answered)
    request.state.log_fields = {"answer_id": answer.answer_id, "answered": answer.answered,
                                "citations": len(answer.citations), "index_version": answer.index_version}
    return answer


@router.post("/ask", response_model=AskResponse, responses=error_responses(413, 422, 503),
             summary="Answer a question with verbatim citations")
async def ask(body: AskRequest, request: Request, context: ContextDep) -> Answer:
    """A cited answer, or `answered: false` with related passages when the documents don't say."""
    return await answer_question(context, request, body)


async def _events(answer: Answer) -> AsyncIterator[ServerSentEvent]:
    first = CitationsEvent(answer_id=answer.answer_id, answered=answer.answered,
                           index_version=answer.index_version, citations=answer.citations, related=answer.related)
    yield ServerSentEvent(event="citations", data=first.model_dump_json())
    second = AnswerEvent(answer=answer.answer, answered=answer.answered, resolved_question=answer.resolved_question)
    yield ServerSentEvent(event="answer", data=second.model_dump_json())
    last = DoneEvent(answer_id=answer.answer_id, took_ms=answer.took_ms, conversation_id=answer.conversation_id)
    yield ServerSentEvent(event="done", data=last.model_dump_json())


@router.post("/ask/stream", response_class=EventSourceResponse,
             responses={**_STREAM_DOC, **error_responses(413, 422, 503)},
             summary="Answer a question as server-sent events")
async def ask_stream(body: AskRequest, request: Request, context: ContextDep) -> EventSourceResponse:
    """The same answer as /v1/ask, sent as events: `citations`, `answer`, `done`."""
    answer = await answer_question(context, request, body)
    return EventSourceResponse(_events(answer), headers={"Cache-Control": "no-store"})
