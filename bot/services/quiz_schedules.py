"""Scheduled quizzes: a whole quiz that starts itself in a channel, daily or weekly, at a
local time in a time zone (``/quiz schedule weekly fri 17:00 Europe/London 10 questions``).

The schedules live in ``quiz_schedules`` (several per channel). Every running process asks
for due schedules on its ticker, as it does for the daily question, and claims each run with
the same conditional UPDATE of ``next_run_at`` (:mod:`bot.services.runs`), so exactly one
process starts each quiz, however many are running. The next run is counted in local days,
so 17:00 in London stays 17:00 in London across daylight-saving changes.

A claimed run is skipped, with a log line, when a quiz is already running in the channel
(the next run is still moved on), or when it is more than :data:`MAX_LATE` late (the bot
was down at the time: a quiz at the wrong hour would surprise the channel). Otherwise
:meth:`bot.services.app.QuizApp.start_due_quizzes` starts it as if the schedule's creator
had typed ``/quiz start`` with its options: what the schedule leaves out comes from the
channel's settings. A scheduled quiz has no join phase: it begins with question 1 at its
time, since nobody is there to press Start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.errors import NotAllowedError, QuizbotError
from bot.i18n import N_, _, ngettext
from bot.services.banks import find_bank
from bot.services.quizzes import questions_range, seconds_range
from bot.services.records import ensure_channel, ensure_player, find_channel
from bot.services.runs import claim_run, next_run_after, parse_time, parse_weekday, parse_zone
from bot.store.database import Database
from bot.store.models import BankRow, ChannelRow, PlayerRow, QuizRow, QuizScheduleRow
from bot.views import ChannelRef, PlayerRef, QuizScheduleView

log = logging.getLogger(__name__)

EVERY = ("daily", "weekly")
#: A run found due later than this after its time is skipped (the next one is kept).
MAX_LATE = timedelta(minutes=30)
#: How many scheduled quizzes one channel may have.
MAX_PER_CHANNEL = 10
MAX_QUESTIONS = 100
MIN_SECONDS, MAX_SECONDS = 5, 3600
NOT_MODERATOR = N_("only a moderator can schedule quizzes here")


@dataclass(frozen=True, slots=True)
class DueQuiz:
    """A run this process claimed: start a quiz here, for its creator, with these options."""

    schedule_id: int
    where: ChannelRef
    who: PlayerRef
    bank: str | None
    questions: int | None
    seconds: int | None


def _check_options(questions: int | None, seconds: int | None) -> None:
    if questions is not None and not 1 <= questions <= MAX_QUESTIONS:
        raise QuizbotError(questions_range(MAX_QUESTIONS))
    if seconds is not None and not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise QuizbotError(seconds_range(MIN_SECONDS, MAX_SECONDS))


class QuizSchedules:
    """Scheduled quizzes per channel, and claiming the runs that are due."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def add(
        self,
        where: ChannelRef,
        who: PlayerRef,
        every: str,
        at: str,
        timezone: str,
        *,
        weekday: str | None = None,
        bank: str | None = None,
        questions: int | None = None,
        seconds: int | None = None,
        is_moderator: bool,
    ) -> QuizScheduleView:
        """Schedule a quiz in a channel (moderators only); the channel keeps its others."""
        if not is_moderator:
            raise NotAllowedError(_(NOT_MODERATOR))
        if every not in EVERY:
            raise QuizbotError(
                _("a quiz is scheduled daily or weekly, not {every}").format(every=repr(every))
            )
        if every == "weekly" and weekday is None:
            raise QuizbotError(
                _("a weekly quiz needs a day, e.g. `weekly fri 17:00 Europe/London`")
            )
        day = parse_weekday(weekday) if every == "weekly" and weekday is not None else None
        at_time = parse_time(at)
        zone = parse_zone(timezone)
        _check_options(questions, seconds)
        now = self.clock.now()
        async with self.db.transaction() as session:
            bank_row = await find_bank(session, bank) if bank else None
            channel_id = await ensure_channel(session, where)
            existing = await session.scalar(
                select(func.count())
                .select_from(QuizScheduleRow)
                .where(QuizScheduleRow.channel_id == channel_id)
            )
            if (existing or 0) >= MAX_PER_CHANNEL:
                raise QuizbotError(
                    ngettext(
                        "this channel has {count} scheduled quiz already: "
                        "turn one off first (`schedule off ID`)",
                        "this channel has {count} scheduled quizzes already: "
                        "turn one off first (`schedule off ID`)",
                        MAX_PER_CHANNEL,
                    ).format(count=MAX_PER_CHANNEL)
                )
            schedule = QuizScheduleRow(
                channel_id=channel_id,
                every=every,
                weekday=day,
                at_time=at_time.strftime("%H:%M"),
                timezone=zone.key,
                bank_id=bank_row.id if bank_row else None,
                questions=questions,
                seconds=seconds,
                next_run_at=next_run_after(now, at_time, zone, day),
                created_by=await ensure_player(session, who),
                created_at=now,
            )
            session.add(schedule)
            await session.flush()
            return _view(where, schedule, bank_row.name if bank_row else None)

    async def list(self, where: ChannelRef) -> list[QuizScheduleView]:
        """A channel's scheduled quizzes, the next to start first."""
        async with self.db.reads() as session:
            channel_id = await find_channel(session, where)
            if channel_id is None:
                return []
            rows = await session.execute(
                select(QuizScheduleRow, BankRow.name)
                .outerjoin(BankRow, BankRow.id == QuizScheduleRow.bank_id)
                .where(QuizScheduleRow.channel_id == channel_id)
                .order_by(QuizScheduleRow.next_run_at, QuizScheduleRow.id)
            )
            return [_view(where, row, bank) for row, bank in rows.all()]

    async def everywhere(self, platform: str | None = None) -> list[QuizScheduleView]:
        """Every scheduled quiz (of one platform), the next to start first: for operators."""
        async with self.db.reads() as session:
            query = (
                select(QuizScheduleRow, BankRow.name, ChannelRow)
                .join(ChannelRow, ChannelRow.id == QuizScheduleRow.channel_id)
                .outerjoin(BankRow, BankRow.id == QuizScheduleRow.bank_id)
                .order_by(QuizScheduleRow.next_run_at, QuizScheduleRow.id)
            )
            if platform is not None:
                query = query.where(ChannelRow.platform == platform)
            rows = (await session.execute(query)).all()
        return [
            _view(ChannelRef(c.platform, c.workspace, c.channel_id), row, bank)
            for row, bank, c in rows
        ]

    async def off(
        self,
        where: ChannelRef,
        who: PlayerRef,
        schedule_id: int | None = None,
        *,
        is_moderator: bool,
    ) -> list[QuizScheduleView]:
        """Remove one of a channel's scheduled quizzes (by id), or all of them (moderators
        only); returns what was removed."""
        if not is_moderator:
            raise NotAllowedError(_(NOT_MODERATOR))
        removed = [
            s for s in await self.list(where) if schedule_id is None or s.schedule_id == schedule_id
        ]
        if not removed:
            if schedule_id is None:
                raise QuizbotError(_("this channel has no scheduled quiz"))
            raise QuizbotError(
                _("this channel has no scheduled quiz #{number}").format(number=schedule_id)
            )
        async with self.db.transaction() as session:
            await session.execute(
                delete(QuizScheduleRow).where(
                    QuizScheduleRow.id.in_([s.schedule_id for s in removed])
                )
            )
        return removed

    async def remove(self, schedule_id: int) -> QuizScheduleView:
        """Remove the scheduled quiz ``schedule_id`` wherever it is (for operators: the admin
        CLI, which asks no one's permission); returns what was removed."""
        async with self.db.transaction() as session:
            found = (
                await session.execute(
                    select(QuizScheduleRow, BankRow.name, ChannelRow)
                    .join(ChannelRow, ChannelRow.id == QuizScheduleRow.channel_id)
                    .outerjoin(BankRow, BankRow.id == QuizScheduleRow.bank_id)
                    .where(QuizScheduleRow.id == schedule_id)
                )
            ).first()
            if found is None:
                raise QuizbotError(
                    _("there is no scheduled quiz #{number}").format(number=schedule_id)
                )
            row, bank, channel = found
            removed = _view(
                ChannelRef(channel.platform, channel.workspace, channel.channel_id), row, bank
            )
            await session.execute(delete(QuizScheduleRow).where(QuizScheduleRow.id == schedule_id))
        return removed

    async def halt(self, where: ChannelRef) -> int:
        """Remove all of a channel's scheduled quizzes because the channel is gone (no one's
        permission is asked); how many there were."""
        async with self.db.transaction() as session:
            channel_id = await find_channel(session, where)
            if channel_id is None:
                return 0
            removed = await session.execute(
                delete(QuizScheduleRow).where(QuizScheduleRow.channel_id == channel_id)
            )
            return removed.rowcount or 0  # type: ignore[attr-defined]

    async def claim_due(
        self, platform: str | None = None, owns: Callable[[str], bool] | None = None
    ) -> list[DueQuiz]:
        """Claim every due run (each by one process only) and return those to start now.

        ``owns(workspace)`` limits this process to the workspaces it serves, as for daily
        questions. A run that is too late, or finds a quiz running, is claimed and skipped."""
        now = self.clock.now()
        async with self.db.reads() as session:
            query = (
                select(QuizScheduleRow.id, QuizScheduleRow.next_run_at, ChannelRow.workspace)
                .join(ChannelRow, ChannelRow.id == QuizScheduleRow.channel_id)
                .where(QuizScheduleRow.next_run_at <= now)
            )
            if platform is not None:
                query = query.where(ChannelRow.platform == platform)
            due = (await session.execute(query)).all()
        claimed = []
        for schedule_id, was_due_at, workspace in due:
            if owns is not None and not owns(workspace):
                continue
            async with self.db.transaction() as session:
                run = await self._claim(session, schedule_id, was_due_at, now)
            if run is not None:
                claimed.append(run)
        return claimed

    async def _claim(
        self, session: AsyncSession, schedule_id: int, was_due_at: datetime, now: datetime
    ) -> DueQuiz | None:
        schedule = await session.get(QuizScheduleRow, schedule_id)
        if schedule is None:
            return None
        following = next_run_after(
            now, parse_time(schedule.at_time), parse_zone(schedule.timezone), schedule.weekday
        )
        if not await claim_run(session, QuizScheduleRow, schedule_id, was_due_at, following):
            return None  # another process started it
        if now - was_due_at > MAX_LATE:
            log.warning(
                "scheduled quiz %s: skipped the run due at %s (found %s later); next at %s",
                schedule_id,
                was_due_at.isoformat(),
                now - was_due_at,
                following.isoformat(),
            )
            return None
        running = await session.scalar(
            select(QuizRow.id).where(
                QuizRow.channel_id == schedule.channel_id,
                QuizRow.status == "running",
                QuizRow.mode == "normal",
            )
        )
        if running is not None:
            log.info(
                "scheduled quiz %s: skipped, quiz %s is running in its channel; next at %s",
                schedule_id,
                running,
                following.isoformat(),
            )
            return None
        channel = await session.get(ChannelRow, schedule.channel_id)
        creator = await session.get(PlayerRow, schedule.created_by)
        bank = await session.get(BankRow, schedule.bank_id) if schedule.bank_id else None
        assert channel is not None and creator is not None  # foreign keys
        where = ChannelRef(channel.platform, channel.workspace, channel.channel_id)
        return DueQuiz(
            schedule_id=schedule_id,
            where=where,
            who=PlayerRef(where.platform, where.workspace, creator.user_id, creator.name),
            bank=bank.name if bank else None,
            questions=schedule.questions,
            seconds=schedule.seconds,
        )


def _view(where: ChannelRef, schedule: QuizScheduleRow, bank: str | None) -> QuizScheduleView:
    return QuizScheduleView(
        schedule_id=schedule.id,
        channel=where,
        every=schedule.every,
        weekday=schedule.weekday,
        at_time=schedule.at_time,
        timezone=schedule.timezone,
        bank=bank,
        questions=schedule.questions,
        seconds=schedule.seconds,
        next_run_at=schedule.next_run_at,
    )
