"""A bank's answer tallies: how each question is answered, per workspace, kept as rounds close.

:func:`tally_round` runs when a round of a normal quiz or a daily question settles (the
answers item analysis counts; not reviews): each answer's letter is mapped through the
round's shown order to the bank's option (-1 for typed answers), and one upsert adds the
round's answers and right answers per option to ``question_tallies``; the players go into
``bank_players``. :func:`bank_figures` reads them back for a bank page, for one workspace
or all: a few rows per question, whatever the number of answers. It gives each question's
share right, option picks and the flags that need no per-player data (too easy, too hard,
dead distractors); discrimination (the "key may be wrong" flag) needs every player's
answers and stays with ``quizbot questions stats``
(:func:`bot.services.item_stats.bank_item_stats`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import PLAYABLE_KINDS, BankInfo, Question, QuestionKind
from bot.quality.items import DEFAULT_THRESHOLDS, ItemSpec, Thresholds, from_tallies
from bot.services.banks import find_bank, question_from_row
from bot.services.item_stats import BankItemStats, QuestionItem, bank_option
from bot.services.records import insert_for
from bot.store.models import (
    BankPlayerRow,
    ChannelRow,
    QuestionRow,
    QuestionTallyRow,
    RoundRow,
)

#: The option of a typed answer, or of a choice that cannot be mapped to the bank's.
NO_OPTION = -1


def _tally_statement(dialect: str) -> Any:
    stmt = insert_for(dialect, QuestionTallyRow.__table__)
    table = QuestionTallyRow.__table__.c
    return stmt.on_conflict_do_update(
        index_elements=["question_id", "platform", "workspace", "bank_option"],
        set_={
            "answered": table.answered + stmt.excluded.answered,
            "correct": table.correct + stmt.excluded.correct,
        },
    )


def _players_statement(dialect: str) -> Any:
    return insert_for(dialect, BankPlayerRow.__table__).on_conflict_do_nothing(
        index_elements=["bank_id", "player_id"]
    )


#: The two upserts, built once per backend.
_TALLY = {d: _tally_statement(d) for d in ("postgresql", "sqlite")}
_PLAYERS = {d: _players_statement(d) for d in ("postgresql", "sqlite")}


async def tally_round(
    session: AsyncSession,
    question: QuestionRow,
    rnd: RoundRow,
    channel: ChannelRow,
    answers: Sequence[Any],
) -> None:
    """Add a settled round's answers (rows with ``player_id``, ``choice``, ``correct``) to
    its question's tallies in the channel's workspace, and its players to the bank's."""
    if not answers:
        return
    typed = question.kind == QuestionKind.TYPED.value
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for answer in answers:
        option = None if typed else bank_option(rnd.option_order, answer.choice)
        tally = counts[NO_OPTION if option is None else option]
        tally[0] += 1
        tally[1] += int(bool(answer.correct))
    where = {"platform": channel.platform, "workspace": channel.workspace}
    dialect = session.get_bind().dialect.name
    # In key order, so concurrent rounds of one question take their row locks alike.
    await session.execute(
        _TALLY[dialect],
        [
            {"question_id": question.id, "bank_option": option, "answered": n, "correct": right}
            | where
            for option, (n, right) in sorted(counts.items())
        ],
    )
    await session.execute(
        _PLAYERS[dialect],
        [
            {"bank_id": question.bank_id, "player_id": player, **where}
            for player in sorted({answer.player_id for answer in answers})
        ],
    )


@dataclass(frozen=True, slots=True)
class BankFigures:
    """What a bank page shows: the bank, its playable questions with their figures, and all
    its active questions in order (flashcards too)."""

    info: BankInfo
    stats: BankItemStats
    questions: list[Question]


async def bank_figures(
    session: AsyncSession,
    name: str,
    platform: str = "",
    workspace: str = "",
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> BankFigures:
    """The bank ``name`` with each playable question's share right and option picks, from
    the tallies of one workspace (``platform`` and ``workspace``; all when empty): four
    statements, each reading a few rows per question whatever the number of answers."""
    bank = await find_bank(session, name)
    rows = list(
        (
            await session.execute(
                select(QuestionRow)
                .where(QuestionRow.bank_id == bank.id, QuestionRow.active.is_(True))
                .order_by(QuestionRow.position, QuestionRow.id)
            )
        ).scalars()
    )
    tallies = (
        select(
            QuestionTallyRow.question_id,
            QuestionTallyRow.bank_option,
            func.sum(QuestionTallyRow.answered),
            func.sum(QuestionTallyRow.correct),
        )
        .join(QuestionRow, QuestionRow.id == QuestionTallyRow.question_id)
        .where(QuestionRow.bank_id == bank.id, QuestionRow.active.is_(True))
        .group_by(QuestionTallyRow.question_id, QuestionTallyRow.bank_option)
    )
    players = select(func.count()).where(BankPlayerRow.bank_id == bank.id)
    if platform:
        tallies = tallies.where(QuestionTallyRow.platform == platform)
        players = players.where(BankPlayerRow.platform == platform)
    if workspace:
        tallies = tallies.where(QuestionTallyRow.workspace == workspace)
        players = players.where(BankPlayerRow.workspace == workspace)
    by_question: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for question_id, option, answered, correct in await session.execute(tallies):
        by_question[question_id][int(option)] = (int(answered or 0), int(correct or 0))

    playable = {k.value for k in PLAYABLE_KINDS}
    questions = [question_from_row(row) for row in rows]
    items = []
    for number, (row, question) in enumerate(zip(rows, questions, strict=True), start=1):
        if row.kind not in playable:
            continue
        typed = row.kind == QuestionKind.TYPED.value
        spec = ItemSpec(row.id, 0 if typed else len(row.options), row.correct)
        stats = from_tallies(spec, by_question.get(row.id, {}), thresholds)
        items.append(QuestionItem(number, row.id, question, stats))
    stats = BankItemStats(
        bank=bank.name,
        title=bank.title,
        answers=sum(item.stats.asked for item in items),
        players=int(await session.scalar(players) or 0),
        thresholds=thresholds,
        items=tuple(items),
    )
    info = BankInfo(bank.name, bank.title, bank.description, bank.source, bank.language)
    return BankFigures(info, stats, questions)


async def bank_tally_stats(
    session: AsyncSession,
    name: str,
    platform: str = "",
    workspace: str = "",
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> BankItemStats:
    """:func:`bank_figures`' playable questions with their figures."""
    return (await bank_figures(session, name, platform, workspace, thresholds)).stats
