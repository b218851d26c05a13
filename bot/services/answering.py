"""The answer path: one click recorded in one short transaction of statements built once.

A click is the busiest thing the bot does, so this path is written in SQLAlchemy Core with
statements built at import and run with parameters (no ORM entities, no statement built
per click). Per click, on one connection:

1. lock and read the round with its quiz and question (``FOR NO KEY UPDATE OF rounds`` on
   PostgreSQL; SQLite serialises writers with ``BEGIN IMMEDIATE``), so a round cannot close
   between the check and the insert, and answers to one round take turns; the same
   statement finds the player's row (its id and name), so a player the process has not
   seen yet costs no statement of its own;
2. insert the answer with ``ON CONFLICT DO NOTHING`` (one answer per round and player is the
   database's rule);
3. if it went in, bump the round's counts (``rounds.answered_count``, and
   ``rounds.regulars_answered`` when the player answered an earlier round of the quiz) and
   read them back; on PostgreSQL steps 2 and 3 are one statement.

Because answers to one round take turns under the round's lock, the counts are exact and
cost the same however many answers the round has: the click that brings the regulars' count
up to ``rounds.expected`` is the one that closes the round early. Anything unusual (a new or
renamed player, a repeated click) takes a slower path that is allowed to be slow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Integer,
    String,
    bindparam,
    case,
    exists,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.answers import matches
from bot.domain import OPTION_LETTERS, QuestionKind
from bot.services.records import PlayerIds
from bot.store.models import AnswerRow, ChannelRow, PlayerRow, QuestionRow, QuizRow, RoundRow
from bot.views import AnswerReceipt, AnswerStatus, ChannelRef, PlayerRef

MAX_TYPED_ANSWER = 500
NOT_HERE = "that question was not asked here"

_rounds = RoundRow.__table__
_quizzes = QuizRow.__table__
_questions = QuestionRow.__table__
_answers = AnswerRow.__table__
_channels = ChannelRow.__table__
_players = PlayerRow.__table__

#: The round with what validating a click needs, locked against closing.
ROUND_FOR_ANSWER = (
    select(
        _rounds.c.status,
        _rounds.c.deadline,
        _rounds.c.option_order,
        _rounds.c.number,
        _rounds.c.expected,
        _rounds.c.answered_count,
        _quizzes.c.id.label("quiz_id"),
        _quizzes.c.mode,
        _quizzes.c.solo,
        _quizzes.c.started_by,
        _questions.c.kind,
        _questions.c.correct,
        _questions.c.accepted,
        _channels.c.platform,
        _channels.c.workspace,
        _channels.c.channel_id.label("channel"),
        _players.c.id.label("player_id"),
        _players.c.name.label("player_name"),
    )
    .select_from(
        _rounds.join(_quizzes, _quizzes.c.id == _rounds.c.quiz_id)
        .join(_questions, _questions.c.id == _rounds.c.question_id)
        .join(_channels, _channels.c.id == _quizzes.c.channel_id)
        .outerjoin(
            _players,
            (_players.c.platform == bindparam("platform", type_=String))
            & (_players.c.workspace == bindparam("workspace", type_=String))
            & (_players.c.user_id == bindparam("user", type_=String)),
        )
    )
    .where(_rounds.c.id == bindparam("round_id", type_=Integer))
    .with_for_update(key_share=True, of=_rounds)
)


#: Whether the player answered an earlier round of the quiz (a "regular" of this round).
#: Parameters: ``player_id``, ``of_quiz`` and ``before_number`` (the round's number).
_prior = _answers.alias("prior")
_earlier = _rounds.alias("earlier")
IS_REGULAR = exists(
    select(literal_column("1"))
    .select_from(_prior.join(_earlier, _earlier.c.id == _prior.c.round_id))
    .where(
        _prior.c.player_id == bindparam("player_id", type_=Integer),
        _earlier.c.quiz_id == bindparam("of_quiz", type_=Integer),
        _earlier.c.number < bindparam("before_number", type_=Integer),
    )
)
#: The round's counts, bumped by the answer just inserted (under the round's lock).
_BUMPED = {
    "answered_count": _rounds.c.answered_count + 1,
    "regulars_answered": _rounds.c.regulars_answered + case((IS_REGULAR, 1), else_=0),
}

_ANSWER_VALUES = {
    "round_id": bindparam("round_id", type_=Integer),
    "player_id": bindparam("player_id", type_=Integer),
    "choice": bindparam("choice"),
    "correct": bindparam("correct", type_=Boolean),
    "answered_at": bindparam("now", type_=_answers.c.answered_at.type),
    "points": 0,
}
_ONE_EACH = ["round_id", "player_id"]


def _insert_and_count_pg() -> Any:
    """PostgreSQL, one statement: insert the answer; if it went in, bump the round's counts.

    ``WITH ins AS (INSERT ... ON CONFLICT DO NOTHING RETURNING ...) UPDATE rounds ... FROM ins``
    returns no row for a repeated click.
    """
    inserted = (
        postgresql.insert(_answers)
        .values(_ANSWER_VALUES)
        .on_conflict_do_nothing(index_elements=_ONE_EACH)
        .returning(_answers.c.id, _answers.c.round_id)
        .cte("inserted")
    )
    return (
        update(_rounds)
        .where(_rounds.c.id == inserted.c.round_id)
        .values(_BUMPED)
        .returning(inserted.c.id, _rounds.c.answered_count, _rounds.c.regulars_answered)
    )


INSERT_AND_COUNT_PG = _insert_and_count_pg()
INSERT_ANSWER_SQLITE = (
    sqlite.insert(_answers)
    .values(_ANSWER_VALUES)
    .on_conflict_do_nothing(index_elements=_ONE_EACH)
    .returning(_answers.c.id)
)
COUNT_ANSWER = (
    update(_rounds)
    .where(_rounds.c.id == bindparam("round_id", type_=Integer))
    .values(_BUMPED)
    .returning(_rounds.c.answered_count, _rounds.c.regulars_answered)
)
EARLIER_CHOICE = select(_answers.c.choice).where(
    _answers.c.round_id == bindparam("round_id", type_=Integer),
    _answers.c.player_id == bindparam("player_id", type_=Integer),
)


@dataclass(frozen=True)
class Recorded:
    """What the transaction of a recorded click learnt, for deciding to close the round."""

    receipt: AnswerReceipt
    close_now: bool = False
    correct: bool | None = None


def _check_choice(found: Any, choice: str, round_id: int) -> tuple[str, bool] | AnswerReceipt:
    """The answer as recorded and whether it is right, or the receipt refusing it."""
    if found.kind == QuestionKind.TYPED:
        shown = choice.strip()[:MAX_TYPED_ANSWER]
        if not shown:
            return AnswerReceipt(AnswerStatus.INVALID, round_id, "type an answer")
        return shown, matches(shown, found.accepted)
    letters = OPTION_LETTERS[: len(found.option_order)]
    shown = choice.strip().upper().rstrip(").")
    if len(shown) != 1 or shown not in letters:
        return AnswerReceipt(
            AnswerStatus.INVALID, round_id, f"answer with one of the letters {', '.join(letters)}"
        )
    return shown, found.option_order[letters.index(shown)] == found.correct


async def record_answer(
    conn: AsyncConnection,
    players: PlayerIds,
    round_id: int,
    who: PlayerRef,
    choice: str,
    now: datetime,
    where: ChannelRef | None = None,
) -> Recorded:
    """Record one answer inside the connection's open transaction (the caller commits).

    An answer is bound to where its question was asked: the player must belong to the
    question's platform and workspace, and, when the adapter says where the answer came
    from (``where``), that must be the question's channel."""
    found = (
        await conn.execute(
            ROUND_FOR_ANSWER,
            {
                "round_id": round_id,
                "platform": who.platform,
                "workspace": who.workspace,
                "user": who.user,
            },
        )
    ).first()
    if found is None:
        return Recorded(
            AnswerReceipt(AnswerStatus.INVALID, round_id, "that question no longer exists")
        )
    if (who.platform, who.workspace) != (found.platform, found.workspace) or (
        where is not None
        and (where.platform, where.workspace, where.channel)
        != (found.platform, found.workspace, found.channel)
    ):
        return Recorded(AnswerReceipt(AnswerStatus.INVALID, round_id, NOT_HERE))
    player_id = players.known(who)
    if player_id is None:
        if found.player_id is not None and (not who.name or found.player_name == who.name):
            player_id = players.remember(who, found.player_id)  # there as it is
        else:  # new, or renamed: created or updated here
            player_id = await players.id_of(conn, who)
    if found.mode == "review" and player_id != found.started_by:
        return Recorded(
            AnswerReceipt(AnswerStatus.INVALID, round_id, "this review belongs to someone else")
        )
    if found.status != "open" or now >= found.deadline:
        return Recorded(
            AnswerReceipt(AnswerStatus.CLOSED, round_id, "too late: this question has closed")
        )
    checked = _check_choice(found, choice, round_id)
    if isinstance(checked, AnswerReceipt):
        return Recorded(checked)
    shown, correct = checked
    params = {
        "round_id": round_id,
        "player_id": player_id,
        "choice": shown,
        "correct": correct,
        "now": now,
        "of_quiz": found.quiz_id,
        "before_number": found.number,
    }
    if conn.dialect.name == "postgresql":
        counted = (await conn.execute(INSERT_AND_COUNT_PG, params)).first()
    elif (await conn.execute(INSERT_ANSWER_SQLITE, params)).first() is not None:
        counted = (await conn.execute(COUNT_ANSWER, params)).first()
    else:
        counted = None
    if counted is None:
        earlier = (await conn.execute(EARLIER_CHOICE, params)).scalar_one()
        return Recorded(
            AnswerReceipt(
                AnswerStatus.ALREADY_ANSWERED,
                round_id,
                f"you already answered: {earlier}",
                choice=earlier,
                answered=found.answered_count,
            )
        )
    answered, from_earlier = counted.answered_count, counted.regulars_answered
    close_now = found.solo or 0 < found.expected <= from_earlier
    receipt = AnswerReceipt(
        AnswerStatus.RECORDED, round_id, f"recorded: {shown}", choice=shown, answered=answered
    )
    return Recorded(receipt, close_now=close_now, correct=correct)
