"""Small values a process keeps between starts (the ``app_state`` table), by key."""

from __future__ import annotations

from sqlalchemy import select

from bot.clock import Clock
from bot.services.records import dialect_insert
from bot.store.database import Database
from bot.store.models import AppStateRow


async def read(db: Database, key: str) -> str | None:
    async with db.reads() as session:
        return await session.scalar(select(AppStateRow.value).where(AppStateRow.key == key))


async def write(db: Database, clock: Clock, key: str, value: str) -> None:
    async with db.transaction() as session:
        now = clock.now()
        insert = dialect_insert(session, AppStateRow).values(key=key, value=value, updated_at=now)
        await session.execute(
            insert.on_conflict_do_update(
                index_elements=["key"], set_={"value": value, "updated_at": now}
            )
        )
