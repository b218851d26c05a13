"""PostgreSQL behind PgBouncer in transaction mode: the QUIZBOT_DB_POOLER setting.

Behind such a pooler two transactions of one client may run on two server connections, and
one server connection serves many clients in turn. asyncpg's and SQLAlchemy's statement
caches keep named prepared statements per client connection, so without the setting a
statement prepared on one server connection is later run on another ("does not exist").
The choreography below makes that happen every time, through a real PgBouncer (see
tests/pgbouncer.py): it fails without the setting, and passes with it while leaving no
prepared statement on the server connections. The rest of the core's database tests run
through PgBouncer as their ``[pgbouncer]`` backend (see tests/conftest.py).
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.errors import ConfigError
from bot.store.backup import libpq
from bot.store.database import POOLER_HINT, Database, pooler_mode
from bot.store.failures import FailureKind, classify
from tests.pgbouncer import PgBouncer

# -- the setting --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "env", "expected"),
    [
        ("postgresql+asyncpg://u@h/db", {}, "none"),
        ("postgresql+asyncpg://u@h/db", {"QUIZBOT_DB_POOLER": "transaction"}, "transaction"),
        ("postgresql+asyncpg://u@h/db", {"QUIZBOT_DB_POOLER": " Session "}, "session"),
        ("postgresql+asyncpg://u@h/db", {"QUIZBOT_DB_POOLER": ""}, "none"),
        ("postgresql+asyncpg://u@h/db?pooler=transaction", {}, "transaction"),
        # The URL's parameter wins over the variable.
        ("postgresql+asyncpg://u@h/db?pooler=none", {"QUIZBOT_DB_POOLER": "transaction"}, "none"),
    ],
)
def test_the_pooler_mode_comes_from_the_url_or_the_setting(
    url: str, env: dict[str, str], expected: str
) -> None:
    assert pooler_mode(url, env) == expected


def test_an_unknown_or_statement_pooler_mode_is_one_clear_error() -> None:
    with pytest.raises(ConfigError, match="QUIZBOT_DB_POOLER must be one of none, session"):
        pooler_mode("postgresql+asyncpg://u@h/db", {"QUIZBOT_DB_POOLER": "yes"})
    with pytest.raises(ConfigError, match=r"\?pooler= on DATABASE_URL must be one of"):
        pooler_mode("postgresql+asyncpg://u@h/db?pooler=bouncer", {})
    with pytest.raises(ConfigError, match="several statements in one transaction"):
        pooler_mode("postgresql+asyncpg://u@h/db", {"QUIZBOT_DB_POOLER": "statement"})


async def test_the_url_parameter_is_quizbots_and_not_passed_to_the_driver(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("QUIZBOT_DB_POOLER", raising=False)
    db = Database("postgres://u:secret@db.example/quiz?pooler=transaction&ssl=require")
    try:
        assert db.pooler == "transaction"
        assert dict(db.engine.url.query) == {"ssl": "require"}
        assert "secret" not in db.display_url
    finally:
        await db.dispose()


def test_pg_dump_is_not_given_the_pooler_parameter() -> None:
    url, _env = libpq("postgres://u@db.example/quiz?pooler=transaction&ssl=require")
    assert url == "postgresql://u@db.example/quiz?sslmode=require"


def test_a_prepared_statement_error_tells_the_operator_the_setting() -> None:
    class DriverError(Exception):
        sqlstate = "26000"

    failure = classify(DriverError('prepared statement "__asyncpg_stmt_2__" does not exist'))
    assert failure is not None and failure.kind is FailureKind.POOLER
    line = failure.describe("postgresql://u@pooler/quiz")
    assert "QUIZBOT_DB_POOLER=transaction" in line
    assert '"__asyncpg_stmt_2__" does not exist' in line


# -- through a real PgBouncer -------------------------------------------------------------

#: Several different statements, so that caches have something to keep.
STATEMENTS = [
    text("SELECT 1"),
    text("SELECT count(*) FROM pg_class WHERE relkind = :kind").bindparams(kind="r"),
    text("SELECT current_database()"),
]


async def two_clients_change_server_connections(db: Database) -> list[int]:
    """Two client connections A and B, run so that B's second transaction gets the server
    connection A used in the first (PgBouncer gives out the most recently released one
    first) and A gets another. Returns how many prepared statements each server connection
    has left at the end."""
    async with db.engine.connect() as a, db.engine.connect() as b:
        # 1. Both at once, so on two server connections; A releases its one last.
        await b.begin()
        for statement in STATEMENTS:
            await b.execute(statement)
        await a.begin()
        for statement in STATEMENTS:
            await a.execute(statement)
        await b.commit()
        await a.commit()
        # 2. B first, then A: each now on the other's server connection.
        await b.begin()
        for statement in STATEMENTS:
            await b.execute(statement)
        await a.begin()
        for statement in STATEMENTS:
            await a.execute(statement)
        left = [
            int((await conn.execute(text("SELECT count(*) FROM pg_prepared_statements"))).scalar())
            for conn in (a, b)
        ]
        await a.commit()
        await b.commit()
        return left


async def test_without_the_setting_prepared_statements_break_behind_pgbouncer(
    pgbouncer: PgBouncer,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.delenv("QUIZBOT_DB_POOLER", raising=False)
    db = Database(pgbouncer.url_for(postgres_url, pooler=None))
    assert db.pooler == "none"
    try:
        with (
            caplog.at_level(logging.ERROR, logger="bot.store.database"),
            pytest.raises(DBAPIError) as raised,
        ):
            await two_clients_change_server_connections(db)
    finally:
        await db.dispose()
    failure = classify(raised.value)
    assert failure is not None and failure.kind is FailureKind.POOLER, raised.value
    assert "prepared statement" in failure.reason
    # The traceback and the log both say what to set.
    assert POOLER_HINT in getattr(raised.value, "__notes__", [])
    assert [r.getMessage() for r in caplog.records if POOLER_HINT in r.getMessage()]


async def test_with_the_setting_the_same_clients_work_and_leave_nothing_prepared(
    pgbouncer: PgBouncer, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZBOT_DB_POOLER", "transaction")
    db = Database(pgbouncer.url_for(postgres_url, pooler=None))
    assert db.pooler == "transaction"
    try:
        left = await two_clients_change_server_connections(db)
    finally:
        await db.dispose()
    assert left == [0, 0]


async def test_directly_on_postgresql_the_clients_keep_their_prepared_statements(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The choreography itself is sound: without a pooler each client keeps its own server
    session and its cached statements (the default costs nothing where it is safe)."""
    monkeypatch.delenv("QUIZBOT_DB_POOLER", raising=False)
    db = Database(postgres_url)
    try:
        left = await two_clients_change_server_connections(db)
    finally:
        await db.dispose()
    assert all(count > 0 for count in left)
