"""End to end: a real discord.py client, connected to the fake Discord, over the real core.

Covers a whole quiz with three players (double click, late click, a typed answer by
message, early close and close by the ticker), typed answers through the modal when the
message-content intent is not granted, moderation of /quiz stop, a flashcard review, the
leaderboard, a restart in the middle of a quiz, failed sends, token errors, and that
nothing the bot sends can ping anyone.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from typing import Any

import pytest

from adapters.discord.settings import DiscordSettings
from adapters.kit import registry
from bot.clock import FakeClock
from bot.errors import ConfigError
from bot.views import ChannelRef
from tests.discord.fake_discord import (
    CHANNEL_ID,
    GOOD_TOKEN,
    GUILD_ID,
    MESSAGE_CONTENT_INTENT,
    FakeDiscord,
    FakeUser,
)
from tests.discord.harness import RunningBot, StartBot, serve_discord, wait_until
from tests.discord.reading import (
    ADMIN,
    ALICE,
    BOB,
    CAROL,
    DANA,
    EPHEMERAL,
    KEY,
    QUIZMASTER,
    assert_never_pings,
    buttons,
    embed,
    field,
    option_buttons,
    private_reply,
    prompt_of,
    question_message,
    results_message,
    revealed,
)

# -- the tests ------------------------------------------------------------------------------


async def test_whole_quiz_with_three_players(
    fake: FakeDiscord, start_bot: StartBot, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot = await start_bot()
    assert fake.identifies[-1]["intents"] & MESSAGE_CONTENT_INTENT

    # Bank names autocomplete.
    typed = await fake.autocomplete(ALICE, "quiz", "start", "bank", "de")
    reply = await fake.reply_to(typed)
    assert reply["type"] == 8
    assert {"name": "demo", "value": "demo"} in reply["data"]["choices"]
    topics = await fake.reply_to(
        await fake.autocomplete(ALICE, "quiz", "start", "topic", "ge", bank="demo")
    )
    assert topics["data"]["choices"] == [{"name": "Geography", "value": "Geography"}]

    start = await fake.slash(ALICE, "quiz", "start", bank="demo", questions=4, seconds=20)
    reply = await fake.reply_to(start)
    assert reply["type"] == 4 and not reply["data"].get("flags", 0) & EPHEMERAL

    # One quiz per channel.
    again = await fake.slash(BOB, "quiz", "start", bank="demo")
    assert "already running" in await private_reply(fake, again)

    late_click: tuple[dict[str, Any], str] | None = None
    double_clicked = False
    for number in range(1, 5):
        message = await fake.wait_for(
            lambda n=number: question_message(fake, n, 4), what=f"question {number}"
        )
        mid = int(message["id"])
        prompt = prompt_of(message)
        assert field(embed(message), "Answers") == "no answers yet"
        if KEY[prompt]["kind"] == "typed":
            (answer_button,) = buttons(message)
            assert answer_button.startswith("quiz:typed:")
            carol_says = "Lyon" if number == 1 else "Paris!"  # Carol misses round 1
            for user, text in ((ALICE, "paris"), (BOB, "London"), (CAROL, carol_says)):
                said = await fake.say(user, text)
                await fake.wait_for(
                    lambda s=said: any(
                        c.method == "PUT" and f"/messages/{s['id']}/reactions/" in c.path
                        for c in fake.calls
                    ),
                    what="the typed answer to be acknowledged",
                )
        else:
            right, wrong = option_buttons(message)
            if late_click is None:
                late_click = (copy.deepcopy(message), right)
            assert await private_reply(fake, await fake.click(ALICE, mid, right)) == (
                f"recorded: {right[-1]}"
            )
            await fake.wait_for(
                lambda m=mid: field(embed(fake.messages[m]), "Answers") == "1 answered",
                what="the count to show 1",
            )
            assert await private_reply(fake, await fake.click(BOB, mid, wrong)) == (
                f"recorded: {wrong[-1]}"
            )
            if not double_clicked:
                double_clicked = True
                second = await private_reply(fake, await fake.click(BOB, mid, right))
                assert second == f"you already answered: {wrong[-1]}"
            await fake.wait_for(
                lambda m=mid: field(embed(fake.messages[m]), "Answers") == "2 answered",
                what="the count to show 2",
            )
            # Others see only the count: the public message never names a choice.
            assert "recorded" not in str(fake.messages[mid])
            carol_choice = wrong if number == 1 else right  # Carol misses round 1
            assert (
                await private_reply(fake, await fake.click(CAROL, mid, carol_choice))
            ).startswith("recorded")
        if number == 1:
            # The first round has no known players yet, so it runs to its deadline.
            # (Typed answers are acknowledged with a reaction, not counted on the question.)
            counted = "no answers yet" if KEY[prompt]["kind"] == "typed" else "3 answered"
            await fake.wait_for(
                lambda m=mid, c=counted: field(embed(fake.messages[m]), "Answers") == c,
                what="the count",
            )
            assert not revealed(fake, mid)
            clock.advance(seconds=20)
            assert await bot.client.ticker.tick() == 1
        # Later rounds close as soon as all three have answered: no tick needed.
        await fake.wait_for(lambda m=mid: revealed(fake, m), what=f"round {number} revealed")
        shown = embed(fake.messages[mid])
        assert KEY[prompt]["right"] in field(shown, "Answer")
        assert field(shown, "Why") == KEY[prompt]["why"]
        winners = field(shown, "Got it right")
        assert winners == ("Alice" if number == 1 else "Alice, Carol")
        assert field(shown, "Answers") == "3 answered"

    # A click that arrives after its question closed does not count.
    assert late_click is not None
    old_message, right = late_click
    late = await fake.click(DANA, int(old_message["id"]), right, message=old_message)
    assert await private_reply(fake, late) == "too late: this question has closed"

    results = await fake.wait_for(lambda: results_message(fake), what="the results")
    standings = embed(results)["description"].splitlines()
    assert standings[0].startswith("**1.** Alice — 40 pts")
    assert standings[1].startswith("**2.** Carol — 30 pts")
    assert standings[2].startswith("**3.** Bob — 0 pts")

    board = await fake.slash(BOB, "quiz", "leaderboard", scope="server", period="week")
    reply = await fake.reply_to(board)
    assert reply["type"] == 4
    shown = reply["data"]["embeds"][0]
    assert shown["title"] == "Leaderboard: this server, this week"
    assert [line.split(" — ")[0] for line in shown["description"].splitlines()] == [
        "**1.** Alice",
        "**2.** Carol",
        "**3.** Bob",
    ]

    assert_never_pings(fake)
    assert GOOD_TOKEN not in caplog.text  # not even in debug logs


async def test_typed_answer_through_the_modal_without_message_content(
    fake: FakeDiscord, settings: DiscordSettings, prepared_sqlite_url: str, clock: FakeClock
) -> None:
    """Without the privileged intent the bot reconnects without it; the Answer button works."""
    fake.allow_message_content = False
    served = serve_discord(
        settings, prepared_sqlite_url, clock, guild_ready_timeout=0.05, ticker_interval=0.02
    )
    try:
        await wait_until(
            lambda: (served.clients and served.clients[-1].is_ready()) or served.task.done(),
            what="the bot to connect",
        )
        clients = served.clients
        assert len(clients) == 2 and not clients[-1].message_content
        assert not fake.identifies[-1]["intents"] & MESSAGE_CONTENT_INTENT

        start = await fake.slash(
            ALICE, "quiz", "start", bank="demo", topic="Geography", questions=1, seconds=30
        )
        await fake.reply_to(start)
        message = await fake.wait_for(lambda: question_message(fake, 1, 1), what="question")
        mid = int(message["id"])
        (answer_button,) = buttons(message)
        assert answer_button.startswith("quiz:typed:")

        # A plain message does nothing: the bot cannot read it.
        await fake.say(BOB, "Paris")
        opened = await fake.click(ALICE, mid, answer_button)
        modal = await fake.reply_to(opened)
        assert modal["type"] == 9
        submitted = await fake.submit_modal(
            ALICE, modal["data"]["custom_id"], {"answer": "  paris "}, message_id=mid
        )
        assert await private_reply(fake, submitted) == "recorded: paris"

        # The running ticker (not a test tick) closes the round once its deadline passes.
        clock.advance(seconds=31)
        await fake.wait_for(lambda: revealed(fake, mid), what="the reveal")
        assert field(embed(fake.messages[mid]), "Got it right") == "Alice"
        results = await fake.wait_for(lambda: results_message(fake), what="the results")
        assert "Alice" in embed(results)["description"]
        assert "Bob" not in embed(results)["description"]
    finally:
        await served.close()


async def test_only_the_starter_or_a_moderator_can_stop(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot()
    start = await fake.slash(ALICE, "quiz", "start", bank="demo", questions=3)
    await fake.reply_to(start)
    message = await fake.wait_for(lambda: question_message(fake, 1, 3), what="question")

    refused = await fake.slash(BOB, "quiz", "stop")
    text = await private_reply(fake, refused)
    assert text == "only Alice, who started this quiz, or a moderator can stop it"
    assert buttons(fake.messages[int(message["id"])])  # still running

    # A member with the configured moderator role may stop it.
    stopped = await fake.slash(QUIZMASTER, "quiz", "stop")
    reply = await fake.reply_to(stopped)
    assert reply["type"] == 4 and not reply["data"].get("flags", 0) & EPHEMERAL
    assert "stopped by Quinn" in reply["data"]["embeds"][0]["footer"]["text"]
    await fake.wait_for(
        lambda: not fake.messages[int(message["id"])]["components"],
        what="the stopped question to lose its buttons",
    )

    nothing = await fake.slash(ALICE, "quiz", "stop")
    assert await private_reply(fake, nothing) == "no quiz is running here"

    # So may anyone with Manage Server; and the starter always may.
    await fake.reply_to(await fake.slash(BOB, "quiz", "start", bank="demo", questions=2))
    reply = await fake.reply_to(await fake.slash(ADMIN, "quiz", "stop"))
    assert "stopped by Erin" in reply["data"]["embeds"][0]["footer"]["text"]
    await fake.reply_to(await fake.slash(CAROL, "quiz", "start", bank="demo", questions=2))
    reply = await fake.reply_to(await fake.slash(CAROL, "quiz", "stop"))
    assert "stopped by Carol" in reply["data"]["embeds"][0]["footer"]["text"]
    assert_never_pings(fake)


async def test_flashcard_review(fake: FakeDiscord, start_bot: StartBot) -> None:
    # Also: with a shard count configured the bot does not ask Discord for one.
    await start_bot(shard_count=1, shard_ids=(0,))
    assert not [c for c in fake.calls if c.path == "/gateway/bot"]
    assert fake.identifies[-1]["shard"] == [0, 1]

    review = await fake.slash(DANA, "flashcards", bank="demo")
    reply = await fake.reply_to(review)
    assert reply["type"] == 4 and reply["data"]["flags"] & EPHEMERAL
    card = reply["data"]["embeds"][0]
    assert card["description"] == "What does CPU stand for?"
    assert not card.get("fields")
    message_id = int(fake.response_message(review)["id"])
    (show,) = buttons(fake.messages[message_id])
    assert show.startswith("fc:show:")

    turned = await fake.reply_to(await fake.click(DANA, message_id, show))
    assert turned["type"] == 7
    assert field(turned["data"]["embeds"][0], "Answer") == "Central Processing Unit"
    ratings = buttons(fake.messages[message_id])
    assert list(ratings.values()) == ["Again", "Hard", "Good", "Easy"]

    good = next(c for c, label in ratings.items() if label == "Good")
    rated = await fake.reply_to(await fake.click(DANA, message_id, good))
    assert rated["type"] == 7
    assert "Nothing is due" in rated["data"]["embeds"][0]["description"]
    assert fake.messages[message_id]["components"] == []

    # The rating fed the schedule: asking again finds nothing due.
    again = await fake.reply_to(await fake.slash(DANA, "flashcards", bank="demo"))
    assert "Nothing is due" in again["data"]["embeds"][0]["description"]
    assert_never_pings(fake)


async def test_a_click_counts_after_a_restart(
    fake: FakeDiscord, start_bot: StartBot, clock: FakeClock
) -> None:
    first = await start_bot()
    start = await fake.slash(ALICE, "quiz", "start", bank="demo", topic="Space", questions=1)
    await fake.reply_to(start)
    message = await fake.wait_for(lambda: question_message(fake, 1, 1), what="question")
    mid = int(message["id"])
    right, wrong = option_buttons(message)
    await private_reply(fake, await fake.click(ALICE, mid, right))

    await first.stop()
    second: RunningBot = await start_bot()
    assert second.client is not first.client and second.app is not first.app

    # The button of the message posted before the restart still works.
    assert await private_reply(fake, await fake.click(BOB, mid, wrong)) == (
        f"recorded: {wrong[-1]}"
    )
    assert await private_reply(fake, await fake.click(ALICE, mid, wrong)) == (
        f"you already answered: {right[-1]}"
    )
    await fake.wait_for(
        lambda: field(embed(fake.messages[mid]), "Answers") == "2 answered", what="the count"
    )
    clock.advance(seconds=30)
    assert await second.client.ticker.tick() == 1
    await fake.wait_for(lambda: revealed(fake, mid), what="the reveal")
    assert field(embed(fake.messages[mid]), "Got it right") == "Alice"
    assert field(embed(fake.messages[mid]), "Answers") == "2 answered"
    await fake.wait_for(lambda: results_message(fake), what="the results")
    assert_never_pings(fake)


async def test_simultaneous_clicks_all_count(fake: FakeDiscord, start_bot: StartBot) -> None:
    """Twenty clicks dispatched at once: every one recorded, the count ends at 20."""
    await start_bot()
    await fake.reply_to(
        await fake.slash(ALICE, "quiz", "start", bank="demo", topic="Space", questions=1)
    )
    message = await fake.wait_for(lambda: question_message(fake, 1, 1), what="question")
    mid = int(message["id"])
    right, _wrong = option_buttons(message)
    crowd = [FakeUser(4_000_000_000_000_000_000 + i, f"player{i}") for i in range(20)]
    sent = [await fake.click(user, mid, right) for user in crowd]
    replies = await asyncio.gather(*(private_reply(fake, s) for s in sent))
    assert replies == [f"recorded: {right[-1]}"] * 20
    await fake.wait_for(
        lambda: field(embed(fake.messages[mid]), "Answers") == "20 answered",
        what="the count to reach 20",
    )


async def test_a_channel_that_refuses_the_bot_stops_its_quiz_and_tells_the_starter_once(
    fake: FakeDiscord, start_bot: StartBot, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A permission taken away mid-quiz: the quiz stops (no reveal, no question 2 tried
    again and again, nothing "running" left) and its starter hears why, once, by DM."""
    bot = await start_bot()
    await fake.reply_to(await fake.slash(ALICE, "quiz", "start", bank="demo", questions=2))
    first = await fake.wait_for(lambda: question_message(fake, 1, 2), what="question 1")

    fake.refuse_channel_messages = True
    clock.advance(seconds=30)
    with caplog.at_level(logging.WARNING):
        assert await bot.client.ticker.tick() == 1  # the reveal is refused
    assert "refused the bot" in caplog.text
    assert not revealed(fake, int(first["id"]))
    where = ChannelRef("discord", str(GUILD_ID), str(CHANNEL_ID))
    assert await bot.app.open_round(where) is None  # stopped, not left running

    dm_channel = fake.dms[ALICE.id]
    told = [m for m in fake.messages.values() if int(m["channel_id"]) == dm_channel]
    assert [m["content"] for m in told] == [
        "I stopped the quiz: I can't see this channel any more (View Channel)"
    ]
    clock.advance(seconds=60)
    assert await bot.client.ticker.tick() == 0  # nothing left to close, nobody told twice
    assert len([m for m in fake.messages.values() if int(m["channel_id"]) == dm_channel]) == 1

    # Once the permission is back, a new quiz starts normally.
    fake.refuse_channel_messages = False
    start = await fake.slash(ALICE, "quiz", "start", bank="demo", questions=1)
    await fake.reply_to(start)
    assert embed(fake.response_message(start))["title"].startswith("Question 1/1")


def test_missing_token_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match=r"^DISCORD_TOKEN is not set$"):
        registry.select(["discord"], {})


async def test_rejected_token_is_a_clear_error(
    fake: FakeDiscord, prepared_sqlite_url: str, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    bad = DiscordSettings(token="not-" + GOOD_TOKEN)
    with (
        caplog.at_level(logging.DEBUG),
        pytest.raises(ConfigError, match=r"^DISCORD_TOKEN was rejected by Discord$"),
    ):
        await serve_discord(bad, prepared_sqlite_url, clock, guild_ready_timeout=0.05).task
    assert [(c.method, c.path) for c in fake.calls] == [("GET", "/users/@me")]
    assert GOOD_TOKEN not in caplog.text


async def test_commands_are_registered_again_only_when_they_change(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    """Discord limits how often an application registers its commands: a restart with the
    same commands (every worker of every deploy) registers nothing."""

    def registrations() -> int:
        return len([c for c in fake.calls if c.method == "PUT" and c.path.endswith("/commands")])

    first = await start_bot()
    assert registrations() == 1
    await first.stop()
    second = await start_bot()
    assert registrations() == 1
    # A changed command set (a new release) is registered once more.
    second.client.tree.remove_command("flashcards")
    await second.client.register_commands()
    assert registrations() == 2
    assert {c["name"] for c in fake.commands} == {"quiz"}


async def test_bank_autocomplete_offers_only_banks_the_command_can_use(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot()
    quiz = await fake.reply_to(await fake.autocomplete(ALICE, "quiz", "start", "bank", "crm"))
    assert [c["value"] for c in quiz["data"]["choices"]] == ["crm-podcast"]  # no deck to play
    cards = await fake.reply_to(await fake.autocomplete(ALICE, "flashcards", None, "bank", "crm"))
    assert [c["value"] for c in cards["data"]["choices"]] == ["crm-flashcards"]
