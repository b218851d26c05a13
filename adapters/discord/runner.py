"""``quizbot run discord``: open the core, connect to Discord, run until stopped.

:func:`run_discord` is what the CLI calls; it blocks. Configuration problems (no token, a
token Discord rejects) become :class:`bot.errors.ConfigError` with a clear message, never a
traceback; the CLI turns them into an exit code. The token is never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

import discord

from adapters.discord.client import QuizClient
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.errors import ConfigError
from bot.services import QuizApp

log = logging.getLogger(__name__)

#: Gateway close codes that mean the token is wrong.
BAD_TOKEN_CLOSE_CODES = frozenset({4004})


def run_discord(settings: Settings) -> None:
    """Run the Discord bot until it is stopped (Ctrl-C or SIGTERM)."""
    if not settings.discord_token:
        raise ConfigError("DISCORD_TOKEN is not set")
    try:
        asyncio.run(_serve_until_terminated(settings))
    except KeyboardInterrupt:
        log.info("stopped")


async def _serve_until_terminated(settings: Settings) -> None:
    """Serve, closing the connection cleanly on SIGTERM (how a PaaS stops a worker)."""
    clients: list[QuizClient] = []
    loop = asyncio.get_running_loop()
    closing: set[asyncio.Task[None]] = set()

    def terminate() -> None:
        log.info("SIGTERM received: disconnecting")
        for client in clients:
            task = loop.create_task(client.close())
            closing.add(task)
            task.add_done_callback(closing.discard)

    with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
        loop.add_signal_handler(signal.SIGTERM, terminate)
    await serve_discord(settings, clients=clients)


async def serve_discord(
    settings: Settings,
    *,
    clock: Clock | None = None,
    clients: list[QuizClient] | None = None,
    **client_options: Any,
) -> None:
    """Open the core and keep the bot connected; returns when the client is closed.

    The message-content intent is asked for first, so typed answers can be plain messages;
    if the application does not have it enabled, the bot connects without it and typed
    answers go through the Answer button instead. Each client made is appended to
    ``clients`` when given (so a caller can close it); ``client_options`` go to the client.
    """
    token = settings.discord_token
    if not token:
        raise ConfigError("DISCORD_TOKEN is not set")
    app = await QuizApp.open(settings.database_url, clock=clock or SystemClock())
    try:
        for message_content in (True, False):
            client = QuizClient(app, settings, message_content=message_content, **client_options)
            if clients is not None:
                clients.append(client)
            try:
                async with client:
                    await client.start(token)
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
