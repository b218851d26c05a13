"""Daily questions: a channel gets one question a day at a local time in a time zone.

The schedule lives in ``daily_schedules``. Every running process asks for due schedules
on its ticker; moving ``next_run_at`` on is one conditional UPDATE, so exactly one process
posts each day's question, however many are running (the local-time arithmetic and that
claim are :mod:`bot.services.runs`, shared with scheduled quizzes). A daily round stays open for the
schedule's ``open_minutes``; answering it right on consecutive days builds a streak.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.domain import PLAYABLE_KINDS
from bot.errors import NotAllowedError, QuizbotError
from bot.i18n import _
from bot.scoring import ScoringRules
from bot.services.banks import find_bank
from bot.services.mistakes import SettledAnswer
from bot.services.records import ensure_channel, ensure_player, find_channel
from bot.services.runs import claim_run, next_run_after, parse_time, parse_zone
from bot.store.database import Database
from bot.store.models import (
    BankRow,
    ChannelRow,
    DailyScheduleRow,
    DailyStreakRow,
    PlayerRow,
    QuestionRow,
    QuizRow,
    RoundRow,
)
from bot.views import ChannelRef, DailyView, PlayerRef, QuestionView

log = logging.getLogger(__name__)

DEFAULT_OPEN_MINUTES = 8 * 60
MAX_OPEN_MINUTES = 23 * 60


def local_day(moment: datetime, zone_name: str) -> date:
    return moment.astimezone(parse_zone(zone_name)).date()


async def update_daily_streaks(
    session: AsyncSession, quiz: QuizRow, rnd: RoundRow, answers: Sequence[SettledAnswer]
) -> None:
    """After a daily round: extend the streak of who got it right; end it for who got it
    wrong or did not answer."""
    schedule = await session.get(DailyScheduleRow, quiz.daily_id) if quiz.daily_id else None
    day = local_day(rnd.opened_at, schedule.timezone if schedule else "UTC")
    for answer in answers:
        streak = (
            await session.execute(
                select(DailyStreakRow).where(
                    DailyStreakRow.player_id == answer.player_id,
                    DailyStreakRow.channel_id == quiz.channel_id,
                )
            )
        ).scalar()
        if streak is None:
            streak = DailyStreakRow(
                player_id=answer.player_id, channel_id=quiz.channel_id, current=0, best=0
            )
            session.add(streak)
        if streak.last_day == day:
            continue
        if answer.correct:
            follows = streak.last_day == day - timedelta(days=1)
            streak.current = (streak.current or 0) + 1 if follows else 1
            streak.best = max(streak.best or 0, streak.current)
        else:
            streak.current = 0
        streak.last_day = day
    # Whoever had a streak here and let today's question pass has lost it.
    await session.execute(
        update(DailyStreakRow)
        .where(
            DailyStreakRow.channel_id == quiz.channel_id,
            DailyStreakRow.player_id.not_in([a.player_id for a in answers]),
            DailyStreakRow.current > 0,
        )
        .values(current=0)
        .execution_options(synchronize_session=False)
    )


def current_daily_streak(streak: DailyStreakRow, today: date) -> int:
    """A streak still counts today if its last correct day was today or yesterday."""
    if streak.last_day is None or streak.last_day < today - timedelta(days=1):
        return 0
    return streak.current or 0


class Dailies:
    """Daily-question schedules per channel, and posting the questions that are due."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def set(
        self,
        where: ChannelRef,
        who: PlayerRef,
        at: str,
        timezone: str,
        bank: str,
        *,
        is_moderator: bool,
        open_minutes: int | None = None,
    ) -> DailyView:
        """Give a channel a daily question (moderators only); replaces its schedule."""
        if not is_moderator:
            raise NotAllowedError(_("only a moderator can set the daily question"))
        at_time = parse_time(at)
        zone = parse_zone(timezone)
        minutes = open_minutes or DEFAULT_OPEN_MINUTES
        if not 1 <= minutes <= MAX_OPEN_MINUTES:
            raise QuizbotError(
                _("a daily question stays open 1 to {most} minutes").format(most=MAX_OPEN_MINUTES)
            )
        now = self.clock.now()
        async with self.db.transaction() as session:
            bank_row = await find_bank(session, bank)
            channel_id = await ensure_channel(session, where)
            player_id = await ensure_player(session, who)
            schedule = (
                await session.execute(
                    select(DailyScheduleRow).where(DailyScheduleRow.channel_id == channel_id)
                )
            ).scalar()
            if schedule is None:
                schedule = DailyScheduleRow(
                    channel_id=channel_id, created_at=now, created_by=player_id
                )
                session.add(schedule)
            schedule.bank_id = bank_row.id
            schedule.at_time = at_time.strftime("%H:%M")
            schedule.timezone = zone.key
            schedule.open_minutes = minutes
            schedule.next_run_at = next_run_after(now, at_time, zone)
            schedule.created_by = player_id
            await session.flush()
            return self._view(where, schedule, bank_row.name)

    async def off(self, where: ChannelRef, who: PlayerRef, *, is_moderator: bool) -> DailyView:
        """Stop a channel's daily question (moderators only)."""
        if not is_moderator:
            raise NotAllowedError(_("only a moderator can turn the daily question off"))
        async with self.db.transaction() as session:
            channel_id = await find_channel(session, where)
            schedule = None
            if channel_id is not None:
                schedule = (
                    await session.execute(
                        select(DailyScheduleRow).where(DailyScheduleRow.channel_id == channel_id)
                    )
                ).scalar()
            if schedule is None:
                raise QuizbotError(_("this channel has no daily question"))
            await session.delete(schedule)
        return DailyView(where, enabled=False)

    async def halt(self, where: ChannelRef) -> PlayerRef | None:
        """Remove a channel's daily question because the channel refused it (no one's
        permission is asked); returns who set it, to be told why, or None if it had none."""
        async with self.db.transaction() as session:
            channel_id = await find_channel(session, where)
            if channel_id is None:
                return None
            found = (
                await session.execute(
                    select(DailyScheduleRow, PlayerRow)
                    .join(PlayerRow, PlayerRow.id == DailyScheduleRow.created_by)
                    .where(DailyScheduleRow.channel_id == channel_id)
                )
            ).first()
            if found is None:
                return None
            schedule, creator = found
            await session.delete(schedule)
            return PlayerRef(where.platform, where.workspace, creator.user_id, creator.name)

    async def get(self, where: ChannelRef) -> DailyView:
        async with self.db.reads() as session:
            row = (
                await session.execute(
                    select(DailyScheduleRow, BankRow.name)
                    .join(ChannelRow, ChannelRow.id == DailyScheduleRow.channel_id)
                    .join(BankRow, BankRow.id == DailyScheduleRow.bank_id)
                    .where(
                        ChannelRow.platform == where.platform,
                        ChannelRow.workspace == where.workspace,
                        ChannelRow.channel_id == where.channel,
                    )
                )
            ).first()
        if row is None:
            return DailyView(where, enabled=False)
        return self._view(where, row[0], row[1])

    @staticmethod
    def _view(where: ChannelRef, schedule: DailyScheduleRow, bank: str) -> DailyView:
        return DailyView(
            channel=where,
            enabled=True,
            at_time=schedule.at_time,
            timezone=schedule.timezone,
            bank=bank,
            open_minutes=schedule.open_minutes,
            next_run_at=schedule.next_run_at,
        )

    async def start_due(
        self, platform: str | None = None, owns: Callable[[str], bool] | None = None
    ) -> list[QuestionView]:
        """Post every daily question that is due: each schedule claimed by one process only.

        ``owns(workspace)`` limits this process to the workspaces it serves (a worker of a
        sharded bot takes only its shards' dailies, so it is the one that reads their
        channels' answers); the others are left for their own process."""
        now = self.clock.now()
        async with self.db.reads() as session:
            query = (
                select(DailyScheduleRow.id, DailyScheduleRow.next_run_at, ChannelRow.workspace)
                .join(ChannelRow, ChannelRow.id == DailyScheduleRow.channel_id)
                .where(DailyScheduleRow.next_run_at <= now)
            )
            if platform is not None:
                query = query.where(ChannelRow.platform == platform)
            due = (await session.execute(query)).all()
        started = []
        for schedule_id, was_due_at, workspace in due:
            if owns is not None and not owns(workspace):
                continue
            view = await self._claim_and_start(schedule_id, was_due_at, now)
            if view is not None:
                started.append(view)
        return started

    async def _claim_and_start(
        self, schedule_id: int, was_due_at: datetime, now: datetime
    ) -> QuestionView | None:
        from bot.services.rounds import open_round

        async with self.db.transaction() as session:
            schedule = await session.get(DailyScheduleRow, schedule_id)
            if schedule is None:
                return None
            following = next_run_after(
                now, parse_time(schedule.at_time), parse_zone(schedule.timezone)
            )
            if not await claim_run(session, DailyScheduleRow, schedule_id, was_due_at, following):
                return None  # another process posted it
            # Yesterday's question, if still open, makes way for today's.
            await session.execute(
                update(QuizRow)
                .where(
                    QuizRow.channel_id == schedule.channel_id,
                    QuizRow.mode == "daily",
                    QuizRow.status == "running",
                )
                .values(status="finished", ended_at=now)
            )
            question_id = await self._pick_question(session, schedule, now)
            if question_id is None:
                log.warning("daily question %s: its bank has nothing to ask", schedule_id)
                return None
            quiz = QuizRow(
                channel_id=schedule.channel_id,
                bank_id=schedule.bank_id,
                mode="daily",
                daily_id=schedule.id,
                started_by=schedule.created_by,
                status="running",
                question_ids=[question_id],
                total=1,
                seconds=schedule.open_minutes * 60,
                solo=False,
                seed=random.SystemRandom().randrange(2**31),
                scoring=ScoringRules().to_dict(),
                created_at=now,
            )
            session.add(quiz)
            await session.flush()
            return await open_round(session, quiz, 1, now)

    async def _pick_question(
        self, session: AsyncSession, schedule: DailyScheduleRow, now: datetime
    ) -> int | None:
        """A question of the bank this channel's daily has not asked yet (or any, once all were)."""
        asked = (
            select(RoundRow.question_id)
            .join(QuizRow, QuizRow.id == RoundRow.quiz_id)
            .where(QuizRow.channel_id == schedule.channel_id, QuizRow.mode == "daily")
        )
        playable = select(QuestionRow.id).where(
            QuestionRow.bank_id == schedule.bank_id,
            QuestionRow.active.is_(True),
            QuestionRow.kind.in_([k.value for k in PLAYABLE_KINDS]),
        )
        fresh = list(
            (await session.execute(playable.where(QuestionRow.id.not_in(asked)))).scalars()
        )
        pool = fresh or list((await session.execute(playable)).scalars())
        if not pool:
            return None
        return random.Random(f"{schedule.id}:{now.date()}").choice(sorted(pool))
