"""Helpers of the Discord end-to-end tests: a running bot, and waiting with a deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from adapters.discord.client import QuizClient
from bot.services import QuizApp

READY_WITHIN = 10.0


@dataclass
class RunningBot:
    """A QuizClient connected to the fake, with its core and the task running it."""

    client: QuizClient
    app: QuizApp
    task: asyncio.Task[None]
    stopped: bool = False

    async def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        await self.client.close()
        await self.task
        await self.app.close()


async def wait_until(
    predicate: Callable[[], Any], within: float = READY_WITHIN, what: str = "condition"
) -> Any:
    """Poll until ``predicate()`` is truthy; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not (result := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)
    return result


StartBot = Callable[..., Awaitable[RunningBot]]
