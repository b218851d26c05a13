"""The quiz engine: start and stop quizzes, record answers, close rounds and score them.

All state is in the database. Two rules are the database's to enforce: one answer per
(round, player) is a unique constraint hit by ``INSERT ... ON CONFLICT DO NOTHING``, and a
round is closed by one conditional UPDATE, so of several processes exactly one gets the
:class:`RoundOutcome` to announce. An answer takes a share lock on its round (PostgreSQL;
SQLite serialises writers), so a round cannot close between an answer's check and insert.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, and_, cast, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.answers import matches
from bot.clock import Clock
from bot.domain import OPTION_LETTERS, PLAYABLE_KINDS, QuestionKind
from bot.errors import (
    EmptyBankError,
    NoQuizRunningError,
    NotAllowedError,
    QuizAlreadyRunningError,
    QuizbotError,
)
from bot.scoring import ScoringRules
from bot.services.banks import find_bank
from bot.services.records import dialect_insert, ensure_channel, ensure_player, find_channel, rank
from bot.store.database import Database
from bot.store.models import (
    AnswerRow,
    BankRow,
    ChannelRow,
    PlayerRow,
    QuestionRow,
    QuizRow,
    RoundRow,
    ScoreRow,
)
from bot.views import (
    AnswerReceipt,
    AnswerStatus,
    ChannelRef,
    OptionView,
    PlayerRef,
    QuestionView,
    QuizResults,
    RoundOutcome,
)

MAX_QUESTIONS = 100
MIN_SECONDS, MAX_SECONDS = 5, 3600
MAX_TYPED_ANSWER = 500


def _channel_ref(channel: ChannelRow) -> ChannelRef:
    return ChannelRef(channel.platform, channel.workspace, channel.channel_id)


def _options(question: QuestionRow, order: list[Any]) -> tuple[OptionView, ...]:
    if question.kind == QuestionKind.TYPED:
        return ()
    return tuple(
        OptionView(OPTION_LETTERS[shown], question.options[original])
        for shown, original in enumerate(order)
    )


def _question_view(
    quiz: QuizRow, rnd: RoundRow, question: QuestionRow, channel: ChannelRow, bank: BankRow
) -> QuestionView:
    return QuestionView(
        quiz_id=quiz.id,
        round_id=rnd.id,
        channel=_channel_ref(channel),
        number=rnd.number,
        total=quiz.total,
        kind=QuestionKind(question.kind),
        prompt=question.prompt,
        options=_options(question, rnd.option_order),
        deadline=rnd.deadline,
        seconds=quiz.seconds,
        topic=question.topic,
        bank_title=bank.title or bank.name,
        message_ref=rnd.message_ref,
    )


class Quizzes:
    """Quizzes in channels, as runs of rounds."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # -- starting -----------------------------------------------------------------------

    async def start(
        self,
        where: ChannelRef,
        who: PlayerRef,
        bank: str,
        count: int = 10,
        seconds: int = 30,
        *,
        topic: str | None = None,
        seed: int | None = None,
        solo: bool = False,
        scoring: ScoringRules | None = None,
    ) -> QuestionView:
        """Start a quiz in a channel and open its first round."""
        if not 1 <= count <= MAX_QUESTIONS:
            raise QuizbotError(f"the number of questions must be between 1 and {MAX_QUESTIONS}")
        if not MIN_SECONDS <= seconds <= MAX_SECONDS:
            raise QuizbotError(
                f"the time per question must be between {MIN_SECONDS} and {MAX_SECONDS} seconds"
            )
        now = self.clock.now()
        async with self.db.transaction() as session:
            bank_row = await find_bank(session, bank)
            query = (
                select(QuestionRow.id)
                .where(
                    QuestionRow.bank_id == bank_row.id,
                    QuestionRow.active.is_(True),
                    QuestionRow.kind.in_([k.value for k in PLAYABLE_KINDS]),
                )
                .order_by(QuestionRow.position, QuestionRow.id)
            )
            if topic:
                query = query.where(func.lower(QuestionRow.topic) == topic.strip().lower())
            ids = list((await session.execute(query)).scalars())
            if not ids:
                about = f" on the topic {topic!r}" if topic else ""
                raise EmptyBankError(f"the bank {bank_row.name!r} has no questions to play{about}")
            channel_id = await ensure_channel(session, where)
            running = await session.execute(
                select(QuizRow.id).where(
                    QuizRow.channel_id == channel_id, QuizRow.status == "running"
                )
            )
            if running.first() is not None:
                raise QuizAlreadyRunningError(
                    "a quiz is already running here: answer it, or stop it first"
                )
            seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
            chosen = random.Random(seed).sample(ids, min(count, len(ids)))
            quiz = QuizRow(
                channel_id=channel_id,
                bank_id=bank_row.id,
                started_by=await ensure_player(session, who),
                status="running",
                question_ids=chosen,
                total=len(chosen),
                seconds=seconds,
                solo=solo,
                seed=seed,
                scoring=(scoring or ScoringRules()).to_dict(),
                created_at=now,
            )
            session.add(quiz)
            try:
                await session.flush()
            except IntegrityError:
                raise QuizAlreadyRunningError(
                    "a quiz is already running here: answer it, or stop it first"
                ) from None
            return await self._open_round(session, quiz, 1, now)

    async def _open_round(
        self, session: AsyncSession, quiz: QuizRow, number: int, now: datetime
    ) -> QuestionView:
        question = await session.get(QuestionRow, quiz.question_ids[number - 1])
        if question is None:  # the bank was changed under a running quiz
            raise QuizbotError("a question of this quiz was removed from its bank")
        order = list(range(len(question.options)))
        if question.kind == QuestionKind.MULTIPLE_CHOICE:
            random.Random(f"{quiz.seed}:{number}").shuffle(order)
        rnd = RoundRow(
            quiz_id=quiz.id,
            number=number,
            question_id=question.id,
            option_order=order,
            status="open",
            opened_at=now,
            deadline=now + timedelta(seconds=quiz.seconds),
        )
        session.add(rnd)
        await session.flush()
        channel = await session.get(ChannelRow, quiz.channel_id)
        bank = await session.get(BankRow, quiz.bank_id)
        assert channel is not None and bank is not None
        return _question_view(quiz, rnd, question, channel, bank)

    # -- answering ----------------------------------------------------------------------

    async def answer(self, round_id: int, who: PlayerRef, choice: str) -> AnswerReceipt:
        """Record one player's answer to a round: a letter, or text for a typed question."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            found = (
                await session.execute(
                    select(RoundRow, QuizRow, QuestionRow)
                    .join(QuizRow, QuizRow.id == RoundRow.quiz_id)
                    .join(QuestionRow, QuestionRow.id == RoundRow.question_id)
                    .where(RoundRow.id == round_id)
                    .with_for_update(read=True, of=RoundRow)
                )
            ).first()
            if found is None:
                return AnswerReceipt(
                    AnswerStatus.INVALID, round_id, "that question no longer exists"
                )
            rnd, quiz, question = found
            if rnd.status != "open" or now >= rnd.deadline:
                return AnswerReceipt(
                    AnswerStatus.CLOSED, round_id, "too late: this question has closed"
                )
            if question.kind == QuestionKind.TYPED:
                shown = choice.strip()[:MAX_TYPED_ANSWER]
                if not shown:
                    return AnswerReceipt(AnswerStatus.INVALID, round_id, "type an answer")
                correct = matches(shown, question.accepted)
            else:
                letters = OPTION_LETTERS[: len(rnd.option_order)]
                shown = choice.strip().upper().rstrip(").")
                if len(shown) != 1 or shown not in letters:
                    return AnswerReceipt(
                        AnswerStatus.INVALID,
                        round_id,
                        f"answer with one of the letters {', '.join(letters)}",
                    )
                correct = rnd.option_order[letters.index(shown)] == question.correct
            player_id = await ensure_player(session, who)
            inserted = (
                await session.execute(
                    dialect_insert(session, AnswerRow)
                    .values(
                        round_id=rnd.id,
                        player_id=player_id,
                        choice=shown,
                        correct=correct,
                        answered_at=now,
                        points=0,
                    )
                    .on_conflict_do_nothing(index_elements=["round_id", "player_id"])
                    .returning(AnswerRow.id)
                )
            ).scalar()
            answered = (
                await session.execute(
                    select(func.count()).select_from(AnswerRow).where(AnswerRow.round_id == rnd.id)
                )
            ).scalar_one()
            if inserted is None:
                earlier = (
                    await session.execute(
                        select(AnswerRow.choice).where(
                            AnswerRow.round_id == rnd.id, AnswerRow.player_id == player_id
                        )
                    )
                ).scalar_one()
                return AnswerReceipt(
                    AnswerStatus.ALREADY_ANSWERED,
                    round_id,
                    f"you already answered: {earlier}",
                    choice=earlier,
                    answered=answered,
                )
            close_now = quiz.solo or await self._everyone_answered(session, quiz.id, rnd)
        outcome = await self.close_round(round_id) if close_now else None
        return AnswerReceipt(
            AnswerStatus.RECORDED,
            round_id,
            f"recorded: {shown}",
            choice=shown,
            correct=correct if outcome is not None else None,
            answered=answered,
            outcome=outcome,
        )

    async def _everyone_answered(self, session: AsyncSession, quiz_id: int, rnd: RoundRow) -> bool:
        """Whether every player of the quiz's earlier rounds has answered this round."""
        if rnd.number == 1:
            return False
        earlier = (
            select(AnswerRow.player_id)
            .join(RoundRow, RoundRow.id == AnswerRow.round_id)
            .where(RoundRow.quiz_id == quiz_id, RoundRow.number < rnd.number)
            .distinct()
            .subquery()
        )
        missing = await session.execute(
            select(earlier.c.player_id)
            .outerjoin(
                AnswerRow,
                and_(AnswerRow.player_id == earlier.c.player_id, AnswerRow.round_id == rnd.id),
            )
            .where(AnswerRow.id.is_(None))
            .limit(1)
        )
        has_players = await session.execute(select(func.count()).select_from(earlier))
        return has_players.scalar_one() > 0 and missing.first() is None

    async def answer_text(
        self, where: ChannelRef, who: PlayerRef, text: str
    ) -> AnswerReceipt | None:
        """Answer the channel's open typed round with a chat message; None if there is none."""
        async with self.db.sessions() as session:
            round_id = (
                await session.execute(
                    select(RoundRow.id)
                    .join(QuizRow, QuizRow.id == RoundRow.quiz_id)
                    .join(ChannelRow, ChannelRow.id == QuizRow.channel_id)
                    .join(QuestionRow, QuestionRow.id == RoundRow.question_id)
                    .where(
                        ChannelRow.platform == where.platform,
                        ChannelRow.workspace == where.workspace,
                        ChannelRow.channel_id == where.channel,
                        QuizRow.status == "running",
                        RoundRow.status == "open",
                        QuestionRow.kind == QuestionKind.TYPED.value,
                    )
                )
            ).scalar()
        if round_id is None:
            return None
        return await self.answer(round_id, who, text)

    async def set_message(self, round_id: int, message_ref: str) -> None:
        """Remember which platform message shows a round, so any process can edit it."""
        async with self.db.transaction() as session:
            await session.execute(
                update(RoundRow).where(RoundRow.id == round_id).values(message_ref=message_ref)
            )

    # -- closing ------------------------------------------------------------------------

    async def close_round(self, round_id: int) -> RoundOutcome | None:
        """Close a round if it is still open; only the caller that closed it gets the outcome."""
        async with self.db.transaction() as session:
            now = self.clock.now()
            closed = await session.execute(
                update(RoundRow)
                .where(RoundRow.id == round_id, RoundRow.status == "open")
                .values(status="closed", closed_at=now)
            )
            if closed.rowcount != 1:
                return None
            return await self._settle(session, round_id, now)

    async def close_due(self, platform: str | None = None, limit: int = 100) -> list[RoundOutcome]:
        """Close every open round past its deadline (of one platform's channels, if given)."""
        now = self.clock.now()
        async with self.db.sessions() as session:
            query = (
                select(RoundRow.id)
                .where(RoundRow.status == "open", RoundRow.deadline <= now)
                .order_by(RoundRow.deadline)
                .limit(limit)
            )
            if platform is not None:
                query = (
                    query.join(QuizRow, QuizRow.id == RoundRow.quiz_id)
                    .join(ChannelRow, ChannelRow.id == QuizRow.channel_id)
                    .where(ChannelRow.platform == platform)
                )
            due = list((await session.execute(query)).scalars())
        outcomes = []
        for round_id in due:
            outcome = await self.close_round(round_id)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    async def _settle(self, session: AsyncSession, round_id: int, now: datetime) -> RoundOutcome:
        """Score a just-closed round, then open the next one or finish the quiz."""
        rnd, quiz, question, channel, bank = (
            await session.execute(
                select(RoundRow, QuizRow, QuestionRow, ChannelRow, BankRow)
                .join(QuizRow, QuizRow.id == RoundRow.quiz_id)
                .join(QuestionRow, QuestionRow.id == RoundRow.question_id)
                .join(ChannelRow, ChannelRow.id == QuizRow.channel_id)
                .join(BankRow, BankRow.id == QuizRow.bank_id)
                .where(RoundRow.id == round_id)
                .execution_options(populate_existing=True)
            )
        ).one()
        rules = ScoringRules.from_dict(quiz.scoring)
        answers = (
            await session.execute(
                select(AnswerRow, PlayerRow)
                .join(PlayerRow, PlayerRow.id == AnswerRow.player_id)
                .where(AnswerRow.round_id == rnd.id)
                .order_by(AnswerRow.answered_at, AnswerRow.id)
            )
        ).all()
        day = now.date()
        for answer, _player in answers:
            streak = (
                await self._streak_before(session, quiz.id, rnd.number, answer.player_id)
                if (rules.streak_bonus and answer.correct)
                else 0
            )
            answer.points = rules.points(
                correct=answer.correct,
                answered_at=answer.answered_at,
                opened_at=rnd.opened_at,
                deadline=rnd.deadline,
                streak_before=streak,
            )
            stmt = dialect_insert(session, ScoreRow).values(
                player_id=answer.player_id,
                channel_id=channel.id,
                bank_id=bank.id,
                platform=channel.platform,
                workspace=channel.workspace,
                day=day,
                points=answer.points,
                correct=int(answer.correct),
                answered=1,
            )
            table = ScoreRow.__table__.c
            await session.execute(
                stmt.on_conflict_do_update(
                    index_elements=["player_id", "channel_id", "bank_id", "day"],
                    set_={
                        "points": table.points + stmt.excluded.points,
                        "correct": table.correct + stmt.excluded.correct,
                        "answered": table.answered + stmt.excluded.answered,
                    },
                )
            )
        await session.flush()

        next_question = None
        results = None
        if quiz.status == "running":
            if rnd.number < quiz.total:
                next_question = await self._open_round(session, quiz, rnd.number + 1, now)
            else:
                quiz.status = "finished"
                quiz.ended_at = now
                await session.flush()
                results = await self._results(session, quiz, channel, bank)
        order = rnd.option_order
        correct_label = None
        if question.kind != QuestionKind.TYPED and question.correct is not None:
            correct_label = OPTION_LETTERS[order.index(question.correct)]
            correct_text = question.options[question.correct]
        else:
            correct_text = " / ".join(question.accepted)
        return RoundOutcome(
            quiz_id=quiz.id,
            round_id=rnd.id,
            channel=_channel_ref(channel),
            message_ref=rnd.message_ref,
            number=rnd.number,
            total=quiz.total,
            kind=QuestionKind(question.kind),
            prompt=question.prompt,
            options=_options(question, order),
            correct_label=correct_label,
            correct_text=correct_text,
            explanation=question.explanation,
            winners=tuple(
                player.name or player.user_id for answer, player in answers if answer.correct
            ),
            answered=len(answers),
            next_question=next_question,
            results=results,
        )

    async def _streak_before(
        self, session: AsyncSession, quiz_id: int, number: int, player_id: int
    ) -> int:
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

    async def _results(
        self,
        session: AsyncSession,
        quiz: QuizRow,
        channel: ChannelRow,
        bank: BankRow,
        stopped_by: str | None = None,
    ) -> QuizResults:
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
        played = (
            await session.execute(
                select(func.count())
                .select_from(RoundRow)
                .where(RoundRow.quiz_id == quiz.id, RoundRow.status == "closed")
            )
        ).scalar_one()
        return QuizResults(
            quiz_id=quiz.id,
            channel=_channel_ref(channel),
            bank_title=bank.title or bank.name,
            rounds_played=played,
            standings=rank(rows.all()),
            stopped_by=stopped_by,
        )

    # -- stopping and looking -----------------------------------------------------------

    async def stop(
        self, where: ChannelRef, who: PlayerRef, *, is_moderator: bool = False
    ) -> QuizResults:
        """Stop the channel's quiz: its starter or a moderator may; the open round is scored."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            channel_id = await find_channel(session, where)
            quiz = None
            if channel_id is not None:
                quiz = (
                    await session.execute(
                        select(QuizRow).where(
                            QuizRow.channel_id == channel_id, QuizRow.status == "running"
                        )
                    )
                ).scalar()
            if quiz is None:
                raise NoQuizRunningError("no quiz is running here")
            player_id = await ensure_player(session, who)
            if quiz.started_by != player_id and not is_moderator:
                starter = await session.get(PlayerRow, quiz.started_by)
                name = (starter.name or starter.user_id) if starter else "its starter"
                raise NotAllowedError(
                    f"only {name}, who started this quiz, or a moderator can stop it"
                )
            stopped = await session.execute(
                update(QuizRow)
                .where(QuizRow.id == quiz.id, QuizRow.status == "running")
                .values(status="stopped", ended_at=now, stopped_by=player_id)
            )
            if stopped.rowcount != 1:
                raise NoQuizRunningError("no quiz is running here")
            open_rounds = list(
                (
                    await session.execute(
                        update(RoundRow)
                        .where(RoundRow.quiz_id == quiz.id, RoundRow.status == "open")
                        .values(status="closed", closed_at=now)
                        .returning(RoundRow.id)
                    )
                ).scalars()
            )
            closed = [await self._settle(session, round_id, now) for round_id in open_rounds]
            channel = await session.get(ChannelRow, quiz.channel_id)
            bank = await session.get(BankRow, quiz.bank_id)
            assert channel is not None and bank is not None
            results = await self._results(session, quiz, channel, bank, stopped_by=who.display_name)
            return dataclasses.replace(results, closed_rounds=tuple(closed))

    async def open_round(self, where: ChannelRef) -> QuestionView | None:
        """The channel's open round, if a quiz is running there."""
        views = await self._open_views(
            and_(
                ChannelRow.platform == where.platform,
                ChannelRow.workspace == where.workspace,
                ChannelRow.channel_id == where.channel,
            )
        )
        return views[0][0] if views else None

    async def open_rounds(self, platform: str) -> list[tuple[QuestionView, str | None]]:
        """Every open round on a platform with its message, to resume after a restart."""
        return await self._open_views(ChannelRow.platform == platform)

    async def _open_views(self, condition: Any) -> list[tuple[QuestionView, str | None]]:
        async with self.db.sessions() as session:
            rows = await session.execute(
                select(RoundRow, QuizRow, QuestionRow, ChannelRow, BankRow)
                .join(QuizRow, QuizRow.id == RoundRow.quiz_id)
                .join(QuestionRow, QuestionRow.id == RoundRow.question_id)
                .join(ChannelRow, ChannelRow.id == QuizRow.channel_id)
                .join(BankRow, BankRow.id == QuizRow.bank_id)
                .where(RoundRow.status == "open", QuizRow.status == "running", condition)
                .order_by(RoundRow.id)
            )
            return [
                (_question_view(quiz, rnd, question, channel, bank), rnd.message_ref)
                for rnd, quiz, question, channel, bank in rows
            ]
