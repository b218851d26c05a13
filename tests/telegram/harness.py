"""quizbot's Telegram adapter running against the fake Bot API, and reading what it sent.

:func:`running_bot` starts the real :class:`adapters.telegram.service.TelegramService` (the
real python-telegram-bot, long polling the fake) over the real core on a fresh SQLite file
with the shipped banks and the test banks; tests drive deadlines with the FakeClock and
:meth:`TelegramQuizbot.tick`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.kit.contract import Runtime
from adapters.telegram.service import TelegramService
from adapters.telegram.settings import TelegramSettings
from bot.clock import FakeClock
from bot.services import QuizApp
from bot.services.importer import load_shipped_banks
from tests.discord.reading import KEY
from tests.telegram.fake_telegram import GOOD_TOKEN, FakeChat, FakeTelegram, FakeUser

TEST_BANKS = {
    "tg-escape.yaml": """
bank: tg-escape
title: Escapes <b>bold</b> & co
questions:
  - type: multiple_choice
    question: "Is <b>this</b> bold or a <a href='http://x.example'>link</a>?"
    options: ["Neither <i>one</i>", "Bold", "A link"]
    answer: A
    explanation: "Bank text is <code>escaped</code> & shown as typed."
""",
}


@dataclass
class TelegramQuizbot:
    """The running service, its core, the fake and the clock."""

    fake: FakeTelegram
    service: TelegramService
    app: QuizApp
    clock: FakeClock

    async def tick(self) -> int:
        return await self.service.conductor.ticker.tick()

    def texts(self, chat: FakeChat | int) -> list[str]:
        return [m.get("text", "") for m in self.fake.bot_messages(chat)]

    async def message(self, chat: FakeChat | int, starts: str, *, count: int = 1) -> dict[str, Any]:
        """The ``count``-th message of the bot in ``chat`` whose text starts with ``starts``."""

        def found() -> dict[str, Any] | None:
            matching = [
                m for m in self.fake.bot_messages(chat) if m.get("text", "").startswith(starts)
            ]
            return matching[count - 1] if len(matching) >= count else None

        return await self.fake.wait_for(found, what=f"a message starting {starts!r}")

    def current(self, message: dict[str, Any]) -> dict[str, Any]:
        chat = self.fake.chats[message["chat"]["id"]]
        return chat.messages[message["message_id"]].now

    async def answer_of(self, user: FakeUser, data: str) -> str:
        """Press-and-wait: the receipt text the press got (answerCallbackQuery)."""
        before = len(self.fake.callback_answers)
        await self.fake.wait_for(
            lambda: len(self.fake.callback_answers) > before, what="the press to be answered"
        )
        return self.fake.callback_answers[before].text or ""

    async def press(self, user: FakeUser, message: dict[str, Any], data: str, **kw: Any) -> str:
        """``user`` presses the button with ``data``; returns the receipt they were shown."""
        before = len(self.fake.callback_answers)
        self.fake.press_button(user, message, data=data, **kw)
        await self.fake.wait_for(
            lambda: len(self.fake.callback_answers) > before, what="the press to be answered"
        )
        answer = self.fake.callback_answers[before]
        assert answer.error is None, answer.error
        return answer.text or ""


def option_data(message: dict[str, Any], *, right: bool) -> str:
    """The callback data of a right (or a wrong) option of a demo-bank question."""
    prompt = next(p for p in KEY if p in message["text"])
    right_text = KEY[prompt]["right"]
    for row in message["reply_markup"]["inline_keyboard"]:
        for button in row:
            label = button["callback_data"].rsplit(":", 1)[1]
            line = next(
                line for line in message["text"].splitlines() if line.startswith(f"{label}. ")
            )
            if (line.split(". ", 1)[1] == right_text) == right:
                return str(button["callback_data"])
    raise AssertionError("no such option")


def typed_right(message: dict[str, Any]) -> str:
    prompt = next(p for p in KEY if p in message["text"])
    return str(KEY[prompt]["right"])


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeTelegram, database_url: str, clock: FakeClock, tmp_path: Path, **settings: Any
) -> AsyncIterator[TelegramQuizbot]:
    folder = tmp_path / "tg-banks"
    folder.mkdir(exist_ok=True)
    for name, text in TEST_BANKS.items():
        (folder / name).write_text(text, encoding="utf-8")
    app = await QuizApp.open(database_url, clock=clock, upgrade=True)
    async with app.db.transaction() as session:
        await load_shipped_banks(session, clock, folder=folder)
    options = {"token": GOOD_TOKEN, "api_url": fake.base_url, **settings}
    service = TelegramService(
        Runtime(app, None, clock), TelegramSettings(**options), run_ticker=False
    )
    try:
        await service.start()
        yield TelegramQuizbot(fake, service, app, clock)
    finally:
        with contextlib.suppress(Exception):
            await service.stop_taking_work()
            await service.finish_in_flight(5)
            await service.close()
        await app.close()
