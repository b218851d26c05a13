"""Fixtures for the Discord end-to-end tests: the fake Discord, and real bots connected to it.

The fake enforces Discord's real rules with their real numbers (3 s to answer an
interaction, rate limits, permissions, size limits); a test fails at teardown if Discord
would have refused any of the bot's interaction responses.

discord.py is pointed at the fake by patching ``discord.http.Route.BASE`` (REST) and
``DiscordWebSocket.DEFAULT_GATEWAY`` (the fake also answers ``/gateway/bot``). Each bot is
the real :class:`adapters.discord.client.QuizClient` over the real core on a fresh SQLite
file, with the shared ``clock`` fixture (a :class:`bot.clock.FakeClock`); tests drive
deadlines by advancing the clock and calling the ticker's ``tick()``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import discord
import pytest
import yarl

from adapters.discord.client import QuizClient
from adapters.discord.settings import DiscordSettings
from bot.clock import FakeClock
from bot.services import QuizApp
from tests.conftest import body_failed
from tests.discord.fake_discord import GOOD_TOKEN, MODERATOR_ROLE_ID, FakeDiscord
from tests.discord.harness import RunningBot, StartBot, wait_until


@pytest.fixture
async def fake(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", server.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url)
    )
    yield server
    await server.stop()
    assert not server.unknown, f"the bot called endpoints the fake lacks: {server.unknown}"
    # Real Discord refuses these, and the commands stay as they were (or are missing).
    assert body_failed(request) or not server.refused_commands, (
        f"Discord refused the slash commands: {server.refused_commands}"
    )
    # Real Discord refuses these and the user sees "This interaction failed".
    assert body_failed(request) or not server.refused_callbacks, (
        f"Discord refused interaction responses: {server.refused_callbacks}"
    )


@pytest.fixture
def settings() -> DiscordSettings:
    """The fake's token, and its moderator role."""
    return DiscordSettings(token=GOOD_TOKEN, moderator_role=str(MODERATOR_ROLE_ID))


@pytest.fixture
async def start_bot(
    fake: FakeDiscord, settings: DiscordSettings, sqlite_url: str, clock: FakeClock
) -> AsyncIterator[StartBot]:
    """Start a bot on a fresh SQLite file (tests/conftest.py's ``sqlite_url``, or the
    ``database_url`` given); call again after stopping one to "restart" it on the same
    database. Other keywords change the bot's DiscordSettings."""
    running: list[RunningBot] = []

    async def start(**changes: Any) -> RunningBot:
        options = {"run_ticker": False, "guild_ready_timeout": 0.05}
        options.update(changes.pop("client_options", {}))
        database_url = changes.pop("database_url", sqlite_url)
        bot_settings = replace(settings, **changes)
        app = await QuizApp.open(database_url, clock=clock)
        client = QuizClient(app, bot_settings, **options)
        task = asyncio.create_task(client.start(GOOD_TOKEN))
        bot = RunningBot(client, app, task)
        running.append(bot)
        await wait_until(lambda: client.is_ready() or task.done(), what="the bot to be ready")
        if task.done():
            task.result()  # raise what stopped it
        return bot

    yield start
    for bot in running:
        await bot.stop()
