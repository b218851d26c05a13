"""Item analysis of a bank from real play: reads the answers, maps each back to the bank's
option, and hands them to :func:`bot.quality.items.analyse`.

Options are shuffled each time a question is asked: a round keeps its order
(``rounds.option_order[shown] = the bank's option index``) and an answer keeps the letter
the player clicked, so the letter's position in that order is the bank's option.

Counted: answers to closed rounds of normal quizzes and daily questions. Not counted:
"review my mistakes" (only players who missed a question see it again, which would bias
it), rounds still open, and questions retired from the bank. Questions are numbered as in
the bank (its active questions in order, flashcards included), like ``quizbot lint``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import OPTION_LETTERS, PLAYABLE_KINDS, Question, QuestionKind
from bot.quality.items import (
    DEFAULT_THRESHOLDS,
    ItemSpec,
    ItemStats,
    Response,
    Thresholds,
    analyse,
)
from bot.services.banks import find_bank, question_from_row
from bot.store.models import AnswerRow, QuestionRow, QuizRow, RoundRow

#: The quiz modes whose answers count (reviews are left out: see the module's docstring).
COUNTED_MODES = ("normal", "daily")


@dataclass(frozen=True, slots=True)
class QuestionItem:
    """One playable question of the bank with its statistics."""

    number: int  # its position in the bank, from 1
    question_id: int
    question: Question
    stats: ItemStats


@dataclass(frozen=True, slots=True)
class BankItemStats:
    """Item analysis of one bank."""

    bank: str
    title: str
    answers: int
    players: int
    thresholds: Thresholds
    items: tuple[QuestionItem, ...]


def bank_option(order: Sequence[Any], choice: str) -> int | None:
    """The bank's index of the option a player chose: ``choice`` is the letter shown,
    ``order`` the round's option order. None when it cannot be mapped."""
    letter = choice.strip().upper()
    if len(letter) != 1 or letter not in OPTION_LETTERS:
        return None
    shown = OPTION_LETTERS.index(letter)
    if shown >= len(order):
        return None
    original = order[shown]
    return original if isinstance(original, int) else None


def _order(raw: Any) -> list[Any]:
    """A round's option order read through ``CAST(... AS TEXT)`` (JSON text on both backends)."""
    if isinstance(raw, str):
        loaded = json.loads(raw)
        return loaded if isinstance(loaded, list) else []
    return list(raw or [])


async def bank_item_stats(
    session: AsyncSession, name: str, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> BankItemStats:
    """Item analysis of every playable question of the bank ``name``."""
    bank = await find_bank(session, name)
    rows = (
        await session.execute(
            select(QuestionRow)
            .where(QuestionRow.bank_id == bank.id, QuestionRow.active.is_(True))
            .order_by(QuestionRow.position, QuestionRow.id)
        )
    ).scalars()
    playable = {k.value for k in PLAYABLE_KINDS}
    numbered = [(number, row) for number, row in enumerate(rows, start=1) if row.kind in playable]
    by_id = {row.id: row for _n, row in numbered}

    # One row per player, question, shown order and choice: replays of the same round
    # shape collapse into a count, and the JSON order is grouped as text (PostgreSQL's
    # json type has no equality).
    order_text = cast(RoundRow.option_order, Text)
    grouped = await session.execute(
        select(
            AnswerRow.player_id,
            RoundRow.question_id,
            order_text,
            AnswerRow.choice,
            AnswerRow.correct,
            func.count(AnswerRow.id),
        )
        .join(RoundRow, RoundRow.id == AnswerRow.round_id)
        .join(QuizRow, QuizRow.id == RoundRow.quiz_id)
        .join(QuestionRow, QuestionRow.id == RoundRow.question_id)
        .where(
            QuestionRow.bank_id == bank.id,
            QuestionRow.active.is_(True),
            QuestionRow.kind.in_(playable),
            RoundRow.status == "closed",
            QuizRow.mode.in_(COUNTED_MODES),
        )
        .group_by(
            AnswerRow.player_id,
            RoundRow.question_id,
            order_text,
            AnswerRow.choice,
            AnswerRow.correct,
        )
    )
    responses = []
    for player_id, question_id, order, choice, correct, count in grouped:
        typed = by_id[question_id].kind == QuestionKind.TYPED.value
        option = None if typed else bank_option(_order(order), choice)
        responses.append(Response(player_id, question_id, bool(correct), option, int(count)))

    specs = [
        ItemSpec(
            row.id,
            0 if row.kind == QuestionKind.TYPED.value else len(row.options),
            row.correct,
        )
        for _n, row in numbered
    ]
    stats = analyse(specs, responses, thresholds)
    items = tuple(
        QuestionItem(number, row.id, question_from_row(row), item)
        for (number, row), item in zip(numbered, stats, strict=True)
    )
    return BankItemStats(
        bank=bank.name,
        title=bank.title,
        answers=sum(r.count for r in responses),
        players=len({r.player for r in responses}),
        thresholds=thresholds,
        items=items,
    )
