"""Telegram in the group's language and the player's: the real adapter and python-telegram-bot
against the fake Bot API.

- A player whose app is in Spanish (``language_code`` ``es``) gets Spanish in their private
  chat (help, stats, flashcards and their buttons) while the English group's questions,
  reveals and results stay English; what the bot answers them in the group (help, the button
  that opens the private chat) is public there, so English too.
- A group set to German (``/quiz settings language:de``) gets German group messages and
  buttons (the lobby's Join and Start, the question's lines, the reveal), whatever its
  members' apps say; a button's receipt, seen by its presser alone, is in the presser's.
- The command menu is registered in English for everyone and in Spanish and German for those
  apps, and the fake refuses what the Bot API refuses in ``setMyCommands``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import telegram
from telegram.error import BadRequest

from adapters.kit.lobby import JOINED
from adapters.telegram import render
from adapters.telegram.service import COMMANDS, command_menu
from bot.clock import FakeClock
from bot.i18n import _, use_language
from tests.telegram.conftest import MakeFake
from tests.telegram.fake_telegram import FakeChat, FakeTelegram, RateLimits
from tests.telegram.harness import TelegramQuizbot, running_bot

QUIET = RateLimits(enabled=False)
#: A bank in Spanish, beside the shipped banks (in English) and the harness's test banks.
SPANISH_BANK = """
bank: tg-es
title: Preguntas de prueba
language: es
questions:
  - type: multiple_choice
    question: "¿Cuál es la capital de Francia?"
    options: ["París", "Roma"]
    answer: A
"""
DEFAULT_SCOPE = json.dumps({"type": "default"}, sort_keys=True)


@pytest.fixture
async def fake(make_fake_telegram: MakeFake, clock: FakeClock) -> FakeTelegram:
    return await make_fake_telegram(clock=clock, rate_limits=QUIET)


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


async def containing(bot: TelegramQuizbot, chat: FakeChat, text: str) -> dict[str, Any]:
    """The bot's first message in ``chat`` whose text contains ``text`` (waited for)."""

    def found() -> dict[str, Any] | None:
        return next((m for m in bot.fake.bot_messages(chat) if text in m.get("text", "")), None)

    return await bot.fake.wait_for(found, what=f"a message containing {text!r}")


def add_spanish_bank(tmp_path: Path) -> None:
    """Put the Spanish bank where :func:`running_bot` loads its test banks from."""
    folder = tmp_path / "tg-banks"
    folder.mkdir(exist_ok=True)
    (folder / "tg-es.yaml").write_text(SPANISH_BANK, encoding="utf-8")


async def question_in(bot: TelegramQuizbot, chat: FakeChat) -> dict[str, Any]:
    """The first question the bot asked in ``chat`` (a message with a closing time)."""

    def found() -> dict[str, Any] | None:
        return next((m for m in bot.fake.bot_messages(chat) if " UTC" in m.get("text", "")), None)

    return await bot.fake.wait_for(found, what="a question")


async def test_a_spanish_player_in_an_english_group(
    fake: FakeTelegram, prepared_sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    alice = fake.add_user("Alice", language_code="es")
    bob = fake.add_user("Bob", language_code="en")
    dora = fake.add_user("Dora", language_code="es-ES")  # never opened a private chat
    group = fake.add_group("Study group", [alice, bob, dora])
    add_spanish_bank(tmp_path)
    async with running_bot(fake, prepared_sqlite_url, clock, tmp_path) as bot:
        fake.start_bot(alice)
        private = fake.private_chat(alice)
        assert private is not None
        welcome = await bot.message(private, "quizbot")
        assert "quiz y tarjetas para grupos de estudio" in welcome["text"]
        assert "nuestro chat privado" in welcome["text"]

        fake.send_text(alice, group, "/quiz start demo 2 20")
        question = await question_in(bot, group)
        assert question["text"].startswith("Question 1/2")
        assert (
            "One answer each · closes at" in question["text"]
            or "Reply to this message with your answer · closes at" in question["text"]
        )

        # Her own things come to her private chat, in her language.
        fake.send_text(alice, group, "/quiz stats")
        assert (await bot.message(private, "Tu historial de quiz, Alice"))["text"]
        fake.send_text(alice, group, "/flashcards demo")
        card = await bot.message(private, "Tarjeta · ")
        assert [b["text"] for b in buttons(card)] == ["Ver la respuesta"]

        # What the bot answers her in the group is public there: the group's English.
        fake.send_text(alice, group, "/quiz help")
        help_text = await containing(bot, group, "quizzes and flashcards for study groups")
        assert "nuestro chat privado" not in help_text["text"]
        fake.send_text(dora, group, "/quiz stats")
        opener = await containing(bot, group, "That is just for you")
        assert [b["text"] for b in buttons(opener)] == ["Open our private chat"]
        fake.send_text(alice, group, "/quiz banks es")  # the banks in Spanish, said in English
        banks = (await bot.message(group, "Question banks"))["text"]
        assert "tg-es — Preguntas de prueba (1 question) · questions in Spanish" in banks
        assert "demo" not in banks

        fake.send_text(alice, group, "/quiz stop")
        await fake.wait_for(
            lambda: "(closed: the quiz was stopped)" in bot.current(question)["text"],
            what="the stopped question's reveal",
        )
        await bot.message(group, "Quiz over")
        spanish = ("pregunta", "cerrada", "Tarjeta", "respuesta")
        for message in fake.bot_messages(group):
            assert not any(word in message.get("text", "") for word in spanish), message


async def test_a_group_set_to_german(
    fake: FakeTelegram, prepared_sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    mona = fake.add_user("Mona", language_code="de")  # the group's creator: a moderator
    eve = fake.add_user("Eve", language_code="en")
    ana = fake.add_user("Ana", language_code="es")
    group = fake.add_group("Lerngruppe", [mona, eve, ana])
    add_spanish_bank(tmp_path)
    async with running_bot(fake, prepared_sqlite_url, clock, tmp_path) as bot:
        before = len(fake.bot_messages(group))
        fake.send_text(mona, group, "/quiz settings language:de")
        await fake.wait_for(lambda: len(fake.bot_messages(group)) > before, what="the change")

        fake.send_text(eve, group, "/quiz help")  # Eve's app is English; the group is German
        await containing(bot, group, "Quiz und Karteikarten für Lerngruppen")
        fake.send_text(eve, group, "/quiz banks")
        banks = (await bot.message(group, "Fragenbanken"))["text"]
        assert "· Fragen auf Spanisch" in banks and "· Fragen auf Englisch" in banks

        fake.send_text(mona, group, "/quiz start demo 2 20 lobby:on")

        def lobby_posted() -> dict[str, Any] | None:
            return next((m for m in fake.bot_messages(group) if len(buttons(m)) == 2), None)

        lobby = await fake.wait_for(lobby_posted, what="the lobby")
        join, start = buttons(lobby)
        assert (join["text"], start["text"]) == ("Mitmachen", "Starten")

        # A receipt is seen by its presser alone: in their app's language.
        assert await bot.press(eve, lobby, join["callback_data"]) == JOINED
        with use_language("es"):
            spanish_joined = _(JOINED)
        assert spanish_joined != JOINED
        assert await bot.press(ana, lobby, join["callback_data"]) == spanish_joined
        await bot.press(mona, lobby, start["callback_data"])

        question = await question_in(bot, group)
        assert (
            "Eine Antwort pro Person · Ende:" in question["text"]
            or "Antworte auf diese Nachricht mit deiner Antwort · Ende:" in question["text"]
        )
        await fake.wait_for(lambda: not buttons(bot.current(lobby)), what="the lobby closed")

        fake.send_text(mona, group, "/quiz stop")
        await fake.wait_for(
            lambda: "(geschlossen: das Quiz wurde gestoppt)" in bot.current(question)["text"],
            what="the stopped question's reveal, in German",
        )
        english = ("closes at", "One answer each", "Reply to this message", "(closed")
        for message in fake.bot_messages(group):
            assert not any(words in message.get("text", "") for words in english), message


async def test_the_command_menu_in_each_language(
    fake: FakeTelegram, prepared_sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    async with running_bot(fake, prepared_sqlite_url, clock, tmp_path) as bot:
        assert all(call.ok for call in fake.of("setMyCommands"))
        assert set(fake.commands) == {
            (DEFAULT_SCOPE, ""),
            (DEFAULT_SCOPE, "es"),
            (DEFAULT_SCOPE, "de"),
        }
        ptb = bot.service.application.bot
        menus = {
            language: {c.command: c.description for c in await ptb.get_my_commands(**where)}
            for language, where in (
                ("en", {}),
                ("es", {"language_code": "es"}),
                ("de", {"language_code": "de"}),
            )
        }
    names = [name for name, _does in COMMANDS]
    assert all(list(menu) == names for menu in menus.values())
    assert menus["en"]["help"] == "How to play"
    assert menus["es"]["help"] == "Cómo se juega"
    assert menus["de"]["help"] == "So wird gespielt"
    assert menus["de"]["flashcards"] == "Deine Karteikarten wiederholen (in unserem privaten Chat)"
    assert menus["es"]["quiz"].startswith("Quiz aquí: /quiz start")
    assert len({menu["flashcards"] for menu in menus.values()}) == 3


async def test_the_default_menu_is_in_the_installs_language(
    fake: FakeTelegram,
    prepared_sqlite_url: str,
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QUIZBOT_LANGUAGE", "es")  # an app in another language gets its own
    async with running_bot(fake, prepared_sqlite_url, clock, tmp_path) as bot:
        assert all(call.ok for call in fake.of("setMyCommands"))
        assert set(fake.commands) == {
            (DEFAULT_SCOPE, ""),
            (DEFAULT_SCOPE, "en"),
            (DEFAULT_SCOPE, "de"),
        }
        ptb = bot.service.application.bot
        default = {c.command: c.description for c in await ptb.get_my_commands()}
        english = {c.command: c.description for c in await ptb.get_my_commands(language_code="en")}
    assert default["help"] == "Cómo se juega"
    assert english["help"] == "How to play"


def test_each_menu_keeps_the_bot_apis_rules() -> None:
    for language in ("en", "es", "de"):
        menu = command_menu(language)
        assert 1 <= len(menu) <= 100
        for command in menu:
            assert command.command.isascii() and command.command.islower()
            assert 1 <= len(command.command) <= 32
            assert 1 <= len(command.description) <= 256


@pytest.mark.parametrize(
    ("commands", "language", "refusal"),
    [
        ([("quiz", "Play")], "eng", "Invalid language code specified"),
        ([("quiz", "Play")], "ES", "Invalid language code specified"),
        ([("quiz", "Play")], "es-ES", "Invalid language code specified"),
        ([("quiz", "Play")], "xx", "Invalid language code specified"),
        ([("Quiz", "Play")], None, "Bot_command_invalid"),
        ([("q" * 33, "Play")], None, "Bot_command_invalid"),
        ([("quiz-start", "Play")], None, "Bot_command_invalid"),
        ([("quiz", "")], None, "Command description must be non-empty"),
        ([("quiz", "x" * 257)], None, "Bot_command_description_invalid"),
        ([(f"c{n}", "Play") for n in range(101)], None, "Too many commands"),
    ],
)
async def test_the_fake_refuses_what_the_bot_api_refuses(
    telegram_bot: telegram.Bot, commands: list[tuple[str, str]], language: str | None, refusal: str
) -> None:
    with pytest.raises(BadRequest, match=refusal):
        await telegram_bot.set_my_commands(commands, language_code=language)


async def test_the_fake_accepts_the_bot_apis_limits(telegram_bot: telegram.Bot) -> None:
    longest = [("q" * 32, "x" * 256)]
    assert await telegram_bot.set_my_commands(longest, language_code="es")
    assert await telegram_bot.set_my_commands([(f"c{n}", "Play") for n in range(100)])
    assert await telegram_bot.set_my_commands([("quiz_2", "Play")], language_code="")
    assert [c.command for c in await telegram_bot.get_my_commands(language_code="es")] == ["q" * 32]
    with pytest.raises(BadRequest, match="Invalid language code specified"):
        await telegram_bot.get_my_commands(language_code="spanish")


def test_times_follow_the_language() -> None:
    from datetime import UTC, datetime

    moment = datetime(2026, 12, 4, 17, 5, tzinfo=UTC)  # a Friday
    with use_language("de"):
        assert render.when(moment) == "17:05 UTC"
        assert render.when(moment, day=True).startswith("Fr.")
    with use_language("es"):
        assert render.when(moment, day=True).startswith("vie")
    assert render.when(moment, day=True).startswith("Fri")
