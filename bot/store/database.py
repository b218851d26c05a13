"""The database connection: an async engine and session factory, set up per backend.

SQLite (aiosqlite) gets WAL, a busy timeout and ``BEGIN IMMEDIATE`` transactions so that
several processes on one laptop take turns instead of failing. Inside one process its writers
queue for a single pooled connection, in order, instead of sleeping in SQLite's busy handler;
read-only work (leaderboards, the ticker's due rounds, open rounds) has its own connections
and plain deferred transactions, which in WAL mode never wait for a writer. PostgreSQL
(asyncpg) gets a small pool that fits the connection limits of small PaaS database plans.

Behind a pooler in transaction mode (PgBouncer as Heroku's buildpack and most PaaS poolers
run it; ``QUIZBOT_DB_POOLER=transaction`` or ``?pooler=transaction`` on DATABASE_URL) each
transaction may run on another server connection, shared with other clients, so asyncpg's
named prepared statements would be missing there or taken; with that setting every
statement is an unnamed one, parsed where it runs. quizbot keeps no session state on the
server (its advisory locks are transaction-level, ``pg_advisory_xact_lock``; no LISTEN or
SET; each migration is one transaction), so nothing else changes. A prepared-statement
error without the setting says to set it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.config import normalise_database_url
from bot.errors import ConfigError
from bot.store.failures import FailureKind, classify

log = logging.getLogger(__name__)

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


#: How PostgreSQL is reached: directly or through a session-mode pooler (both "none" here:
#: a client keeps its server connection), or through a pooler in transaction mode.
POOLER_SETTING = "QUIZBOT_DB_POOLER"
#: The same, as a query parameter on DATABASE_URL (it wins over the variable).
POOLER_PARAMETER = "pooler"
POOLER_MODES = ("none", "session", "transaction")

#: Off: asyncpg's statement cache and SQLAlchemy's, which keep named prepared statements on
#: a server connection the pooler may give another client between two transactions. Every
#: statement is then an unnamed one, described in one round trip and parsed again with its
#: parameters in the round trip that runs it (two round trips where a cached one takes one),
#: and nothing is left behind on the server connection. (Unique names for cached statements,
#: as SQLAlchemy's documentation suggests for PgBouncer, avoid the clashes but leave every
#: statement prepared on whichever server connection it ran on.)
TRANSACTION_POOLER_CONNECT_ARGS: dict[str, Any] = {
    "statement_cache_size": 0,
    "prepared_statement_cache_size": 0,
}

POOLER_HINT = (
    "the database is reached through a pooler in transaction mode (such as PgBouncer): "
    f"set {POOLER_SETTING}=transaction (see docs/DEPLOY.md)"
)


def pooler_mode(url: str | URL, env: Mapping[str, str] | None = None) -> str:
    """The pooler mode for a PostgreSQL URL: its ``?pooler=`` parameter, else the setting."""
    env = os.environ if env is None else env
    query = make_url(url).query.get(POOLER_PARAMETER)
    if isinstance(query, tuple):
        query = query[-1]
    where = f"?{POOLER_PARAMETER}= on DATABASE_URL" if query is not None else POOLER_SETTING
    raw = query if query is not None else env.get(POOLER_SETTING, "")
    mode = raw.strip().lower() or "none"
    if mode == "statement":
        raise ConfigError(
            f"{where} is 'statement', but quizbot runs several statements in one transaction: "
            "run the pooler in transaction or session mode"
        )
    if mode not in POOLER_MODES:
        raise ConfigError(f"{where} must be one of {', '.join(POOLER_MODES)}, not {raw!r}")
    return mode


def _postgres_engine(url: str, pooler: str) -> AsyncEngine:
    pool_size = _pool_setting("QUIZBOT_DB_POOL_SIZE", DEFAULT_POOL_SIZE) or 1
    max_overflow = _pool_setting("QUIZBOT_DB_MAX_OVERFLOW", DEFAULT_MAX_OVERFLOW)
    transaction_pooler = pooler == "transaction"
    engine = create_async_engine(
        make_url(url).difference_update_query([POOLER_PARAMETER]),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args=dict(TRANSACTION_POOLER_CONNECT_ARGS) if transaction_pooler else {},
    )
    if not transaction_pooler:
        _explain_prepared_statement_errors(engine)
    return engine


def _explain_prepared_statement_errors(engine: AsyncEngine) -> None:
    """Say, once per engine, that a prepared-statement error means the setting is missing."""
    told = False

    @event.listens_for(engine.sync_engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        nonlocal told
        original = context.original_exception
        failure = classify(original)
        # A named prepared statement missing or taken: what a transaction-mode pooler does
        # to the statement caches (see bot.store.failures).
        if failure is None or failure.kind is not FailureKind.POOLER:
            return
        if context.sqlalchemy_exception is not None:
            context.sqlalchemy_exception.add_note(POOLER_HINT)
        if not told:
            told = True
            log.error("%s (%s)", POOLER_HINT, failure.reason)


class Database:
    """One database: its engine and a factory of sessions."""

    def __init__(self, url: str) -> None:
        self.url = normalise_database_url(url)
        #: How PostgreSQL is reached (see :func:`pooler_mode`); "none" for SQLite.
        self.pooler = "none"
        try:
            if self.url.startswith("sqlite"):
                self.engine = _sqlite_engine(self.url, writer=True)
                self.read_engine = (
                    _sqlite_engine(self.url, writer=False) if _is_file(self.url) else self.engine
                )
            else:
                self.pooler = pooler_mode(self.url)
                self.engine = self.read_engine = _postgres_engine(self.url, self.pooler)
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
        """Connect once, turning connection failures into one clear ConfigError. (On SQLite
        with a reader's connection: a check takes no write lock, and a read-only command
        then needs no writer's connection at all.) On PostgreSQL the first connection is
        the check: SQLAlchemy's dialect runs its own queries on it (server version, schema,
        isolation level), so a ``SELECT 1`` would only add a BEGIN, a query and a ROLLBACK."""
        try:
            async with self.read_engine.connect() as conn:
                if self.dialect == "sqlite":
                    await conn.exec_driver_sql("SELECT 1")
        except (OperationalError, DBAPIError, OSError) as exc:
            failure = classify(exc)
            if failure is not None and failure.kind is not FailureKind.UNAVAILABLE:
                raise ConfigError(failure.describe(self.display_url)) from None
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
