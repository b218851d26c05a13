"""Leaderboards: ranked players by channel, workspace or everywhere, over a period.

They read the ``scores`` table (points per player, channel, bank and day, kept as rounds
close), so a leaderboard costs the same whatever the number of answers behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, bindparam, func, select

from bot.clock import Clock
from bot.errors import QuizbotError
from bot.i18n import N_, _
from bot.services.periods import ALL_TIME, TOTAL_PERIODS, period_start, total_start
from bot.services.records import rank
from bot.store.database import Database
from bot.store.models import BankRow, ChannelRow, PlayerRow, PlayerTotalRow, ScoreRow
from bot.views import ChannelRef, LeaderboardView, Standing

SCOPES = ("channel", "workspace", "all")
#: Each period's words in a title, translated where shown (``_(PERIOD_TITLES[period])``).
PERIOD_TITLES = {
    "all": N_("all time"),
    "today": N_("today"),
    "week": N_("this week"),
    "month": N_("this month"),
}
#: Each scope's words in a title (chat adapters use their platform's word for a workspace).
PLACE_TITLES = {
    "channel": N_("this channel"),
    "workspace": N_("this workspace"),
    "all": N_("everywhere"),
}


@dataclass(frozen=True, slots=True)
class LeaderboardFilter:
    """Which scores count: any combination of platform, workspace, channel, bank and start day."""

    platform: str | None = None
    workspace: str | None = None
    channel: str | None = None
    bank: str | None = None
    since: date | None = None


def _channel_board() -> Any:
    """A channel's board since a day, built once: the channel found by its whole key (its
    unique index), then its daily score rows (``ix_scores_channel_day``) summed per player."""
    scores, players, channels = ScoreRow.__table__, PlayerRow.__table__, ChannelRow.__table__
    channel = (
        select(channels.c.id)
        .where(
            channels.c.platform == bindparam("platform"),
            channels.c.workspace == bindparam("workspace"),
            channels.c.channel_id == bindparam("channel"),
        )
        .scalar_subquery()
    )
    points = func.sum(scores.c.points).label("points")
    correct = func.sum(scores.c.correct).label("correct")
    top = (
        select(scores.c.player_id, points, correct, func.sum(scores.c.answered).label("answered"))
        .where(scores.c.channel_id == channel, scores.c.day >= bindparam("since", type_=Date))
        .group_by(scores.c.player_id)
        .order_by(points.desc(), correct.desc(), scores.c.player_id)
        .limit(bindparam("limit", type_=Integer))
        .subquery()
    )
    return (
        select(players.c.user_id, players.c.name, top.c.points, top.c.correct, top.c.answered)
        .join(top, top.c.player_id == players.c.id)
        .order_by(top.c.points.desc(), top.c.correct.desc(), players.c.id)
    )


CHANNEL_BOARD = _channel_board()


class Leaderboards:
    """Ranked tables of players."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def for_channel(
        self,
        where: ChannelRef,
        scope: str = "channel",
        period: str = "all",
        bank: str | None = None,
        limit: int = 10,
    ) -> LeaderboardView:
        """The leaderboard seen from a channel: of the channel, its workspace, or everyone."""
        if scope not in SCOPES:
            raise QuizbotError(
                _("unknown scope {scope} (one of: {scopes})").format(
                    scope=repr(scope), scopes=", ".join(SCOPES)
                )
            )
        since = period_start(period, self.clock.now().date())
        filters = LeaderboardFilter(
            platform=where.platform if scope != "all" else None,
            workspace=where.workspace if scope != "all" else None,
            channel=where.channel if scope == "channel" else None,
            bank=bank,
            since=since,
        )
        if scope == "channel" and bank is None:
            rows = await self.of_channel(where, since, limit)
        elif scope != "channel" and bank is None and period in TOTAL_PERIODS:
            rows = await self.from_totals(filters, period, limit)
        else:
            rows = await self.query(filters, limit)
        # Chat adapters title boards in their platform's own words (a Discord "server").
        title = _("Leaderboard: {place}, {period}").format(
            place=_(PLACE_TITLES[scope]), period=_(PERIOD_TITLES[period])
        )
        return LeaderboardView(
            title=title,
            scope=scope,
            period=period,
            rows=rows,
        )

    async def of_channel(
        self, where: ChannelRef, since: date | None, limit: int = 10
    ) -> tuple[Standing, ...]:
        """Standings of one channel (every bank) since a day, or of all time."""
        params = {
            "platform": where.platform,
            "workspace": where.workspace,
            "channel": where.channel,
            "since": since or ALL_TIME,
            "limit": limit,
        }
        async with self.db.read_engine.connect() as conn:
            return rank((await conn.execute(CHANNEL_BOARD, params)).all())

    async def from_totals(
        self, filters: LeaderboardFilter, period: str, limit: int = 10
    ) -> tuple[Standing, ...]:
        """Standings of a workspace or of everyone from the players' running totals."""
        starts = total_start(period, self.clock.now().date())
        query = (
            select(
                PlayerRow.user_id,
                PlayerRow.name,
                PlayerTotalRow.points,
                PlayerTotalRow.correct,
                PlayerTotalRow.answered,
            )
            .join(PlayerRow, PlayerRow.id == PlayerTotalRow.player_id)
            .where(PlayerTotalRow.period == period, PlayerTotalRow.starts == starts)
            .order_by(PlayerTotalRow.points.desc(), PlayerTotalRow.correct.desc(), PlayerRow.id)
            .limit(limit)
        )
        if filters.platform is not None:
            query = query.where(PlayerTotalRow.platform == filters.platform)
        if filters.workspace is not None:
            query = query.where(PlayerTotalRow.workspace == filters.workspace)
        async with self.db.reads() as session:
            return rank((await session.execute(query)).all())

    async def query(self, filters: LeaderboardFilter, limit: int = 10) -> tuple[Standing, ...]:
        """Standings for any filter, best first."""
        points = func.sum(ScoreRow.points).label("points")
        correct = func.sum(ScoreRow.correct).label("correct")
        answered = func.sum(ScoreRow.answered).label("answered")
        totals = select(ScoreRow.player_id, points, correct, answered)
        if filters.platform is not None:
            totals = totals.where(ScoreRow.platform == filters.platform)
        if filters.workspace is not None:
            totals = totals.where(ScoreRow.workspace == filters.workspace)
        if filters.channel is not None:  # with platform and workspace: the unique index
            channel = select(ChannelRow.id).where(ChannelRow.channel_id == filters.channel)
            if filters.platform is not None:
                channel = channel.where(ChannelRow.platform == filters.platform)
            if filters.workspace is not None:
                channel = channel.where(ChannelRow.workspace == filters.workspace)
            totals = totals.where(ScoreRow.channel_id.in_(channel))
        if filters.bank is not None:
            totals = totals.join(BankRow, BankRow.id == ScoreRow.bank_id).where(
                BankRow.name == filters.bank
            )
        if filters.since is not None:
            totals = totals.where(ScoreRow.day >= filters.since)
        top = (
            totals.group_by(ScoreRow.player_id)
            .order_by(points.desc(), correct.desc(), ScoreRow.player_id)
            .limit(limit)
            .subquery()
        )
        async with self.db.reads() as session:
            rows = await session.execute(
                select(
                    PlayerRow.user_id, PlayerRow.name, top.c.points, top.c.correct, top.c.answered
                )
                .join(top, top.c.player_id == PlayerRow.id)
                .order_by(top.c.points.desc(), top.c.correct.desc(), PlayerRow.id)
            )
            return rank(rows.all())
