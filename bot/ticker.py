"""The deadline ticker: each running process polls for open rounds past their deadline.

Closing is a conditional UPDATE, so when several processes tick at once each round is
announced by exactly one of them. Given a ``post`` callback, the ticker also posts the daily
questions that are due and the first questions of the scheduled quizzes that are due (each
claimed the same way: one process per question, one per quiz).

Announcements run concurrently, at most ``max_announcing`` at a time: a reveal that waits
out a platform's rate limit in one channel does not hold up another channel's reveal. When
every slot is busy the ticker closes no more rounds until one frees, so rounds are never
closed faster than they can be announced.

While the database is not answering (PostgreSQL restarting, the network to it down) the
ticker keeps its rhythm: it logs one line when the outage begins and one when it ends (no
traceback per pass), and closes the rounds that fell due meanwhile on its first pass after.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from bot.services.quizzes import DUE_BATCH
from bot.store.failures import classify, is_unavailable
from bot.views import Begun, QuestionView, RoundOutcome

log = logging.getLogger(__name__)

T = TypeVar("T")
Announce = Callable[[RoundOutcome], Awaitable[None]]
Post = Callable[[QuestionView], Awaitable[None]]
Begin = Callable[[Begun], Awaitable[None]]


class ClosesDueRounds(Protocol):
    async def due_rounds(self, platform: str | None = None) -> list[int]: ...
    async def close_round(self, round_id: int) -> RoundOutcome | None: ...

    async def begin_due_lobbies(self, platform: str | None = None) -> list[Begun]: ...

    async def start_due_dailies(
        self, platform: str | None = None, owns: Callable[[str], bool] | None = None
    ) -> list[QuestionView]: ...

    async def start_due_quizzes(
        self, platform: str | None = None, owns: Callable[[str], bool] | None = None
    ) -> list[QuestionView]: ...


class Ticker:
    """Closes due rounds of one platform every ``interval`` seconds and announces them."""

    def __init__(
        self,
        app: ClosesDueRounds,
        platform: str | None,
        announce: Announce,
        interval: float = 1.0,
        post: Post | None = None,
        max_announcing: int = 16,
        owns: Callable[[str], bool] | None = None,
        begin: Begin | None = None,
    ) -> None:
        self.app = app
        self.begin = begin  # shows quizzes whose join phase timed out (None: no lobbies here)
        self.platform = platform
        self.announce = announce
        self.post = post
        self.owns = owns  # the workspaces whose daily questions this process posts
        self.interval = interval
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._full_batch = False  # the last pass found a full batch due: more may be waiting
        self._slots = asyncio.Semaphore(max_announcing)
        self._announcing: set[asyncio.Task[None]] = set()
        self._outage = False  # the database was not answering at the last pass

    async def tick(self) -> int:
        """One pass, and the announcements it started; returns how many rounds it closed."""
        closed = await self._pass()
        await self.settled()
        return closed

    async def _pass(self) -> int:
        """Close what is due, starting each round's announcement as soon as it is closed,
        then start posting due daily questions and scheduled quizzes' first questions;
        returns how many rounds this process closed."""
        self._full_batch = False
        due = await self.app.due_rounds(self.platform)
        closed = 0
        for round_id in due:
            await self._slots.acquire()  # a free slot first: close only what can be announced
            try:
                outcome = await self.app.close_round(round_id)
            except BaseException:
                self._slots.release()
                raise
            if outcome is None:
                self._slots.release()
                continue  # another process closed it first, and announces it
            closed += 1
            self._start(self.announce, outcome, f"announcing round {outcome.round_id}")
        if self.begin is not None:
            for begun in await self.app.begin_due_lobbies(self.platform):
                await self._slots.acquire()
                self._start(self.begin, begun, f"beginning quiz {begun.lobby.quiz_id}")
        if self.post is not None:
            for question in await self.app.start_due_dailies(self.platform, self.owns):
                await self._slots.acquire()
                self._start(self.post, question, f"posting daily round {question.round_id}")
            for question in await self.app.start_due_quizzes(self.platform, self.owns):
                await self._slots.acquire()
                self._start(self.post, question, f"posting scheduled quiz {question.quiz_id}")
        self._full_batch = len(due) >= DUE_BATCH
        return closed

    def _start(self, work: Callable[[T], Awaitable[None]], item: T, what: str) -> None:
        """Run ``work(item)`` beside the others, in the slot the caller took (freed when it
        ends); a failure is logged."""

        async def guarded() -> None:
            try:
                await work(item)
            except Exception as error:  # an announcement failing must not stop the ticker
                if is_unavailable(error):
                    log.warning("%s failed: the database is not answering (%s)", what, _why(error))
                else:
                    log.exception("%s failed", what)
            finally:
                self._slots.release()

        task = asyncio.create_task(guarded(), name=f"ticker-{self.platform}: {what}")
        self._announcing.add(task)
        task.add_done_callback(self._announcing.discard)

    async def settled(self, within: float | None = None) -> bool:
        """Wait for the announcements under way (at most ``within`` s); True if all ended."""
        if not self._announcing:
            return True
        _done, pending = await asyncio.wait(set(self._announcing), timeout=within)
        return not pending

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._pass()
            except Exception as error:
                self._failed(error)
            else:
                if self._outage:
                    self._outage = False
                    log.warning("ticker %s: the database answers again", self.platform)
            if self._full_batch:
                await asyncio.sleep(0)  # more are due: the next pass at once
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval)

    def _failed(self, error: Exception) -> None:
        """A pass failed: one line for an outage (when it begins), a traceback otherwise."""
        if not is_unavailable(error):
            log.exception("ticker pass failed; trying again")
            return
        if not self._outage:
            self._outage = True
            log.warning(
                "ticker %s: the database is not answering (%s); trying again every %.1f s",
                self.platform,
                _why(error),
                self.interval,
            )

    @property
    def running(self) -> bool:
        return self._task is not None

    async def start(self) -> None:
        if self._task is None:
            self._stopping.clear()
            self._task = asyncio.create_task(self._run(), name=f"ticker-{self.platform}")

    async def stop(self, within: float | None = None) -> None:
        """Finish the pass in flight and its announcements (cancelled after ``within`` s)."""
        self._stopping.set()
        if self._task is not None:
            await self._task
            self._task = None
        if not await self.settled(within):
            log.warning("announcements still running after %s s: cancelled", within)
            for task in list(self._announcing):
                task.cancel()
            await asyncio.gather(*self._announcing, return_exceptions=True)


def _why(error: BaseException) -> str:
    failure = classify(error)
    return failure.reason if failure is not None else type(error).__name__
