"""A player's progress over time, for their own page: answers per day, the days they studied,
flashcards coming due, and every answer of theirs to download.

Everything is read for one player row, found by its whole key (platform, workspace, user);
nothing here writes. Days are UTC days.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import (
    AnswerRow,
    BankRow,
    FlashcardStateRow,
    PlayerRow,
    QuestionRow,
    QuizRow,
    RoundRow,
)

#: How far back the page's charts look.
HISTORY_DAYS = 182
FORECAST_DAYS = 14


@dataclass(frozen=True, slots=True)
class Progress:
    answers_per_day: dict[date, int]  # the last HISTORY_DAYS days with answers
    reviews_per_day: dict[date, int]  # days a flashcard was last reviewed (FSRS keeps the last)
    due_forecast: tuple[tuple[date, int], ...]  # today (overdue included) and the next days


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """One answer of the player, as downloaded."""

    answered_at: datetime
    quiz: int
    bank: str
    question: str
    topic: str
    choice: str
    correct: bool
    points: int


async def find_player_row(
    session: AsyncSession, platform: str, workspace: str, user: str
) -> PlayerRow | None:
    return (
        await session.execute(
            select(PlayerRow).where(
                PlayerRow.platform == platform,
                PlayerRow.workspace == workspace,
                PlayerRow.user_id == user,
            )
        )
    ).scalar()


async def progress(session: AsyncSession, player_id: int, now: datetime) -> Progress:
    today = now.date()
    since = datetime.combine(today - timedelta(days=HISTORY_DAYS), datetime.min.time(), now.tzinfo)
    answered = (
        await session.execute(
            select(AnswerRow.answered_at).where(
                AnswerRow.player_id == player_id, AnswerRow.answered_at >= since
            )
        )
    ).scalars()
    per_day = Counter(moment.date() for moment in answered)
    states = (
        await session.execute(
            select(FlashcardStateRow.due, FlashcardStateRow.last_review).where(
                FlashcardStateRow.player_id == player_id,
                FlashcardStateRow.deck == "flashcard",
            )
        )
    ).all()
    reviews = Counter(last.date() for _due, last in states if last is not None and last >= since)
    horizon = today + timedelta(days=FORECAST_DAYS)
    due = Counter(max(d.date(), today) for d, _last in states if d.date() < horizon)
    forecast = tuple(
        (today + timedelta(days=i), due.get(today + timedelta(days=i), 0))
        for i in range(FORECAST_DAYS)
    )
    return Progress(dict(per_day), dict(reviews), forecast)


async def answer_records(session: AsyncSession, player_id: int) -> list[AnswerRecord]:
    """Every answer of the player, oldest first."""
    rows = await session.execute(
        select(
            AnswerRow.answered_at,
            RoundRow.quiz_id,
            BankRow.name,
            QuestionRow.prompt,
            QuestionRow.topic,
            AnswerRow.choice,
            AnswerRow.correct,
            AnswerRow.points,
        )
        .join(RoundRow, RoundRow.id == AnswerRow.round_id)
        .join(QuizRow, QuizRow.id == RoundRow.quiz_id)
        .join(QuestionRow, QuestionRow.id == RoundRow.question_id)
        .join(BankRow, BankRow.id == QuestionRow.bank_id)
        .where(AnswerRow.player_id == player_id)
        .order_by(AnswerRow.answered_at, AnswerRow.id)
    )
    return [
        AnswerRecord(at, int(quiz), bank, prompt, topic, choice, bool(correct), int(points))
        for at, quiz, bank, prompt, topic, choice, correct, points in rows
    ]
