"""Alembic migrations, run from code: upgrade, current revision, and the autogenerate diff.

The Alembic environment lives in ``bot/store/migrations``; it is configured here rather than
by an ini file so that ``quizbot db upgrade`` works from an installed package and inside a
running event loop (the SQLite default upgrades itself when a process starts).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

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

    def run(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), revision)

    async with db.engine.begin() as conn:
        await conn.run_sync(run)


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
