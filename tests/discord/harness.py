"""Helpers of the Discord end-to-end tests: a running bot, and waiting with a deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from adapters.discord.client import QuizClient
from adapters.discord.platform import PLATFORM
from adapters.discord.service import DiscordService
from adapters.discord.settings import DiscordSettings
from adapters.kit.contract import PlatformSettings, Runtime, Service
from adapters.kit.lifecycle import serve
from adapters.kit.registry import Selected
from bot.clock import Clock
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


@dataclass
class ServedDiscord:
    """Discord served by the kit's lifecycle (as ``quizbot run discord`` serves it), in a
    task; ``service`` is its platform service once built."""

    task: asyncio.Task[None]
    stop: asyncio.Event
    services: list[DiscordService]

    @property
    def clients(self) -> list[QuizClient]:
        return self.services[0].clients if self.services else []

    async def close(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 15)


def serve_discord(
    settings: DiscordSettings, database_url: str, clock: Clock, **client_options: Any
) -> ServedDiscord:
    """Start serving Discord through :func:`adapters.kit.lifecycle.serve`, with these client
    options (e.g. a short ``guild_ready_timeout``)."""
    services: list[DiscordService] = []

    def build(runtime: Runtime, chosen: PlatformSettings) -> Service:
        assert isinstance(chosen, DiscordSettings)
        service = DiscordService(runtime, chosen, **client_options)
        services.append(service)
        return service

    stop = asyncio.Event()
    selected = [Selected(replace(PLATFORM, build=build), settings)]
    task = asyncio.create_task(
        serve(
            selected,
            database_url=database_url,
            port=0,
            clock=clock,
            stop=stop,
            handle_signals=False,
        )
    )
    return ServedDiscord(task, stop, services)
