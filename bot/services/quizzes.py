"""The quiz engine: start and stop quizzes, record answers, close rounds.

All state is in the database. Two rules are the database's to enforce: one answer per
(round, player) is a unique constraint hit by ``INSERT ... ON CONFLICT DO NOTHING``, and a
round is closed by one conditional UPDATE, so of several processes exactly one gets the
:class:`RoundOutcome` to announce. An answer takes a share lock on its round (PostgreSQL;
SQLite serialises writers), so a round cannot close between an answer's check and insert.
Scoring and what follows a closed round are in :mod:`bot.services.rounds`.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime, timedelta
from typing import Any

from fsrs import Scheduler
from sqlalchemy import and_, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.domain import PLAYABLE_KINDS, QuestionKind
from bot.errors import (
    EmptyBankError,
    NoQuizRunningError,
    NotAllowedError,
    QuizAlreadyRunningError,
    QuizbotError,
)
from bot.i18n import N_, _
from bot.scoring import ScoringRules
from bot.services import lobby
from bot.services.answering import RoundsSeen, record_answer, record_answer_fast
from bot.services.banks import find_bank
from bot.services.mistakes import review_question_ids
from bot.services.records import (
    PlayerIds,
    ensure_channel,
    ensure_player,
    find_channel,
)
from bot.services.rounds import (
    channel_ref,
    open_round,
    private_to,
    question_view,
    quiz_results,
    settle,
    title_of,
)
from bot.services.teams import form_teams
from bot.store.database import Database
from bot.store.models import (
    AnswerRow,
    BankRow,
    ChannelRow,
    PlayerRow,
    QuestionRow,
    QuizRow,
    RoundRow,
)
from bot.teams import MAX_TEAMS, MIN_TEAMS
from bot.views import (
    AnswerReceipt,
    Begun,
    ChannelRef,
    Halted,
    LobbyView,
    PlayerRef,
    QuestionView,
    QuizResults,
    RoundOutcome,
)

MAX_QUESTIONS = 100
MIN_SECONDS, MAX_SECONDS = 5, 3600
ORDERS = ("random", "hardest")
#: How many due rounds one pass of the ticker takes (it comes back at once for more).
DUE_BATCH = 100
ALREADY_RUNNING = N_("a quiz is already running here: answer it, or stop it first")
QUIZ_OVER = N_("that quiz is over")
NOT_STARTED_HERE = N_("that quiz was not started here")


def _check_lobby(lobby_seconds: int, max_seconds: int | None, solo: bool) -> None:
    if solo:
        raise QuizbotError(_("a quiz for one player has no lobby"))
    if lobby_seconds and not lobby.MIN_LOBBY_SECONDS <= lobby_seconds <= lobby.MAX_LOBBY_SECONDS:
        raise QuizbotError(
            _("the lobby must wait between {low} and {high} seconds").format(
                low=lobby.MIN_LOBBY_SECONDS, high=lobby.MAX_LOBBY_SECONDS
            )
        )
    if max_seconds is not None and not MIN_SECONDS <= max_seconds <= MAX_SECONDS:
        raise QuizbotError(
            _("a relaxed round waits between {low} and {high} seconds").format(
                low=MIN_SECONDS, high=MAX_SECONDS
            )
        )


def _check_sizes(count: int, seconds: int) -> None:
    if not 1 <= count <= MAX_QUESTIONS:
        raise QuizbotError(questions_range(MAX_QUESTIONS))
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise QuizbotError(seconds_range(MIN_SECONDS, MAX_SECONDS))


def questions_range(most: int) -> str:
    """The error for a number of questions out of 1 to ``most``, in the current language."""
    return _("the number of questions must be between 1 and {most}").format(most=most)


def seconds_range(low: int, high: int) -> str:
    """The error for a time per question out of ``low`` to ``high`` seconds."""
    return _("the time per question must be between {low} and {high} seconds").format(
        low=low, high=high
    )


async def _hardest_first(session: AsyncSession, ids: list[int], rng: random.Random) -> list[int]:
    """Questions most players miss first; never-asked ones after, in random order."""
    miss_rate = func.avg(case((AnswerRow.correct, 0.0), else_=1.0))
    rows = await session.execute(
        select(RoundRow.question_id, miss_rate, func.count(AnswerRow.id))
        .join(AnswerRow, AnswerRow.round_id == RoundRow.id)
        .where(RoundRow.question_id.in_(ids))
        .group_by(RoundRow.question_id)
    )
    stats = {qid: (float(rate), int(n)) for qid, rate, n in rows}
    asked = sorted(stats, key=lambda q: (-stats[q][0], -stats[q][1], q))
    never = [q for q in ids if q not in stats]
    rng.shuffle(never)
    return asked + never


class Quizzes:
    """Quizzes in channels, as runs of rounds."""

    def __init__(self, db: Database, clock: Clock, scheduler: Scheduler) -> None:
        self.db = db
        self.clock = clock
        self.scheduler = scheduler
        self.players = PlayerIds()
        #: What the answer path has read of open rounds (see bot.services.answering).
        self.rounds_seen = RoundsSeen()
        #: The engine for one-statement answers on PostgreSQL (autocommit), else None.
        self.autocommit = (
            db.engine.execution_options(isolation_level="AUTOCOMMIT")
            if db.dialect == "postgresql"
            else None
        )

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
        order: str = "random",
        lobby_seconds: int | None = None,
        max_seconds: int | None = None,
        teams: int | None = None,
    ) -> QuestionView | LobbyView:
        """Start a quiz in a channel and open its first round.

        ``order`` "hardest" asks the questions most players miss first. With
        ``lobby_seconds`` the quiz first runs a join phase that long (its starter joined)
        and the lobby is returned instead; question 1 opens when it begins
        (:meth:`begin`, :meth:`begin_due`). ``max_seconds`` (relaxed mode) is each round's
        deadline: rounds wait that long for everyone who joined. ``teams`` (2-4) makes it a
        team game: the players who joined are dealt into balanced teams as it begins
        (:mod:`bot.services.teams`).
        """
        _check_sizes(count, seconds)
        if teams is not None and not MIN_TEAMS <= teams <= MAX_TEAMS:
            raise QuizbotError(
                _("a team game has {low} to {high} teams").format(low=MIN_TEAMS, high=MAX_TEAMS)
            )
        if teams is not None and solo:
            raise QuizbotError(_("a quiz for one player has no teams"))
        if lobby_seconds is not None:
            _check_lobby(lobby_seconds, max_seconds, solo)
        if order not in ORDERS:
            raise QuizbotError(
                _("unknown order {order} (one of: {orders})").format(
                    order=repr(order), orders=", ".join(ORDERS)
                )
            )
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
                if topic:
                    raise EmptyBankError(
                        _("the bank {bank} has no questions to play on the topic {topic}").format(
                            bank=repr(bank_row.name), topic=repr(topic)
                        )
                    )
                raise EmptyBankError(
                    _("the bank {bank} has no questions to play").format(bank=repr(bank_row.name))
                )
            seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
            rng = random.Random(seed)
            if order == "hardest":
                chosen = (await _hardest_first(session, ids, rng))[:count]
            else:
                chosen = rng.sample(ids, min(count, len(ids)))
            return await self._create(
                session,
                where,
                who,
                bank_row.id,
                chosen,
                seconds,
                seed,
                mode="normal",
                solo=solo,
                scoring=scoring,
                lobby_seconds=lobby_seconds,
                max_seconds=max_seconds,
                teams=teams,
            )

    async def start_review(
        self, where: ChannelRef, who: PlayerRef, count: int = 10, seconds: int = 120
    ) -> QuestionView:
        """A quiz for one player from the questions they got wrong (it replaces their last)."""
        _check_sizes(count, seconds)
        now = self.clock.now()
        async with self.db.transaction() as session:
            player_id = await ensure_player(session, who)
            await session.execute(
                update(QuizRow)
                .where(
                    QuizRow.started_by == player_id,
                    QuizRow.mode == "review",
                    QuizRow.status == "running",
                )
                .values(status="stopped", ended_at=now)
            )
            await session.execute(
                update(RoundRow)
                .where(
                    RoundRow.status == "open",
                    RoundRow.quiz_id.in_(
                        select(QuizRow.id).where(
                            QuizRow.started_by == player_id,
                            QuizRow.mode == "review",
                            QuizRow.status == "stopped",
                        )
                    ),
                )
                .values(status="closed", closed_at=now)
            )
            chosen = await review_question_ids(session, player_id, now, count)
            if not chosen:
                raise EmptyBankError(_("you have no mistakes to review yet: play a quiz first"))
            seed = random.SystemRandom().randrange(2**31)
            return await self._create(
                session, where, who, None, chosen, seconds, seed, mode="review", solo=True
            )

    async def _create(
        self,
        session: AsyncSession,
        where: ChannelRef,
        who: PlayerRef,
        bank_id: int | None,
        chosen: list[int],
        seconds: int,
        seed: int,
        *,
        mode: str,
        solo: bool,
        scoring: ScoringRules | None = None,
        lobby_seconds: int | None = None,
        max_seconds: int | None = None,
        teams: int | None = None,
    ) -> QuestionView | LobbyView:
        now = self.clock.now()
        channel_id = await ensure_channel(session, where)
        if mode == "normal":
            running = await session.execute(
                select(QuizRow.id).where(
                    QuizRow.channel_id == channel_id,
                    QuizRow.status == "running",
                    QuizRow.mode == "normal",
                )
            )
            if running.first() is not None:
                raise QuizAlreadyRunningError(_(ALREADY_RUNNING))
        quiz = QuizRow(
            channel_id=channel_id,
            bank_id=bank_id,
            mode=mode,
            started_by=await ensure_player(session, who),
            status="running",
            question_ids=chosen,
            total=len(chosen),
            seconds=seconds,
            solo=solo,
            seed=seed,
            scoring=(scoring or ScoringRules()).to_dict(),
            created_at=now,
            lobby=lobby_seconds is not None,
            lobby_until=now + timedelta(seconds=lobby_seconds) if lobby_seconds else None,
            max_seconds=max_seconds,
            teams=teams,
        )
        session.add(quiz)
        try:
            await session.flush()
        except IntegrityError:
            raise QuizAlreadyRunningError(_(ALREADY_RUNNING)) from None
        if lobby_seconds is not None:
            await lobby.join(session, quiz.id, quiz.started_by, now)
            if lobby_seconds:
                return await self._lobby_view(session, quiz)
            quiz.lobby_until = None  # a lobby of no time: the starter alone, begun at once
        return await open_round(session, quiz, 1, now)

    # -- the lobby ----------------------------------------------------------------------

    async def _lobby_view(self, session: AsyncSession, quiz: QuizRow) -> LobbyView:
        players = await lobby.joined(session, quiz.id)
        starter = await session.get(PlayerRow, quiz.started_by)
        channel = await session.get(ChannelRow, quiz.channel_id)
        bank = await session.get(BankRow, quiz.bank_id) if quiz.bank_id is not None else None
        assert starter is not None and channel is not None
        return LobbyView(
            quiz_id=quiz.id,
            channel=channel_ref(channel),
            bank_title=title_of(quiz, bank),
            total=quiz.total,
            seconds=quiz.seconds,
            starter=starter.name or starter.user_id,
            players=tuple(p.display_name for p in players),
            until=quiz.lobby_until,
            message_ref=quiz.lobby_message,
            max_seconds=quiz.max_seconds,
            begun=quiz.status == "running" and quiz.lobby_until is None,
            ended=quiz.status != "running",
        )

    async def _lobby_quiz(
        self, session: AsyncSession, quiz_id: int, where: ChannelRef | None
    ) -> QuizRow:
        quiz = await session.get(QuizRow, quiz_id, populate_existing=True)
        if quiz is None or not quiz.lobby:
            raise QuizbotError(_("that quiz has no lobby"))
        if where is not None:
            channel = await session.get(ChannelRow, quiz.channel_id)
            if channel is None or channel_ref(channel) != where:
                raise QuizbotError(_(NOT_STARTED_HERE))
        return quiz

    async def join(
        self, quiz_id: int, who: PlayerRef, where: ChannelRef | None = None
    ) -> tuple[LobbyView, bool]:
        """Join a quiz with a lobby (before it begins, or late): the lobby as it is now, and
        whether ``who`` is new to it. A late joiner raises the open round's ``expected``."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            quiz = await self._lobby_quiz(session, quiz_id, where)
            if quiz.status != "running":
                raise QuizbotError(_(QUIZ_OVER))
            channel = await session.get(ChannelRow, quiz.channel_id)
            assert channel is not None
            if (who.platform, who.workspace) != (channel.platform, channel.workspace):
                raise QuizbotError(_(NOT_STARTED_HERE))
            player_id = await ensure_player(session, who)
            new = await lobby.join(session, quiz.id, player_id, now)
            return await self._lobby_view(session, quiz), new

    async def begin(
        self,
        quiz_id: int,
        who: PlayerRef,
        where: ChannelRef | None = None,
        *,
        is_moderator: bool = False,
    ) -> Begun | None:
        """End a quiz's join phase now and open question 1: its starter, or a moderator,
        may. None when it had already begun (another click, or its timeout, was first)."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            quiz = await self._lobby_quiz(session, quiz_id, where)
            if quiz.status != "running":
                raise QuizbotError(_(QUIZ_OVER))
            player_id = await ensure_player(session, who)
            if quiz.started_by != player_id and not is_moderator:
                starter = await session.get(PlayerRow, quiz.started_by)
                if starter is None:
                    raise NotAllowedError(_("only the player who started this quiz can start it"))
                raise NotAllowedError(
                    _("only {name}, who started this quiz, can start it").format(
                        name=starter.name or starter.user_id
                    )
                )
            return await self._begin(session, quiz, now)

    async def _begin(self, session: AsyncSession, quiz: QuizRow, now: datetime) -> Begun | None:
        """Begin a quiz by one conditional UPDATE: of several callers, one opens question 1."""
        begun = await session.execute(
            update(QuizRow)
            .where(
                QuizRow.id == quiz.id,
                QuizRow.status == "running",
                QuizRow.lobby_until.is_not(None),
            )
            .values(lobby_until=None)
            .execution_options(synchronize_session=False)
        )
        if begun.rowcount != 1:
            return None
        await session.refresh(quiz)
        teams = await form_teams(session, quiz)  # a team game's teams, dealt as it begins
        question = await open_round(session, quiz, 1, now)
        shown = dataclasses.replace(await self._lobby_view(session, quiz), teams=teams)
        return Begun(lobby=shown, question=question)

    async def due_lobbies(self, platform: str | None = None, limit: int = DUE_BATCH) -> list[int]:
        """Quizzes whose join phase has run its time (of one platform's channels)."""
        query = (
            select(QuizRow.id)
            .where(QuizRow.status == "running", QuizRow.lobby_until <= self.clock.now())
            .order_by(QuizRow.lobby_until)
            .limit(limit)
        )
        if platform is not None:
            query = query.join(ChannelRow, ChannelRow.id == QuizRow.channel_id).where(
                ChannelRow.platform == platform
            )
        async with self.db.reads() as session:
            return list((await session.execute(query)).scalars())

    async def begin_due(self, platform: str | None = None) -> list[Begun]:
        """Begin every quiz whose join phase has run its time: each by one process only."""
        started = []
        for quiz_id in await self.due_lobbies(platform):
            async with self.db.transaction() as session:
                quiz = await session.get(QuizRow, quiz_id)
                if quiz is None:
                    continue
                begun = await self._begin(session, quiz, self.clock.now())
            if begun is not None:
                started.append(begun)
        return started

    async def set_lobby_message(self, quiz_id: int, message_ref: str) -> None:
        """Remember which platform message shows a quiz's lobby, so any process can edit it."""
        async with self.db.transaction() as session:
            await session.execute(
                update(QuizRow).where(QuizRow.id == quiz_id).values(lobby_message=message_ref)
            )

    async def lobby(self, quiz_id: int) -> LobbyView | None:
        """A quiz's lobby as it is now; None when it has none."""
        async with self.db.reads() as session:
            quiz = await session.get(QuizRow, quiz_id)
            if quiz is None or not quiz.lobby:
                return None
            return await self._lobby_view(session, quiz)

    # -- answering ----------------------------------------------------------------------

    async def answer(
        self, round_id: int, who: PlayerRef, choice: str, where: ChannelRef | None = None
    ) -> AnswerReceipt:
        """Record one player's answer to a round: a letter, or text for a typed question.

        The answer counts only from the round's own workspace (and channel, ``where``).
        The click that completes the round (every player of the earlier rounds answered,
        or a solo quiz) closes it and carries the outcome.
        """
        now = self.clock.now()
        recorded = None
        if self.autocommit is not None:
            recorded = await record_answer_fast(
                self.autocommit, self.rounds_seen, self.players, round_id, who, choice, now, where
            )
        if recorded is None:
            async with self.db.engine.begin() as conn:
                recorded = await record_answer(
                    conn, self.players, round_id, who, choice, now, where, self.rounds_seen
                )
        if not recorded.close_now:
            return recorded.receipt
        outcome = await self.close_round(round_id)
        return dataclasses.replace(
            recorded.receipt,
            correct=recorded.correct if outcome is not None else None,
            outcome=outcome,
        )

    async def answer_text(
        self, where: ChannelRef, who: PlayerRef, text: str
    ) -> AnswerReceipt | None:
        """Answer the channel's open typed round with a chat message; None if there is none."""
        view = await self.open_typed_round(where)
        if view is None:
            return None
        return await self.answer(view.round_id, who, text, where)

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
            return await settle(session, self.scheduler, round_id, now)

    async def due_rounds(self, platform: str | None = None, limit: int = DUE_BATCH) -> list[int]:
        """Open rounds past their deadline, earliest first (of one platform's channels)."""
        now = self.clock.now()
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
        async with self.db.reads() as session:
            return list((await session.execute(query)).scalars())

    async def close_due(
        self, platform: str | None = None, limit: int = DUE_BATCH
    ) -> list[RoundOutcome]:
        """Close every open round past its deadline (of one platform's channels, if given)."""
        outcomes = []
        for round_id in await self.due_rounds(platform, limit):
            outcome = await self.close_round(round_id)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

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
                            QuizRow.channel_id == channel_id,
                            QuizRow.status == "running",
                            QuizRow.mode == "normal",
                        )
                    )
                ).scalar()
            if quiz is None:
                raise NoQuizRunningError(_("no quiz is running here"))
            player_id = await ensure_player(session, who)
            if quiz.started_by != player_id and not is_moderator:
                starter = await session.get(PlayerRow, quiz.started_by)
                if starter is None:
                    raise NotAllowedError(
                        _("only the player who started this quiz, or a moderator, can stop it")
                    )
                raise NotAllowedError(
                    _("only {name}, who started this quiz, or a moderator can stop it").format(
                        name=starter.name or starter.user_id
                    )
                )
            stopped = await session.execute(
                update(QuizRow)
                .where(QuizRow.id == quiz.id, QuizRow.status == "running")
                .values(status="stopped", ended_at=now, stopped_by=player_id)
            )
            if stopped.rowcount != 1:
                raise NoQuizRunningError(_("no quiz is running here"))
            closed = await self._close_open_rounds(session, quiz.id, now)
            results = await quiz_results(session, quiz, stopped_by=who.display_name)
            return dataclasses.replace(results, closed_rounds=tuple(closed))

    async def halt(self, quiz_id: int) -> Halted | None:
        """Stop a running quiz (any mode) because its channel refused it: no one's permission
        is asked. Its open round is scored; None when it was not running any more."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            stopped = await session.execute(
                update(QuizRow)
                .where(QuizRow.id == quiz_id, QuizRow.status == "running")
                .values(status="stopped", ended_at=now)
            )
            if stopped.rowcount != 1:
                return None
            quiz = await session.get(QuizRow, quiz_id)
            assert quiz is not None
            starter = await session.get(PlayerRow, quiz.started_by)
            channel = await session.get(ChannelRow, quiz.channel_id)
            assert starter is not None and channel is not None
            await self._close_open_rounds(session, quiz_id, now)
            results = await quiz_results(session, quiz)
            who = PlayerRef(channel.platform, channel.workspace, starter.user_id, starter.name)
            return Halted(results=results, starter=who)

    async def _close_open_rounds(
        self, session: AsyncSession, quiz_id: int, now: datetime
    ) -> list[RoundOutcome]:
        """Close a stopped quiz's open round(s) and score them."""
        open_rounds = (
            await session.execute(
                update(RoundRow)
                .where(RoundRow.quiz_id == quiz_id, RoundRow.status == "open")
                .values(status="closed", closed_at=now)
                .returning(RoundRow.id)
            )
        ).scalars()
        return [await settle(session, self.scheduler, rid, now) for rid in list(open_rounds)]

    async def open_round(self, where: ChannelRef) -> QuestionView | None:
        """The open round of the channel's quiz, if one is running there."""
        views = await self._open_views(
            and_(
                ChannelRow.platform == where.platform,
                ChannelRow.workspace == where.workspace,
                ChannelRow.channel_id == where.channel,
                QuizRow.mode == "normal",
            )
        )
        return views[0][0] if views else None

    async def open_typed_round(self, where: ChannelRef) -> QuestionView | None:
        """The channel's open typed-answer round (its quiz's first, else its daily question's),
        which a chat message in the channel answers."""
        views = await self._open_views(
            and_(
                ChannelRow.platform == where.platform,
                ChannelRow.workspace == where.workspace,
                ChannelRow.channel_id == where.channel,
                QuizRow.mode != "review",
                QuestionRow.kind == QuestionKind.TYPED.value,
            ),
            order=(QuizRow.mode != "normal", RoundRow.id),
            limit=1,
        )
        return views[0][0] if views else None

    async def round_at_message(self, platform: str, message_ref: str) -> QuestionView | None:
        """The open round a platform's message shows (the one a reply to it would answer);
        for platforms whose message references are unique (they name their chat)."""
        views = await self._open_views(
            and_(ChannelRow.platform == platform, RoundRow.message_ref == message_ref), limit=1
        )
        return views[0][0] if views else None

    async def round_view(self, round_id: int) -> QuestionView | None:
        """An open round by id, whatever its quiz's mode."""
        views = await self._open_views(RoundRow.id == round_id)
        return views[0][0] if views else None

    async def open_rounds(self, platform: str) -> list[tuple[QuestionView, str | None]]:
        """Every open round on a platform (any mode) with its message, to resume after a restart."""
        return await self._open_views(ChannelRow.platform == platform)

    async def _open_views(
        self, condition: Any, order: tuple[Any, ...] = (RoundRow.id,), limit: int | None = None
    ) -> list[tuple[QuestionView, str | None]]:
        async with self.db.reads() as session:
            rows = await session.execute(
                select(RoundRow, QuizRow, QuestionRow, ChannelRow, BankRow)
                .join(QuizRow, QuizRow.id == RoundRow.quiz_id)
                .join(QuestionRow, QuestionRow.id == RoundRow.question_id)
                .join(ChannelRow, ChannelRow.id == QuizRow.channel_id)
                .join(BankRow, BankRow.id == QuestionRow.bank_id)
                .where(RoundRow.status == "open", QuizRow.status == "running", condition)
                .order_by(*order)
                .limit(limit)
            )
            views = []
            for rnd, quiz, question, channel, bank in rows:
                owner = await private_to(session, quiz)
                views.append(
                    (question_view(quiz, rnd, question, channel, bank, owner), rnd.message_ref)
                )
            return views
