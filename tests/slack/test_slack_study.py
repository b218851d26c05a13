"""End to end, the study features in Slack: quizzes by topic and hardest first, "review my
mistakes" in a DM (never in a channel), daily questions set by admins and posted by the
ticker, personal stats, the Home tab, and when the next flashcard is due.

The real Bolt app gets signed requests, the core runs on SQLite with a FakeClock, and the
stub Web API records every call.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime

from bot.clock import FakeClock
from bot.services import QuizApp
from bot.views import ChannelRef, PlayerRef
from tests.slack.conftest import CHANNEL, SlackDriver
from tests.slack.slack_reading import correct_button, text_of, wrong_button
from tests.slack.stub_slack_api import Call

ALICE_DM = "D0ALICE"  # what the stub's conversations.open gives for U0ALICE
Answers = Callable[[str], list[tuple[str, str, bool]]]


def posted(slack: SlackDriver, channel: str = CHANNEL) -> list[Call]:
    return [c for c in slack.stub.of("chat.postMessage") if c.params["channel"] == channel]


async def next_post(slack: SlackDriver, count: int, channel: str = CHANNEL) -> Call:
    """The ``count``-th message posted in ``channel`` (waiting for it)."""
    calls = await slack.stub.wait_for(
        "chat.postMessage", lambda c: c.params["channel"] == channel, count=count
    )
    return calls[count - 1]


async def replies(slack: SlackDriver, count: int) -> list[Call]:
    """The first ``count`` messages sent through response_url (command replies)."""
    return await slack.stub.command_replies(count)


async def shown(slack: SlackDriver, count: int) -> list[Call]:
    """The first ``count`` messages sent through any response_url (commands' and clicks')."""
    return await slack.stub.wait_for("response_url", count=count)


def round_of(question: Call) -> int:
    return int(question.buttons()[0]["value"].split(":")[0])


async def play_through(
    slack: SlackDriver,
    quiz: QuizApp,
    clock: FakeClock,
    command: str,
    answers: Answers,
    channel: str = CHANNEL,
) -> list[str]:
    """Start a quiz with ``command`` and play it to the end, each question answered as
    ``answers(question text)`` says; returns the questions' texts in order."""
    where = ChannelRef("slack", slack.team, channel)
    seen = len(posted(slack, channel))
    await slack.command(command, "U0ALICE", "alice", channel=channel)
    asked: list[str] = []
    while True:
        seen += 1
        message = await next_post(slack, seen, channel)
        if "Quiz over" in text_of(message):
            return asked
        asked.append(text_of(message))
        clock.advance(2)  # answers (and so misses) at distinct times
        receipts = len(slack.stub.ephemerals())
        for user, name, right in answers(text_of(message)):
            button = correct_button(message) if right else wrong_button(message)
            await slack.click(button, user, name, channel=channel, message_ts=message.ts)
            receipts += 1
            await slack.stub.wait_for_ephemerals(count=receipts)
        still_open = await quiz.open_round(where)
        if still_open is not None and still_open.round_id == round_of(message):
            clock.advance(60)
            assert await slack.tick() == 1


async def open_home(slack: SlackDriver, user: str) -> Call:
    count = len(slack.stub.of("views.publish")) + 1
    event = {
        "type": "app_home_opened",
        "user": user,
        "channel": "D0HOME",
        "tab": "home",
        "event_ts": f"{time.time():.6f}",
    }
    await slack.event(event)
    return (await slack.stub.wait_for("views.publish", count=count))[-1]


# --- quiz modes ------------------------------------------------------------------------------


async def test_start_by_topic_and_hardest_first(
    slack: SlackDriver, quiz: QuizApp, clock: FakeClock
) -> None:
    def everyone_misses_maths(prompt: str) -> list[tuple[str, str, bool]]:
        right = "7 x 8" not in prompt
        return [("U0ALICE", "alice", right), ("U0BOB", "bob", right)]

    asked = await play_through(slack, quiz, clock, "start slack-study 3 20", everyone_misses_maths)
    assert len(asked) == 3

    before = len(posted(slack))  # counted first: the post may come before the command returns
    await slack.command("start slack-study 3 20 hardest", "U0BOB", "bob")
    hardest = await next_post(slack, before + 1)
    assert "7 x 8" in text_of(hardest)  # the one every player missed comes first
    assert "Question 1/3" in hardest.params["text"]

    await slack.command('start slack-study 5 20 topic:"geography"', "U0ALICE", channel="C0GEO")
    geography = await next_post(slack, 1, "C0GEO")
    assert "Question 1/2" in geography.params["text"]  # the bank has two Geography questions
    assert "_Geography_" in text_of(geography)
    await slack.command("start slack-study 5 20 topic:Ancient_History", channel="C0HIST")
    [refused] = [c for c in await replies(slack, 1) if "Ancient History" in c.params["text"]]
    assert refused.params["response_type"] == "ephemeral"
    assert posted(slack, "C0HIST") == []


# --- review my mistakes ------------------------------------------------------------------


def alice_misses(*prompts: str) -> Answers:
    def answers(text: str) -> list[tuple[str, str, bool]]:
        return [("U0ALICE", "alice", not any(p in text for p in prompts))]

    return answers


async def test_review_my_mistakes_stays_private(
    slack: SlackDriver, quiz: QuizApp, clock: FakeClock
) -> None:
    stub = slack.stub

    def in_dm(method: str) -> list[Call]:
        return [c for c in stub.of(method) if c.params.get("channel") == ALICE_DM]

    asked = await play_through(
        slack, quiz, clock, "start slack-study 3 20", alice_misses("7 x 8", "capital of Italy")
    )
    missed = [text for text in asked if "7 x 8" in text or "capital of Italy" in text]
    channel_calls = len([c for c in stub.calls if c.params.get("channel") == CHANNEL])
    clock.advance(minutes=10)  # both mistakes are due again

    await slack.command("mistakes", "U0ALICE", "alice")
    [told] = await replies(slack, 1)
    assert told.params["response_type"] == "ephemeral"
    assert "in your direct messages" in told.params["text"]
    [opened] = await stub.wait_for("conversations.open")
    assert opened.params["users"] == "U0ALICE"
    first = await next_post(slack, 1, ALICE_DM)
    assert "Your mistakes" in text_of(first) and "Question 1/2" in first.params["text"]
    # Most recently missed first.
    assert ("7 x 8" in missed[-1]) == ("7 x 8" in text_of(first))
    assert all(b["value"].endswith(":p") for b in first.buttons())

    # Someone else's click is refused, to them alone, and changes nothing.
    await slack.click(correct_button(first), "U0BOB", "bob", channel=ALICE_DM, message_ts=first.ts)
    [refusal] = await stub.wait_for("response_url", lambda c: "someone else" in c.params["text"])
    assert refusal.params["response_type"] == "ephemeral"
    assert refusal.params["replace_original"] is False
    assert in_dm("chat.update") == []

    # Alice's click closes the round at once (a review is solo) and the next one comes.
    await slack.click(
        correct_button(first), "U0ALICE", "alice", channel=ALICE_DM, message_ts=first.ts
    )
    [revealed] = await stub.wait_for("chat.update", lambda c: c.params["channel"] == ALICE_DM)
    assert (revealed.params["channel"], revealed.params["ts"]) == (ALICE_DM, first.ts)
    assert "You got it right" in text_of(revealed)
    second = await next_post(slack, 2, ALICE_DM)
    assert "Question 2/2" in second.params["text"]

    # Alice walks away. Another process's ticker (no DM remembered) closes the round: the
    # reveal and the results go to her DM, or nowhere.
    slack.bot.dms.clear()
    clock.advance(121)
    assert await slack.tick() == 1
    updates = await stub.wait_for("chat.update", lambda c: c.params["channel"] == ALICE_DM, count=2)
    assert (updates[1].params["channel"], updates[1].params["ts"]) == (ALICE_DM, second.ts)
    assert "Not answered in time" in text_of(updates[1])
    results = await next_post(slack, 3, ALICE_DM)
    assert "Review over" in text_of(results) and "1 of 2 questions right" in text_of(results)
    assert len(stub.of("conversations.open")) == 2

    # Nothing of the review went to the channel; it earned no leaderboard points.
    assert len([c for c in stub.calls if c.params.get("channel") == CHANNEL]) == channel_calls
    assert all("someone else" in e.text for e in stub.ephemerals("U0BOB"))
    stats = await quiz.player_stats(PlayerRef("slack", slack.team, "U0ALICE"))
    board = await quiz.leaderboard(ChannelRef("slack", slack.team, ALICE_DM), "channel")
    assert board.rows == () and stats.answered == 4

    # Carol has nothing to review.
    await slack.command("mistakes", "U0CAROL", "carol")
    [none_yet] = await slack.stub.wait_for(
        "response_url", lambda c: "No mistakes" in c.params["text"]
    )
    assert none_yet.params["response_type"] == "ephemeral"
    assert none_yet.params["text"].startswith(":tada: No mistakes to review yet")


async def test_typed_question_in_a_review_is_answered_in_a_form(
    slack: SlackDriver, clock: FakeClock
) -> None:
    stub = slack.stub
    await slack.command("start slack-typed 1 30", "U0ALICE", "alice")
    await next_post(slack, 1)
    await slack.message("Lyon", "U0ALICE")
    await stub.wait_for("chat.postEphemeral")
    clock.advance(31)
    assert await slack.tick() == 1
    clock.advance(minutes=10)

    await slack.command("mistakes", "U0ALICE", "alice")
    question = await next_post(slack, 1, ALICE_DM)
    assert "capital of France" in text_of(question)
    [answer] = question.buttons()
    assert answer["text"]["text"] == "Answer"

    # Bob gets no form (and so never sees the question); Alice gets hers.
    await slack.click(answer, "U0BOB", "bob", channel=ALICE_DM, message_ts=question.ts)
    [refused] = await stub.wait_for("views.open")
    assert "someone else" in str(refused.params["view"]) and "France" not in str(
        refused.params["view"]
    )
    await slack.click(answer, "U0ALICE", "alice", channel=ALICE_DM, message_ts=question.ts)
    form = (await stub.wait_for("views.open", count=2))[1].params["view"]
    assert "capital of France" in str(form["blocks"])
    values = {"typed_answer": {"answer": {"type": "plain_text_input", "value": "paris"}}}
    await slack.submit_view(form, values, "U0ALICE", "alice")
    [reveal] = await stub.wait_for("chat.update", lambda c: c.params["channel"] == ALICE_DM)
    assert reveal.params["ts"] == question.ts
    assert "You got it right" in text_of(reveal) and "*Answer:* Paris" in text_of(reveal)
    results = await next_post(slack, 2, ALICE_DM)
    assert "1 of 1 question right" in text_of(results)
    assert [c.params["channel"] for c in stub.of("chat.postEphemeral")] == [CHANNEL]


async def test_private_views_never_reach_a_channel(
    slack: SlackDriver, quiz: QuizApp, clock: FakeClock
) -> None:
    """Even a review the core started "in" a public channel is shown in the owner's DM."""
    await play_through(slack, quiz, clock, "start slack-mc 1 20", alice_misses(""))
    alice = PlayerRef("slack", slack.team, "U0ALICE", "alice")
    view = await quiz.start_review(ChannelRef("slack", slack.team, CHANNEL), alice, seconds=30)
    before = len(posted(slack))
    await slack.bot.conductor.post(view)
    question = await next_post(slack, 1, ALICE_DM)
    clock.advance(31)
    assert await slack.tick() == 1
    [reveal] = await slack.stub.wait_for("chat.update", lambda c: c.params["channel"] == ALICE_DM)
    assert reveal.params["ts"] == question.ts
    assert "Review over" in text_of(await next_post(slack, 2, ALICE_DM))
    assert len(posted(slack)) == before


# --- daily questions ---------------------------------------------------------------------


async def test_daily_question_set_posted_answered_revealed_and_off(
    slack: SlackDriver, quiz: QuizApp, clock: FakeClock
) -> None:
    stub = slack.stub
    clock.set(datetime(2026, 1, 5, 12, 0, tzinfo=UTC))
    await slack.command("daily 09:00 Europe/London slack-study 60", "U0BOB", "bob")
    [refused] = await replies(slack, 1)
    assert refused.params["response_type"] == "ephemeral"
    assert "only a moderator" in refused.params["text"].lower()
    assert [c.params["user"] for c in stub.user_lookups()] == ["U0BOB"]

    await slack.command("daily 09:00 Europe/London slack-study 60", "U0ADMIN", "admin")
    set_reply = (await replies(slack, 2))[1]
    assert set_reply.params["response_type"] == "in_channel"
    assert "admin set a daily question" in set_reply.params["text"]
    assert "09:00 (Europe/London)" in set_reply.params["text"]
    next_run = int(datetime(2026, 1, 6, 9, 0, tzinfo=UTC).timestamp())
    assert f"<!date^{next_run}^" in text_of(set_reply)
    await slack.command("daily", "U0CAROL", "carol")
    shown = (await replies(slack, 3))[2]
    assert shown.params["response_type"] == "ephemeral"
    assert "slack-study at 09:00 (Europe/London), open for 60 minutes" in shown.params["text"]

    assert await slack.tick() == 0
    assert posted(slack) == []  # not yet due
    clock.set(datetime(2026, 1, 6, 9, 0, 30, tzinfo=UTC))
    await slack.tick()
    daily = await next_post(slack, 1)
    assert daily.params["text"].startswith("Daily question:")
    assert "*Daily question*" in text_of(daily) and "Question 1/1" not in text_of(daily)
    # A normal quiz runs beside it.
    await slack.command("start slack-mc 1 20", "U0CAROL", "carol")
    await next_post(slack, 2)

    await slack.click(correct_button(daily), "U0ALICE", "alice", message_ts=daily.ts)
    await slack.click(wrong_button(daily), "U0BOB", "bob", message_ts=daily.ts)
    receipts = await stub.wait_for_ephemerals(count=2)
    assert all("Recorded" in e.text for e in receipts)
    clock.advance(minutes=30)
    assert await slack.tick() == 1  # the normal quiz's round; the daily one stays open
    assert all(c.params["ts"] != daily.ts for c in stub.of("chat.update"))

    clock.advance(minutes=31)
    assert await slack.tick() == 1
    [reveal] = await stub.wait_for("chat.update", lambda c: c.params["ts"] == daily.ts)
    assert "*Daily question* (closed)" in text_of(reveal)
    assert "Got it right: alice · 2 answers" in text_of(reveal)
    summary = posted(slack)[-1]
    assert "Daily question closed" in text_of(summary)
    assert "1 of 2 right: alice" in text_of(summary)
    assert "Quiz over" not in text_of(summary)  # no standings for a daily question

    await slack.command("stats", "U0ALICE", "alice")
    stats = (await replies(slack, 4))[3]
    assert "*Daily question streak:* 1 day (best 1)" in text_of(stats)

    await slack.command("daily off", "U0MOD", "mod")  # in SLACK_MODERATORS
    off = (await replies(slack, 5))[4]
    assert off.params["response_type"] == "in_channel"
    assert "mod turned the daily question off" in off.params["text"]
    assert "U0MOD" not in [c.params["user"] for c in stub.user_lookups()]
    messages = len(posted(slack))
    clock.advance(days=1)
    await slack.tick()
    assert len(posted(slack)) == messages
    assert not (await quiz.daily(ChannelRef("slack", slack.team, CHANNEL))).enabled


async def test_daily_typed_question_answered_in_the_channel_or_privately(
    slack: SlackDriver, clock: FakeClock
) -> None:
    stub = slack.stub
    stub.users["U0BOB"] = {"name": "bob", "profile": {"display_name": "Bobby"}}
    await slack.command("daily 13:00 UTC slack-typed", "U0ADMIN", "admin")
    await replies(slack, 1)
    clock.advance(hours=1, seconds=1)
    await slack.tick()
    daily = await next_post(slack, 1)
    assert "capital of France" in text_of(daily)

    await slack.message("PARIS", "U0BOB")  # no quiz running: the daily question takes it
    [receipt] = await stub.wait_for("chat.postEphemeral")
    assert receipt.params["user"] == "U0BOB" and "Recorded: PARIS" in receipt.params["text"]

    [private] = daily.buttons()
    await slack.click(private, "U0CAROL", "carol", message_ts=daily.ts)
    [opened] = await stub.wait_for("views.open")
    modal = opened.params["view"]
    assert "capital of France" in str(modal["blocks"])
    values = {"typed_answer": {"answer": {"type": "plain_text_input", "value": "Lyon"}}}
    await slack.submit_view(modal, values, "U0CAROL", "carol")
    await stub.wait_for("chat.postEphemeral", lambda c: c.params["user"] == "U0CAROL")

    clock.advance(hours=8)
    assert await slack.tick() == 1
    [reveal] = await stub.wait_for("chat.update")
    assert "Got it right: Bobby · 2 answers" in text_of(reveal)


# --- stats, Home tab, flashcards ---------------------------------------------------------


async def test_stats_are_shown_to_the_player_alone(
    slack: SlackDriver, quiz: QuizApp, clock: FakeClock
) -> None:
    await play_through(slack, quiz, clock, "start slack-study 3 20", alice_misses("7 x 8"))
    await slack.command("stats", "U0ALICE", "alice")
    [reply] = await replies(slack, 1)
    assert reply.params["response_type"] == "ephemeral"
    text = text_of(reply)
    assert "*Answers:* 3 · 2 right (67%)" in text
    assert "• Geography: 2/2 (100%)" in text and "• Maths: 0/1 (0%)" in text
    assert "*Mistakes to review:* 0 due of 1" in text
    assert "*Streak:*" in text and "*Daily question streak:* 0 days (best 0)" in text

    await slack.command("stats", "U0NEW", "newcomer")
    fresh = (await replies(slack, 2))[1]
    assert "none yet" in text_of(fresh)


async def test_home_tab_shows_player_stats_and_starts_a_review(
    slack: SlackDriver, quiz: QuizApp, clock: FakeClock
) -> None:
    await play_through(slack, quiz, clock, "start slack-study 3 20", alice_misses("7 x 8"))
    clock.advance(minutes=10)  # the mistake is due again
    home = await open_home(slack, "U0ALICE")
    text = text_of(home)
    assert "Your quiz record" in text and "*Answers:* 3 · 2 right (67%)" in text
    assert "• Maths: 0/1 (0%)" in text
    assert "*Your mistakes:* 1 due to review · 1 in all" in text
    assert "*Your flashcards:* 0 due" in text
    [review] = [b for b in home.buttons() if b["action_id"] == "home_mistakes"]
    await slack.click(review, "U0ALICE", "alice", channel="D0HOME")
    question = await next_post(slack, 1, ALICE_DM)
    assert "7 x 8" in text_of(question) and "Your mistakes" in text_of(question)

    newcomer = text_of(await open_home(slack, "U0NEW"))
    assert "*Your mistakes:* none yet" in newcomer


async def test_flashcards_say_what_is_due_and_when_the_next_one_is(
    slack: SlackDriver, quiz: QuizApp
) -> None:
    stub = slack.stub
    await slack.command("flashcards slack-cards", "U0ALICE", "alice")
    [front] = await shown(slack, 1)
    assert "0 due · 2 new" in text_of(front)
    for n in range(2):
        card = (await shown(slack, 1 + 2 * n))[2 * n]
        [show] = card.buttons()
        await slack.click(show, "U0ALICE", "alice", ephemeral=True, message_ts="1.2")
        back = (await shown(slack, 2 + 2 * n))[1 + 2 * n]
        good = next(b for b in back.buttons() if b["action_id"] == "flash_rate_good")
        await slack.click(good, "U0ALICE", "alice", ephemeral=True, message_ts="1.2")
    done = (await shown(slack, 5))[4]
    text = text_of(done)
    assert "No flashcards due" in text
    view = await quiz.next_flashcard(PlayerRef("slack", slack.team, "U0ALICE"), "slack-cards")
    assert view.done and view.next_due is not None
    stamp = int(view.next_due.timestamp())
    fallback = view.next_due.strftime("%Y-%m-%d %H:%M UTC")
    assert f"The next one is due <!date^{stamp}^{{date_short_pretty}} {{time}}|{fallback}>" in text
    assert re.search(
        r"Slack flashcards\*: 0 due · 0 new · next <!date\^\d+\^",
        text_of(await open_home(slack, "U0ALICE")),
    )
    assert stub.of("chat.postMessage") == []
