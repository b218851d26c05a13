"""Teams: balancing (pure functions), and through the services on SQLite and PostgreSQL the
teams dealt from the joined players' history on the bank, late joiners placed, and the
teams' totals."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.services import QuizApp, lobby
from bot.services.records import ensure_channel, ensure_player
from bot.services.teams import form_teams, place_newcomers, team_scores
from bot.store.models import BankRow, QuizRow, ScoreRow
from bot.teams import Candidate, accuracy_of, balance, next_team, team_name
from bot.views import ChannelRef, PlayerRef
from tests.test_engine import correct_letter, wrong_letter

HERE = ChannelRef("slack", "T1", "C1")


def ids(dealt: list[list[Candidate]]) -> list[list[int]]:
    return [[c.player_id for c in team] for team in dealt]


def strength(team: list[Candidate]) -> float:
    return sum(c.accuracy or 0.0 for c in team)


# -- balancing ---------------------------------------------------------------------------------


def test_four_players_in_two_teams_best_with_worst() -> None:
    players = [Candidate(1, 0.9), Candidate(2, 0.8), Candidate(3, 0.6), Candidate(4, 0.5)]
    dealt = balance(players, 2)
    assert ids(dealt) == [[1, 4], [2, 3]]
    assert strength(dealt[0]) == pytest.approx(strength(dealt[1]))


def test_snake_draft_over_three_teams_and_newcomers_spread_evenly() -> None:
    known = [Candidate(i, 1.0 - i / 10) for i in range(1, 7)]  # 0.9 .. 0.4
    newcomers = [Candidate(10 + i, None) for i in range(4)]
    dealt = balance(newcomers[:2] + known + newcomers[2:], 3)
    assert [ids(dealt)[t][:2] for t in range(3)] == [[1, 6], [2, 5], [3, 4]]
    sizes = sorted(len(team) for team in dealt)
    assert sizes == [3, 3, 4]
    # newcomers go to the team with the fewest players: one each before any gets two
    assert sorted(sum(c.accuracy is None for c in team) for team in dealt) == [1, 1, 2]


def test_all_newcomers_are_dealt_round_robin() -> None:
    dealt = balance([Candidate(i, None) for i in range(1, 6)], 2)
    assert ids(dealt) == [[1, 3, 5], [2, 4]]


def test_limits_names_and_history() -> None:
    with pytest.raises(ValueError):
        balance([], 1)
    with pytest.raises(ValueError):
        balance([], 5)
    assert [team_name(t) for t in (1, 2, 3, 4)] == ["Red", "Blue", "Green", "Gold"]
    assert accuracy_of(2, 2) is None and accuracy_of(3, 4) == 0.75
    assert next_team([[Candidate(1, 0.9)], [Candidate(2, 0.2)]]) == 1


# -- through the services ----------------------------------------------------------------------


async def _history(app: QuizApp, who: PlayerRef, correct: int, answered: int, bank: str) -> None:
    async with app.db.transaction() as session:
        bank_id = await session.scalar(select(BankRow.id).where(BankRow.name == bank))
        session.add(
            ScoreRow(
                player_id=await ensure_player(session, who),
                channel_id=await ensure_channel(session, HERE),
                bank_id=bank_id,
                platform=HERE.platform,
                workspace=HERE.workspace,
                day=date(2026, 1, 1),
                points=correct * 10,
                correct=correct,
                answered=answered,
            )
        )


async def test_a_four_player_two_team_game_is_balanced_and_adds_up_team_totals(
    app: QuizApp, clock: FakeClock
) -> None:
    ann, bob, cat, dan, eve = (PlayerRef("slack", "T1", f"U{n}", n) for n in "ABCDE")
    await _history(app, ann, 9, 10, "demo")  # 0.9
    await _history(app, bob, 8, 10, "demo")  # 0.8
    await _history(app, cat, 5, 10, "demo")  # 0.5
    await _history(app, dan, 10, 10, "crm-podcast")  # another bank's: a newcomer here
    view = await app.quizzes.start(HERE, ann, "demo", 4, 30, seed=3)
    async with app.db.transaction() as session:
        quiz = await session.get(QuizRow, view.quiz_id)
        assert quiz is not None
        quiz.teams = 2
        for who in (ann, bob, cat, dan):
            await lobby.join(session, quiz.id, await ensure_player(session, who), clock.now())
        teams = await form_teams(session, quiz)
    assert [(t.name, t.members, t.points) for t in teams] == [
        ("Red", ("A", "D"), 0),  # 0.9 and the newcomer
        ("Blue", ("B", "C"), 0),  # 0.8 and 0.5
    ]
    right = await correct_letter(app, view)
    for who in (ann, bob, dan):
        await app.answer(view.round_id, who, right)
    await app.answer(view.round_id, cat, wrong_letter(view, right))
    clock.advance(30)
    await app.close_due_rounds()
    async with app.db.transaction() as session:
        quiz = await session.get(QuizRow, view.quiz_id)
        assert quiz is not None
        await lobby.join(session, quiz.id, await ensure_player(session, eve), clock.now())
        await place_newcomers(session, quiz)
        scores = await team_scores(session, quiz)
        again = await form_teams(session, quiz)  # once dealt, the teams stay
    assert [(t.rank, t.name, t.points) for t in scores] == [(1, "Red", 20), (2, "Blue", 10)]
    assert scores[0].members == ("A", "D", "E")  # the late joiner: to the weaker of two equals
    assert [t.members for t in again] == [t.members for t in scores]


async def test_not_a_team_game_has_no_teams(app: QuizApp) -> None:
    view = await app.quizzes.start(HERE, PlayerRef("slack", "T1", "U1", "A"), "demo", 2, 30)
    async with app.db.transaction() as session:
        quiz = await session.get(QuizRow, view.quiz_id)
        assert quiz is not None and quiz.teams is None
        assert await form_teams(session, quiz) == ()
        assert await team_scores(session, quiz) == ()


async def test_a_team_game_deals_teams_as_it_begins_and_shows_totals_each_round_and_at_the_end(
    app: QuizApp, clock: FakeClock
) -> None:
    ann, bob, cat, dan = (PlayerRef("slack", "T1", f"U{n}", n) for n in "ABCD")
    await _history(app, ann, 9, 10, "demo")
    await _history(app, bob, 8, 10, "demo")
    await _history(app, cat, 6, 10, "demo")
    await _history(app, dan, 5, 10, "demo")
    lobby_view = await app.quizzes.start(
        HERE, ann, "demo", 2, 30, seed=3, lobby_seconds=60, teams=2
    )
    for who in (bob, cat, dan):
        await app.quizzes.join(lobby_view.quiz_id, who, HERE)
    begun = await app.quizzes.begin(lobby_view.quiz_id, ann, HERE)
    assert begun is not None
    assert [(t.name, t.members) for t in begun.lobby.teams] == [
        ("Red", ("A", "D")),
        ("Blue", ("B", "C")),
    ]
    view = begun.question
    right = await correct_letter(app, view)
    await app.answer(view.round_id, ann, right)
    await app.answer(view.round_id, bob, wrong_letter(view, right))
    await app.answer(view.round_id, cat, right)
    outcome = (await app.answer(view.round_id, dan, right)).outcome  # all four answered
    assert outcome is not None
    assert [(t.rank, t.name, t.points) for t in outcome.team_scores] == [
        (1, "Red", 20),
        (2, "Blue", 10),
    ]
    async with app.db.transaction() as session:
        quiz = await session.get(QuizRow, view.quiz_id)
        assert quiz is not None and quiz.teams == 2
    results = await app.stop_quiz(HERE, ann)
    assert [(t.name, t.points) for t in results.teams] == [("Red", 20), ("Blue", 10)]
    assert {s.name: s.points for s in results.standings}["A"] == 10  # own points still count
    with pytest.raises(Exception, match="2 to 4 teams"):
        await app.quizzes.start(ChannelRef("slack", "T1", "C9"), ann, "demo", 2, 30, teams=5)
