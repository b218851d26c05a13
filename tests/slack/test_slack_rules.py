"""Slack's real rules, end to end: issue 15's findings as users (and workspaces) meet them.

The real Bolt app over the real core, against the stub Web API with its default (real)
rules. Each test states what a user sees through the stub, or what the database holds
through QuizApp; on the code of issue 15's day they fail:

- finding 3: a click carrying another channel's round, or coming from another workspace,
  is refused (not "Recorded"), and that round counts no answer;
- finding 4: ``/quiz leaderboard all`` shows no other workspace's players;
- finding 7: when a workspace uninstalls the app (``app_uninstalled``) or its tokens are
  revoked (``tokens_revoked``), its quizzes and daily questions stop and its tokens are
  deleted;
- finding 9: a question with ten options of 400 characters shows all ten.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from bot.clock import FakeClock
from bot.services import QuizApp
from bot.services.importer import load_shipped_banks
from bot.views import ChannelRef
from tests.slack.conftest import CHANNEL, Reply, SlackDriver
from tests.slack.slack_reading import correct_button, receipts_for, text_of, wait_receipts, winners
from tests.slack.stub_slack_api import Call

OTHER_CHANNEL = "C0OTHER"
THIRD_TEAM, THIRD_TOKEN = "T0THREE", "xoxb-third-workspace"
STOP_WITHIN = 5.0

# slack_sdk's oauth.v2.access call uses aiohttp's BasicAuth, which aiohttp deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


async def install(slack: SlackDriver, team: str, token: str) -> None:
    """Install the app in ``team`` through the OAuth flow; the stub issues ``token``."""
    slack.stub.oauth_team, slack.stub.oauth_token = team, token
    page = await slack.get("/slack/install")
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page.text)
    assert link, page.text
    [state] = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)["state"]
    cookie = page.headers["Set-Cookie"].split(";")[0]
    done = await slack.get(
        f"/slack/oauth_redirect?code=code-{team}&state={state}", headers={"Cookie": cookie}
    )
    assert done.status == 200, done.text


async def start(slack: SlackDriver, channel: str, team: str | None = None) -> Call:
    """``/quiz start slack-mc 1 20`` in a channel (of ``team``); the question posted."""
    if team is not None:
        slack.team = team
    before = len([c for c in slack.stub.of("chat.postMessage") if c.params["channel"] == channel])
    assert (await slack.command("start slack-mc 1 20", "U0HOST", "host", channel)).status == 200
    posted = await slack.stub.wait_for(
        "chat.postMessage", lambda c: c.params["channel"] == channel, count=before + 1
    )
    return posted[-1]


async def reveal_of(slack: SlackDriver, clock: FakeClock, question: Call) -> Call:
    """Close the open rounds (the deadline passes) and return ``question``'s reveal."""
    clock.advance(21)
    await slack.tick()
    [reveal] = await slack.stub.wait_for("chat.update", lambda c: c.params["ts"] == question.ts)
    return reveal


async def eventually(alive: Callable[[], Awaitable[list[str]]]) -> list[str]:
    """Wait (at most STOP_WITHIN s) until ``alive()`` names nothing; what it names then."""
    deadline = asyncio.get_running_loop().time() + STOP_WITHIN
    while True:
        left = await alive()
        if not left or asyncio.get_running_loop().time() > deadline:
            return left
        await asyncio.sleep(0.05)


# -- finding 3: answers bound to their channel and workspace -----------------------------------


async def test_a_click_carrying_another_channels_round_is_refused(
    slack: SlackDriver, clock: FakeClock
) -> None:
    here = await start(slack, CHANNEL)
    there = await start(slack, OTHER_CHANNEL)
    # A forged click in this channel's question, carrying the other channel's round.
    await slack.click(
        correct_button(there), "U0MALLORY", "mallory", channel=CHANNEL, message_ts=here.ts
    )
    [receipt] = await wait_receipts(slack, "U0MALLORY", 1)
    assert "Recorded" not in receipt, receipt
    reveal = await reveal_of(slack, clock, there)
    assert winners(reveal) == set() and "0 answers" in text_of(reveal)


async def test_a_click_from_another_workspace_is_refused(
    slack_oauth: SlackDriver, clock: FakeClock
) -> None:
    slack = slack_oauth
    home_team = slack.stub.oauth_team
    await install(slack, home_team, slack.stub.oauth_token)
    await install(slack, THIRD_TEAM, THIRD_TOKEN)
    question = await start(slack, CHANNEL, home_team)
    slack.team = THIRD_TEAM  # someone in the third workspace sends the same button
    await slack.click(correct_button(question), "U3MALLORY", "mallory", message_ts=question.ts)
    [receipt] = await wait_receipts(slack, "U3MALLORY", 1)
    assert "Recorded" not in receipt, receipt
    slack.team = home_team
    reveal = await reveal_of(slack, clock, question)
    assert winners(reveal) == set() and "0 answers" in text_of(reveal)


# -- finding 4: leaderboards stay inside their workspace -----------------------------------------


async def test_no_leaderboard_shows_another_workspaces_players(
    slack_oauth: SlackDriver, clock: FakeClock
) -> None:
    slack = slack_oauth
    home_team = slack.stub.oauth_team
    await install(slack, home_team, slack.stub.oauth_token)
    await install(slack, THIRD_TEAM, THIRD_TOKEN)
    for team, user, name in ((THIRD_TEAM, "U3BOB", "bob"), (home_team, "U2ALICE", "alice")):
        question = await start(slack, CHANNEL, team)
        await slack.click(correct_button(question), user, name, message_ts=question.ts)
        await wait_receipts(slack, user, 1)
        await reveal_of(slack, clock, question)

    slack.team = home_team
    # "all" is a period (all time); the widest scope is the workspace.
    for words in ("leaderboard all", "leaderboard workspace all"):
        await slack.command(words, "U2ALICE", "alice")
    boards = await slack.stub.command_replies(2)
    assert "this channel, all time" in text_of(boards[0])
    assert "this workspace, all time" in text_of(boards[1])
    for board in boards:
        shown = text_of(board)
        assert "alice" in shown
        assert "bob" not in shown  # bob plays in another workspace


# -- finding 7: uninstalls and revoked tokens stop the workspace -----------------------------


async def uninstalled_workspace_stops(
    slack: SlackDriver, quiz: QuizApp, leave: Callable[[], Awaitable[Reply]]
) -> None:
    team = slack.stub.oauth_team
    await install(slack, team, slack.stub.oauth_token)
    await start(slack, CHANNEL, team)
    await slack.command("daily 13:00 UTC slack-mc", "U0ADMIN", "admin", "C0DAILY")
    await slack.stub.command_replies()
    quiz_here, daily_here = ChannelRef("slack", team, CHANNEL), ChannelRef("slack", team, "C0DAILY")
    assert await quiz.open_round(quiz_here) is not None
    assert (await quiz.daily(daily_here)).enabled
    store = slack.bot.installation_store
    assert store is not None

    reply = await leave()

    async def alive() -> list[str]:
        left = []
        if await quiz.open_round(quiz_here) is not None:
            left.append("the quiz is running")
        if (await quiz.daily(daily_here)).enabled:
            left.append("the daily question is on")
        if await store.async_find_bot(enterprise_id=None, team_id=team) is not None:
            left.append("the bot token is stored")
        return left

    left = await eventually(alive)
    assert left == [], f"after the workspace left ({reply.status} {reply.text!r}): {left}"
    assert reply.status == 200  # acknowledged, so Slack does not send it again


async def test_app_uninstalled_stops_the_workspace_and_forgets_its_token(
    slack_oauth: SlackDriver, quiz: QuizApp
) -> None:
    await uninstalled_workspace_stops(slack_oauth, quiz, slack_oauth.uninstall)


async def test_tokens_revoked_stops_the_workspace_and_forgets_its_token(
    slack_oauth: SlackDriver, quiz: QuizApp
) -> None:
    await uninstalled_workspace_stops(slack_oauth, quiz, slack_oauth.revoke_tokens)


# -- finding 9: every option shown, whatever its length ----------------------------------------

LONG_OPTIONS = """
bank: long-options
title: Long options
questions:
  - type: multiple_choice
    question: Which of these long statements is right?
    options: [{options}]
    answer: J
"""


async def test_ten_long_options_are_all_shown(
    slack: SlackDriver, quiz: QuizApp, clock: FakeClock, tmp_path: Path
) -> None:
    options = [f"Statement {label} " + label.lower() * 388 for label in "ABCDEFGHIJ"]
    folder = tmp_path / "long"
    folder.mkdir()
    bank = LONG_OPTIONS.format(options=", ".join(f'"{o}"' for o in options))
    (folder / "long-options.yaml").write_text(bank, encoding="utf-8")
    async with quiz.db.transaction() as session:
        await load_shipped_banks(session, clock, folder=folder)

    await slack.command("start long-options 1 30", "U0ALICE", "alice")
    [question] = await slack.stub.wait_for("chat.postMessage")
    shown = text_of(question)
    missing = [o.split()[1] for o in options if o not in shown]
    assert missing == [], f"options not shown whole: {missing}"
    assert len(question.buttons()) == 10
    assert receipts_for(slack, "U0ALICE") == []
