"""The deadline ticker: each running process polls for open rounds past their deadline.

Closing is a conditional UPDATE, so when several processes tick at once each round is
announced by exactly one of them. Given a ``post`` callback, the ticker also posts the daily
questions that are due (claimed the same way: one process per question).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.services.quizzes import DUE_BATCH
from bot.views import QuestionView, RoundOutcome

log = logging.getLogger(__name__)

Announce = Callable[[RoundOutcome], Awaitable[None]]
Post = Callable[[QuestionView], Awaitable[None]]


class ClosesDueRounds(Protocol):
    async def due_rounds(self, platform: str | None = None) -> list[int]: ...
    async def close_round(self, round_id: int) -> RoundOutcome | None: ...

    async def start_due_dailies(self, platform: str | None = None) -> list[QuestionView]: ...


class Ticker:
    """Closes due rounds of one platform every ``interval`` seconds and announces them."""

    def __init__(
        self,
        app: ClosesDueRounds,
        platform: str | None,
        announce: Announce,
        interval: float = 1.0,
        post: Post | None = None,
    ) -> None:
        self.app = app
        self.platform = platform
        self.announce = announce
        self.post = post
        self.interval = interval
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._full_batch = False  # the last pass found a full batch due: more may be waiting

    async def tick(self) -> int:
        """One pass: close what is due, announcing each round as soon as it is closed, then
        post due daily questions; returns how many rounds this process closed."""
        self._full_batch = False
        due = await self.app.due_rounds(self.platform)
        closed = 0
        for round_id in due:
            outcome = await self.app.close_round(round_id)
            if outcome is None:
                continue  # another process closed it first, and announces it
            closed += 1
            try:
                await self.announce(outcome)
            except Exception:  # an announcement failing must not stop the ticker
                log.exception("announcing round %s failed", outcome.round_id)
        if self.post is not None:
            for question in await self.app.start_due_dailies(self.platform):
                try:
                    await self.post(question)
                except Exception:
                    log.exception("posting daily question %s failed", question.round_id)
        self._full_batch = len(due) >= DUE_BATCH
        return closed

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("ticker pass failed; trying again")
            if self._full_batch:
                await asyncio.sleep(0)  # more are due: the next pass at once
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval)

    async def start(self) -> None:
        if self._task is None:
            self._stopping.clear()
            self._task = asyncio.create_task(self._run(), name=f"ticker-{self.platform}")

    async def stop(self) -> None:
        """Finish the pass in flight, then stop."""
        self._stopping.set()
        if self._task is not None:
            await self._task
            self._task = None
