"""Small shared steps of the services: find-or-create players and channels, upserts, ranking."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.store.models import ChannelRow, PlayerRow
from bot.views import ChannelRef, PlayerRef, Standing

#: Where statements run: a session, or a connection inside its transaction.
Executor = AsyncSession | AsyncConnection


def insert_for(dialect: str, model: Any) -> Any:
    """An INSERT that supports ON CONFLICT on a backend ("postgresql", else SQLite). The
    dialect is imported here, so a SQLite process never loads PostgreSQL's (~30 ms)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def dialect_insert(session: Executor, model: Any) -> Any:
    """An INSERT that supports ON CONFLICT for the session's backend (SQLite or PostgreSQL)."""
    if isinstance(session, AsyncConnection):
        return insert_for(session.dialect.name, model)
    return insert_for(session.get_bind().dialect.name, model)


async def ensure_player(session: Executor, who: PlayerRef) -> int:
    """The id of a player, created on first sight; keeps the display name current."""
    return (await _ensure_player(session, who))[0]


async def _ensure_player(session: Executor, who: PlayerRef) -> tuple[int, bool]:
    """The player's id, and whether its row was already there as it is (not new, not renamed
    now): only such an id is safe to remember, since this transaction could still roll back."""
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
            await session.execute(
                update(PlayerRow)
                .where(PlayerRow.id == row.id)
                .values(name=who.name)
                .execution_options(synchronize_session=False)
            )
            return int(row.id), False
        return int(row.id), True
    stmt = (
        dialect_insert(session, PlayerRow)
        .values(platform=who.platform, workspace=who.workspace, user_id=who.user, name=who.name)
        .on_conflict_do_nothing(index_elements=["platform", "workspace", "user_id"])
        .returning(PlayerRow.id)
    )
    new_id = (await session.execute(stmt)).scalar()
    if new_id is not None:
        return int(new_id), False
    return await _ensure_player(session, who)  # another transaction created it just now


class PlayerIds:
    """Player ids by (platform, workspace, user), remembered so a click costs no lookup.

    Player rows are never deleted, so a remembered id stays right; a changed display name
    goes through :func:`ensure_player` again, which stores it. Only ids of rows that were
    already there are remembered: a row inserted now could still be rolled back.
    """

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self._known: OrderedDict[tuple[str, str, str], tuple[int, str]] = OrderedDict()

    def known(self, who: PlayerRef) -> int | None:
        """The remembered id of a player whose name has not changed, else None."""
        key = (who.platform, who.workspace, who.user)
        known = self._known.get(key)
        if known is None or (who.name and known[1] != who.name):
            return None
        self._known.move_to_end(key)
        return known[0]

    async def id_of(self, session: Executor, who: PlayerRef) -> int:
        """The player's id: remembered, else looked up (created or renamed if need be)."""
        known = self.known(who)
        if known is not None:
            return known
        player_id, settled = await _ensure_player(session, who)
        if settled:
            self.remember(who, player_id)
        return player_id

    def remember(self, who: PlayerRef, player_id: int) -> int:
        """Remember the id of a player row that was already there, with ``who``'s name."""
        self._known[(who.platform, who.workspace, who.user)] = (player_id, who.name)
        if len(self._known) > self.size:
            self._known.popitem(last=False)
        return player_id


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
