"""Alembic migrations, run from code: upgrade, current revision, and the autogenerate diff.

The Alembic environment lives in ``bot/store/migrations``; it is configured here rather than
by an ini file so that ``quizbot db upgrade`` works from an installed package and inside a
running event loop (the SQLite default upgrades itself when a process starts).

Alembic is imported only when it is needed. A process that opens an up-to-date database
learns so from :func:`needs_upgrade`: the ``alembic_version`` row read with plain SQL,
against the newest revision read from the migration files' text (:func:`newest_revision`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.errors import ConfigError
from bot.store.database import Database

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection

MIGRATIONS = Path(__file__).parent / "migrations"

#: ``revision = "0007"`` and ``down_revision = "0006"`` (or None) in a migration file.
_REVISION_LINE = re.compile(
    r"^(?P<which>revision|down_revision)\s*(?::[^=]*)?=\s*(?:['\"](?P<id>[^'\"]+)['\"]|None)\s*$",
    re.MULTILINE,
)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config for our migrations, bound to an open connection when given."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The newest revision, as Alembic finds it (imports Alembic)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def newest_revision(folder: Path | None = None) -> str | None:
    """The newest revision read from the migration files' text, without importing Alembic:
    the one revision that no other file names as its ``down_revision``. None when that is
    not one clear answer (a merge, a branch, a file written another way): the caller then
    asks Alembic. A test checks it against :func:`head_revision`."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (folder or MIGRATIONS / "versions").glob("*.py"):
        found = {m["which"]: m["id"] for m in _REVISION_LINE.finditer(path.read_text("utf-8"))}
        if "revision" not in found:
            continue
        if found["revision"] is None or "down_revision" not in found:
            return None
        revisions.add(found["revision"])
        if found["down_revision"] is not None:
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


async def stored_revisions(db: Database) -> list[str]:
    """The revisions in the database's ``alembic_version`` table; none for an empty
    database (plain SQL, without Alembic; a read, which takes no write lock on SQLite)."""
    async with db.read_engine.connect() as conn:
        try:
            rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
        except DBAPIError:  # no such table: nothing was ever migrated here
            return []
        return [str(row[0]) for row in rows]


async def needs_upgrade(db: Database) -> bool:
    """Whether the schema is behind the newest migration (or cannot be told without
    Alembic). Cheap when it is not: one query and a look at the migration files."""
    newest = newest_revision()
    return newest is None or await stored_revisions(db) != [newest]


async def upgrade_if_needed(db: Database) -> bool:
    """Upgrade to the newest revision when :func:`needs_upgrade`; whether it upgraded."""
    if not await needs_upgrade(db):
        return False
    await upgrade(db)
    return True


async def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the database's schema up to ``revision`` (the newest by default)."""
    from alembic import command

    await _migrate(db, command.upgrade, revision)


async def downgrade(db: Database, revision: str) -> None:
    """Take the database's schema back to ``revision`` (for tests of migrations)."""
    from alembic import command

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

    from alembic.migration import MigrationContext

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with db.engine.connect() as conn:
        return await conn.run_sync(read)


def include_name(name: str | None, type_: str, _parent: Any) -> bool:
    """Only our own tables: others (such as Slack's installation store) are not ours to diff;
    and not the indexes the models make with DDL (``models.UNDECLARED_INDEXES``)."""
    from bot.store.models import UNDECLARED_INDEXES, Base

    if type_ == "table":
        return name in Base.metadata.tables
    return not (type_ == "index" and name in UNDECLARED_INDEXES)


async def schema_diff(db: Database) -> list[Any]:
    """What autogenerate would change to make the database match the models (empty = agree)."""

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.store.models import Base

    def diff(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_name": include_name},
        )
        return list(compare_metadata(context, Base.metadata))

    async with db.engine.connect() as conn:
        return await conn.run_sync(diff)
