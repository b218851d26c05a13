"""Fixtures for the Telegram tests: the fake Bot API, started and stopped per test.

``fake_telegram`` is a :class:`~tests.telegram.fake_telegram.FakeTelegram` with Telegram's
defaults (privacy mode on, flood limits on); ``make_fake_telegram(**options)`` starts one with
other options (``rate_limits=RateLimits(enabled=False)``, ``clock=FakeClock()``, ...). Each
fails the test at teardown if the bot called a method the fake does not serve.
``telegram_bot`` is a real, initialized ``telegram.Bot`` pointed at ``fake_telegram``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import telegram

from tests.telegram.fake_telegram import GOOD_TOKEN, FakeTelegram

MakeFake = Callable[..., Awaitable[FakeTelegram]]


@pytest.fixture
async def make_fake_telegram() -> AsyncIterator[MakeFake]:
    started: list[FakeTelegram] = []

    async def make(**options: Any) -> FakeTelegram:
        fake = FakeTelegram(**options)
        await fake.start()
        started.append(fake)
        return fake

    yield make
    for fake in started:
        await fake.stop()
    for fake in started:
        assert not fake.unknown, f"the bot called what the fake does not serve: {fake.unknown}"


@pytest.fixture
async def fake_telegram(make_fake_telegram: MakeFake) -> FakeTelegram:
    return await make_fake_telegram()


def bot_for(fake: FakeTelegram, token: str = GOOD_TOKEN, **options: Any) -> telegram.Bot:
    """A PTB bot talking to the fake (``options`` go to ``telegram.Bot``)."""
    return telegram.Bot(token, base_url=fake.base_url, base_file_url=fake.base_file_url, **options)


@pytest.fixture
async def telegram_bot(fake_telegram: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    async with bot_for(fake_telegram) as bot:
        yield bot
