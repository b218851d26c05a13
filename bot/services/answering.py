"""The answer path: one click recorded in one short transaction of statements built once.

A click is the busiest thing the bot does, so this path is written in SQLAlchemy Core with
statements built at import and run with parameters (no ORM entities, no statement built
per click). Per click, on one connection:

1. lock and read the round with its quiz and question (``FOR NO KEY UPDATE OF rounds`` on
   PostgreSQL; SQLite serialises writers with ``BEGIN IMMEDIATE``), so a round cannot close
   between the check and the insert, and answers to one round take turns;
2. insert the answer with ``ON CONFLICT DO NOTHING`` (one answer per round and player is the
   database's rule); on PostgreSQL the same statement returns the round's counts;
3. (SQLite) count the round's answers, and those of the players of the quiz's earlier rounds.

Because answers to one round take turns under the round's lock, the counts each click sees
are exact: the click that brings the earlier players' count up to ``rounds.expected`` is the
one that closes the round early. Anything unusual (a new or renamed player, a repeated
click) takes a slower path that is allowed to be slow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Integer, and_, bindparam, exists, func, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.answers import matches
from bot.domain import OPTION_LETTERS, QuestionKind
from bot.services.records import PlayerIds
from bot.store.models import AnswerRow, QuestionRow, QuizRow, RoundRow
from bot.views import AnswerReceipt, AnswerStatus, PlayerRef

MAX_TYPED_ANSWER = 500

_rounds = RoundRow.__table__
_quizzes = QuizRow.__table__
_questions = QuestionRow.__table__
_answers = AnswerRow.__table__

#: The round with what validating a click needs, locked against closing.
ROUND_FOR_ANSWER = (
    select(
        _rounds.c.status,
        _rounds.c.deadline,
        _rounds.c.option_order,
        _rounds.c.number,
        _rounds.c.expected,
        _quizzes.c.id.label("quiz_id"),
        _quizzes.c.mode,
        _quizzes.c.solo,
        _quizzes.c.started_by,
        _questions.c.kind,
        _questions.c.correct,
        _questions.c.accepted,
    )
    .select_from(
        _rounds.join(_quizzes, _quizzes.c.id == _rounds.c.quiz_id).join(
            _questions, _questions.c.id == _rounds.c.question_id
        )
    )
    .where(_rounds.c.id == bindparam("round_id", type_=Integer))
    .with_for_update(key_share=True, of=_rounds)
)


def _counts() -> tuple[Any, Any, Any]:
    """The round's answers, those of earlier players, and whether this player is one.

    Parameters: ``round_id``, ``quiz_id``, ``number`` (the round's) and ``player_id``.
    """
    mine = _answers.alias("mine")
    before = _answers.alias("before")
    earlier_round = _rounds.alias("earlier_round")

    def played_before(player: Any) -> Any:
        return exists(
            select(literal_column("1"))
            .select_from(before.join(earlier_round, earlier_round.c.id == before.c.round_id))
            .where(
                before.c.player_id == player,
                earlier_round.c.quiz_id == bindparam("quiz_id", type_=Integer),
                earlier_round.c.number < bindparam("number", type_=Integer),
            )
        )

    in_round = mine.c.round_id == bindparam("round_id", type_=Integer)
    answered = select(func.count()).select_from(mine).where(in_round).scalar_subquery()
    from_earlier = (
        select(func.count())
        .select_from(mine)
        .where(and_(in_round, played_before(mine.c.player_id)))
        .scalar_subquery()
    )
    is_earlier = played_before(bindparam("player_id", type_=Integer))
    return answered, from_earlier, is_earlier


_ANSWERED, _FROM_EARLIER, _IS_EARLIER = _counts()

#: The round's counts as the statement sees them (SQLite: after this click's insert).
COUNTS = select(_ANSWERED.label("answered"), _FROM_EARLIER.label("from_earlier"))

_ANSWER_VALUES = {
    "round_id": bindparam("round_id", type_=Integer),
    "player_id": bindparam("player_id", type_=Integer),
    "choice": bindparam("choice"),
    "correct": bindparam("correct", type_=Boolean),
    "answered_at": bindparam("now", type_=_answers.c.answered_at.type),
    "points": 0,
}
_ONE_EACH = ["round_id", "player_id"]

#: PostgreSQL: insert, and return the counts from before it (its snapshot excludes the row).
INSERT_ANSWER_PG = (
    postgresql.insert(_answers)
    .values(_ANSWER_VALUES)
    .on_conflict_do_nothing(index_elements=_ONE_EACH)
    .returning(
        _answers.c.id,
        _ANSWERED.label("answered_before"),
        _FROM_EARLIER.label("earlier_before"),
        _IS_EARLIER.label("is_earlier"),
    )
)
INSERT_ANSWER_SQLITE = (
    sqlite.insert(_answers)
    .values(_ANSWER_VALUES)
    .on_conflict_do_nothing(index_elements=_ONE_EACH)
    .returning(_answers.c.id)
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


async def _player_id(conn: AsyncConnection, players: PlayerIds, who: PlayerRef) -> int:
    known = players.known(who)
    if known is not None:
        return known
    async with AsyncSession(bind=conn) as session:  # joins the connection's transaction
        return await players.id_of(session, who)


async def record_answer(
    conn: AsyncConnection,
    players: PlayerIds,
    round_id: int,
    who: PlayerRef,
    choice: str,
    now: datetime,
) -> Recorded:
    """Record one answer inside the connection's open transaction (the caller commits)."""
    found = (await conn.execute(ROUND_FOR_ANSWER, {"round_id": round_id})).first()
    if found is None:
        return Recorded(
            AnswerReceipt(AnswerStatus.INVALID, round_id, "that question no longer exists")
        )
    player_id = await _player_id(conn, players, who)
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
        "quiz_id": found.quiz_id,
        "number": found.number,
    }
    if conn.dialect.name == "postgresql":
        inserted = (await conn.execute(INSERT_ANSWER_PG, params)).first()
        if inserted is not None:
            answered = inserted.answered_before + 1
            from_earlier = inserted.earlier_before + int(inserted.is_earlier)
    else:
        inserted = (await conn.execute(INSERT_ANSWER_SQLITE, params)).first()
        if inserted is not None:
            answered, from_earlier = (await conn.execute(COUNTS, params)).one()
    if inserted is None:
        earlier = (await conn.execute(EARLIER_CHOICE, params)).scalar_one()
        count = (await conn.execute(COUNTS, params)).one().answered
        return Recorded(
            AnswerReceipt(
                AnswerStatus.ALREADY_ANSWERED,
                round_id,
                f"you already answered: {earlier}",
                choice=earlier,
                answered=count,
            )
        )
    close_now = found.solo or 0 < found.expected <= from_earlier
    receipt = AnswerReceipt(
        AnswerStatus.RECORDED, round_id, f"recorded: {shown}", choice=shown, answered=answered
    )
    return Recorded(receipt, close_now=close_now, correct=correct)
