"""PostgreSQL restarted in the middle of a quiz: the bot keeps running and loses nothing.

Each test runs on a private PostgreSQL cluster (``tests/private_postgres.py``), never the
shared server, and stops and starts it while a round is open:

- on every chat platform (the conformance drivers, the real adapter over its fake), a click
  during the outage gets the polite "try again" line privately, a click acknowledged before
  it still counts, the refused click does not, the player's retry counts once, and the quiz
  goes on to its results;
- the deadline ticker keeps running through the outage, logs one line per outage (no
  traceback per pass), and closes the round that fell due once the server is back;
- the connection pool replaces the connections the restart broke.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import asyncpg
import pytest

from adapters.kit import texts
from bot.clock import FakeClock
from bot.services import QuizApp
from bot.store.database import Database
from bot.store.failures import is_unavailable
from bot.ticker import Ticker
from bot.views import ChannelRef, PlayerRef, QuestionView, RoundOutcome
from tests.conformance.drivers import DRIVERS, Driver
from tests.discord.harness import wait_until
from tests.private_postgres import PrivatePostgres, private_postgres  # noqa: F401 (fixture)

WITHIN = 30.0  # seconds to wait for what must happen (a generous bound, not a timing)

ALICE, BOB, CAROL = range(3)
CHAT_PLATFORMS = ("discord", "slack", "telegram")
DATABASE = "quizbot"
TRY_AGAIN = texts.DATABASE_UNAVAILABLE.lower()  # as the drivers read a private reply


async def prepared(cluster: PrivatePostgres) -> str:
    """A migrated database with the shipped banks on ``cluster``; its URL."""
    await asyncio.to_thread(cluster.sql, f'CREATE DATABASE "{DATABASE}"')
    url = cluster.url(DATABASE)
    app = await QuizApp.open(url, FakeClock(), upgrade=True)
    await app.close()
    return url


async def answers_by_player(url: str) -> dict[str, int]:
    """How many answers each player has in the database (by display name)."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        rows = await conn.fetch(
            "SELECT lower(p.name) AS name, count(*) AS n FROM answers a "
            "JOIN players p ON p.id = a.player_id GROUP BY p.name"
        )
    finally:
        await conn.close()
    return {row["name"]: row["n"] for row in rows}


@pytest.fixture(params=CHAT_PLATFORMS)
async def driver(
    request: pytest.FixtureRequest,
    private_postgres: PrivatePostgres,  # noqa: F811
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Driver]:
    url = await prepared(private_postgres)
    chosen = DRIVERS[request.param](clock, url, tmp_path)
    await chosen.open(monkeypatch)
    try:
        yield chosen
    finally:
        await chosen.close()


async def test_a_click_while_postgres_restarts_is_asked_to_try_again(
    driver: Driver,
    private_postgres: PrivatePostgres,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Alice's click before the outage counts; Bob's click during it gets the polite line
    privately and does not count; after the restart Carol's click counts (the pool replaced
    its broken connections) and Bob's retry counts once; the quiz goes on to its results."""
    cluster = private_postgres
    total = 4  # the demo bank's playable questions: three with buttons, one typed
    await driver.start_quiz(ALICE, count=total)
    restarted = False
    for number in range(1, total + 1):
        asked = await driver.question(number, total)
        if asked.typed or restarted:
            for player in (ALICE, BOB, CAROL):
                assert await driver.answer(player, asked, right=True) == "recorded"
        else:
            assert await driver.answer(ALICE, asked, right=True) == "recorded"
            await asyncio.to_thread(cluster.stop)
            assert TRY_AGAIN in await driver.answer(BOB, asked, right=True)
            errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
            assert not errors, [r.getMessage() for r in errors]  # one warning, no traceback
            await asyncio.to_thread(cluster.start)
            restarted = True
            assert await driver.answer(CAROL, asked, right=False) == "recorded"
            assert await driver.answer(BOB, asked, right=True) == "recorded"
            if number == 1:  # later rounds close as Bob, the last one expected, answers
                assert await driver.answer(BOB, asked, right=True) == "already"
        if number == 1:
            await driver.deadline()
        reveal = await driver.revealed(asked)
        assert "alice" in reveal.winners
    assert restarted
    points = dict(await driver.results())
    assert points == {"alice": 40, "bob": 40, "carol": 30}
    assert await answers_by_player(driver.database_url) == {
        "alice": total,
        "bob": total,
        "carol": total,
    }


class Counted:
    """The core as the ticker sees it, counting the ticker's passes (calls of due_rounds)."""

    def __init__(self, app: QuizApp) -> None:
        self.app = app
        self.passes = 0

    async def due_rounds(self, platform: str | None = None) -> list[int]:
        self.passes += 1
        return await self.app.due_rounds(platform)

    async def close_round(self, round_id: int) -> RoundOutcome | None:
        return await self.app.close_round(round_id)

    async def start_due_dailies(
        self, platform: str | None = None, owns: Callable[[str], bool] | None = None
    ) -> list[QuestionView]:
        return await self.app.start_due_dailies(platform, owns)

    async def start_due_quizzes(
        self, platform: str | None = None, owns: Callable[[str], bool] | None = None
    ) -> list[QuestionView]:
        return await self.app.start_due_quizzes(platform, owns)


async def test_the_ticker_rides_out_an_outage_and_closes_the_round_after(
    private_postgres: PrivatePostgres,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The round's deadline passes while PostgreSQL is down: the ticker keeps passing, logs
    one line (no traceback), and once the server is back closes the round, with the answer
    given before the outage in it."""
    cluster = private_postgres
    clock = FakeClock()
    app = await QuizApp.open(await prepared(cluster), clock)
    where = ChannelRef("discord", "g1", "c1")
    alice = PlayerRef("discord", "g1", "u1", "Alice")
    announced: list[RoundOutcome] = []

    async def announce(outcome: RoundOutcome) -> None:
        announced.append(outcome)

    counted = Counted(app)
    ticker = Ticker(counted, "discord", announce, interval=0.05)
    try:
        question = await app.start_quiz(where, alice, bank="demo", count=2, seconds=20)
        choice = question.options[0].label if question.options else "an answer"
        receipt = await app.answer(question.round_id, alice, choice, where)
        assert receipt.status.name == "RECORDED"
        await ticker.start()
        caplog.set_level(logging.INFO, logger="bot.ticker")
        await asyncio.to_thread(cluster.stop)
        clock.advance(seconds=30)  # the round falls due while the server is down
        seen = counted.passes
        await wait_until(lambda: counted.passes >= seen + 10, WITHIN, "ten passes in the outage")
        assert ticker.running and not announced
        during = [r for r in caplog.records if r.name == "bot.ticker"]
        assert [r.levelno for r in during] == [logging.WARNING], [r.message for r in during]
        assert "not answering" in during[0].getMessage() and during[0].exc_info is None
        await asyncio.to_thread(cluster.start)
        await wait_until(lambda: announced, WITHIN, "the round to be closed and announced")
        [outcome] = announced
        assert outcome.round_id == question.round_id and outcome.answered == 1
        after = [r.getMessage() for r in caplog.records if r.name == "bot.ticker"]
        assert after[1:] == ["ticker discord: the database answers again"], after
    finally:
        await ticker.stop(5)
        await app.close()


async def test_the_pool_replaces_the_connections_a_restart_broke(
    private_postgres: PrivatePostgres,  # noqa: F811
) -> None:
    """Connections pooled before a restart are dead after it: the first calls after it
    (several at once, so several pooled connections are tried) all succeed."""
    cluster = private_postgres
    app = await QuizApp.open(await prepared(cluster), FakeClock())
    try:
        for _ in range(3):  # fill the pool with several connections
            await asyncio.gather(*(app.list_banks() for _ in range(4)))
        assert app.db.engine.pool.checkedin() >= 2  # type: ignore[attr-defined]
        await asyncio.to_thread(cluster.restart)
        results = await asyncio.gather(*(app.list_banks() for _ in range(4)))
        assert all(any(b.name == "demo" for b in banks) for banks in results)
    finally:
        await app.close()


async def test_a_host_whose_name_does_not_resolve_is_not_answering() -> None:
    """DNS failing (during a failover, or with the network down) is an outage like a refused
    connection: the player is asked to try again, the ticker waits it out."""
    database = Database("postgresql://quizbot@no-such-host.invalid/quizbot")
    try:
        with pytest.raises(Exception) as failed:  # whatever the driver raises
            async with database.engine.connect():
                pass
    finally:
        await database.dispose()
    assert is_unavailable(failed.value), repr(failed.value)
