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

On PostgreSQL a click on a round this process has already read (:class:`RoundFacts`: what
the checks need of a round and does not change while it is open) is one statement on its own,
outside a transaction (:data:`FAST_ANSWER_PG`): it locks the round if it is still open and
before its deadline, finds the player's row (same name), inserts the answer and bumps the
counts, all or nothing. When it records nothing (a closed round, a repeated click, a new or
renamed player, a review, a typed answer) the click takes the full path above, which tells
why; so the fast path only ever records what the full path would have.

Because answers to one round take turns under the round's lock, the counts are exact and
cost the same however many answers the round has: the click that brings the regulars' count
up to ``rounds.expected`` is the one that closes the round early. Anything unusual (a new or
renamed player, a repeated click) takes a slower path that is allowed to be slow.
"""

from __future__ import annotations

from collections import OrderedDict
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
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.answers import matches
from bot.domain import OPTION_LETTERS, QuestionKind
from bot.i18n import N_, _
from bot.services.lobby import join
from bot.services.records import PlayerIds
from bot.store.models import (
    AnswerRow,
    ChannelRow,
    PlayerRow,
    QuestionRow,
    QuizPlayerRow,
    QuizRow,
    RoundRow,
)
from bot.views import AnswerReceipt, AnswerStatus, ChannelRef, PlayerRef

MAX_TYPED_ANSWER = 500
NOT_HERE = N_("that question was not asked here")
#: The receipt of an answer to a closed round (its status is ``AnswerStatus.CLOSED``).
TOO_LATE = N_("too late: this question has closed")

_rounds = RoundRow.__table__
_quizzes = QuizRow.__table__
_questions = QuestionRow.__table__
_answers = AnswerRow.__table__
_channels = ChannelRow.__table__
_players = PlayerRow.__table__
_joined_players = QuizPlayerRow.__table__

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
        _quizzes.c.lobby,
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


_prior = _answers.alias("prior")
_earlier = _rounds.alias("earlier")


def _joined(player_id: Any) -> Any:
    """Whether the player joined the quiz (parameter ``of_quiz``) in its lobby or later."""
    return exists(
        select(literal_column("1")).where(
            _joined_players.c.quiz_id == bindparam("of_quiz", type_=Integer),
            _joined_players.c.player_id == player_id,
        )
    )


def _is_regular(player_id: Any) -> Any:
    """Whether the player answered an earlier round of the quiz, or joined it (a "regular"
    of this round). Parameters: ``of_quiz`` and ``before_number`` (the round's number)."""
    return or_(
        exists(
            select(literal_column("1"))
            .select_from(_prior.join(_earlier, _earlier.c.id == _prior.c.round_id))
            .where(
                _prior.c.player_id == player_id,
                _earlier.c.quiz_id == bindparam("of_quiz", type_=Integer),
                _earlier.c.number < bindparam("before_number", type_=Integer),
            )
        ),
        _joined(player_id),
    )


#: Whether the player (parameter ``player_id``) answered an earlier round of the quiz.
IS_REGULAR = _is_regular(bindparam("player_id", type_=Integer))
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
        .returning(
            inserted.c.id,
            _rounds.c.answered_count,
            _rounds.c.regulars_answered,
            _rounds.c.expected,
        )
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
    .returning(_rounds.c.answered_count, _rounds.c.regulars_answered, _rounds.c.expected)
)
EARLIER_CHOICE = select(_answers.c.choice).where(
    _answers.c.round_id == bindparam("round_id", type_=Integer),
    _answers.c.player_id == bindparam("player_id", type_=Integer),
)


def _fast_answer_pg() -> Any:
    """PostgreSQL, one statement, all or nothing: lock the round if it is open and before its
    deadline, find the player's row by its key and name, insert the answer (its ``correct``
    from the question as it is now), bump the round's counts. No row: nothing was recorded.
    Parameters: ``round_id``, ``now``, ``platform``, ``workspace``, ``user``, ``name``,
    ``choice``, ``option`` (the bank's option index the letter shows), ``of_quiz``,
    ``before_number``, ``no_lobby`` (False: the player must have joined the quiz)."""
    now = bindparam("now", type_=_rounds.c.deadline.type)
    open_round = (
        select(_rounds.c.id, _rounds.c.question_id)
        .where(
            _rounds.c.id == bindparam("round_id", type_=Integer),
            _rounds.c.status == "open",
            _rounds.c.deadline > now,
        )
        .with_for_update(key_share=True)
        .cte("open_round")
    )
    player = (
        select(_players.c.id)
        .where(
            _players.c.platform == bindparam("platform", type_=String),
            _players.c.workspace == bindparam("workspace", type_=String),
            _players.c.user_id == bindparam("user", type_=String),
            _players.c.name == bindparam("name", type_=String),
            # in a quiz with a lobby, only a player who joined (a late joiner: full path)
            or_(bindparam("no_lobby", type_=Boolean), _joined(_players.c.id)),
        )
        .cte("player")
    )
    rows = select(
        open_round.c.id,
        player.c.id,
        bindparam("choice", type_=String),
        func.coalesce(_questions.c.correct == bindparam("option", type_=Integer), False),
        bindparam("now", type_=_answers.c.answered_at.type),
        literal(0),
    ).select_from(
        open_round.join(_questions, _questions.c.id == open_round.c.question_id).join(
            player, true()
        )
    )
    inserted = (
        postgresql.insert(_answers)
        .from_select(["round_id", "player_id", "choice", "correct", "answered_at", "points"], rows)
        .on_conflict_do_nothing(index_elements=_ONE_EACH)
        .returning(_answers.c.round_id, _answers.c.player_id, _answers.c.correct)
        .cte("inserted")
    )
    bumped = {
        "answered_count": _rounds.c.answered_count + 1,
        "regulars_answered": _rounds.c.regulars_answered
        + case((_is_regular(inserted.c.player_id), 1), else_=0),
    }
    return (
        update(_rounds)
        .where(_rounds.c.id == inserted.c.round_id)
        .values(bumped)
        .returning(
            inserted.c.player_id,
            inserted.c.correct,
            _rounds.c.answered_count,
            _rounds.c.regulars_answered,
            _rounds.c.expected,
        )
    )


FAST_ANSWER_PG = _fast_answer_pg()


@dataclass(frozen=True, slots=True)
class RoundFacts:
    """What a click's checks need of a round and that does not change while it is open."""

    platform: str
    workspace: str
    channel: str
    mode: str
    kind: str
    option_order: tuple[int, ...]
    quiz_id: int
    number: int
    expected: int
    solo: bool
    lobby: bool = False


class RoundsSeen:
    """:class:`RoundFacts` of the rounds this process has read, the most recent kept."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._facts: OrderedDict[int, RoundFacts] = OrderedDict()

    def get(self, round_id: int) -> RoundFacts | None:
        return self._facts.get(round_id)

    def note(self, round_id: int, found: Any) -> None:
        """Keep what the full path's read (:data:`ROUND_FOR_ANSWER`) found of an open round."""
        if found.status != "open" or round_id in self._facts:
            return
        self._facts[round_id] = RoundFacts(
            str(found.platform),
            str(found.workspace),
            str(found.channel),
            str(found.mode),
            str(found.kind),
            tuple(found.option_order),
            int(found.quiz_id),
            int(found.number),
            int(found.expected),
            bool(found.solo),
            bool(found.lobby),
        )
        if len(self._facts) > self.size:
            self._facts.popitem(last=False)


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
            return AnswerReceipt(AnswerStatus.INVALID, round_id, _("type an answer"))
        return shown, matches(shown, found.accepted)
    letters = OPTION_LETTERS[: len(found.option_order)]
    shown = choice.strip().upper().rstrip(").")
    if len(shown) != 1 or shown not in letters:
        return AnswerReceipt(
            AnswerStatus.INVALID,
            round_id,
            _("answer with one of the letters {letters}").format(letters=", ".join(letters)),
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
    seen: RoundsSeen | None = None,
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
            AnswerReceipt(AnswerStatus.INVALID, round_id, _("that question no longer exists"))
        )
    if seen is not None:
        seen.note(round_id, found)
    if (who.platform, who.workspace) != (found.platform, found.workspace) or (
        where is not None
        and (where.platform, where.workspace, where.channel)
        != (found.platform, found.workspace, found.channel)
    ):
        return Recorded(AnswerReceipt(AnswerStatus.INVALID, round_id, _(NOT_HERE)))
    player_id = players.known(who)
    if player_id is None:
        if found.player_id is not None and (not who.name or found.player_name == who.name):
            player_id = players.remember(who, found.player_id)  # there as it is
        else:  # new, or renamed: created or updated here
            player_id = await players.id_of(conn, who)
    if found.mode == "review" and player_id != found.started_by:
        return Recorded(
            AnswerReceipt(AnswerStatus.INVALID, round_id, _("this review belongs to someone else"))
        )
    if found.status != "open" or now >= found.deadline:
        return Recorded(AnswerReceipt(AnswerStatus.CLOSED, round_id, _(TOO_LATE)))
    checked = _check_choice(found, choice, round_id)
    if isinstance(checked, AnswerReceipt):
        return Recorded(checked)
    shown, correct = checked
    if found.lobby:  # answering a quiz with a lobby joins it (and the round waits for them)
        await join(conn, found.quiz_id, player_id, now)
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
                _("you already answered: {choice}").format(choice=earlier),
                choice=earlier,
                answered=found.answered_count,
            )
        )
    answered, from_earlier = counted.answered_count, counted.regulars_answered
    close_now = found.solo or 0 < counted.expected <= from_earlier
    receipt = AnswerReceipt(
        AnswerStatus.RECORDED,
        round_id,
        _("recorded: {choice}").format(choice=shown),
        choice=shown,
        answered=answered,
    )
    return Recorded(receipt, close_now=close_now, correct=correct)


async def record_answer_fast(
    engine: AsyncEngine,
    seen: RoundsSeen,
    players: PlayerIds,
    round_id: int,
    who: PlayerRef,
    choice: str,
    now: datetime,
    where: ChannelRef | None = None,
) -> Recorded | None:
    """PostgreSQL: the usual click (a letter, on a round this process has read, from a known
    player) recorded by :data:`FAST_ANSWER_PG` on ``engine`` (in autocommit mode: the one
    statement is the transaction); None when it is not that click or nothing was recorded,
    and the caller then takes the full path (:func:`record_answer`)."""
    facts = seen.get(round_id)
    if (
        facts is None
        or facts.mode == "review"
        or facts.kind == QuestionKind.TYPED
        or (who.platform, who.workspace) != (facts.platform, facts.workspace)
        or (
            where is not None
            and (where.platform, where.workspace, where.channel)
            != (facts.platform, facts.workspace, facts.channel)
        )
    ):
        return None
    letters = OPTION_LETTERS[: len(facts.option_order)]
    shown = choice.strip().upper().rstrip(").")
    if len(shown) != 1 or shown not in letters:
        return None
    params = {
        "round_id": round_id,
        "now": now,
        "platform": who.platform,
        "workspace": who.workspace,
        "user": who.user,
        "name": who.name,
        "choice": shown,
        "option": facts.option_order[letters.index(shown)],
        "of_quiz": facts.quiz_id,
        "before_number": facts.number,
        "no_lobby": not facts.lobby,
    }
    async with engine.connect() as conn:
        row = (await conn.execute(FAST_ANSWER_PG, params)).first()
    if row is None:
        return None
    players.remember(who, int(row.player_id))  # its row was there, with this name
    receipt = AnswerReceipt(
        AnswerStatus.RECORDED,
        round_id,
        _("recorded: {choice}").format(choice=shown),
        choice=shown,
        answered=row.answered_count,
    )
    close_now = facts.solo or 0 < row.expected <= row.regulars_answered
    return Recorded(receipt, close_now=close_now, correct=bool(row.correct))
