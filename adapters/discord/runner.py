"""``quizbot run discord``: open the core, connect to Discord, run until stopped.

:func:`run_discord` is what the CLI calls; it blocks. Configuration problems (no token, a
token Discord rejects) become :class:`bot.errors.ConfigError` with a clear message, never a
traceback; the CLI turns them into an exit code. The token is never logged.

SIGTERM (how a PaaS stops a worker) and SIGINT (Ctrl-C) stop it cleanly: see
:mod:`adapters.discord.lifecycle`. It then returns normally (exit code 0).

For tests only, two environment variables point discord.py at a fake Discord (read here and
nowhere else): ``QUIZBOT_DISCORD_API_BASE`` (REST, e.g. ``http://127.0.0.1:8080/api/v10``)
and ``QUIZBOT_DISCORD_GATEWAY`` (the gateway websocket, used when the shard count is set;
otherwise the gateway URL comes from the REST API's ``/gateway/bot``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
from collections.abc import Mapping
from typing import Any

import discord
import yarl

from adapters.discord.client import QuizClient
from adapters.discord.lifecycle import shut_down
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.errors import ConfigError
from bot.services import QuizApp

log = logging.getLogger(__name__)

#: Gateway close codes that mean the token is wrong.
BAD_TOKEN_CLOSE_CODES = frozenset({4004})
#: After a stop signal, give up waiting and exit this long after it (a PaaS kills at ~30 s).
HARD_STOP_SECONDS = 20.0
API_BASE_VARIABLE = "QUIZBOT_DISCORD_API_BASE"
GATEWAY_VARIABLE = "QUIZBOT_DISCORD_GATEWAY"


def apply_test_overrides(env: Mapping[str, str] | None = None) -> None:
    """Point discord.py at a fake Discord when the test-only variables are set."""
    env = os.environ if env is None else env
    api = env.get(API_BASE_VARIABLE, "").strip()
    if api:
        discord.http.Route.BASE = api.rstrip("/")
        log.warning("for tests only: Discord REST API at %s", api)
    gateway = env.get(GATEWAY_VARIABLE, "").strip()
    if gateway:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
        log.warning("for tests only: Discord gateway at %s", gateway)


def run_discord(settings: Settings) -> None:
    """Run the Discord bot until it is stopped (SIGTERM or Ctrl-C)."""
    if not settings.discord_token:
        raise ConfigError("DISCORD_TOKEN is not set")
    apply_test_overrides()
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C before the handlers were in place
        asyncio.run(_serve_until_terminated(settings))
    log.info("stopped")


def _hard_stop() -> None:
    log.error("still not stopped %.0f s after the signal; exiting now", HARD_STOP_SECONDS)
    logging.shutdown()
    os._exit(1)


class StopRequest:
    """Turns SIGTERM / SIGINT into one clean shutdown of whichever client is running."""

    def __init__(self, clients: list[QuizClient]) -> None:
        self.clients = clients
        self.event = asyncio.Event()
        self._shutdowns: list[asyncio.Task[None]] = []
        self._watchdog: threading.Timer | None = None

    def install(self) -> None:
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
                loop.add_signal_handler(number, self.signalled, number.name)

    def signalled(self, name: str) -> None:
        if self.event.is_set():
            log.info("%s received: already stopping", name)
            return
        log.info("%s received: stopping", name)
        self.event.set()
        self._watchdog = threading.Timer(HARD_STOP_SECONDS, _hard_stop)
        self._watchdog.daemon = True
        self._watchdog.start()
        if self.clients:
            loop = asyncio.get_running_loop()
            self._shutdowns.append(loop.create_task(shut_down(self.clients[-1])))

    async def finished(self) -> None:
        """Wait for the shutdown in progress (if any), then disarm the watchdog."""
        for result in await asyncio.gather(*self._shutdowns, return_exceptions=True):
            if isinstance(result, BaseException):
                log.error("the shutdown failed; stopping anyway", exc_info=result)
        if self._watchdog is not None:
            self._watchdog.cancel()


async def _serve_until_terminated(settings: Settings) -> None:
    """Serve until a stop signal, then shut down cleanly (how a PaaS stops a worker)."""
    clients: list[QuizClient] = []
    stop = StopRequest(clients)
    stop.install()
    try:
        await serve_discord(settings, clients=clients, stopping=stop.event)
    finally:
        await stop.finished()


async def serve_discord(
    settings: Settings,
    *,
    clock: Clock | None = None,
    clients: list[QuizClient] | None = None,
    stopping: asyncio.Event | None = None,
    **client_options: Any,
) -> None:
    """Open the core and keep the bot connected; returns when the client is closed.

    The message-content intent is asked for first, so typed answers can be plain messages;
    if the application does not have it enabled, the bot connects without it and typed
    answers go through the Answer button instead. Each client made is appended to
    ``clients`` when given (so a caller can close it); once ``stopping`` is set no new
    client is started. ``client_options`` go to the client.
    """
    token = settings.discord_token
    if not token:
        raise ConfigError("DISCORD_TOKEN is not set")
    dialect = settings.database_url.partition(":")[0].partition("+")[0]
    log.info("starting quizbot on Discord (database: %s)", dialect)
    app = await QuizApp.open(settings.database_url, clock=clock or SystemClock())
    log.info("database ready")
    try:
        for message_content in (True, False):
            if stopping is not None and stopping.is_set():
                return
            client = QuizClient(app, settings, message_content=message_content, **client_options)
            if clients is not None:
                clients.append(client)
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
                raise ConfigError("DISCORD_TOKEN was rejected by Discord") from None
            except discord.ConnectionClosed as closed:
                if closed.code in BAD_TOKEN_CLOSE_CODES:
                    raise ConfigError("DISCORD_TOKEN was rejected by Discord") from None
                raise
    finally:
        await app.close()
        log.info("database closed")
