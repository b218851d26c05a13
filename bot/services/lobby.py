"""The lobby: who joined a quiz, and the join phase before its first question.

A quiz started with a lobby (``quizzes.lobby``) first runs a join phase: players join it
(``quiz_players``), the starter among them, until the starter (or a moderator) starts it or
its ``lobby_until`` passes. Its rounds then wait for the players who joined: each round's
``expected`` is how many joined, so it closes early once all of them answered. A player who
joins late (with the Join button, or by answering a round) raises the open round's
``expected`` by one, under the round's lock, so the round waits for them too.

The functions here work inside the caller's transaction; :class:`bot.services.quizzes.Quizzes`
uses them for the join phase, and teams read :func:`joined` (and set ``team``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.services.records import dialect_insert
from bot.store.models import PlayerRow, QuizPlayerRow, RoundRow

#: How long a join phase waits for players by default, in seconds.
LOBBY_SECONDS = 30
MIN_LOBBY_SECONDS, MAX_LOBBY_SECONDS = 5, 600

Executor = AsyncSession | AsyncConnection


@dataclass(frozen=True, slots=True)
class Joined:
    """A player who joined a quiz."""

    player_id: int
    user_id: str
    name: str
    joined_at: datetime
    team: int | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.user_id


async def join(session: Executor, quiz_id: int, player_id: int, now: datetime) -> bool:
    """Add a player to a quiz; False when they had joined already.

    A player who joins while a round is open raises that round's ``expected`` by one, so it
    waits for them too: the round is locked first (as an answer locks it), so an answer
    being counted sees either both the new player and the new ``expected`` or neither."""
    open_round = (
        await session.execute(
            select(RoundRow.id)
            .where(RoundRow.quiz_id == quiz_id, RoundRow.status == "open")
            .with_for_update(key_share=True)
        )
    ).scalar()
    inserted = (
        await session.execute(
            dialect_insert(session, QuizPlayerRow.__table__)
            .values(quiz_id=quiz_id, player_id=player_id, joined_at=now)
            .on_conflict_do_nothing(index_elements=["quiz_id", "player_id"])
            .returning(QuizPlayerRow.__table__.c.player_id)
        )
    ).first()
    if inserted is None:
        return False
    if open_round is not None:
        await session.execute(
            update(RoundRow)
            .where(RoundRow.id == open_round, RoundRow.status == "open")
            .values(expected=RoundRow.expected + 1)
            .execution_options(synchronize_session=False)
        )
    return True


async def joined(session: Executor, quiz_id: int) -> list[Joined]:
    """The players who joined a quiz, in the order they joined."""
    rows = await session.execute(
        select(
            QuizPlayerRow.player_id,
            PlayerRow.user_id,
            PlayerRow.name,
            QuizPlayerRow.joined_at,
            QuizPlayerRow.team,
        )
        .join(PlayerRow, PlayerRow.id == QuizPlayerRow.player_id)
        .where(QuizPlayerRow.quiz_id == quiz_id)
        .order_by(QuizPlayerRow.joined_at, QuizPlayerRow.player_id)
    )
    return [Joined(*row) for row in rows]


def joined_count_of(quiz_id: int) -> Any:
    """How many players joined a quiz, as a scalar subquery."""
    return (
        select(func.count())
        .select_from(QuizPlayerRow)
        .where(QuizPlayerRow.quiz_id == quiz_id)
        .scalar_subquery()
    )


async def joined_count(session: Executor, quiz_id: int) -> int:
    """How many players joined a quiz."""
    count = await session.scalar(
        select(func.count()).select_from(QuizPlayerRow).where(QuizPlayerRow.quiz_id == quiz_id)
    )
    return int(count or 0)
