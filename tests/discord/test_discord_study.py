"""End to end: the study features in Discord, through the real client, the fake and the core.

Hardest-first quizzes, a player's review of their mistakes (ephemeral, refused to others,
never posted in the channel, silent when the ticker closes a round they left), the daily
question (moderators only; posted by the ticker at its time, answered, revealed at its
deadline, streaks; turned off), personal stats, and when the next flashcard is due.
"""

from __future__ import annotations

import re
from typing import Any

from bot.clock import FakeClock
from tests.discord.fake_discord import FakeDiscord, FakeUser, RestCall
from tests.discord.harness import RunningBot, StartBot
from tests.discord.reading import (
    ADMIN,
    ALICE,
    BOB,
    CAROL,
    DANA,
    EPHEMERAL,
    QUIZMASTER,
    answer,
    assert_never_pings,
    buttons,
    embed,
    field,
    private_reply,
    prompt_of,
    question_message,
    results_messages,
    revealed,
)

HEXAGON = "How many sides does a hexagon have?"
RED_PLANET = "Which planet is known as the Red Planet?"
CAPITAL = "What is the capital of France?"


async def play_one(
    fake: FakeDiscord, bot: RunningBot, clock: FakeClock, user: FakeUser, topic: str, *, right: bool
) -> None:
    """``user`` plays a one-question quiz of the demo bank's ``topic``, rightly or not."""
    finished = len(results_messages(fake))
    start = await fake.slash(user, "quiz", "start", bank="demo", topic=topic, questions=1)
    reply = await fake.reply_to(start)
    message = fake.response_message(start)
    assert reply["type"] == 4 and embed(message)["title"].startswith("Question 1/1")
    assert (await private_reply(fake, await answer(fake, user, message, right=right))).startswith(
        "recorded"
    )
    clock.advance(seconds=30)
    assert await bot.client.ticker.tick() == 1
    await fake.wait_for(lambda: len(results_messages(fake)) > finished, what="the results")


def channel_calls(fake: FakeDiscord) -> list[RestCall]:
    """Posts and edits of channel messages: what everyone in the channel sees."""
    return [
        c for c in fake.calls if c.path.startswith("/channels/") and c.method in ("POST", "PATCH")
    ]


def ephemeral_with_title(fake: FakeDiscord, start: str) -> list[dict[str, Any]]:
    return [
        m
        for m in fake.messages.values()
        if int(m["flags"]) & EPHEMERAL
        and m["embeds"]
        and embed(m).get("title", "").startswith(start)
    ]


async def test_hardest_first(fake: FakeDiscord, start_bot: StartBot, clock: FakeClock) -> None:
    bot = await start_bot()
    start_spec = next(
        o
        for o in next(c for c in fake.commands if c["name"] == "quiz")["options"]
        if o["name"] == "start"
    )
    mode = next(o for o in start_spec["options"] if o["name"] == "mode")
    assert [c["value"] for c in mode["choices"]] == ["random", "hardest"]

    # Everyone missed the hexagon; the Red Planet was answered right.
    await play_one(fake, bot, clock, ALICE, "Maths", right=False)
    await play_one(fake, bot, clock, BOB, "Space", right=True)

    start = await fake.slash(DANA, "quiz", "start", bank="demo", questions=4, mode="hardest")
    await fake.reply_to(start)
    first = fake.response_message(start)
    assert embed(first)["title"].startswith("Question 1/4")
    assert prompt_of(first) == HEXAGON
    await private_reply(fake, await answer(fake, DANA, first, right=True))
    clock.advance(seconds=30)
    assert await bot.client.ticker.tick() == 1
    second = await fake.wait_for(lambda: question_message(fake, 2, 4), what="question 2")
    assert prompt_of(second) == RED_PLANET
    await fake.reply_to(await fake.slash(DANA, "quiz", "stop"))


async def test_review_my_mistakes(fake: FakeDiscord, start_bot: StartBot, clock: FakeClock) -> None:
    bot = await start_bot()
    nothing = await fake.slash(ALICE, "quiz", "mistakes")
    assert (await private_reply(fake, nothing)).startswith("No mistakes to review yet")

    for topic in ("Maths", "Space", "Geography"):  # two options questions, one typed
        await play_one(fake, bot, clock, ALICE, topic, right=False)
    public_before = len(channel_calls(fake))
    shown_before = len(fake.channel_messages())

    review = await fake.slash(ALICE, "quiz", "mistakes", questions=5)
    reply = await fake.reply_to(review)
    assert reply["type"] == 4 and reply["data"]["flags"] & EPHEMERAL
    first = fake.response_message(review)
    assert embed(first)["title"] == "Question 1/3 · Your mistakes"

    # Only Alice can answer her review (nobody else sees it; a forged click is refused).
    refused = await answer(fake, BOB, first, right=True)
    assert await private_reply(fake, refused) == "this review belongs to someone else"

    asked = []
    question = first
    for number in (1, 2, 3):
        asked.append(prompt_of(question))
        # Her answer closes the round at once: the reveal replaces her question...
        right = number == 1
        reveal = await fake.reply_to(await answer(fake, ALICE, question, right=right))
        assert reveal["type"] == 7
        assert reveal["data"]["content"] == ("✅ Right!" if right else "❌ Not this time.")
        assert revealed(fake, int(question["id"]))
        if number < 3:  # ... and the next question follows, for her alone.
            (question,) = await fake.wait_for(
                lambda n=number: ephemeral_with_title(fake, f"Question {n + 1}/3 · Your mistakes"),
                what=f"question {number + 1}",
            )
    assert sorted(asked) == sorted([HEXAGON, RED_PLANET, CAPITAL])
    (over,) = await fake.wait_for(
        lambda: ephemeral_with_title(fake, "Review over"), what="the end of the review"
    )
    assert embed(over)["description"].startswith("You got 1 of 3 right.")

    # A review left unanswered is closed by the ticker, silently.
    again = await fake.slash(ALICE, "quiz", "mistakes", questions=1)
    await fake.reply_to(again)
    left = fake.response_message(again)
    assert int(left["flags"]) & EPHEMERAL
    clock.advance(seconds=121)
    assert await bot.client.ticker.tick() == 1

    # Nothing of it was ever posted or edited in the channel.
    assert len(channel_calls(fake)) == public_before
    assert len(fake.channel_messages()) == shown_before
    assert_never_pings(fake)


async def test_daily_question(fake: FakeDiscord, start_bot: StartBot, clock: FakeClock) -> None:
    bot = await start_bot()
    # Time zones autocomplete from what was typed.
    zones = await fake.reply_to(
        await fake.autocomplete(QUIZMASTER, "quiz", "daily", "timezone", "london", time="09:00")
    )
    assert {"name": "Europe/London", "value": "Europe/London"} in zones["data"]["choices"]
    assert len(zones["data"]["choices"]) <= 25

    refused = await fake.slash(BOB, "quiz", "daily", time="09:00", timezone="Europe/London")
    assert await private_reply(fake, refused) == "only a moderator can set the daily question"
    shown = await fake.slash(BOB, "quiz", "daily")
    assert await private_reply(fake, shown) == "No daily question here."

    # The clock starts on Monday 5 January 2026 at 12:00 UTC (London is on UTC in winter).
    done = await fake.reply_to(
        await fake.slash(
            QUIZMASTER,
            "quiz",
            "daily",
            time="09:00",
            timezone="Europe/London",
            bank="demo",
            minutes=60,
        )
    )
    assert done["type"] == 4 and not done["data"].get("flags", 0) & EPHEMERAL
    text = done["data"]["content"]
    assert text.startswith("A daily question from demo at 09:00 (Europe/London), open for 60 ")
    tomorrow_nine = int(clock.now().replace(day=6, hour=9).timestamp())
    assert f"<t:{tomorrow_nine}:F>" in text
    described = await private_reply(fake, await fake.slash(BOB, "quiz", "daily"))
    assert described.startswith("A daily question from demo at 09:00")

    def daily_messages() -> list[dict[str, Any]]:
        return [
            m
            for m in fake.channel_messages()
            if m["embeds"] and embed(m)["title"].startswith("Daily question")
        ]

    clock.advance(hours=20)  # 08:00 in London: not yet
    await bot.client.ticker.tick()
    assert not daily_messages()
    clock.advance(hours=1)
    await bot.client.ticker.tick()
    (daily,) = await fake.wait_for(daily_messages, what="the daily question")
    mid = int(daily["id"])
    assert embed(daily)["title"] == "Daily question · Demo bank"
    assert buttons(daily)

    assert (await private_reply(fake, await answer(fake, ALICE, daily, right=True))).startswith(
        "recorded"
    )
    assert (await private_reply(fake, await answer(fake, BOB, daily, right=False))).startswith(
        "recorded"
    )
    # A normal quiz runs beside it; stopping that leaves the daily question alone.
    await fake.reply_to(await fake.slash(CAROL, "quiz", "start", bank="demo", questions=2))
    stopped = await fake.reply_to(await fake.slash(CAROL, "quiz", "stop"))
    assert "stopped by Carol" in stopped["data"]["embeds"][0]["footer"]["text"]
    assert buttons(fake.messages[mid])
    results_before = len(results_messages(fake))
    clock.advance(minutes=59)
    assert await bot.client.ticker.tick() == 0
    assert not revealed(fake, mid)
    clock.advance(minutes=1)
    assert await bot.client.ticker.tick() == 1
    await fake.wait_for(lambda: revealed(fake, mid), what="the daily reveal")
    assert embed(fake.messages[mid])["title"] == "Daily question"
    assert field(embed(fake.messages[mid]), "Got it right") == "Alice"
    assert len(results_messages(fake)) == results_before  # one question: no results table

    stats = await fake.reply_to(await fake.slash(ALICE, "quiz", "stats"))
    assert field(stats["data"]["embeds"][0], "Daily streak") == "1 (best 1)"

    # Turning it off: moderators only (here: Manage Server).
    refused = await fake.slash(BOB, "quiz", "daily", time="off")
    assert await private_reply(fake, refused) == (
        "only a moderator can turn the daily question off"
    )
    off = await fake.reply_to(await fake.slash(ADMIN, "quiz", "daily", time="off"))
    assert off["data"]["content"] == "No more daily question here (turned off by Erin)."
    clock.advance(days=1)
    await bot.client.ticker.tick()
    assert len(daily_messages()) == 1
    assert_never_pings(fake)


async def test_stats_and_help(fake: FakeDiscord, start_bot: StartBot, clock: FakeClock) -> None:
    bot = await start_bot()
    await play_one(fake, bot, clock, ALICE, "Maths", right=False)
    await play_one(fake, bot, clock, ALICE, "Space", right=True)

    reply = await fake.reply_to(await fake.slash(ALICE, "quiz", "stats"))
    assert reply["type"] == 4 and reply["data"]["flags"] & EPHEMERAL
    stats = reply["data"]["embeds"][0]
    assert stats["title"] == "Stats · Alice"
    assert field(stats, "Answers") == "2 (1 right, 50%)"
    assert field(stats, "Streak") == "1 (best 1)"
    assert field(stats, "Daily streak") == "0 (best 0)"
    assert field(stats, "Flashcards due") == "0"
    assert field(stats, "Mistakes to review") == "1 (0 due now)"  # again in a minute or so
    assert field(stats, "Topics").splitlines() == ["**Maths** — 0/1 (0%)", "**Space** — 1/1 (100%)"]

    help_text = await private_reply(fake, await fake.slash(BOB, "quiz", "help"))
    for command in ("/quiz mistakes", "/quiz daily", "/quiz stats", "mode: hardest"):
        assert command in help_text
    assert len(help_text) <= 2000


async def test_flashcards_say_when_the_next_card_is_due(
    fake: FakeDiscord, start_bot: StartBot, clock: FakeClock
) -> None:
    await start_bot()
    review = await fake.slash(DANA, "flashcards", bank="demo")
    await fake.reply_to(review)
    message_id = int(fake.response_message(review)["id"])
    assert embed(fake.messages[message_id])["footer"]["text"] == "0 due now · 1 new"
    (show,) = buttons(fake.messages[message_id])
    await fake.reply_to(await fake.click(DANA, message_id, show))
    good = next(c for c, label in buttons(fake.messages[message_id]).items() if label == "Good")
    rated = await fake.reply_to(await fake.click(DANA, message_id, good))
    text = rated["data"]["embeds"][0]["description"]
    found = re.search(r"Next card due <t:(\d+):R>\.", text)
    assert found, text
    due = int(found.group(1))
    assert due > clock.now().timestamp()

    # Once that moment has passed, the card is due again.
    clock.advance(seconds=due - clock.now().timestamp() + 1)
    again = await fake.reply_to(await fake.slash(DANA, "flashcards", bank="demo"))
    card = again["data"]["embeds"][0]
    assert card["description"] == "What does CPU stand for?"
    assert card["footer"]["text"] == "1 due now · 0 new"
