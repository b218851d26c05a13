"""Rounds: opening one, and settling one that has just closed.

Settling happens in the transaction whose conditional UPDATE closed the round: the answers
are scored, the ``scores`` aggregate and the question's tallies are bumped (not for
reviews), each answer feeds the player's mistake cards, a daily question updates daily
streaks, and the next round is opened or the quiz finished.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from fsrs import Scheduler
from sqlalchemy import (
    Integer,
    and_,
    bindparam,
    cast,
    distinct,
    exists,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import OPTION_LETTERS, QuestionKind, shown_options
from bot.errors import QuizbotError
from bot.i18n import N_, _
from bot.scoring import ScoringRules
from bot.services.banks import image_from_row
from bot.services.daily import update_daily_streaks
from bot.services.lobby import join, joined_count_of
from bot.services.mistakes import record_mistakes
from bot.services.periods import TOTAL_PERIODS, total_start
from bot.services.records import insert_for, rank
from bot.services.tallies import tally_round
from bot.services.teams import place_newcomers, team_scores
from bot.store.models import (
    AnswerRow,
    BankRow,
    ChannelRow,
    PlayerRow,
    PlayerTotalRow,
    QuestionRow,
    QuizRow,
    RoundHintRow,
    RoundRow,
    ScoreRow,
)
from bot.views import ChannelRef, OptionView, QuestionView, QuizResults, RoundOutcome

#: A review's title where a bank's would be (written in the language current when made).
REVIEW_TITLE = N_("Your mistakes")

_answers, _players = AnswerRow.__table__, PlayerRow.__table__
_hints = RoundHintRow.__table__
#: A closed round's answers with who gave them, in the order they came, and whether each
#: player had taken a hint.
ANSWERS_OF_ROUND = (
    select(
        _answers.c.id,
        _answers.c.player_id,
        _answers.c.choice,
        _answers.c.correct,
        _answers.c.answered_at,
        _players.c.user_id,
        _players.c.name,
        exists()
        .where(_hints.c.round_id == _answers.c.round_id, _hints.c.player_id == _answers.c.player_id)
        .label("hinted"),
    )
    .join(_players, _players.c.id == _answers.c.player_id)
    .where(_answers.c.round_id == bindparam("round_id", type_=Integer))
    .order_by(_answers.c.answered_at, _answers.c.id)
)
SET_POINTS = (
    update(_answers)
    .where(_answers.c.id == bindparam("answer_id", type_=Integer))
    .values(points=bindparam("points", type_=Integer))
)


def channel_ref(channel: ChannelRow) -> ChannelRef:
    return ChannelRef(channel.platform, channel.workspace, channel.channel_id)


def option_views(
    question: QuestionRow, order: list[Any], bank: BankRow | None = None
) -> tuple[OptionView, ...]:
    """The options in the order shown (true/false ones in the bank's language)."""
    if question.kind == QuestionKind.TYPED:
        return ()
    texts = shown_options(question.options, bank.language if bank is not None else None)
    return tuple(
        OptionView(OPTION_LETTERS[shown], texts[original]) for shown, original in enumerate(order)
    )


async def private_to(session: AsyncSession, quiz: QuizRow) -> str | None:
    """The user a review quiz belongs to (shown to them alone); None for other quizzes."""
    if quiz.mode != "review":
        return None
    return await session.scalar(select(PlayerRow.user_id).where(PlayerRow.id == quiz.started_by))


def title_of(quiz: QuizRow, bank: BankRow | None) -> str:
    if quiz.mode == "review" or bank is None:
        return _(REVIEW_TITLE)
    return bank.title or bank.name


def question_view(
    quiz: QuizRow,
    rnd: RoundRow,
    question: QuestionRow,
    channel: ChannelRow,
    bank: BankRow | None,
    owner: str | None,
) -> QuestionView:
    return QuestionView(
        quiz_id=quiz.id,
        round_id=rnd.id,
        channel=channel_ref(channel),
        number=rnd.number,
        total=quiz.total,
        kind=QuestionKind(question.kind),
        prompt=question.prompt,
        options=option_views(question, rnd.option_order, bank),
        deadline=rnd.deadline,
        seconds=quiz.seconds,
        topic=question.topic,
        bank_title=title_of(quiz, bank),
        message_ref=rnd.message_ref,
        private_to=owner,
        mode=quiz.mode,
        image=image_from_row(question),
    )


async def open_round(
    session: AsyncSession, quiz: QuizRow, number: int, now: datetime
) -> QuestionView:
    """Open round ``number`` of a quiz, its options shuffled by the quiz's seed."""
    # Round 1 has no known players yet (and a solo quiz no others): it waits for its deadline
    # or its one player; later rounds close early once the earlier rounds' players answered.
    # A quiz with a lobby knows its players from the start: each round waits for those who
    # joined. In relaxed mode (``max_seconds``) the deadline is that maximum.
    players_so_far = (
        select(func.count(distinct(AnswerRow.player_id)))
        .join(RoundRow, RoundRow.id == AnswerRow.round_id)
        .where(RoundRow.quiz_id == quiz.id, RoundRow.number < number)
        .scalar_subquery()
    )
    counted = number > 1 and not quiz.solo
    if quiz.lobby:  # every round waits for the players who joined, question 1 too
        expected_now: Any = joined_count_of(quiz.id)
    else:
        expected_now = players_so_far if counted else literal(0)
    found = (
        await session.execute(
            select(QuestionRow, expected_now).where(QuestionRow.id == quiz.question_ids[number - 1])
        )
    ).first()
    if found is None:  # the bank was removed under a running quiz
        raise QuizbotError(_("a question of this quiz was removed from its bank"))
    question, expected = found
    order = list(range(len(question.options)))
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        random.Random(f"{quiz.seed}:{number}").shuffle(order)
    rnd = RoundRow(
        expected=int(expected or 0),
        quiz_id=quiz.id,
        number=number,
        question_id=question.id,
        option_order=order,
        status="open",
        opened_at=now,
        deadline=now + timedelta(seconds=quiz.max_seconds or quiz.seconds),
    )
    session.add(rnd)
    await session.flush()
    channel = await session.get(ChannelRow, quiz.channel_id)
    bank = await session.get(BankRow, question.bank_id)
    assert channel is not None
    return question_view(quiz, rnd, question, channel, bank, await private_to(session, quiz))


async def settle(
    session: AsyncSession, scheduler: Scheduler, round_id: int, now: datetime
) -> RoundOutcome:
    """Score a just-closed round, then open the next one or finish the quiz."""
    rnd, quiz, question, channel, bank = (
        await session.execute(
            select(RoundRow, QuizRow, QuestionRow, ChannelRow, BankRow)
            .join(QuizRow, QuizRow.id == RoundRow.quiz_id)
            .join(QuestionRow, QuestionRow.id == RoundRow.question_id)
            .join(ChannelRow, ChannelRow.id == QuizRow.channel_id)
            .join(BankRow, BankRow.id == QuestionRow.bank_id)
            .where(RoundRow.id == round_id)
            .execution_options(populate_existing=True)
        )
    ).one()
    answers = list((await session.execute(ANSWERS_OF_ROUND, {"round_id": rnd.id})).all())
    if quiz.mode != "review":
        await _score(session, quiz, rnd, channel, bank, answers, now)
        await tally_round(session, question, rnd, channel, answers)
    await record_mistakes(session, scheduler, question, answers, now)
    if quiz.teams:  # a team game: whoever answered plays for a team (late joiners placed)
        for answer in answers:
            await join(session, quiz.id, answer.player_id, now)
        await place_newcomers(session, quiz)
    if quiz.mode == "daily":
        await update_daily_streaks(session, quiz, rnd, answers)
    await session.flush()

    owner = await private_to(session, quiz)
    next_question = None
    results = None
    if quiz.status == "running":
        if quiz.mode == "review" and not answers:
            # A review whose player walked away ends here, not one question at a time.
            quiz.status = "stopped"
            quiz.ended_at = now
            await session.flush()
            results = await quiz_results(session, quiz)
        elif rnd.number < quiz.total:
            next_question = await open_round(session, quiz, rnd.number + 1, now)
        else:
            quiz.status = "finished"
            quiz.ended_at = now
            await session.flush()
            results = await quiz_results(session, quiz)
    order = rnd.option_order
    correct_label = None
    if question.kind != QuestionKind.TYPED and question.correct is not None:
        correct_label = OPTION_LETTERS[order.index(question.correct)]
        correct_text = shown_options(question.options, bank.language)[question.correct]
    else:
        correct_text = " / ".join(question.accepted)
    return RoundOutcome(
        quiz_id=quiz.id,
        round_id=rnd.id,
        channel=channel_ref(channel),
        message_ref=rnd.message_ref,
        number=rnd.number,
        total=quiz.total,
        kind=QuestionKind(question.kind),
        prompt=question.prompt,
        options=option_views(question, order, bank),
        correct_label=correct_label,
        correct_text=correct_text,
        explanation=question.explanation,
        winners=tuple(answer.name or answer.user_id for answer in answers if answer.correct),
        answered=len(answers),
        next_question=next_question,
        results=results,
        private_to=owner,
        mode=quiz.mode,
        image=image_from_row(question),
        team_scores=await team_scores(session, quiz),
    )


async def _score(
    session: AsyncSession,
    quiz: QuizRow,
    rnd: RoundRow,
    channel: ChannelRow,
    bank: BankRow,
    answers: Sequence[Any],
    now: datetime,
) -> None:
    """Give each answer its points; add them to the day's scores and the player's totals.

    One upsert per table, run for all the round's rows.
    """
    if not answers:
        return
    rules = ScoringRules.from_dict(quiz.scoring)
    today = now.date()
    scores: list[dict[str, Any]] = []
    totals: list[dict[str, Any]] = []
    points: list[dict[str, Any]] = []
    for answer in answers:
        streak = (
            await _streak_before(session, quiz.id, rnd.number, answer.player_id)
            if (rules.streak_bonus and answer.correct)
            else 0
        )
        earned = rules.points(
            correct=answer.correct,
            answered_at=answer.answered_at,
            opened_at=rnd.opened_at,
            deadline=rnd.deadline,
            streak_before=streak,
            hinted=answer.hinted,
        )
        if earned:  # answers are stored with 0 points
            points.append({"answer_id": answer.id, "points": earned})
        counts = {"points": earned, "correct": int(answer.correct), "answered": 1}
        where = {"platform": channel.platform, "workspace": channel.workspace}
        scores.append(
            {
                "player_id": answer.player_id,
                "channel_id": channel.id,
                "bank_id": bank.id,
                "day": today,
                **where,
                **counts,
            }
        )
        for period in TOTAL_PERIODS:
            totals.append(
                {
                    "player_id": answer.player_id,
                    "period": period,
                    "starts": total_start(period, today),
                    **where,
                    **counts,
                }
            )
    if points:
        await session.execute(SET_POINTS, points)
    await _add_up(session, ScoreRow, scores)
    await _add_up(session, PlayerTotalRow, totals)


def _add_up_statement(dialect: str, model: type[Any], key: tuple[str, ...]) -> Any:
    stmt = insert_for(dialect, model.__table__)
    table = model.__table__.c
    return stmt.on_conflict_do_update(
        index_elements=list(key),
        set_={
            "points": table.points + stmt.excluded.points,
            "correct": table.correct + stmt.excluded.correct,
            "answered": table.answered + stmt.excluded.answered,
        },
    )


#: The upserts of a round's scores, built once per backend and table.
_ADD_UP = {
    (dialect, model.__tablename__): _add_up_statement(dialect, model, key)
    for dialect in ("postgresql", "sqlite")
    for model, key in (
        (ScoreRow, ("player_id", "channel_id", "bank_id", "day")),
        (PlayerTotalRow, ("player_id", "period", "starts")),
    )
}


async def _add_up(session: AsyncSession, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Insert rows, or add their points, correct and answered to the rows already there
    (one statement run for every row)."""
    dialect = session.get_bind().dialect.name
    await session.execute(_ADD_UP[(dialect, model.__tablename__)], rows)


async def _streak_before(session: AsyncSession, quiz_id: int, number: int, player_id: int) -> int:
    """How many rounds in a row, just before round ``number``, the player got right."""
    rows = await session.execute(
        select(RoundRow.number, AnswerRow.correct)
        .outerjoin(
            AnswerRow,
            and_(AnswerRow.round_id == RoundRow.id, AnswerRow.player_id == player_id),
        )
        .where(RoundRow.quiz_id == quiz_id, RoundRow.number < number)
        .order_by(RoundRow.number.desc())
    )
    streak = 0
    for _number, correct in rows:
        if not correct:
            break
        streak += 1
    return streak


async def quiz_results(
    session: AsyncSession, quiz: QuizRow, stopped_by: str | None = None
) -> QuizResults:
    """The standings of a quiz over its closed rounds."""
    points = func.sum(AnswerRow.points)
    correct = func.sum(cast(AnswerRow.correct, Integer))
    rows = await session.execute(
        select(PlayerRow.user_id, PlayerRow.name, points, correct, func.count(AnswerRow.id))
        .join(AnswerRow, AnswerRow.player_id == PlayerRow.id)
        .join(RoundRow, RoundRow.id == AnswerRow.round_id)
        .where(RoundRow.quiz_id == quiz.id, RoundRow.status == "closed")
        .group_by(PlayerRow.id, PlayerRow.user_id, PlayerRow.name)
        .order_by(points.desc(), correct.desc(), PlayerRow.name)
    )
    played = await session.scalar(
        select(func.count())
        .select_from(RoundRow)
        .where(RoundRow.quiz_id == quiz.id, RoundRow.status == "closed")
    )
    channel = await session.get(ChannelRow, quiz.channel_id)
    bank = await session.get(BankRow, quiz.bank_id) if quiz.bank_id is not None else None
    assert channel is not None
    return QuizResults(
        quiz_id=quiz.id,
        channel=channel_ref(channel),
        bank_title=title_of(quiz, bank),
        rounds_played=int(played or 0),
        standings=rank(rows.all()),
        stopped_by=stopped_by,
        private_to=await private_to(session, quiz),
        teams=await team_scores(session, quiz),
    )
