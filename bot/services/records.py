"""Small shared steps of the services: find-or-create players and channels, upserts, ranking."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import ChannelRow, PlayerRow
from bot.views import ChannelRef, PlayerRef, Standing


def dialect_insert(session: AsyncSession, model: Any) -> Any:
    """An INSERT that supports ON CONFLICT for the session's backend (SQLite or PostgreSQL)."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


async def ensure_player(session: AsyncSession, who: PlayerRef) -> int:
    """The id of a player, created on first sight; keeps the display name current."""
    row = (
        await session.execute(
            select(PlayerRow.id, PlayerRow.name).where(
                PlayerRow.platform == who.platform,
                PlayerRow.workspace == who.workspace,
                PlayerRow.user_id == who.user,
            )
        )
    ).first()
    if row is not None:
        if who.name and row.name != who.name:
            player = await session.get(PlayerRow, row.id)
            if player is not None:
                player.name = who.name
        return int(row.id)
    stmt = (
        dialect_insert(session, PlayerRow)
        .values(platform=who.platform, workspace=who.workspace, user_id=who.user, name=who.name)
        .on_conflict_do_nothing(index_elements=["platform", "workspace", "user_id"])
        .returning(PlayerRow.id)
    )
    new_id = (await session.execute(stmt)).scalar()
    if new_id is not None:
        return int(new_id)
    return await ensure_player(session, who)


async def find_channel(session: AsyncSession, where: ChannelRef) -> int | None:
    """The id of a known channel, or None."""
    return (
        await session.execute(
            select(ChannelRow.id).where(
                ChannelRow.platform == where.platform,
                ChannelRow.workspace == where.workspace,
                ChannelRow.channel_id == where.channel,
            )
        )
    ).scalar()


async def ensure_channel(session: AsyncSession, where: ChannelRef) -> int:
    """The id of a channel, created on first sight."""
    found = await find_channel(session, where)
    if found is not None:
        return found
    stmt = (
        dialect_insert(session, ChannelRow)
        .values(platform=where.platform, workspace=where.workspace, channel_id=where.channel)
        .on_conflict_do_nothing(index_elements=["platform", "workspace", "channel_id"])
        .returning(ChannelRow.id)
    )
    new_id = (await session.execute(stmt)).scalar()
    return int(new_id) if new_id is not None else await ensure_channel(session, where)


def rank(rows: Iterable[Sequence[Any]]) -> tuple[Standing, ...]:
    """Standings from rows of (user_id, name, points, correct, answered), best first.

    Rows must come sorted by points then correct answers, descending. Equal points and
    correct answers share a rank ("1, 1, 3").
    """
    standings: list[Standing] = []
    previous: tuple[int, int] | None = None
    current_rank = 0
    for position, (user, name, points, correct, answered) in enumerate(rows, start=1):
        key = (int(points or 0), int(correct or 0))
        if key != previous:
            current_rank = position
            previous = key
        standings.append(
            Standing(
                rank=current_rank,
                player=str(user),
                name=str(name or user),
                points=key[0],
                correct=key[1],
                answered=int(answered or 0),
            )
        )
    return tuple(standings)
