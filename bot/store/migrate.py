"""Alembic migrations, run from code: upgrade, current revision, and the autogenerate diff.

The Alembic environment lives in ``bot/store/migrations``; it is configured here rather than
by an ini file so that ``quizbot db upgrade`` works from an installed package and inside a
running event loop (the SQLite default upgrades itself when a process starts).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from bot.errors import ConfigError
from bot.store.database import Database
from bot.store.models import Base

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config for our migrations, bound to an open connection when given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the database's schema up to ``revision`` (the newest by default)."""
    await _migrate(db, command.upgrade, revision)


async def downgrade(db: Database, revision: str) -> None:
    """Take the database's schema back to ``revision`` (for tests of migrations)."""
    await _migrate(db, command.downgrade, revision)


async def _migrate(db: Database, action: Callable[[Config, str], None], revision: str) -> None:
    def run(connection: Connection) -> None:
        action(alembic_config(connection), revision)

    if db.dialect != "sqlite":
        async with db.engine.begin() as conn:
            await conn.run_sync(run)
        return
    # Alembic changes a SQLite table by rebuilding it (copy, DROP, rename). With foreign keys
    # on, the DROP would cascade to every row that points at the old table (0002 rebuilds
    # ``banks``: its questions would go). The pragma only takes effect outside a transaction.
    async with db.engine.connect() as conn:
        await conn.run_sync(_sqlite_foreign_keys, False)
        try:
            async with conn.begin():
                await conn.run_sync(run)
                broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
                if broken:  # raising rolls the whole upgrade back
                    raise ConfigError(
                        f"migrating to {revision} would leave rows pointing at missing rows "
                        f"(table, row, parent): {[tuple(row[:3]) for row in broken[:5]]}"
                    )
        finally:
            await conn.run_sync(_sqlite_foreign_keys, True)


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    """Switch SQLite's foreign keys on or off, outside SQLAlchemy's transaction handling."""
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    finally:
        cursor.close()


async def current_revision(db: Database) -> str | None:
    """The revision the database is at, or None for an empty database."""

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with db.engine.connect() as conn:
        return await conn.run_sync(read)


def include_name(name: str | None, type_: str, _parent: Any) -> bool:
    """Only our own tables: others (such as Slack's installation store) are not ours to diff."""
    if type_ == "table":
        return name in Base.metadata.tables
    return True


async def schema_diff(db: Database) -> list[Any]:
    """What autogenerate would change to make the database match the models (empty = agree)."""

    def diff(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_name": include_name},
        )
        return list(compare_metadata(context, Base.metadata))

    async with db.engine.connect() as conn:
        return await conn.run_sync(diff)
