"""Durable answers and feedback (SQLite under the data folder), shared by the HTTP API and the bot."""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

from rag.errors import NotFoundError
from rag.schemas import Answer, Citation

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
  answer_id TEXT PRIMARY KEY, question TEXT NOT NULL, answer TEXT NOT NULL, answered INTEGER NOT NULL,
  citations TEXT NOT NULL, index_version TEXT, channel TEXT, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY AUTOINCREMENT, answer_id TEXT NOT NULL REFERENCES answers(answer_id),
  helpful INTEGER NOT NULL, comment TEXT, channel TEXT, created_at REAL NOT NULL);
"""


class FeedbackStore:
    """Stores every answer given and the feedback on it; reports the corpus's gaps."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.executescript(_SCHEMA)
            if "voter" not in {row[1] for row in db.execute("PRAGMA table_info(feedback)")}:
                db.execute("ALTER TABLE feedback ADD COLUMN voter TEXT")  # one changeable vote per voter

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def record_answer(self, answer: Answer, channel: str = "http") -> None:
        """Keep an answer so feedback on it can name the question, answer and citations."""
        row = (answer.answer_id, answer.question, answer.answer, int(answer.answered),
               json.dumps([c.model_dump() for c in answer.citations]), answer.index_version, channel, time.time())
        with self._lock, self._connect() as db:
            db.execute("INSERT OR REPLACE INTO answers VALUES (?,?,?,?,?,?,?,?)", row)

    def add_feedback(self, answer_id: str, helpful: bool, comment: str | None = None, channel: str = "http") -> int:
        """Store feedback on a recorded answer; returns its id."""
        with self._lock, self._connect() as db:
            if not db.execute("SELECT 1 FROM answers WHERE answer_id=?", (answer_id,)).fetchone():
                raise NotFoundError(f"answer_id {answer_id!r} is unknown; send the answer_id an answer returned")
            cur = db.execute("INSERT INTO feedback (answer_id, helpful, comment, channel, created_at) "
                             "VALUES (?,?,?,?,?)", (answer_id, int(helpful), comment, channel, time.time()))
            return int(cur.lastrowid or 0)

    def set_vote(self, answer_id: str, voter: str, helpful: bool, channel: str = "http") -> int:
        """One vote per answer and voter: changing it updates the voter's row instead of adding one; returns its id."""
        with self._lock, self._connect() as db:
            if not db.execute("SELECT 1 FROM answers WHERE answer_id=?", (answer_id,)).fetchone():
                raise NotFoundError(f"answer_id {answer_id!r} is unknown; send the answer_id an answer returned")
            row = db.execute("SELECT id FROM feedback WHERE answer_id=? AND voter=?", (answer_id, voter)).fetchone()
            if row:
                db.execute("UPDATE feedback SET helpful=?, channel=?, created_at=? WHERE id=?",
                           (int(helpful), channel, time.time(), row[0]))
                return int(row[0])
            cur = db.execute("INSERT INTO feedback (answer_id, helpful, comment, channel, created_at, voter) "
                             "VALUES (?,?,?,?,?,?)", (answer_id, int(helpful), None, channel, time.time(), voter))
            return int(cur.lastrowid or 0)

    def citations_for(self, answer_id: str) -> list[Citation] | None:
        """The citations recorded with an answer, or None when the answer is unknown."""
        with self._connect() as db:
            row = db.execute("SELECT citations FROM answers WHERE answer_id=?", (answer_id,)).fetchone()
        return None if row is None else [Citation.model_validate(c) for c in json.loads(row[0])]

    def feedback_for(self, answer_id: str) -> list[dict]:
        """Feedback rows stored for an answer."""
        with self._connect() as db:
            rows = db.execute("SELECT helpful, comment, channel FROM feedback WHERE answer_id=? ORDER BY id",
                              (answer_id,)).fetchall()
        return [{"helpful": bool(h), "comment": c, "channel": ch} for h, c, ch in rows]

    def report(self, limit: int = 20) -> list[dict]:
        """Questions most often unanswered or marked unhelpful, worst first."""
        query = """
        SELECT a.question, COUNT(DISTINCT a.answer_id) AS asked,
               SUM(CASE WHEN a.answered = 0 THEN 1 ELSE 0 END) AS unanswered,
               COALESCE(SUM(f.unhelpful), 0) AS unhelpful, COALESCE(SUM(f.helpful), 0) AS helpful,
               GROUP_CONCAT(DISTINCT a.channel) AS channels
        FROM answers a LEFT JOIN (
            SELECT answer_id, SUM(helpful = 0) AS unhelpful, SUM(helpful = 1) AS helpful
            FROM feedback GROUP BY answer_id) f ON f.answer_id = a.answer_id
        GROUP BY lower(trim(a.question))
        HAVING unanswered > 0 OR unhelpful > 0
        ORDER BY unanswered + unhelpful DESC, asked DESC LIMIT ?"""
        with self._connect() as db:
            rows = db.execute(query, (limit,)).fetchall()
        keys = ("question", "asked", "unanswered", "unhelpful", "helpful", "channels")
        return [dict(zip(keys, row)) for row in rows]
