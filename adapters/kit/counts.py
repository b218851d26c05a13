"""Live answer counts on a question message, coalesced: one edit in flight per message.

Every recorded answer may want the question to show "N answered", but a platform limits
how fast one message may be edited (Discord: a few edits per channel every few seconds).
So a click never waits for an edit, and never edits itself: it notes the count, and one
task per round edits the message with the latest count, again only if more answers came
while it was editing. Once the round closes no count edit starts, and the reveal waits
for the one in flight (so the count cannot land after the reveal and hide it); no lock is
held while a platform call is under way.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

Edit = Callable[[int], Awaitable[None]]

#: How many rounds' counts are remembered (the oldest are forgotten first).
MEMORY = 1000
#: The longest a reveal waits for a count edit in flight (a rate-limited edit waits longer).
SETTLE_SECONDS = 5.0


@dataclass
class _RoundCount:
    latest: int = 0
    shown: int = 0
    closed: bool = False
    task: asyncio.Task[None] | None = field(default=None, repr=False)


class LiveCounts:
    """The answer counts of the rounds this process shows, and their edits."""

    def __init__(self, memory: int = MEMORY) -> None:
        self._rounds: OrderedDict[int, _RoundCount] = OrderedDict()
        self._memory = memory

    def _state(self, round_id: int) -> _RoundCount:
        state = self._rounds.get(round_id)
        if state is None:
            state = self._rounds[round_id] = _RoundCount()
            while len(self._rounds) > self._memory:
                self._rounds.popitem(last=False)
        self._rounds.move_to_end(round_id)
        return state

    def note(self, round_id: int, answered: int, edit: Edit) -> None:
        """A click saw ``answered`` answers: show it soon (``edit(count)`` edits the message)."""
        state = self._state(round_id)
        if state.closed or answered <= state.latest:
            return
        state.latest = answered
        if state.task is None or state.task.done():
            state.task = asyncio.create_task(self._flush(round_id, state, edit))

    async def _flush(self, round_id: int, state: _RoundCount, edit: Edit) -> None:
        while not state.closed and state.latest > state.shown:
            count = state.latest
            try:
                await edit(count)
            except Exception:  # a count is cosmetic: log it, and let the reveal go on
                log.warning("could not show the answer count of round %s", round_id, exc_info=True)
                return
            state.shown = count

    async def close(self, round_id: int, within: float = SETTLE_SECONDS) -> None:
        """The round has closed: start no more count edits; wait for the one in flight."""
        state = self._state(round_id)
        state.closed = True
        task = state.task
        if task is not None and not task.done():
            await asyncio.wait({task}, timeout=within)

    async def settled(self, within: float = SETTLE_SECONDS) -> None:
        """Wait (at most ``within`` s) for every count edit in flight, e.g. on shutdown."""
        tasks = {s.task for s in self._rounds.values() if s.task is not None and not s.task.done()}
        if tasks:
            await asyncio.wait(tasks, timeout=within)

    def shown(self, round_id: int) -> int:
        """The count last shown on the round's message (0 if none)."""
        state = self._rounds.get(round_id)
        return state.shown if state else 0
