"""What a database error means for the person who met it.

The drivers raise hundreds of error types; people need five answers: the schema is missing
(run ``quizbot db upgrade``), the database cannot be written (a read-only SQLite file or a
read-only PostgreSQL), it is full, it cannot be reached just now (refused, restarting,
connection lost: try again), or it is behind a pooler in transaction mode that quizbot was
not told about (set ``QUIZBOT_DB_POOLER=transaction``). :func:`classify` finds which, from
the error and what it wraps (SQLAlchemy's ``orig``, ``__cause__``), by SQLSTATE on
PostgreSQL and by message on SQLite, without importing either driver. The CLI turns the
answer into one line; the chat adapters tell a player to try again in a moment.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass


class FailureKind(enum.Enum):
    SCHEMA_MISSING = "schema missing"
    READ_ONLY = "read-only"
    FULL = "full"
    UNAVAILABLE = "unavailable"
    POOLER = "transaction pooler"


@dataclass(frozen=True)
class DatabaseFailure:
    kind: FailureKind
    reason: str

    def describe(self, where: str) -> str:
        """One line for a person: what is wrong with the database at ``where``, what to do."""
        if self.kind is FailureKind.SCHEMA_MISSING:
            return (
                f"the database {where} has no quizbot tables, or older ones ({self.reason}): "
                "run 'quizbot db upgrade'"
            )
        if self.kind is FailureKind.READ_ONLY:
            return (
                f"the database {where} cannot be written ({self.reason}): "
                "check the file's and its folder's permissions, or point DATABASE_URL "
                "at a writable database"
            )
        if self.kind is FailureKind.FULL:
            return f"the database {where} is full ({self.reason}): free some space"
        if self.kind is FailureKind.POOLER:
            return (
                f"the database {where} is reached through a pooler in transaction mode, such "
                f"as PgBouncer ({self.reason}): set QUIZBOT_DB_POOLER=transaction "
                "(see docs/DEPLOY.md)"
            )
        return (
            f"the database {where} is not answering ({self.reason}): "
            "check that it is running and reachable, then try again"
        )


#: SQLSTATE codes (PostgreSQL) and what they mean here. Class 08 is a connection exception.
_SQLSTATE_KINDS = {
    "42P01": FailureKind.SCHEMA_MISSING,  # undefined_table
    "42703": FailureKind.SCHEMA_MISSING,  # undefined_column
    "25006": FailureKind.READ_ONLY,  # read_only_sql_transaction (a standby, a read-only role)
    "53100": FailureKind.FULL,  # disk_full
    "57P01": FailureKind.UNAVAILABLE,  # admin_shutdown
    "57P02": FailureKind.UNAVAILABLE,  # crash_shutdown
    "57P03": FailureKind.UNAVAILABLE,  # cannot_connect_now (starting up, shutting down)
    "53300": FailureKind.UNAVAILABLE,  # too_many_connections
    # A named prepared statement missing or taken: the connection's server session changed
    # under it, as behind a pooler in transaction mode (see bot.store.database).
    "26000": FailureKind.POOLER,  # invalid_sql_statement_name
    "42P05": FailureKind.POOLER,  # duplicate_prepared_statement
}

#: SQLite reports by message only.
_SQLITE_MESSAGES = (
    ("no such table", FailureKind.SCHEMA_MISSING),
    ("no such column", FailureKind.SCHEMA_MISSING),
    ("readonly database", FailureKind.READ_ONLY),
    ("unable to open database file", FailureKind.READ_ONLY),
    ("database or disk is full", FailureKind.FULL),
    ("disk i/o error", FailureKind.UNAVAILABLE),
)

#: Messages of a lost or refused connection from asyncpg and SQLAlchemy's pool.
_LOST_CONNECTION_MESSAGES = (
    "connection is closed",
    "connection was closed",
    "cannot perform operation: another operation is in progress",
    "the database system is starting up",
    "the database system is shutting down",
    "terminating connection",
    "connection refused",
    "connect call failed",
    # The host's name did not resolve just now (socket.gaierror): DNS during a failover, or
    # the network down.
    "name or service not known",
    "temporary failure in name resolution",
    "nodename nor servname provided",
)


#: A closed pipe (``quizbot ... | head``) is a ConnectionError too, but not the database's.
_LOST_CONNECTION_ERRORS = (
    ConnectionRefusedError,
    ConnectionResetError,
    ConnectionAbortedError,
    TimeoutError,
)


#: Where a database error is raised: a bare connection error (refused, reset, timed out)
#: means the database only when it came from one of these.
_DATABASE_CODE = ("sqlalchemy", "asyncpg", "aiosqlite", "sqlite3", "psycopg2")


def classify(exc: BaseException) -> DatabaseFailure | None:
    """The kind of database failure ``exc`` is, or None when it is not one of those."""
    errors = list(_chain(exc))
    from_database = any(map(_raised_in_database_code, errors))
    for error in errors:
        kind = _kind_of(error, from_database)
        if kind is not None:
            return DatabaseFailure(kind, _first_line(error))
    return None


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` means the database cannot be reached just now (worth a retry)."""
    failure = classify(exc)
    return failure is not None and failure.kind is FailureKind.UNAVAILABLE


def _raised_in_database_code(error: BaseException) -> bool:
    """Whether ``error`` passed through a database driver or SQLAlchemy on its way up (not,
    say, an HTTP client talking to a chat platform)."""
    trace = error.__traceback__
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename.replace("\\", "/")
        if any(f"/{package}/" in filename for package in _DATABASE_CODE):
            return True
        trace = trace.tb_next
    return type(error).__module__.split(".")[0] in _DATABASE_CODE


def _kind_of(error: BaseException, from_database: bool) -> FailureKind | None:
    sqlstate = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    if isinstance(sqlstate, str):
        if sqlstate in _SQLSTATE_KINDS:
            return _SQLSTATE_KINDS[sqlstate]
        if sqlstate.startswith("08"):
            return FailureKind.UNAVAILABLE
    if getattr(error, "connection_invalidated", False):
        return FailureKind.UNAVAILABLE
    message = str(error).lower()
    for needle, kind in _SQLITE_MESSAGES:
        if needle in message:
            return kind
    if from_database and (
        isinstance(error, _LOST_CONNECTION_ERRORS)
        or any(needle in message for needle in _LOST_CONNECTION_MESSAGES)
    ):
        return FailureKind.UNAVAILABLE
    return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, what it wraps (``orig``) and its causes, each once."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        error = pending.pop(0)
        if id(error) in seen:
            continue
        seen.add(id(error))
        yield error
        for inner in (getattr(error, "orig", None), error.__cause__, error.__context__):
            if isinstance(inner, BaseException):
                pending.append(inner)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    line = text.splitlines()[0] if text else type(error).__name__
    # SQLAlchemy prefixes the driver's class: "(sqlite3.OperationalError) no such table: x".
    if line.startswith("(") and ") " in line:
        line = line.split(") ", 1)[1]
    for prefix in ("<class '", "Error: "):
        if line.startswith(prefix):
            line = line.split("'>: ", 1)[-1]
    return line
