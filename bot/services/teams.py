"""Team games: dealing the joined players into balanced teams, and the teams' scores.

A quiz started with ``teams`` (2 to 4, ``quizzes.teams``) is a team game. When its join
phase ends (:meth:`bot.services.quizzes.Quizzes` begins it), :func:`form_teams` deals the
players who joined (``quiz_players``, :mod:`bot.services.lobby`) into teams balanced by
their accuracy on the quiz's bank (their ``scores``; see :func:`bot.teams.balance`) and
stores each one's ``quiz_players.team``. A player who joins later (or answers without
joining) is placed by :func:`place_newcomers` when the next round is scored: each goes to
the team with the fewest players. A team's score is the sum of its players' points in the
quiz's closed rounds (:func:`team_scores`); the players' own points still count for them.
All functions work in the caller's transaction.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import use_language
from bot.services.channel_settings import language_of
from bot.services.lobby import joined
from bot.store.models import AnswerRow, QuizPlayerRow, QuizRow, RoundRow, ScoreRow
from bot.teams import Candidate, accuracy_of, balance, next_team, team_name
from bot.views import TeamStanding


async def _accuracies(
    session: AsyncSession, bank_id: int | None, player_ids: list[int]
) -> dict[int, float | None]:
    """Each player's accuracy on the bank (None: too little history there)."""
    if bank_id is None or not player_ids:
        return dict.fromkeys(player_ids)
    rows = await session.execute(
        select(ScoreRow.player_id, func.sum(ScoreRow.correct), func.sum(ScoreRow.answered))
        .where(ScoreRow.bank_id == bank_id, ScoreRow.player_id.in_(player_ids))
        .group_by(ScoreRow.player_id)
    )
    found = {int(p): accuracy_of(int(c or 0), int(a or 0)) for p, c, a in rows}
    return {p: found.get(p) for p in player_ids}


async def _set_teams(session: AsyncSession, quiz_id: int, teams: dict[int, int]) -> None:
    for player_id, team in teams.items():
        await session.execute(
            update(QuizPlayerRow)
            .where(QuizPlayerRow.quiz_id == quiz_id, QuizPlayerRow.player_id == player_id)
            .values(team=team)
            .execution_options(synchronize_session=False)
        )


async def form_teams(session: AsyncSession, quiz: QuizRow) -> tuple[TeamStanding, ...]:
    """Deal a team game's joined players into balanced teams (once: players already in a
    team stay there); the teams as they start."""
    if not quiz.teams:
        return ()
    players = await joined(session, quiz.id)
    if all(p.team is None for p in players):
        accuracy = await _accuracies(session, quiz.bank_id, [p.player_id for p in players])
        dealt = balance(
            [Candidate(p.player_id, accuracy[p.player_id]) for p in players], quiz.teams
        )
        await _set_teams(
            session,
            quiz.id,
            {c.player_id: number for number, team in enumerate(dealt, 1) for c in team},
        )
    else:
        await place_newcomers(session, quiz)
    return await team_scores(session, quiz)


async def place_newcomers(session: AsyncSession, quiz: QuizRow) -> None:
    """Put a team game's players who have no team yet (late joiners) into the teams, each
    to the one with the fewest players, in the order they joined."""
    if not quiz.teams:
        return
    players = await joined(session, quiz.id)
    newcomers = [p for p in players if p.team is None]
    if not newcomers:
        return
    accuracy = await _accuracies(session, quiz.bank_id, [p.player_id for p in players])
    members: list[list[Candidate]] = [[] for _ in range(quiz.teams)]
    for p in players:
        if p.team is not None and 1 <= p.team <= quiz.teams:
            members[p.team - 1].append(Candidate(p.player_id, accuracy[p.player_id]))
    placed = {}
    for p in newcomers:
        team = next_team(members)
        members[team].append(Candidate(p.player_id, accuracy[p.player_id]))
        placed[p.player_id] = team + 1
    await _set_teams(session, quiz.id, placed)


async def team_scores(session: AsyncSession, quiz: QuizRow) -> tuple[TeamStanding, ...]:
    """A team game's teams ranked by their players' points in its closed rounds (ties share
    a rank; a team with nobody yet is listed too). Empty when it is not a team game.

    The teams' names are words, shown to the whole channel: they are written in the
    channel's language, whoever's click or command asked."""
    if not quiz.teams:
        return ()
    players = await joined(session, quiz.id)
    rows = await session.execute(
        select(QuizPlayerRow.team, func.coalesce(func.sum(AnswerRow.points), 0))
        .join(AnswerRow, AnswerRow.player_id == QuizPlayerRow.player_id)
        .join(RoundRow, RoundRow.id == AnswerRow.round_id)
        .where(
            QuizPlayerRow.quiz_id == quiz.id,
            QuizPlayerRow.team.is_not(None),
            RoundRow.quiz_id == quiz.id,
            RoundRow.status == "closed",
        )
        .group_by(QuizPlayerRow.team)
    )
    points = {int(team): int(total) for team, total in rows}
    numbers = sorted(range(1, quiz.teams + 1), key=lambda t: (-points.get(t, 0), t))
    with use_language(await language_of(session, quiz.channel_id)):
        names = {team: team_name(team) for team in numbers}
    standings = []
    rank = 0
    for place, team in enumerate(numbers, 1):
        if place == 1 or points.get(team, 0) != points.get(numbers[place - 2], 0):
            rank = place
        members = tuple(p.display_name for p in players if p.team == team)
        standings.append(TeamStanding(rank, team, names[team], points.get(team, 0), members))
    return tuple(standings)
