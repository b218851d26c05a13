"""Leaderboards stay exact when many rounds, channels, workspaces, players and weeks mix."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

from bot.clock import FakeClock
from bot.services import QuizApp
from bot.services.leaderboards import LeaderboardFilter, period_start
from bot.views import AnswerStatus, ChannelRef, PlayerRef
from tests.test_engine import correct_letter, wrong_letter

CHANNELS = [
    ChannelRef("discord", "g1", "c1"),
    ChannelRef("discord", "g1", "c2"),
    ChannelRef("discord", "g2", "c3"),
    ChannelRef("slack", "T1", "C1"),
]


def players_of(where: ChannelRef) -> list[PlayerRef]:
    # The same user ids play in several channels of a workspace.
    return [
        PlayerRef(where.platform, where.workspace, f"u{i}", f"{where.workspace}-u{i}")
        for i in range(6)
    ]


async def play_batch(
    app: QuizApp, clock: FakeClock, rng: random.Random, points: Counter, week: int
) -> None:
    """Two quizzes per channel; records the expected points per (channel, player, week)."""
    for _ in range(2):
        for where in CHANNELS:
            view = await app.start_quiz(
                where, players_of(where)[0], "crm-podcast", 3, 30, seed=rng.randrange(1000)
            )
            while view is not None:
                right = await correct_letter(app, view)
                closed_by_answer = None
                for player in players_of(where):
                    if rng.random() < 0.3:
                        continue  # this player sits the round out
                    good = rng.random() < 0.5
                    choice = right if good else wrong_letter(view, right)
                    receipt = await app.answer(view.round_id, player, choice)
                    if receipt.status is AnswerStatus.RECORDED and good:
                        points[(where, player.user, week)] += 10
                    closed_by_answer = closed_by_answer or receipt.outcome
                if closed_by_answer is None:
                    clock.advance(30)
                    closed_by_answer = (await app.close_due_rounds())[0]
                view = closed_by_answer.next_question


def expected(points: Counter, keep) -> dict[str, int]:
    totals: Counter = Counter()
    for (where, user, week), value in points.items():
        if keep(where, week):
            totals[(where.platform, where.workspace, user)] += value
    return {f"{w}-{u}": v for (_p, w, u), v in totals.items() if v}


async def test_leaderboards_by_channel_workspace_all_and_week(
    app: QuizApp, clock: FakeClock
) -> None:
    rng = random.Random(2026)
    points: Counter = Counter()
    assert clock.now().date() == date(2026, 1, 5)  # a Monday
    await play_batch(app, clock, rng, points, week=1)
    clock.advance(days=8)  # the next Tuesday
    await play_batch(app, clock, rng, points, week=2)

    def board(rows) -> dict[str, int]:
        return {r.name: r.points for r in rows if r.points}

    here = CHANNELS[0]
    channel = await app.leaderboard(here, "channel", "all", limit=100)
    assert board(channel.rows) == expected(points, lambda w, _wk: w == here)
    channel_week = await app.leaderboard(here, "channel", "week", limit=100)
    assert board(channel_week.rows) == expected(points, lambda w, wk: w == here and wk == 2)
    by_bank = await app.leaderboard(here, "channel", "all", bank="crm-podcast", limit=100)
    assert board(by_bank.rows) == board(channel.rows)  # the general query, same answer
    same_id_elsewhere = await app.leaderboard(ChannelRef("discord", "g2", "c1"), "channel")
    assert same_id_elsewhere.rows == ()
    workspace = await app.leaderboard(here, "workspace", "all", limit=100)
    assert board(workspace.rows) == expected(points, lambda w, _wk: w.workspace == "g1")
    everyone = await app.leaderboard(here, "all", "all", limit=100)
    assert board(everyone.rows) == expected(points, lambda _w, _wk: True)
    week = await app.leaderboard(here, "workspace", "week", limit=100)
    assert board(week.rows) == expected(points, lambda w, wk: w.workspace == "g1" and wk == 2)
    assert week.title == "Leaderboard: this workspace, this week"  # chat adapters say "server"

    ordered = [r.points for r in everyone.rows]
    assert ordered == sorted(ordered, reverse=True)
    top3 = await app.leaderboard(here, "all", "all", limit=3)
    assert [r.name for r in top3.rows] == [r.name for r in everyone.rows[:3]]

    # The general query: a platform alone, a bank, a start day.
    slack_only = await app.leaderboards.query(LeaderboardFilter(platform="slack"), 100)
    assert board(slack_only) == expected(points, lambda w, _wk: w.platform == "slack")
    none_for_demo = await app.leaderboards.query(LeaderboardFilter(bank="demo"), 100)
    assert none_for_demo == ()
    since = period_start("week", clock.now().date())
    recent = await app.leaderboards.query(LeaderboardFilter(since=since), 100)
    assert board(recent) == expected(points, lambda _w, wk: wk == 2)
