"""Players as moderators see them: find one, their totals and accuracy by topic, reset them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, case, cast, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import QuizbotError
from bot.store.models import (
    AnswerRow,
    FlashcardStateRow,
    PlayerRow,
    QuestionRow,
    RoundRow,
    ScoreRow,
)


@dataclass(frozen=True, slots=True)
class TopicStats:
    topic: str
    answered: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class PlayerStats:
    """A player's record: answers, accuracy, points, and accuracy per topic."""

    platform: str
    workspace: str
    user: str
    name: str
    answered: int
    correct: int
    points: int
    cards_reviewed: int
    topics: tuple[TopicStats, ...]

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


async def find_players(
    session: AsyncSession, who: str, platform: str | None = None, workspace: str | None = None
) -> list[PlayerRow]:
    """Players whose user id or name is ``who`` (case-insensitive for names)."""
    query = select(PlayerRow).where(
        (PlayerRow.user_id == who) | (func.lower(PlayerRow.name) == who.lower())
    )
    if platform:
        query = query.where(PlayerRow.platform == platform)
    if workspace:
        query = query.where(PlayerRow.workspace == workspace)
    return list((await session.execute(query.order_by(PlayerRow.id))).scalars())


async def find_player(
    session: AsyncSession, who: str, platform: str | None = None, workspace: str | None = None
) -> PlayerRow:
    """Exactly one player, or an error that says how to narrow it down."""
    found = await find_players(session, who, platform, workspace)
    if not found:
        raise QuizbotError(f"no player called {who!r}")
    if len(found) > 1:
        where = ", ".join(f"{p.platform}/{p.workspace}/{p.user_id}" for p in found[:5])
        raise QuizbotError(
            f"{len(found)} players match {who!r} ({where}): add --platform and --workspace"
        )
    return found[0]


async def player_stats(session: AsyncSession, player: PlayerRow) -> PlayerStats:
    correct = func.sum(cast(AnswerRow.correct, Integer))
    totals = (
        await session.execute(
            select(func.count(AnswerRow.id), correct, func.sum(AnswerRow.points)).where(
                AnswerRow.player_id == player.id
            )
        )
    ).one()
    by_topic = await session.execute(
        select(
            QuestionRow.topic,
            func.count(AnswerRow.id),
            func.sum(case((AnswerRow.correct, 1), else_=0)),
        )
        .join(RoundRow, RoundRow.id == AnswerRow.round_id)
        .join(QuestionRow, QuestionRow.id == RoundRow.question_id)
        .where(AnswerRow.player_id == player.id)
        .group_by(QuestionRow.topic)
        .order_by(QuestionRow.topic)
    )
    reviewed = await session.scalar(
        select(func.count())
        .select_from(FlashcardStateRow)
        .where(FlashcardStateRow.player_id == player.id)
    )
    return PlayerStats(
        platform=player.platform,
        workspace=player.workspace,
        user=player.user_id,
        name=player.name or player.user_id,
        answered=int(totals[0] or 0),
        correct=int(totals[1] or 0),
        points=int(totals[2] or 0),
        cards_reviewed=int(reviewed or 0),
        topics=tuple(
            TopicStats(topic or "(no topic)", int(n), int(c or 0)) for topic, n, c in by_topic
        ),
    )


async def reset_player(session: AsyncSession, player: PlayerRow, *, flashcards: bool) -> int:
    """Forget a player's answers and leaderboard points (and flashcard schedule if asked)."""
    answers = await session.execute(delete(AnswerRow).where(AnswerRow.player_id == player.id))
    await session.execute(delete(ScoreRow).where(ScoreRow.player_id == player.id))
    if flashcards:
        await session.execute(
            delete(FlashcardStateRow).where(FlashcardStateRow.player_id == player.id)
        )
    return int(answers.rowcount or 0)
