"""Durable answers and feedback (SQLite under the data folder), shared by the HTTP API and the bot.

The database repairs itself: deleted while serving, it is recreated on the next write. In a read-only data folder
answers are served but not recorded, and feedback is refused with one clear line.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

from rag.errors import NotFoundError, StorageError
from rag.schemas import Answer, Citation


def _writable(path: Path) -> bool:
    """True when this process may write the database and its folder (SQLite writes journals beside it)."""
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))

log = logging.getLogger("reelqa.feedback")

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
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None  # the writer's connection, kept open between writes
        self._db_file: tuple[int, int] | None = None  # (device, inode) of the file it has open
        self.problem: str | None = None  # the last write failure while running (readiness reports it)
        self.read_only = False
        try:
            with self._lock:
                self._ensure()
            if not _writable(self.path):
                raise PermissionError(f"{self.path} or its folder is read-only")
        except (OSError, sqlite3.Error) as exc:
            self.read_only = True
            log.warning("%s; answers are served but not recorded, and feedback is refused", self._why(exc))

    def _why(self, exc: BaseException) -> str:
        return f"feedback database {self.path} can't be written ({exc})"

    def _ensure(self) -> None:
        """Create the database (again, if it was deleted); stale journal files of a deleted one are removed."""
        if self.path.exists():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        db = sqlite3.connect(self.path, timeout=10)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            db.commit()
        finally:
            db.close()

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            return sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, timeout=10)
        self._ensure()
        db = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
        db.executescript(_SCHEMA)  # cheap when the tables exist; repairs a database emptied under us
        if "voter" not in {row[1] for row in db.execute("PRAGMA table_info(feedback)")}:
            db.execute("ALTER TABLE feedback ADD COLUMN voter TEXT")  # one changeable vote per voter
            db.commit()
        return db

    def _writer(self) -> sqlite3.Connection:
        """The open writer connection; reopened (recreating the file) when the file was deleted or replaced.

        Opening a connection per write cost ~12 ms (schema check, a WAL checkpoint on close) and up to ~170 ms
        with fsyncs on a busy disk, inside every answer; commits don't fsync (synchronous=NORMAL, safe in WAL
        mode against a killed process; a power cut may lose the last answers recorded).
        """
        try:
            stat = os.stat(self.path)
            current: tuple[int, int] | None = (stat.st_dev, stat.st_ino)
        except FileNotFoundError:
            current = None
        if self._db is not None and current is not None and current == self._db_file:
            return self._db
        self._close_writer()
        db = self._connect()
        try:
            db.execute("PRAGMA synchronous=NORMAL")
            stat = os.stat(self.path)
        except BaseException:
            db.close()
            raise
        self._db, self._db_file = db, (stat.st_dev, stat.st_ino)
        return db

    def _close_writer(self) -> None:
        if self._db is not None:
            try:  # empty the WAL first: a file moved over ours must not have our old pages replayed into it
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass
            try:
                self._db.close()
            except sqlite3.Error:
                pass
        self._db, self._db_file = None, None

    def close(self) -> None:
        """Close the writer connection (a later write opens it again)."""
        with self._lock:
            self._close_writer()

    def _write(self, action):
        """Run a write transaction; a storage failure becomes StorageError and is remembered for readiness."""
        if self.read_only:
            raise StorageError(f"feedback database {self.path} is read-only; feedback is not stored "
                               "(make the data folder writable to enable it)")
        try:
            with self._lock:
                db = self._writer()
                with db:
                    result = action(db)
        except (OSError, sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
            self._close_writer()
            self.problem = self._why(exc)
            raise StorageError(f"{self.problem}; check the data folder") from None
        self.problem = None
        return result

    def check(self) -> str | None:
        """None when answers can be recorded (recreating a deleted database), else the problem in one line."""
        if self.read_only:
            return None
        try:
            self._write(lambda db: db.execute("SELECT 1 FROM answers LIMIT 1").fetchall())
        except StorageError:
            return self.problem
        return None

    def record_answer(self, answer: Answer, channel: str = "http") -> None:
        """Keep an answer so feedback on it can name the question and citations (never fails the answer)."""
        if answer.notice:  # not an answer (e.g. a follow-up with no earlier turn): no corpus gap, no votes
            return
        row = (answer.answer_id, answer.question, answer.answer, int(answer.answered),
               json.dumps([c.model_dump() for c in answer.citations]), answer.index_version, channel, time.time())
        if self.read_only:
            return
        try:
            self._write(lambda db: db.execute("INSERT OR REPLACE INTO answers VALUES (?,?,?,?,?,?,?,?)", row))
        except StorageError as exc:
            log.warning("answer %s not recorded: %s", answer.answer_id, exc)

    def add_feedback(self, answer_id: str, helpful: bool, comment: str | None = None, channel: str = "http",
                     one_per_answer: bool = False) -> int:
        """Store feedback on a recorded answer; returns its id. With `one_per_answer`, a later vote on the same
        answer and channel replaces the earlier one (a changed vote) instead of adding a row."""

        def insert(db: sqlite3.Connection) -> int:
            if not db.execute("SELECT 1 FROM answers WHERE answer_id=?", (answer_id,)).fetchone():
                raise NotFoundError(f"answer_id {answer_id!r} is unknown; send the answer_id an answer returned")
            earlier = db.execute("SELECT id FROM feedback WHERE answer_id=? AND channel=? ORDER BY id LIMIT 1",
                                 (answer_id, channel)).fetchone() if one_per_answer else None
            if earlier:
                db.execute("UPDATE feedback SET helpful=?, comment=COALESCE(?, comment), created_at=? WHERE id=?",
                           (int(helpful), comment, time.time(), earlier[0]))
                return int(earlier[0])
            cur = db.execute("INSERT INTO feedback (answer_id, helpful, comment, channel, created_at) "
                             "VALUES (?,?,?,?,?)", (answer_id, int(helpful), comment, channel, time.time()))
            return int(cur.lastrowid or 0)

        return self._write(insert)

    def set_vote(self, answer_id: str, voter: str, helpful: bool, channel: str = "http") -> int:
        """One vote per answer and voter: changing it updates the voter's row instead of adding one; returns its id."""

        def vote(db: sqlite3.Connection) -> int:
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

        return self._write(vote)

    def _read(self, query: str, params: tuple) -> list[tuple]:
        if self.read_only and not self.path.exists():
            return []
        try:
            db = self._connect()
            try:
                return db.execute(query, params).fetchall()
            finally:
                db.close()
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"{self._why(exc)}; check the data folder") from None

    def citations_for(self, answer_id: str) -> list[Citation] | None:
        """The citations recorded with an answer, or None when the answer is unknown."""
        rows = self._read("SELECT citations FROM answers WHERE answer_id=?", (answer_id,))
        return None if not rows else [Citation.model_validate(c) for c in json.loads(rows[0][0])]

    def feedback_for(self, answer_id: str) -> list[dict]:
        """Feedback rows stored for an answer."""
        rows = self._read("SELECT helpful, comment, channel FROM feedback WHERE answer_id=? ORDER BY id",
                          (answer_id,))
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
        keys = ("question", "asked", "unanswered", "unhelpful", "helpful", "channels")
        return [dict(zip(keys, row)) for row in self._read(query, (limit,))]
