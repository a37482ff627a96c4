"""Small in-memory state the bot keeps: question cooldowns and which messages belong to which conversation."""
from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Wait:
    """A refused question: which cooldown applies and how long until the next question is accepted."""

    scope: str  # "user" or "channel"
    retry_after: float


def _monotonic() -> float:
    return time.monotonic()  # looked up on each call, so a patched clock (tests) is honoured


class Cooldowns:
    """One answered question per user every `user_seconds` and per channel every `channel_seconds`."""

    def __init__(self, user_seconds: float, channel_seconds: float, clock: Callable[[], float] = _monotonic,
                 max_keys: int = 10_000):
        self.user_seconds, self.channel_seconds = max(0.0, user_seconds), max(0.0, channel_seconds)
        self.clock, self.max_keys = clock, max_keys
        self._users: OrderedDict[int, float] = OrderedDict()
        self._channels: OrderedDict[int, float] = OrderedDict()

    def check(self, user_id: int, channel_id: int) -> Wait | None:
        """The Wait that refuses a question now, or None when it may be asked (nothing is counted)."""
        now = self.clock()
        waits = [Wait(scope, last + per - now) for scope, table, key, per in (
            ("user", self._users, user_id, self.user_seconds),
            ("channel", self._channels, channel_id, self.channel_seconds))
            if (last := table.get(key)) is not None and now < last + per]
        return max(waits, key=lambda w: w.retry_after) if waits else None

    def spend(self, user_id: int, channel_id: int) -> None:
        """Count an answered question: the user and the channel wait from now."""
        now = self.clock()
        for table, key in ((self._users, user_id), (self._channels, channel_id)):
            table.pop(key, None)
            table[key] = now
            while len(table) > self.max_keys:
                table.popitem(last=False)

    def hit(self, user_id: int, channel_id: int) -> Wait | None:
        """Check and, when allowed, spend at once: None, or the Wait that refuses the question."""
        wait = self.check(user_id, channel_id)
        if wait is None:
            self.spend(user_id, channel_id)
        return wait


class ConversationIndex:
    """Maps answer-message and thread ids to the conversation they continue (bounded, oldest dropped)."""

    def __init__(self, max_entries: int = 20_000):
        self.max_entries = max_entries
        self._ids: OrderedDict[int, str] = OrderedDict()

    def link(self, key: int, conversation_id: str) -> None:
        """Remember that message or thread `key` belongs to `conversation_id`."""
        self._ids.pop(key, None)
        self._ids[key] = conversation_id
        while len(self._ids) > self.max_entries:
            self._ids.popitem(last=False)

    def get(self, key: int) -> str | None:
        """The conversation a message or thread belongs to, if known."""
        return self._ids.get(key)
