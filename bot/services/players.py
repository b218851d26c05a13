"""Players' records: find a player, their stats (accuracy, topics, streaks, reviews due), reset.

Stats are computed on demand from answers, flashcard states and daily streaks: they are
asked for one player at a time, from chat or the CLI.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.errors import QuizbotError
from bot.i18n import _, ngettext
from bot.store.database import Database
from bot.store.models import (
    AnswerRow,
    DailyScheduleRow,
    DailyStreakRow,
    FlashcardStateRow,
    PlayerRow,
    QuestionRow,
    RoundRow,
    ScoreRow,
)
from bot.views import PlayerRef, PlayerStats, TopicStats


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
        raise QuizbotError(_("no player called {who}").format(who=repr(who)))
    if len(found) > 1:
        where = ", ".join(f"{p.platform}/{p.workspace}/{p.user_id}" for p in found[:5])
        raise QuizbotError(
            ngettext(
                "{count} player matches {who} ({where}): add --platform and --workspace",
                "{count} players match {who} ({where}): add --platform and --workspace",
                len(found),
            ).format(count=len(found), who=repr(who), where=where)
        )
    return found[0]


def _runs(results: list[bool]) -> tuple[int, int]:
    """(current, best) runs of True in a sequence, current being the run at its end."""
    best = run = 0
    for correct in results:
        run = run + 1 if correct else 0
        best = max(best, run)
    return run, best


async def player_stats(session: AsyncSession, player: PlayerRow, now: datetime) -> PlayerStats:
    """Everything a player's record shows, as of ``now``."""
    history = [
        bool(c)
        for c in (
            await session.execute(
                select(AnswerRow.correct)
                .where(AnswerRow.player_id == player.id)
                .order_by(AnswerRow.answered_at, AnswerRow.id)
            )
        ).scalars()
    ]
    streak, best_streak = _runs(history)
    points = await session.scalar(
        select(func.coalesce(func.sum(AnswerRow.points), 0)).where(AnswerRow.player_id == player.id)
    )
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
    decks = dict(
        (
            await session.execute(
                select(
                    FlashcardStateRow.deck,
                    func.sum(case((FlashcardStateRow.due <= now, 1), else_=0)),
                )
                .where(FlashcardStateRow.player_id == player.id)
                .group_by(FlashcardStateRow.deck)
            )
        ).all()
    )
    counts = dict(
        (
            await session.execute(
                select(FlashcardStateRow.deck, func.count())
                .where(FlashcardStateRow.player_id == player.id)
                .group_by(FlashcardStateRow.deck)
            )
        ).all()
    )
    daily = daily_best = 0
    streaks = (
        await session.execute(
            select(DailyStreakRow, DailyScheduleRow.timezone)
            .outerjoin(DailyScheduleRow, DailyScheduleRow.channel_id == DailyStreakRow.channel_id)
            .where(DailyStreakRow.player_id == player.id)
        )
    ).all()
    if streaks:  # the daily service (and fsrs with it) only for a player with daily streaks
        from bot.services.daily import current_daily_streak, local_day
    for row, zone in streaks:
        daily = max(daily, current_daily_streak(row, local_day(now, zone or "UTC")))
        daily_best = max(daily_best, row.best or 0)
    return PlayerStats(
        platform=player.platform,
        workspace=player.workspace,
        user=player.user_id,
        name=player.name or player.user_id,
        answered=len(history),
        correct=sum(history),
        points=int(points or 0),
        streak=streak,
        best_streak=best_streak,
        daily_streak=daily,
        best_daily_streak=daily_best,
        cards_due=int(decks.get("flashcard") or 0),
        mistakes_due=int(decks.get("mistake") or 0),
        mistakes=int(counts.get("mistake") or 0),
        cards_reviewed=int(counts.get("flashcard") or 0),
        topics=tuple(
            TopicStats(topic or "(no topic)", int(n), int(c or 0)) for topic, n, c in by_topic
        ),
    )


async def stats_for(db: Database, clock: Clock, who: PlayerRef) -> PlayerStats:
    """The stats of the player behind a chat user (all zero for someone new)."""
    from bot.services.records import ensure_player

    async with db.transaction() as session:
        player = await session.get(PlayerRow, await ensure_player(session, who))
        assert player is not None
        return await player_stats(session, player, clock.now())


async def reset_player(session: AsyncSession, player: PlayerRow, *, flashcards: bool) -> int:
    """Forget a player's answers and leaderboard points (and flashcard schedule if asked)."""
    answers = await session.execute(delete(AnswerRow).where(AnswerRow.player_id == player.id))
    await session.execute(delete(ScoreRow).where(ScoreRow.player_id == player.id))
    await session.execute(delete(DailyStreakRow).where(DailyStreakRow.player_id == player.id))
    states = delete(FlashcardStateRow).where(FlashcardStateRow.player_id == player.id)
    if not flashcards:
        states = states.where(FlashcardStateRow.deck == "mistake")
    await session.execute(states)
    return int(answers.rowcount or 0)
