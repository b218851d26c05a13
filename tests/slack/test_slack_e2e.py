"""End to end: the real Bolt app on localhost, signed requests as Slack sends them, a stub
Web API recording what the app calls, and the real core on SQLite with a fake clock.

Deadlines are driven by advancing the clock and running one ticker pass; effects are
awaited with polling loops that have deadlines.
"""

from __future__ import annotations

import json
import re
import time

from bot.clock import FakeClock
from bot.services import QuizApp
from bot.views import ChannelRef, PlayerRef
from tests.slack import slack_signing as signing
from tests.slack.conftest import CHANNEL, SlackDriver
from tests.slack.slack_reading import (
    correct_button,
    mrkdwn_texts,
    receipts_for,
    text_of,
    wait_receipts,
    winners,
    wrong_button,
)
from tests.slack.stub_slack_api import Call

# --- the HTTP surface ---------------------------------------------------------------------


async def test_url_verification_health_and_help(slack: SlackDriver) -> None:
    challenge = signing.event_body(
        {"token": "t", "challenge": "3eZbrw1aB", "type": "url_verification"}
    )
    reply = await slack.send(challenge, signing.JSON)
    assert reply.status == 200
    assert reply.json() == {"challenge": "3eZbrw1aB"}

    health = await slack.get("/health")
    assert health.status == 200
    assert health.json()["status"] == "ok"

    assert (await slack.command("help")).status == 200
    assert (await slack.command("dance wildly")).status == 200
    helps = await slack.stub.wait_for("response_url", count=2)
    assert all(c.params["response_type"] == "ephemeral" for c in helps)
    assert "/quiz start [bank]" in helps[0].params["text"]
    unknown = next(c for c in helps if "dance" in c.params["text"])
    assert "I don't know `dance`" in unknown.params["text"]
    assert "/quiz leaderboard" in unknown.params["text"]


async def test_bad_signature_and_replayed_timestamp_are_refused(
    slack: SlackDriver, quiz: QuizApp
) -> None:
    at_start = [c.method for c in slack.stub.calls]  # the start-up's auth.test
    body = signing.command_body(slack.command_fields("start slack-mc 2 20"))
    forged = await slack.send(body, signing.FORM, signature="v0=" + "0" * 64)
    assert forged.status == 401
    other_secret = signing.signed_headers("not-the-secret", body, signing.FORM)
    wrong_key = await slack.send(body, signing.FORM, signature=other_secret["X-Slack-Signature"])
    assert wrong_key.status == 401
    # A request captured six minutes ago, replayed with its own (valid) signature.
    captured_at = int(time.time()) - 6 * 60
    replayed = await slack.send(body, signing.FORM, timestamp=captured_at)
    assert replayed.status == 401
    events = signing.event_body({"token": "t", "challenge": "x", "type": "url_verification"})
    assert (await slack.send(events, signing.JSON, signature="v0=bad")).status == 401

    # Nothing changed: no quiz, no Web API call.
    assert await quiz.open_round(ChannelRef("slack", slack.team, CHANNEL)) is None
    assert [c.method for c in slack.stub.calls] == at_start

    # The same body, signed now, goes through.
    assert (await slack.send(body, signing.FORM)).status == 200
    await slack.stub.wait_for("chat.postMessage")


# --- a whole quiz ---------------------------------------------------------------------------


async def test_whole_quiz_with_three_players(
    slack: SlackDriver, quiz: QuizApp, clock: FakeClock
) -> None:
    stub = slack.stub
    assert (await slack.command("start slack-mc 2 20", "U0ALICE", "alice")).status == 200
    [first] = await stub.wait_for("chat.postMessage")
    assert first.params["channel"] == CHANNEL
    assert first.token == "xoxb-test-bot-token"
    assert len(first.buttons()) == 3
    assert all(re.fullmatch(r"quiz_answer_[ABC]", b["action_id"]) for b in first.buttons())
    assert all(re.fullmatch(r"\d+:[ABC]", b["value"]) for b in first.buttons())
    assert "Question 1/2" in first.params["text"]

    async def round_of(call: Call, answers: list[tuple[str, str, bool]]) -> None:
        for user, name, right in answers:
            button = correct_button(call) if right else wrong_button(call)
            reply = await slack.click(button, user, name, message_ts=call.ts)
            assert reply.status == 200
            assert reply.text == ""  # acknowledged at once, nothing else in the response

    # Round 1: alice right, bob wrong then clicking again, carol right.
    await round_of(first, [("U0ALICE", "alice", True), ("U0BOB", "bob", False)])
    await wait_receipts(slack, "U0BOB", 1)
    await round_of(first, [("U0BOB", "bob", True), ("U0CAROL", "carol", True)])
    bob = await wait_receipts(slack, "U0BOB", 2)
    assert bob[0].startswith(":ballot_box_with_check: Recorded:")
    assert "already answered" in bob[1]
    assert len(await wait_receipts(slack, "U0ALICE", 1)) == 1
    assert len(await wait_receipts(slack, "U0CAROL", 1)) == 1
    # Receipts are ephemeral, each to its clicker alone, in the quiz's channel.
    assert stub.ephemerals() and all(e.channel == CHANNEL for e in stub.ephemerals())
    assert stub.of("chat.update") == []  # round 1 is still open

    # The deadline passes: the ticker reveals round 1 and posts question 2.
    clock.advance(21)
    assert await slack.tick() == 1
    [reveal] = await stub.wait_for("chat.update")
    assert reveal.params["channel"] == CHANNEL
    assert reveal.params["ts"] == first.ts
    assert reveal.buttons() == []
    revealed = text_of(reveal)
    assert winners(reveal) == {"alice", "carol"}
    assert "3 answers" in revealed
    assert ":white_check_mark:" in revealed
    second = (await stub.wait_for("chat.postMessage", count=2))[1]
    assert "Question 2/2" in second.params["text"]

    # A late click on round 1, by a newcomer and by bob: told it is closed, nothing recorded.
    await round_of(first, [("U0DAVE", "dave", True)])
    dave = await wait_receipts(slack, "U0DAVE", 1)
    assert "too late" in dave[0].lower()

    # Round 2: all three answer; the last answer closes the round without the ticker.
    await round_of(
        second,
        [("U0ALICE", "alice", True), ("U0BOB", "bob", True), ("U0CAROL", "carol", False)],
    )
    updates = await stub.wait_for("chat.update", count=2)
    assert winners(updates[1]) == {"alice", "bob"}
    results = (await stub.wait_for("chat.postMessage", count=3))[2]
    final = text_of(results)
    assert "Quiz over" in final
    lines = [line for line in final.splitlines() if line.endswith("right)")]
    assert [re.sub(r"^\S+ ", "", line).split(" — ")[0] for line in lines] == [
        "alice",
        "bob",
        "carol",
    ]
    assert "(2/2 right)" in lines[0]
    assert "dave" not in final
    assert await quiz.open_round(ChannelRef("slack", slack.team, CHANNEL)) is None
    assert await slack.tick() == 0


async def test_bank_text_is_escaped(slack: SlackDriver, clock: FakeClock) -> None:
    await slack.command("start slack-mc 2 20", "U0ALICE", "alice")
    asked: list[Call] = []
    for number in (1, 2):
        calls = await slack.stub.wait_for("chat.postMessage", count=number)
        asked.append(calls[-1])
        if "Who gets pinged" in text_of(calls[-1]):
            break
        clock.advance(21)
        await slack.tick()
    question = asked[-1]
    texts = mrkdwn_texts(question)
    joined = "\n".join(texts)
    assert "&lt;!channel&gt; or @here" in joined
    assert "Nobody &lt;@U0ALICE&gt;" in joined
    assert "Slack &lt;test&gt; &amp; bank" in joined
    for text in texts:
        assert "<!channel>" not in text and "<!here>" not in text and "<@" not in text
    # The reveal (with the explanation) is escaped too.
    clock.advance(21)
    await slack.tick()
    reveal = (await slack.stub.wait_for("chat.update", count=len(asked)))[-1]
    revealed = "\n".join(mrkdwn_texts(reveal))
    assert "&lt;!here&gt; &amp; friends" in revealed
    assert "<!here>" not in revealed


# --- typed answers --------------------------------------------------------------------------


async def test_typed_answer_in_channel_and_in_modal(
    slack: SlackDriver, quiz: QuizApp, clock: FakeClock
) -> None:
    stub = slack.stub
    stub.users["U0BOB"] = {"name": "bob", "profile": {"display_name": "Bobby"}}
    # Chatter with no quiz running is ignored.
    await slack.message("hello all", "U0BOB")
    await slack.command("start slack-typed 1 30", "U0ALICE", "alice")
    [question] = await stub.wait_for("chat.postMessage")
    assert "capital of France" in text_of(question)
    [private] = question.buttons()
    assert private["action_id"] == "quiz_typed_open"

    # Bob types in the channel.
    assert (await slack.message("paris!", "U0BOB")).status == 200
    bob = await wait_receipts(slack, "U0BOB", 1)
    assert "Recorded: paris!" in bob[0]
    # Later chat is not an answer, and is not answered with "you already answered".
    await slack.message("or was it Lyon?", "U0BOB")

    # Carol answers privately, in a modal.
    await slack.click(private, "U0CAROL", "carol", message_ts=question.ts)
    [opened] = await stub.wait_for("views.open")
    modal = opened.params["view"]
    assert modal["type"] == "modal"
    assert "capital of France" in json.dumps(modal["blocks"])
    values = {"typed_answer": {"answer": {"type": "plain_text_input", "value": "Lyon"}}}
    reply = await slack.submit_view(modal, values, "U0CAROL", "carol")
    assert reply.status == 200
    carol = await wait_receipts(slack, "U0CAROL", 1)
    assert "Recorded: Lyon" in carol[0]

    clock.advance(31)
    assert await slack.tick() == 1
    [reveal] = await stub.wait_for("chat.update")
    revealed = text_of(reveal)
    assert "*Answer:* Paris" in revealed
    assert winners(reveal) == {"Bobby"}
    assert "2 answers" in revealed
    results = (await stub.wait_for("chat.postMessage", count=2))[1]
    assert "Quiz over" in text_of(results)
    assert len(stub.user_lookups()) == 1  # only bob, once: names are then remembered
    assert len(receipts_for(slack, "U0BOB")) == 1


# --- moderation -----------------------------------------------------------------------------


async def test_stop_by_someone_else_is_refused_then_an_admin_stops(
    slack: SlackDriver, quiz: QuizApp
) -> None:
    stub = slack.stub
    where = ChannelRef("slack", slack.team, CHANNEL)
    await slack.command("start slack-mc 2 20", "U0ALICE", "alice")
    [question] = await stub.wait_for("chat.postMessage")

    await slack.command("stop", "U0BOB", "bob")
    [refusal] = await stub.command_replies()
    assert "only alice" in refusal.params["text"].lower()
    assert refusal.params["response_type"] == "ephemeral"
    assert [c.params["user"] for c in stub.user_lookups()] == ["U0BOB"]
    assert await quiz.open_round(where) is not None
    assert len(stub.of("chat.postMessage")) == 1

    # A workspace admin (users.info says so) may stop it.
    await slack.command("stop", "U0ADMIN", "admin")
    results = (await stub.wait_for("chat.postMessage", count=2))[1]
    assert "Quiz over" in text_of(results)
    assert "Stopped by admin" in text_of(results)
    [stopped] = await stub.wait_for("chat.update")
    assert stopped.params["ts"] == question.ts
    assert "the quiz was stopped" in text_of(stopped)
    assert ":white_check_mark:" in text_of(stopped)  # the stop reveals the answer
    assert stopped.buttons() == []
    assert await quiz.open_round(where) is None

    # A moderator listed in SLACK_MODERATORS needs no users.info.
    await slack.command("start slack-mc 2 20", "U0ALICE", "alice")
    await stub.wait_for("chat.postMessage", count=3)
    await slack.command("stop", "U0MOD", "mod")
    await stub.wait_for("chat.postMessage", count=4)
    assert "U0MOD" not in [c.params["user"] for c in stub.user_lookups()]


# --- flashcards and the Home tab -----------------------------------------------------------


async def test_flashcard_review_ephemeral_and_in_a_dm(slack: SlackDriver, quiz: QuizApp) -> None:
    stub = slack.stub
    await slack.command("flashcards slack-cards", "U0ALICE", "alice")
    [front] = await stub.wait_for("response_url")
    assert front.params["response_type"] == "ephemeral"
    [show] = front.buttons()
    assert show["action_id"] == "flash_show"
    first_front = "CPU" if "CPU" in text_of(front) else "RAM"

    await slack.click(show, "U0ALICE", "alice", ephemeral=True, message_ts="1.2")
    back = (await stub.wait_for("response_url", count=2))[1]
    assert back.params["replace_original"] is True
    expected_back = {"CPU": "Central Processing Unit", "RAM": "Random Access Memory"}
    assert expected_back[first_front] in text_of(back)
    ratings = {b["action_id"]: b for b in back.buttons()}
    assert set(ratings) == {f"flash_rate_{r}" for r in ("again", "hard", "good", "easy")}

    good = ratings["flash_rate_good"]
    await slack.click(good, "U0ALICE", "alice", ephemeral=True, message_ts="1.2")
    following = (await stub.wait_for("response_url", count=3))[2]
    other = "RAM" if first_front == "CPU" else "CPU"
    assert other in text_of(following)
    card = await quiz.next_flashcard(PlayerRef("slack", slack.team, "U0ALICE"), "slack-cards")
    assert card.new == 1  # one of the two cards has been reviewed

    # The Home tab shows the flashcards due and offers a review in a DM.
    await slack.event(
        {
            "type": "app_home_opened",
            "user": "U0ALICE",
            "channel": "D0ALICE",
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
    )
    [published] = await stub.wait_for("views.publish")
    assert published.params["user_id"] == "U0ALICE"
    assert published.params["view"]["type"] == "home"
    home = text_of(published)
    assert "Your quiz record" in home
    assert "Slack flashcards*: 0 due · 1 new" in home
    [review] = [b for b in published.buttons() if b["value"] == "slack-cards"]
    await slack.click(review, "U0ALICE", "alice", channel="D0ALICE")
    [opened] = await stub.wait_for("conversations.open")
    assert opened.params["users"] == "U0ALICE"
    [dm] = await stub.wait_for("chat.postMessage")
    assert dm.params["channel"] == "D0ALICE"
    [dm_show] = dm.buttons()
    await slack.click(dm_show, "U0ALICE", "alice", channel="D0ALICE", message_ts=dm.ts)
    [shown] = await stub.wait_for("chat.update")
    assert shown.params["ts"] == dm.ts
    assert other in text_of(shown)


async def test_home_tab_shows_own_scores(slack: SlackDriver, clock: FakeClock) -> None:
    await slack.command("start slack-mc 1 20", "U0ALICE", "alice")
    [question] = await slack.stub.wait_for("chat.postMessage")
    await slack.click(correct_button(question), "U0ALICE", "alice")
    await wait_receipts(slack, "U0ALICE", 1)
    clock.advance(21)
    await slack.tick()
    await slack.stub.wait_for("chat.postMessage", count=2)
    await slack.event(
        {
            "type": "app_home_opened",
            "user": "U0ALICE",
            "channel": "D0ALICE",
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
    )
    [published] = await slack.stub.wait_for("views.publish")
    home = text_of(published)
    assert re.search(r"\*Answers:\* 1 · 1 right \(100%\) · \d+ points", home), home
    assert "*Streak:* 1 right in a row (best 1)" in home


# --- leaderboard and banks ------------------------------------------------------------------


async def test_leaderboard_and_banks(slack: SlackDriver, clock: FakeClock) -> None:
    stub = slack.stub
    await slack.command("start slack-mc 2 20", "U0ALICE", "alice")
    for number in (1, 2):
        question = (await stub.wait_for("chat.postMessage", count=number))[-1]
        await slack.click(correct_button(question), "U0ALICE", "alice")
        await slack.click(wrong_button(question), "U0BOB", "bob")
        await wait_receipts(slack, "U0ALICE", number)
        await wait_receipts(slack, "U0BOB", number)
        clock.advance(21)
        await slack.tick()
    await stub.wait_for("chat.postMessage", count=3)

    await slack.command("leaderboard workspace week", "U0CAROL", "carol")
    [board] = await stub.command_replies()
    assert board.params["response_type"] == "in_channel"
    text = text_of(board)
    assert "Leaderboard: this workspace, this week" in text
    assert text.index("alice") < text.index("bob")
    assert "(2/2 right)" in text and "(0/2 right)" in text

    await slack.command("leaderboard", "U0CAROL", "carol")
    await slack.command("leaderboard sideways", "U0CAROL", "carol")
    await slack.command("banks", "U0CAROL", "carol")
    replies = await stub.command_replies(4)  # answered in any order
    channel_board = next(c for c in replies if "this channel, all time" in c.params["text"])
    assert "alice" in text_of(channel_board)
    assert any("`sideways`" in c.params["text"] for c in replies)
    banks = next(c for c in replies if "Question banks" in c.params["text"])
    assert "*slack-mc*" in text_of(banks)
    assert "Slack &lt;test&gt; &amp; bank" in text_of(banks)


async def test_start_errors_are_told_to_the_user(slack: SlackDriver) -> None:
    await slack.command("start no-such-bank", "U0ALICE", "alice")
    await slack.command("start slack-mc 2 20", "U0ALICE", "alice")
    await slack.stub.wait_for("chat.postMessage")
    await slack.command("start slack-mc 2 20", "U0BOB", "bob")
    replies = await slack.stub.command_replies(2)
    texts = [c.params["text"] for c in replies]
    assert any("no-such-bank" in t for t in texts)
    assert any("already running" in t for t in texts)
    assert all(c.params["response_type"] == "ephemeral" for c in replies)
    assert len(slack.stub.of("chat.postMessage")) == 1
