"""End to end: quizbot's Telegram adapter, the real python-telegram-bot, the fake Bot API.

Whole quizzes in a group with three players (buttons, a double press, a late press, a typed
answer by reply, early close and close by the ticker), bank text that cannot inject
markup, the review of mistakes and flashcards in the private chat (through a deep link from
the group), moderators as the chat's administrators, forum topics, the webhook (secret
checked) and a rejected token.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from adapters.kit.contract import Runtime
from adapters.kit.web import web_application
from adapters.telegram.service import TelegramService
from adapters.telegram.settings import TelegramSettings
from bot.clock import FakeClock
from bot.errors import ConfigError
from bot.services import QuizApp
from bot.views import ChannelRef
from tests.telegram.conftest import MakeFake
from tests.telegram.fake_telegram import GOOD_TOKEN, FakeTelegram, RateLimits
from tests.telegram.harness import option_data, running_bot, typed_right

QUIET = RateLimits(enabled=False)


@pytest.fixture
async def fake(make_fake_telegram: MakeFake, clock: FakeClock) -> FakeTelegram:
    return await make_fake_telegram(clock=clock, rate_limits=QUIET)


async def test_whole_quiz_with_three_players(
    fake: FakeTelegram, prepared_sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    alice, bob, carol = fake.add_user("Alice"), fake.add_user("Bob"), fake.add_user("Carol")
    group = fake.add_group("Study group", [alice, bob, carol])
    async with running_bot(fake, prepared_sqlite_url, clock, tmp_path) as bot:
        fake.send_text(alice, group, "/quiz start demo 4 20")
        late: tuple[dict, str] | None = None
        for number in range(1, 5):
            question = await bot.message(group, f"Question {number}/4")
            if "Reply to this message" in question["text"]:
                assert "reply_markup" not in question  # typed: answered by replying
                carol_says = "Lyon" if number == 1 else typed_right(question)
                replies = ((alice, typed_right(question)), (bob, "London"), (carol, carol_says))
                for user, text in replies:  # one after another: the winners' order is theirs
                    reacted = len(fake.of("setMessageReaction"))
                    fake.send_text(user, group, text, reply_to=question["message_id"])
                    await fake.wait_for(
                        lambda n=reacted: len(fake.of("setMessageReaction")) > n,
                        what="a reaction to the typed answer",
                    )
            else:
                right, wrong = option_data(question, right=True), option_data(question, right=False)
                late = late or (question, right)
                assert (await bot.press(alice, question, right)).startswith("✅ Recorded")
                assert (await bot.press(bob, question, wrong)).startswith("✅ Recorded")
                again = await bot.press(bob, question, right)
                assert again.startswith("You already answered")
                carol_choice = wrong if number == 1 else right
                assert (await bot.press(carol, question, carol_choice)).startswith("✅")
            current = bot.current(question)
            if number == 1:
                # The first round has no known players yet: it runs to its deadline.
                assert "closed" not in current["text"]
                clock.advance(seconds=20)
                assert await bot.tick() == 1
            await fake.wait_for(
                lambda q=question: "closed" in bot.current(q)["text"], what=f"reveal {number}"
            )
            if number > 1 and "reply_markup" in question:
                # Carol's press closed the round: her press was answered before the reveal.
                calls = fake.calls
                answered = max(i for i, c in enumerate(calls) if c.method == "answerCallbackQuery")
                edited = next(
                    i
                    for i, c in enumerate(calls)
                    if c.method == "editMessageText"
                    and int(c.params.get("message_id", 0)) == question["message_id"]
                )
                assert answered < edited
            revealed = bot.current(question)
            assert "reply_markup" not in revealed  # the buttons are gone
            winners = "Alice" if number == 1 else "Alice, Carol"
            assert f"Got it right: {winners} · 3 answers" in revealed["text"]
            assert "💡" in revealed["text"]

        results = await bot.message(group, "Quiz over")
        lines = results["text"].splitlines()
        assert lines[2].startswith("🥇 Alice — 40 points")
        assert lines[3].startswith("🥈 Carol — 30 points")
        assert lines[4].startswith("🥉 Bob — 0 points")

        # A press on a question that has closed (the copy as first shown) does not count.
        assert late is not None
        assert (await bot.press(carol, late[0], late[1], version=0)).startswith("Too late")

        fake.send_text(bob, group, "/quiz leaderboard group week")
        board = await bot.message(group, "Leaderboard: this group, this week")
        assert board["text"].index("Alice") < board["text"].index("Bob")


async def test_bank_text_cannot_add_markup(
    fake: FakeTelegram, prepared_sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    alice = fake.add_user("Alice <b>")
    group = fake.add_group("Group", [alice])
    async with running_bot(fake, prepared_sqlite_url, clock, tmp_path) as bot:
        fake.send_text(alice, group, "/quiz start tg-escape 1 20")
        question = await bot.message(group, "Question 1/1")
        assert "Is <b>this</b> bold or a <a href='http://x.example'>link</a>?" in question["text"]
        assert "Escapes <b>bold</b> & co" in question["text"]
        assert_no_hidden_links(question)
        await bot.press(alice, question, option_data_by_text(question, "Neither"))
        clock.advance(seconds=20)
        assert await bot.tick() == 1
        await fake.wait_for(lambda: "closed" in bot.current(question)["text"], what="the reveal")
        revealed = bot.current(question)
        assert "Bank text is <code>escaped</code> & shown as typed." in revealed["text"]
        assert "Alice <b>" in revealed["text"]
        assert_no_hidden_links(revealed)


def assert_no_hidden_links(message: dict) -> None:
    """No link or mention whose target differs from what the text shows (Telegram itself
    turns a URL written in plain text into a link to that same URL)."""
    for entity in message.get("entities", []):
        assert entity["type"] not in ("text_link", "text_mention", "mention"), entity
        if entity["type"] == "url":
            shown = message["text"][entity["offset"] : entity["offset"] + entity["length"]]
            assert shown.startswith("http://x.example"), shown


def option_data_by_text(message: dict, text: str) -> str:
    """The callback data of the option whose text starts with ``text``."""
    for row in message["reply_markup"]["inline_keyboard"]:
        for button in row:
            label = button["callback_data"].rsplit(":", 1)[1]
            if f"\n{label}. {text}" in message["text"]:
                return str(button["callback_data"])
    raise AssertionError(text)


async def test_review_of_mistakes_in_the_private_chat_through_a_deep_link(
    fake: FakeTelegram, prepared_sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    bob = fake.add_user("Bob")
    group = fake.add_group("Study group", [bob])
    async with running_bot(fake, prepared_sqlite_url, clock, tmp_path) as bot:
        fake.send_text(bob, group, "/quiz start demo 1 20 topic:Space")
        question = await bot.message(group, "Question 1/1")
        await bot.press(bob, question, option_data(question, right=False))
        clock.advance(seconds=20)
        assert await bot.tick() == 1
        await bot.message(group, "Quiz over")
        clock.advance(minutes=10)  # the mistake is due for review

        # Bob never started the bot: the group gets a button opening the private chat.
        fake.send_text(bob, group, "/quiz mistakes")
        pointer = await bot.message(group, "That is just for you")
        [[button]] = pointer["reply_markup"]["inline_keyboard"]
        assert button["url"] == f"https://t.me/quizbot_test_bot?start=mistakes_{group.id}"
        before = len(fake.bot_messages(group))

        fake.start_bot(bob, payload=f"mistakes_{group.id}")
        private = fake.private_chat(bob)
        assert private is not None
        review = await bot.message(private, "Question 1/1")
        assert "Red Planet" in review["text"]
        await bot.press(bob, review, option_data(review, right=True))
        await fake.wait_for(lambda: "closed" in bot.current(review)["text"], what="the reveal")
        assert "You got it right" in bot.current(review)["text"]
        over = await bot.message(private, "Review over")
        assert "1 of 1 question right" in over["text"]
        assert len(fake.bot_messages(group)) == before  # nothing of the review in the group

        # Stats come to the private chat now that it is open.
        fake.send_text(bob, group, "/quiz stats")
        stats = await bot.message(private, "Your quiz record, Bob")
        assert "Answers:</b>" not in stats["text"] and "Answers: 2 · 1 right" in stats["text"]


async def test_flashcards_in_the_private_chat(
    fake: FakeTelegram, prepared_sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    dana = fake.add_user("Dana")
    group = fake.add_group("Group", [dana])
    async with running_bot(fake, prepared_sqlite_url, clock, tmp_path) as bot:
        fake.start_bot(dana)
        private = fake.private_chat(dana)
        assert private is not None
        fake.send_text(dana, group, "/flashcards demo")
        card = await bot.message(private, "Flashcard · demo")
        assert "What does CPU stand for?" in card["text"]
        [[show]] = card["reply_markup"]["inline_keyboard"]
        await bot.press(dana, card, show["callback_data"])
        await fake.wait_for(
            lambda: "Central Processing Unit" in bot.current(card)["text"], what="the back"
        )
        ratings = [b["text"] for b in bot.current(card)["reply_markup"]["inline_keyboard"][0]]
        assert ratings == ["Again", "Hard", "Good", "Easy"]
        good = bot.current(card)["reply_markup"]["inline_keyboard"][0][2]["callback_data"]
        await bot.press(dana, bot.current(card), good)
        await fake.wait_for(lambda: "No flashcards due" in bot.current(card)["text"], what="done")
        assert fake.bot_messages(group) == []  # all of it in private


async def test_only_the_starter_or_an_administrator_can_stop(
    fake: FakeTelegram, prepared_sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    alice, bob, erin = fake.add_user("Alice"), fake.add_user("Bob"), fake.add_user("Erin")
    # The first member listed is the group's creator (Bob, who starts the quiz).
    group = fake.add_group("Group", {bob: "member", alice: "member", erin: "administrator"})
    async with running_bot(fake, prepared_sqlite_url, clock, tmp_path) as bot:
        fake.send_text(bob, group, "/quiz start demo 2 30")
        question = await bot.message(group, "Question 1/2")
        fake.send_text(alice, group, "/quiz stop")  # a member, not an administrator
        refused = await bot.message(group, "Only Bob, who started this quiz")
        assert refused["reply_to_message"]["from"]["id"] == alice.id
        fake.send_text(erin, group, "/quiz stop")
        stopped = await bot.message(group, "Quiz over")
        assert "Stopped by Erin." in stopped["text"]
        assert "the quiz was stopped" in bot.current(question)["text"]


async def test_a_quiz_in_each_forum_topic(
    fake: FakeTelegram, prepared_sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    alice = fake.add_user("Alice")
    forum = fake.add_group("Forum", [alice], forum=True)
    first, second = fake.add_topic(forum, "Maths", alice), fake.add_topic(forum, "Space", alice)
    async with running_bot(fake, prepared_sqlite_url, clock, tmp_path) as bot:
        fake.send_text(alice, forum, "/quiz start demo 1 30 topic:Maths", thread_id=first)
        fake.send_text(alice, forum, "/quiz start demo 1 30 topic:Space", thread_id=second)
        await fake.wait_for(lambda: len(bot.texts(forum)) >= 2, what="two questions")
        by_thread = {m["message_thread_id"]: m["text"] for m in fake.bot_messages(forum)}
        assert "hexagon" in by_thread[first] and "Red Planet" in by_thread[second]


async def test_webhook_with_its_secret(
    make_fake_telegram: MakeFake, prepared_sqlite_url: str, clock: FakeClock
) -> None:
    fake = await make_fake_telegram(clock=clock, rate_limits=QUIET)
    alice = fake.add_user("Alice")
    group = fake.add_group("Group", [alice])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    app = await QuizApp.open(prepared_sqlite_url, clock=clock)
    application = web_application(app)
    settings = TelegramSettings(token=GOOD_TOKEN, api_url=fake.base_url, webhook_url=url)
    service = TelegramService(Runtime(app, application, clock), settings, run_ticker=False)
    runner = web.AppRunner(application)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        await service.start()
        assert fake.webhook_url == url
        [set_hook] = fake.of("setWebhook")
        assert set_hook.params["secret_token"] == settings.secret

        fake.send_text(alice, group, "/quiz start demo 1 30")
        await fake.wait_for(lambda: fake.bot_messages(group), what="the question, by webhook")
        assert all(d.status == 200 for d in fake.webhook_deliveries)

        # A delivery with a wrong secret is refused and changes nothing.
        forged = {"update_id": 999, "message": {"message_id": 1, "date": 0, "text": "/quiz stop"}}
        async with aiohttp.ClientSession() as session:
            for secret in ("wrong", ""):
                async with session.post(
                    url, json=forged, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
                ) as response:
                    assert response.status == 401
        assert len(fake.bot_messages(group)) == 1
    finally:
        await service.finish_in_flight(5)
        await service.close()
        await runner.cleanup()
        await app.close()


async def test_a_rejected_token_is_one_clear_error(
    fake: FakeTelegram, prepared_sqlite_url: str, clock: FakeClock
) -> None:
    app = await QuizApp.open(prepared_sqlite_url, clock=clock)
    settings = TelegramSettings(token="123:not-the-token", api_url=fake.base_url)
    service = TelegramService(Runtime(app, None, clock), settings, run_ticker=False)
    try:
        with pytest.raises(ConfigError, match=r"^TELEGRAM_TOKEN was rejected by Telegram$"):
            await service.start()
    finally:
        await service.close()
        await app.close()


async def test_removing_the_bot_from_a_group_stops_its_quiz(
    fake: FakeTelegram, prepared_sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    alice = fake.add_user("Alice")
    group = fake.add_group("Group", [alice])
    async with running_bot(fake, prepared_sqlite_url, clock, tmp_path) as bot:
        fake.send_text(alice, group, "/quiz start demo 2 30")
        await bot.message(group, "Question 1/2")
        where = ChannelRef("telegram", str(group.id), str(group.id))
        assert await bot.app.open_round(where) is not None
        fake.remove_bot_from_group(group, alice)

        async def stopped() -> bool:
            return await bot.app.open_round(where) is None

        deadline = asyncio.get_running_loop().time() + 5
        while not await stopped():
            assert asyncio.get_running_loop().time() < deadline, "the quiz was not stopped"
            await asyncio.sleep(0.02)
        clock.advance(seconds=31)
        assert await bot.tick() == 0  # nothing more is posted there
