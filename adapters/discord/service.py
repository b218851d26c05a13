"""Discord running in a quizbot process (the PaaS worker): connect, serve, stop cleanly.

The client connects in the background. The Message Content intent is asked for first, so
typed answers can be plain messages; if the application does not have it enabled, the bot
reconnects without it and typed answers go through the Answer button instead. A token
Discord rejects ends the service with :class:`bot.errors.ConfigError`, and Discord not
answering at start-up with :class:`adapters.kit.network.PlatformUnreachableError` (each one
line, exit code 1 from the CLI), never a traceback; the token is never logged. Once
connected, discord.py reconnects by itself, logging one line per failed attempt.

Stopping (see :mod:`adapters.kit.lifecycle`): the gateway is closed first (no new events;
an interaction sent meanwhile fails on the user's side and can be tried again once a
process is connected), then the interactions being served finish, then the client closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import discord
import yarl

from adapters.discord.client import QuizClient
from adapters.discord.settings import DiscordSettings
from adapters.kit.conductor import Conductor
from adapters.kit.contract import Runtime
from adapters.kit.network import UNREACHABLE, OneLineRetries, unreachable
from bot.errors import ConfigError
from bot.i18n import _

log = logging.getLogger(__name__)

#: Gateway close codes that mean the token is wrong.
BAD_TOKEN_CLOSE_CODES = frozenset({4004})
#: Names discord.py gives the tasks that serve one event or interaction.
HANDLER_TASK_PREFIXES = ("discord.py: ", "CommandTree-invoker", "discord-ui-")
GATEWAY_CLOSE_SECONDS = 2.0
#: discord.py's line for each failed attempt to connect a shard (then it tries again).
RETRY_LINES = OneLineRetries("Failed to connect for shard_id")


def apply_test_overrides(settings: DiscordSettings) -> None:
    """Point discord.py at a fake Discord when the test-only variables are set."""
    if settings.api_base:
        discord.http.Route.BASE = settings.api_base.rstrip("/")
        log.warning("for tests only: Discord REST API at %s", settings.api_base)
    if settings.gateway:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway)
        log.warning("for tests only: Discord gateway at %s", settings.gateway)


def handler_tasks() -> list[asyncio.Task[object]]:
    """The tasks serving events and interactions right now (not the caller's own)."""
    me = asyncio.current_task()
    return [
        task
        for task in asyncio.all_tasks()
        if task is not me and not task.done() and task.get_name().startswith(HANDLER_TASK_PREFIXES)
    ]


class DiscordService:
    """Discord in this process (see :class:`adapters.kit.contract.Service`)."""

    name = "discord"

    def __init__(self, runtime: Runtime, settings: DiscordSettings, **client_options: Any) -> None:
        self.settings = settings.resolved()
        self.app = runtime.app
        self.client_options = client_options
        #: Every client made, the last one current (a second one without the intent).
        self.clients: list[QuizClient] = []
        self.failure: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def client(self) -> QuizClient | None:
        return self.clients[-1] if self.clients else None

    @property
    def conductor(self) -> Conductor:
        assert self.client is not None, "the Discord service has not started"
        return self.client.conductor

    async def start(self) -> None:
        apply_test_overrides(self.settings)
        RETRY_LINES.install(logging.getLogger("discord.shard"))
        self._new_client(message_content=True)
        self._task = asyncio.create_task(self._connect(), name="discord-connection")
        self._task.add_done_callback(self._finished)

    def _new_client(self, *, message_content: bool) -> QuizClient:
        client = QuizClient(
            self.app, self.settings, message_content=message_content, **self.client_options
        )
        self.clients.append(client)
        return client

    async def _connect(self) -> None:
        token = self.settings.token
        assert token
        for message_content in (True, False):
            if self._stopping:
                return
            client = self.client if message_content else self._new_client(message_content=False)
            assert client is not None
            try:
                async with client:
                    await client.start(token)
                log.info("disconnected from Discord")
                return
            except discord.PrivilegedIntentsRequired:
                log.warning(
                    "the Message Content intent is not enabled for this application; typed "
                    "answers will use the Answer button (enable the intent in the Developer "
                    "Portal to let players type answers in the channel)"
                )
            except discord.LoginFailure:
                raise ConfigError(_("DISCORD_TOKEN was rejected by Discord")) from None
            except discord.ConnectionClosed as closed:
                if closed.code in BAD_TOKEN_CLOSE_CODES:
                    raise ConfigError(_("DISCORD_TOKEN was rejected by Discord")) from None
                raise
            except UNREACHABLE as exc:
                if self._stopping:
                    return
                raise unreachable("Discord", discord.http.Route.BASE, exc) from None

    def _finished(self, task: asyncio.Task[None]) -> None:
        if self.failure.done():
            return
        if task.cancelled():
            self.failure.set_result(None)
        elif (error := task.exception()) is not None:
            self.failure.set_exception(error)
        else:
            self.failure.set_result(None)

    async def stop_taking_work(self) -> None:
        """Disconnect every shard's websocket, keeping the HTTP session for replies in flight."""
        self._stopping = True
        client = self.client
        if client is None or client.is_closed():
            return
        shards = list(client.shards.values())
        if shards:
            await asyncio.wait(
                [asyncio.ensure_future(shard.disconnect()) for shard in shards],
                timeout=GATEWAY_CLOSE_SECONDS,
            )
        log.info("Discord gateway closed: taking no new work")

    async def finish_in_flight(self, within: float) -> None:
        pending = handler_tasks()
        if not pending:
            return
        log.info("finishing %d Discord event(s) in flight", len(pending))
        _done, still = await asyncio.wait(pending, timeout=within)
        if still:
            log.warning("%d event(s) still running after %.0f s; leaving them", len(still), within)

    async def close(self) -> None:
        self._stopping = True
        for client in self.clients:
            if not client.is_closed():
                await client.close()
        if self._task is not None:
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(asyncio.shield(self._task), GATEWAY_CLOSE_SECONDS)
            if not self._task.done():  # still retrying a shard that does not connect
                self._task.cancel()
                with contextlib.suppress(BaseException):
                    await self._task
