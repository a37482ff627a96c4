"""The feedback writer keeps one connection open, yet follows the file when it is deleted or replaced."""
from __future__ import annotations

import os
import sqlite3

from rag.feedback import FeedbackStore
from rag.schemas import Answer


def _answer(n: int) -> Answer:
    return Answer(question=f"question {n}?", answer="The documents don't say.", answered=False,
                  index_version="v1", answer_id=f"answer-{n}")


def _ids(path) -> set[str]:
    db = sqlite3.connect(path)
    try:
        return {row[0] for row in db.execute("SELECT answer_id FROM answers")}
    finally:
        db.close()


def test_records_reach_the_file_a_reader_opens_even_with_the_writer_still_open(tmp_path):
    store = FeedbackStore(tmp_path / "f.db")
    for n in range(3):
        store.record_answer(_answer(n))
    assert _ids(tmp_path / "f.db") == {"answer-0", "answer-1", "answer-2"}
    assert store.add_feedback("answer-1", helpful=True) > 0


def test_a_database_replaced_under_the_writer_gets_the_next_records(tmp_path):
    path = tmp_path / "f.db"
    store = FeedbackStore(path)
    store.record_answer(_answer(1))
    FeedbackStore(tmp_path / "other.db")  # a fresh, empty database...
    os.replace(tmp_path / "other.db", path)  # ...moved over the open one (a restore from backup, say)
    store.record_answer(_answer(2))
    assert _ids(path) == {"answer-2"}
    assert store.feedback_for("answer-2") == [] and store.citations_for("answer-2") == []
