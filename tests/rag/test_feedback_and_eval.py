"""Feedback persists across restarts; evaluation metrics match the shared scorer's definitions."""
import pytest

from rag.errors import InputError
from rag.evaluate import evaluate, failures, load_gold
from rag.feedback import FeedbackStore
from rag.schemas import Answer, Citation
from tests.conftest import CORPUS


def _answer(answer_id="a1", answered=True, question="q?"):
    return Answer(question=question, answer="x [1]", answered=answered, answer_id=answer_id)


def test_feedback_survives_a_restart_and_reports_gaps(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    store.record_answer(_answer("a1"), "http")
    store.record_answer(_answer("a2", answered=False, question="Unknown thing?"), "discord")
    store.add_feedback("a1", False, "wrong number", "http")
    with pytest.raises(InputError, match="unknown"):
        store.add_feedback("nope", True)
    reopened = FeedbackStore(tmp_path / "f.sqlite3")
    assert reopened.feedback_for("a1") == [{"helpful": False, "comment": "wrong number", "channel": "http"}]
    gaps = {row["question"]: row for row in reopened.report()}
    assert gaps["Unknown thing?"]["unanswered"] == 1 and gaps["q?"]["unhelpful"] == 1


def test_metrics_follow_the_scorers_definitions(tmp_path):
    text = (CORPUS / "keling-next-target-for-jimeng.txt").read_text(encoding="utf-8")
    start = text.index("approximately 25,000 paying users")
    quote = text[start:start + 33]
    good = Citation(n=1, doc_id="d", source="keling-next-target-for-jimeng.txt", quote=quote, start=start,
                    end=start + 33, passage=quote)
    bad = good.model_copy(update={"start": 0, "end": 5})
    gold = [{"id": "1", "question": "a", "answerable": True, "answer_any": ["25,000"], "answer_all": [],
             "evidence": ["25,000 paying users"]},
            {"id": "2", "question": "b", "answerable": False, "answer_any": [], "answer_all": [], "evidence": []}]
    replies = {"a": Answer(question="a", answer="about 25000 [1]", answered=True, citations=[bad, good]),
               "b": Answer(question="b", answer="x", answered=True)}
    summary = evaluate(gold, lambda q: replies[q], CORPUS)
    assert summary["answer_acc"] == 1.0 and summary["supported_acc"] == 1.0
    assert summary["hit@1"] == 1.0 and summary["mrr"] == 1.0  # the bad citation's passage holds it too
    assert summary["abstain_acc"] == 0.0 and summary["quote_valid"] == 0.5
    assert any("abstain_acc" in f for f in failures(summary))


def test_gold_file_errors_name_the_line(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text('{"question": "a", "answerable": true}\n{broken\n')
    with pytest.raises(InputError, match="g.jsonl:2"):
        load_gold(path)
