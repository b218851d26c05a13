"""Shared fixtures: a fresh database per test, on SQLite and on PostgreSQL.

``database_url`` runs a test once per backend. Each PostgreSQL test gets a database of its
own, created from the server in ``QUIZBOT_TEST_POSTGRES`` (default: CI's server at
127.0.0.1:5432, trust auth, database ``test``) and dropped afterwards. Where no PostgreSQL
answers, those tests are skipped, except under ``CI=true``, where that is a failure.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from bot.clock import FakeClock
from bot.services import QuizApp

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


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new SQLite file for this test."""
    return f"sqlite+aiosqlite:///{tmp_path / 'quizbot.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new PostgreSQL database for this test, dropped afterwards."""
    problem = postgres_problem()
    if problem:
        message = f"PostgreSQL at {POSTGRES_ADMIN_URL} is not available ({problem})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    name = f"quizbot_test_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"')
    base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """A fresh database URL, once for SQLite and once for PostgreSQL."""
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
async def sqlite_app(sqlite_url: str, clock: FakeClock) -> AsyncIterator[QuizApp]:
    """The services on a fresh SQLite database only (for tests about SQLite itself)."""
    quiz_app = await QuizApp.open(sqlite_url, clock, upgrade=True)
    try:
        yield quiz_app
    finally:
        await quiz_app.close()
