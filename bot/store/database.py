"""The database connection: an async engine and session factory, set up per backend.

SQLite (aiosqlite) gets WAL, a busy timeout and ``BEGIN IMMEDIATE`` transactions so that
several processes on one laptop take turns instead of failing. Inside one process its writers
queue for a single pooled connection, in order, instead of sleeping in SQLite's busy handler;
read-only work (leaderboards, the ticker's due rounds, open rounds) has its own connections
and plain deferred transactions, which in WAL mode never wait for a writer. PostgreSQL
(asyncpg) gets a small pool that fits the connection limits of small PaaS database plans.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.config import normalise_database_url
from bot.errors import ConfigError

SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_engine(url: str, *, writer: bool) -> AsyncEngine:
    """A SQLite engine: the writer's (one connection, ``BEGIN IMMEDIATE``) or the readers'."""
    if _is_file(url):
        Path(str(make_url(url).database)).expanduser().parent.mkdir(parents=True, exist_ok=True)
    pool = {"pool_size": 1, "max_overflow": 0, "pool_timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    engine = create_async_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        **(pool if writer and _is_file(url) else {}),
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (see the "begin" hook) instead of pysqlite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the write lock up front: a deferred transaction that reads and then
        # writes can fail at once with "database is locked" instead of waiting its turn.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine


def _is_file(url: str) -> bool:
    path = make_url(url).database
    return bool(path) and path != ":memory:"


#: Per process. Small PaaS database plans allow 20 connections: two web processes, a worker
#: and a one-off release or CLI command fit in that with 3 + 2 each.
DEFAULT_POOL_SIZE, DEFAULT_MAX_OVERFLOW = 3, 2


def _pool_setting(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} cannot be negative")
    return value


def _postgres_engine(url: str) -> AsyncEngine:
    pool_size = _pool_setting("QUIZBOT_DB_POOL_SIZE", DEFAULT_POOL_SIZE) or 1
    max_overflow = _pool_setting("QUIZBOT_DB_MAX_OVERFLOW", DEFAULT_MAX_OVERFLOW)
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        pool_recycle=1800,
    )


class Database:
    """One database: its engine and a factory of sessions."""

    def __init__(self, url: str) -> None:
        self.url = normalise_database_url(url)
        try:
            if self.url.startswith("sqlite"):
                self.engine = _sqlite_engine(self.url, writer=True)
                self.read_engine = (
                    _sqlite_engine(self.url, writer=False) if _is_file(self.url) else self.engine
                )
            else:
                self.engine = self.read_engine = _postgres_engine(self.url)
        except (ArgumentError, ValueError) as exc:
            raise ConfigError(f"DATABASE_URL is not usable: {exc}") from None
        except ModuleNotFoundError as exc:
            raise ConfigError(
                f"the database driver {exc.name!r} is missing: pip install 'quizbot[postgres]'"
            ) from None
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        #: Sessions that only read: on SQLite they neither take nor wait for the write lock.
        self.reads = async_sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, safe to print and log."""
        return make_url(self.url).render_as_string(hide_password=True)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    async def check(self) -> None:
        """Connect once, turning connection failures into one clear ConfigError."""
        try:
            async with self.engine.connect() as conn:
                await conn.exec_driver_sql("SELECT 1")
        except (OperationalError, DBAPIError, OSError) as exc:
            reason = (
                str(getattr(exc, "orig", exc)).strip().splitlines()[0]
                if str(exc)
                else type(exc).__name__
            )
            raise ConfigError(
                f"cannot connect to the database {self.display_url}: {reason}"
            ) from None

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()
