"""Shared fixtures: a fresh database per test, on SQLite and on PostgreSQL.

``database_url`` runs a test once per backend on a new database that is already migrated
and has the shipped banks (cloned from a template the session prepares once: PostgreSQL's
``CREATE DATABASE ... TEMPLATE``, a file copy for SQLite); ``empty_database_url`` gives a new
empty one. Each PostgreSQL database is created on the server in ``QUIZBOT_TEST_POSTGRES``
(default: CI's server at 127.0.0.1:5432, trust auth, database ``test``) and dropped
afterwards. Where no PostgreSQL answers, those tests are skipped, except under ``CI=true``,
where that is a failure.

The core database tests (the modules in ``PGBOUNCER_MODULES``; every module's with
``QUIZBOT_TEST_PGBOUNCER=all``) run a third time, ``[pgbouncer]``: on a PostgreSQL
database reached through a real PgBouncer in transaction mode (see tests/pgbouncer.py),
with quizbot told so by ``?pooler=transaction``. Without the ``pgbouncer`` binary they are
skipped.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path

import asyncpg
import pytest

from bot.clock import FakeClock
from bot.services import QuizApp
from tests.pgbouncer import PgBouncer, PgBouncerError, find_pgbouncer

#: Fixtures shared by tests in several folders (the ``processes`` of ``quizbot run``).
pytest_plugins = ["tests.unreachable"]

POSTGRES_ADMIN_URL = os.environ.get(
    "QUIZBOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


def _postgres_available() -> str | None:
    """None when PostgreSQL answers, else why not."""

    async def probe() -> None:
        conn = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


_POSTGRES_PROBLEM: str | bool | None = False  # False = not probed yet


def postgres_problem() -> str | None:
    global _POSTGRES_PROBLEM
    if _POSTGRES_PROBLEM is False:
        _POSTGRES_PROBLEM = _postgres_available()
    return _POSTGRES_PROBLEM  # type: ignore[return-value]


def _admin(statement: str) -> None:
    async def go() -> None:
        conn = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=10)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(go())


def _require_postgres() -> None:
    problem = postgres_problem()
    if problem:
        message = f"PostgreSQL at {POSTGRES_ADMIN_URL} is not available ({problem})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def _postgres_database_url(name: str) -> str:
    base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


async def _prepare(url: str) -> None:
    prepared = await QuizApp.open(url, FakeClock(), upgrade=True)
    await prepared.close()


CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember whether a test's body failed (see :func:`body_failed`)."""
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


def body_failed(request: pytest.FixtureRequest) -> bool:
    """Whether the test using a fixture already failed: its teardown checks (no refused
    interaction, no slow acknowledgement) then stay quiet rather than report it twice."""
    return request.node.stash.get(CALL_FAILED, False)


@pytest.fixture(autouse=True)
def no_lobby_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chat quizzes start with a lobby by default; the tests written before lobbies start
    theirs straight at question 1 (``QUIZBOT_LOBBY=off``, inherited by the processes they
    run). The lobby's own tests ask for one (``lobby:on``) or delete the variable."""
    monkeypatch.setenv("QUIZBOT_LOBBY", "off")


@pytest.fixture(autouse=True)
def english_unless_asked(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests read what quizbot says in English, whatever this machine's locale: the terminal's
    language variables and ``QUIZBOT_LANGUAGE`` are cleared (for the processes tests start
    too), and the process default is reset after each test. Language tests set their own."""
    from bot.i18n import set_default_language

    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "QUIZBOT_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_default_language(None)
    yield
    set_default_language(None)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new, empty SQLite file for this test."""
    return f"sqlite+aiosqlite:///{tmp_path / 'quizbot.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for this test, dropped afterwards."""
    _require_postgres()
    name = f"quizbot_test_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield _postgres_database_url(name)
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the shipped banks, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(_prepare(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated PostgreSQL database with the shipped banks, cloned for each test."""
    _require_postgres()
    name = f"quizbot_template_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"')
    try:
        asyncio.run(_prepare(_postgres_database_url(name)))
        yield name
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def prepared_sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A new SQLite file, migrated, with the shipped banks."""
    path = tmp_path / "quizbot.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def prepared_postgres_url(postgres_template: str) -> Iterator[str]:
    """A new PostgreSQL database, migrated, with the shipped banks; dropped afterwards."""
    name = f"quizbot_test_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    try:
        yield _postgres_database_url(name)
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """A new migrated database with the shipped banks, once on SQLite, once on PostgreSQL."""
    return request.getfixturevalue(f"prepared_{request.param}_url")


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database_url(request: pytest.FixtureRequest) -> str:
    """A new empty database, once on SQLite, once on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def app(database_url: str, clock: FakeClock) -> AsyncIterator[QuizApp]:
    """The services on a fresh, migrated database with the shipped banks loaded."""
    quiz_app = await QuizApp.open(database_url, clock, upgrade=True)
    try:
        yield quiz_app
    finally:
        await quiz_app.close()


@pytest.fixture
async def sqlite_app(prepared_sqlite_url: str, clock: FakeClock) -> AsyncIterator[QuizApp]:
    """The services on a fresh SQLite database only (for tests about SQLite itself)."""
    quiz_app = await QuizApp.open(prepared_sqlite_url, clock, upgrade=True)
    try:
        yield quiz_app
    finally:
        await quiz_app.close()


# -- PgBouncer in transaction mode ------------------------------------------------------------

#: The modules whose ``database_url`` / ``empty_database_url`` tests also run through
#: PgBouncer: the store and migrations, imports, quizzes and answering, leaderboards, study.
PGBOUNCER_MODULES = frozenset(
    {
        "test_store.py",
        "test_bank_importer.py",
        "test_import_concurrency.py",
        "test_engine.py",
        "test_leaderboards.py",
        "test_tenancy.py",
        "test_study.py",
        "test_flashcards.py",
        "test_daily_owners.py",
    }
)
DATABASE_FIXTURES = ("database_url", "empty_database_url")
BACKENDS_WITH_PGBOUNCER = ["sqlite", "postgres", "pgbouncer"]


def _parametrized_by_the_test(metafunc: pytest.Metafunc, argname: str) -> bool:
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0] if mark.args else mark.kwargs.get("argnames", ())
        if isinstance(names, str):
            names = [name.strip() for name in names.split(",")]
        if argname in names:
            return True
    return False


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Give the database fixtures of the PgBouncer modules a third backend, ``pgbouncer``.

    A ``parametrize`` mark naming a fixture takes the place of the fixture's own params;
    this runs before pytest applies either.
    """
    everywhere = os.environ.get("QUIZBOT_TEST_PGBOUNCER", "").lower() == "all"
    if not everywhere and Path(metafunc.definition.path).name not in PGBOUNCER_MODULES:
        return
    for argname in DATABASE_FIXTURES:
        if argname in metafunc.fixturenames and not _parametrized_by_the_test(metafunc, argname):
            metafunc.definition.add_marker(
                pytest.mark.parametrize(argname, BACKENDS_WITH_PGBOUNCER, indirect=True)
            )


@pytest.fixture(scope="session")
def pgbouncer() -> Iterator[PgBouncer]:
    """A PgBouncer in transaction mode in front of the tests' PostgreSQL, for the session."""
    _require_postgres()
    binary = find_pgbouncer()
    if binary is None:
        pytest.skip("pgbouncer is not installed (apt-get install pgbouncer)")
    bouncer = PgBouncer(binary, POSTGRES_ADMIN_URL)
    try:
        bouncer.start()
    except (PgBouncerError, OSError, LookupError) as exc:  # LookupError: no user postgres
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PgBouncer could not be started: {exc}")
        pytest.skip(f"PgBouncer could not be started: {exc}")
    try:
        yield bouncer
    finally:
        bouncer.stop()


@pytest.fixture
def pgbouncer_url(pgbouncer: PgBouncer, postgres_url: str) -> str:
    """A new, empty PostgreSQL database reached through PgBouncer in transaction mode."""
    return pgbouncer.url_for(postgres_url)


@pytest.fixture
def prepared_pgbouncer_url(pgbouncer: PgBouncer, prepared_postgres_url: str) -> str:
    """A new migrated PostgreSQL database with the shipped banks, through PgBouncer."""
    return pgbouncer.url_for(prepared_postgres_url)
