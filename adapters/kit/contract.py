"""What a platform folder declares to be runnable: its settings, its checks, how it serves.

Each ``adapters/<name>/platform.py`` defines ``PLATFORM``, a :class:`Platform`. It must stay
light to import (no platform library at module level): ``quizbot run`` reads every
platform's settings to know which are configured, and builds only the ones it runs.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from aiohttp import web

    from adapters.kit.conductor import Conductor
    from bot.clock import Clock
    from bot.services import QuizApp
    from bot.store.database import Database


class PlatformSettings(Protocol):
    """A platform's settings, read from the environment."""

    @property
    def configured(self) -> bool:
        """Whether the environment sets this platform up at all."""
        ...

    @property
    def serves_http(self) -> bool:
        """Whether it receives over the web process's HTTP server (else it connects out)."""
        ...

    def check(self) -> None:
        """Raise :class:`bot.errors.ConfigError` naming what is missing or wrong."""
        ...

    def secrets(self) -> list[str]:
        """Values never to show in a log line."""
        ...


class Service(Protocol):
    """A platform running in this process.

    ``failure`` is done (with the exception) if the platform stops by itself, e.g. a token
    the platform rejects after the connection was attempted in the background.
    """

    name: str
    conductor: Conductor
    failure: asyncio.Future[None]

    async def start(self) -> None:
        """Connect (or subscribe) and start the conductor's ticker."""
        ...

    async def stop_taking_work(self) -> None:
        """No new events: close the gateway connection, stop polling (HTTP stops elsewhere)."""
        ...

    async def finish_in_flight(self, within: float) -> None:
        """Let the handlers already serving events end (at most ``within`` seconds)."""
        ...

    async def close(self) -> None:
        """Close connections (HTTP sessions) once everything else has stopped."""
        ...


@dataclass(frozen=True)
class Runtime:
    """What the process gives each platform it runs: the core, the shared HTTP server's
    application (to add routes to; None when nothing here serves HTTP), the clock."""

    app: QuizApp
    web: web.Application | None
    clock: Clock


@dataclass(frozen=True)
class Platform:
    """A chat platform quizbot can run: its name, its pip extra, how to read its settings
    from the environment, and its service (``"module:Class"``, imported only when the
    platform runs, so its library is loaded then; or ``build``, a function making one)."""

    name: str
    extra: str
    summary: str
    settings: Callable[[Mapping[str, str]], PlatformSettings]
    service: str = ""
    build: Callable[[Runtime, PlatformSettings], Service] | None = None
    #: ``"module:function"``: what the release step (``quizbot db upgrade``) must prepare
    #: in the database for this platform (a library's own tables); an async function of
    #: (Database, settings) returning lines to print.
    prepare: str = ""

    def make(self, runtime: Runtime, settings: PlatformSettings) -> Service:
        """The platform's service for this process."""
        if self.build is not None:
            return self.build(runtime, settings)
        module, _, name = self.service.partition(":")
        service: Callable[[Runtime, PlatformSettings], Service] = getattr(
            importlib.import_module(module), name
        )
        return service(runtime, settings)

    async def prepare_database(self, db: Database, settings: PlatformSettings) -> list[str]:
        """Run the platform's release-step preparation, if it has one."""
        if not self.prepare:
            return []
        module, _, name = self.prepare.partition(":")
        prepare = getattr(importlib.import_module(module), name)
        return list(await prepare(db, settings))
