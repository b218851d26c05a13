"""A player's mistakes: quiz questions they got wrong, kept as fsrs cards ("mistake" deck).

A wrong answer rates the question's card Again (creating it, counting the miss); a right
answer to a question already in the deck rates it Good, so it comes back less often; a right
answer given after a hint rates it Hard (creating it: the player needed help).
"Review my mistakes" asks the due ones first, then the most recently and most often missed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from fsrs import Card, Rating, Scheduler
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import FlashcardStateRow, QuestionRow

MISTAKE_DECK = "mistake"


class SettledAnswer(Protocol):
    """What settling needs of an answer (a row of a closed round's answers)."""

    @property
    def player_id(self) -> int: ...

    @property
    def correct(self) -> bool: ...

    @property
    def hinted(self) -> bool: ...


async def record_mistakes(
    session: AsyncSession,
    scheduler: Scheduler,
    question: QuestionRow,
    answers: Sequence[SettledAnswer],
    now: datetime,
) -> None:
    """Feed a closed round's answers into each player's mistake cards."""
    if not answers:
        return
    states = {
        state.player_id: state
        for state in (
            await session.execute(
                select(FlashcardStateRow).where(
                    FlashcardStateRow.question_id == question.id,
                    FlashcardStateRow.player_id.in_([a.player_id for a in answers]),
                )
            )
        ).scalars()
    }
    for answer in answers:
        state = states.get(answer.player_id)
        if answer.correct and not answer.hinted and state is None:
            continue  # right the first time, unaided: nothing to review
        if state is None:
            state = FlashcardStateRow(
                player_id=answer.player_id,
                question_id=question.id,
                bank_id=question.bank_id,
                card={},
                due=now,
                reviews=0,
                deck=MISTAKE_DECK,
                misses=0,
            )
            session.add(state)
        # An explicit card_id: without one fsrs sleeps 1 ms (in the event loop) to make one.
        card = Card.from_dict(state.card) if state.card else Card(card_id=question.id, due=now)
        if not answer.correct:
            rating = Rating.Again
        else:
            rating = Rating.Hard if answer.hinted else Rating.Good
        card, _log = scheduler.review_card(card, rating, now)
        state.card = card.to_dict()
        state.due = card.due
        state.reviews = (state.reviews or 0) + 1
        state.last_rating = rating.name.lower()
        state.last_review = now
        if not answer.correct:
            state.misses = (state.misses or 0) + 1
            state.last_missed = now


async def review_question_ids(
    session: AsyncSession, player_id: int, now: datetime, limit: int
) -> list[int]:
    """The player's missed questions to review: due first, then most recent, most missed."""
    due_first = (FlashcardStateRow.due > now).asc()  # False (due) sorts first
    rows = await session.execute(
        select(FlashcardStateRow.question_id)
        .join(QuestionRow, QuestionRow.id == FlashcardStateRow.question_id)
        .where(
            FlashcardStateRow.player_id == player_id,
            FlashcardStateRow.deck == MISTAKE_DECK,
            QuestionRow.active.is_(True),
        )
        .order_by(
            due_first,
            FlashcardStateRow.last_missed.desc(),
            FlashcardStateRow.misses.desc(),
            FlashcardStateRow.question_id,
        )
        .limit(limit)
    )
    return list(rows.scalars())
