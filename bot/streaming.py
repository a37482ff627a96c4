"""Answers as they are written: run `QAService.ask_stream` in a worker thread and show its text as it grows.

The service yields text pieces (generative mode only) and then one authoritative `Answer`. The bot shows a
draft as soon as the first piece arrives and edits it at most once per `EDIT_INTERVAL` seconds; the final
answer then replaces the draft (verification may have removed a sentence that was already shown).
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from rag.schemas import Answer

EDIT_INTERVAL = 1.0  # seconds between two edits of the same message


def _monotonic() -> float:
    return time.monotonic()  # looked up on each call, so a patched clock (tests) is honoured


class EditPacer:
    """When a growing message may next be edited: at most once per `interval` seconds."""

    def __init__(self, interval: float = EDIT_INTERVAL, clock: Callable[[], float] = _monotonic):
        self.interval, self.clock = interval, clock
        self.last: float | None = None

    def wait(self) -> float:
        """Seconds until the next edit is allowed (0 when it is allowed now)."""
        if self.last is None:
            return 0.0
        return max(0.0, self.last + self.interval - self.clock())

    def mark(self) -> None:
        """Record that the message was just sent or edited."""
        self.last = self.clock()


@dataclass
class _Failure:
    error: BaseException


_END = object()


async def stream_answer(service, question: str, conversation_id: str | None,
                        show: Callable[[str], Awaitable[None]], pacer: EditPacer | None = None) -> Answer:
    """The final Answer of `service.ask_stream`; meanwhile `show(text_so_far)` is called, paced by `pacer`."""
    pacer = pacer or EditPacer()
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()

    def produce() -> None:
        try:
            for item in service.ask_stream(question, None, conversation_id):
                loop.call_soon_threadsafe(queue.put_nowait, item)
        except BaseException as exc:  # noqa: BLE001 - handed to the event loop, raised there
            loop.call_soon_threadsafe(queue.put_nowait, _Failure(exc))
        else:
            loop.call_soon_threadsafe(queue.put_nowait, _END)

    worker = asyncio.ensure_future(asyncio.to_thread(produce))
    text = shown = ""
    answer: Answer | None = None
    try:
        while True:
            if text != shown and pacer.wait() == 0:
                await show(text)
                shown = text
                pacer.mark()
                continue
            try:
                item = await asyncio.wait_for(queue.get(), pacer.wait() if text != shown else None)
            except TimeoutError:
                continue
            if isinstance(item, _Failure):
                raise item.error
            if item is _END:
                break
            if isinstance(item, Answer):
                answer = item
            elif isinstance(item, str):
                text += item
    finally:
        await asyncio.shield(worker)
    if answer is None:
        raise RuntimeError("the service's answer stream ended without an Answer")
    if shown:
        await asyncio.sleep(pacer.wait())  # the final edit respects the pace too
    return answer
