"""Build progress you can trust: a rich bar (texts/s, ETA) on a terminal, JSON lines otherwise; Ctrl-C is clean."""
from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from rag.errors import ReelqaError

ProgressFn = Callable[[str, int, int], None]


class BuildInterrupted(ReelqaError):
    """The user stopped a build; the half-built version was discarded and the live index is unchanged."""

    exit_code = 130


class JsonLines:
    """Writes one JSON progress line per stage start, every `interval` seconds, and at each stage's end."""

    def __init__(self, stream: TextIO, interval: float = 2.0, clock: Callable[[], float] = time.monotonic):
        self.stream, self.interval, self.clock = stream, interval, clock
        self.started = clock()
        self._stage_start: dict[str, tuple[float, int]] = {}
        self._last = float("-inf")

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        first = stage not in self._stage_start
        if first:
            self._stage_start[stage] = (now, done)
        if first or done >= total or now - self._last >= self.interval:
            self._last = now
            self.stream.write(json.dumps(self.line(stage, done, total, now)) + "\n")
            self.stream.flush()

    def line(self, stage: str, done: int, total: int, now: float) -> dict:
        """The progress record: stage, counts, rate, ETA and elapsed seconds."""
        since, done_at_start = self._stage_start[stage]
        rate = (done - done_at_start) / (now - since) if now > since and done > done_at_start else None
        eta = (total - done) / rate if rate else None
        return {"event": "progress", "stage": stage, "done": done, "total": total,
                "items_per_s": None if rate is None else round(rate, 1),
                "eta_s": None if eta is None else round(eta, 1), "elapsed_s": round(now - self.started, 1)}


def _rich_bars(console) -> tuple:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Items per second of a task (texts/s while embedding)."""

        def render(self, task) -> Text:
            unit = "files" if task.description.startswith("load") else "texts"
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f} {unit}/s" if speed else "", style="progress.data.speed")

    bars = Progress(TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                    TextColumn("ETA"), TimeRemainingColumn(), TimeElapsedColumn(), console=console)
    tasks: dict[str, int] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bars.add_task(stage, total=total)
        bars.update(tasks[stage], completed=done, total=total)

    return bars, update


@contextmanager
def build_progress(as_json: bool = False, stream: TextIO | None = None, interval: float = 2.0) -> Iterator[ProgressFn]:
    """A progress callback for index writes; KeyboardInterrupt becomes a one-line BuildInterrupted."""
    stream = stream or sys.stderr
    try:
        if stream.isatty() and not as_json:
            from rich.console import Console

            bars, update = _rich_bars(Console(file=stream, highlight=False))
            with bars:
                yield update
        else:
            yield JsonLines(stream, interval)
    except BaseException as exc:
        if not interrupted(exc):
            raise
        raise BuildInterrupted("interrupted; the half-built index version was discarded and the live index "
                               "is unchanged") from None


def interrupted(exc: BaseException | None) -> bool:
    """True for Ctrl-C, also when it struck inside library code that then failed with another error (a thread
    pool's lock can raise RuntimeError while handling it)."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, KeyboardInterrupt):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False
