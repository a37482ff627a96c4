"""POST /v1/feedback: was an answer helpful?"""
from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter

from api.deps import FeedbackDep
from api.routes import error_responses
from api.schemas import FeedbackRequest, FeedbackResponse

router = APIRouter(prefix="/v1", tags=["feedback"])


@router.post("/feedback", response_model=FeedbackResponse, status_code=201,
             responses=error_responses(404, 413, 422), summary="Rate an answer")
async def add_feedback(body: FeedbackRequest, feedback: FeedbackDep) -> FeedbackResponse:
    """Store feedback on an answer returned earlier (404 for an unknown answer_id)."""
    feedback_id = await to_thread.run_sync(feedback.add_feedback, body.answer_id, body.helpful, body.comment, "http",
                                             True)
    return FeedbackResponse(feedback_id=feedback_id, answer_id=body.answer_id)
