"""Two real Slack web processes on one PostgreSQL database, as on a PaaS with two dynos, and
the Procfile's commands started the way a PaaS starts them.

Hundreds of players click in several channels, each click sent twice (once to each process,
as a retried or double click would be); afterwards the database holds exactly one answer per
player and round, every question message was revealed by exactly one ``chat.update``, and
both processes exit 0 on SIGTERM within the grace period.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shlex
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.services import QuizApp
from bot.store import migrate
from bot.store.database import Database
from tests.slack.conftest import BOT_TOKEN, SIGNING_SECRET, SlackDriver
from tests.slack.stub_slack_api import StubSlackApi
from tests.slack.test_slack_process import EXIT_WITHIN, WebProcess, free_port

ROOT = Path(__file__).parents[2]
CHANNELS = [f"C0PG{n}" for n in range(5)]
PLAYERS = 40  # per channel: 200 players in all
#: Round 1 ends when the test moves its deadline (after every click was answered), so a
#: busy machine that takes longer to handle the clicks gives the same result.
SECONDS = 600


def procfile() -> dict[str, str]:
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if command.strip():
            entries[name.strip()] = command.strip()
    return entries


def paas_env(**extra: str) -> dict[str, str]:
    """The environment a PaaS gives a process: no SLACK_/DISCORD_ leftovers, our venv on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "PORT"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


async def start_process(command: str, env: dict[str, str], log_path: Path, port: int) -> WebProcess:
    """Start a Procfile command through a shell, as a PaaS does."""
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            "/bin/sh",
            "-c",
            f"exec {command}",
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=asyncio.subprocess.STDOUT,
        )
    return WebProcess(process, f"http://127.0.0.1:{port}", log_path)


@pytest.fixture
async def two_web_processes(
    stub: StubSlackApi, prepared_postgres_url: str, tmp_path: Path
) -> AsyncIterator[list[WebProcess]]:
    processes = []
    for name in ("web.1", "web.2"):
        port = free_port()
        env = paas_env(
            PORT=str(port),
            DYNO=name,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_API_URL=f"{stub.url}/api/",
            DATABASE_URL=prepared_postgres_url,
        )
        processes.append(
            await start_process(procfile()["web"], env, tmp_path / f"{name}.log", port)
        )
    try:
        yield processes
    finally:
        for web in processes:
            if web.process.returncode is None:
                web.process.kill()
                await web.process.wait()


async def end_open_rounds(url: str) -> None:
    """Move every open round's deadline into the past: the processes' tickers close them."""
    app = await QuizApp.open(url, load_banks=False)
    try:
        async with app.db.transaction() as session:
            await session.execute(
                _text(
                    "UPDATE rounds SET deadline = now() - interval '1 second' WHERE status = 'open'"
                )
            )
    finally:
        await app.close()


async def test_two_web_processes_share_one_database(
    two_web_processes: list[WebProcess], stub: StubSlackApi, prepared_postgres_url: str
) -> None:
    first, second = two_web_processes
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=40)) as session:
        for web in two_web_processes:
            await web.wait_healthy(session)
        drivers = [SlackDriver(w.url, stub, None, session) for w in two_web_processes]  # type: ignore[arg-type]

        for n, channel in enumerate(CHANNELS):  # quizzes started on either process
            reply = await drivers[n % 2].command(
                f"start crm-podcast 2 {SECONDS}", "U0HOST", "host", channel
            )
            assert reply.status == 200, reply.text
        questions = await stub.wait_for("chat.postMessage", count=len(CHANNELS), within=120)

        async def hammer(posted: list) -> int:
            """Every player clicks each question once on each process; returns clicks sent."""
            clicks = []
            for call in posted:
                channel = call.params["channel"]
                buttons = call.buttons()
                for i in range(PLAYERS):
                    button = buttons[i % len(buttons)]
                    for driver in drivers:
                        clicks.append(
                            driver.click(
                                button,
                                f"U{channel}{i:03d}",
                                f"p{i}",
                                channel=channel,
                                message_ts=call.ts,
                            )
                        )
            replies = await asyncio.gather(*clicks)
            assert {r.status for r in replies} == {200}
            return len(replies)

        sent = await hammer(questions)
        # Every click was acknowledged at once and is answered in the background: once each
        # has its receipt, round 1 reaches its deadline (one process's ticker closes it).
        await stub.wait_for_ephemerals(count=sent, within=180)
        await end_open_rounds(prepared_postgres_url)
        seconds = await stub.wait_for("chat.postMessage", count=2 * len(CHANNELS), within=60)
        second_round = [c for c in seconds if c.buttons() and c not in questions]
        assert len(second_round) == len(CHANNELS)
        sent += await hammer(second_round)  # everyone answers: each round 2 closes at once
        await stub.wait_for("chat.update", count=2 * len(CHANNELS), within=180)

        await asyncio.sleep(1)  # let any (wrong) second reveal arrive before counting

        for web in two_web_processes:
            web.process.send_signal(signal.SIGTERM)
        codes = await asyncio.wait_for(
            asyncio.gather(*(w.process.wait() for w in two_web_processes)), EXIT_WITHIN
        )
    assert codes == [0, 0], first.log() + second.log()
    assert sent == 2 * 2 * PLAYERS * len(CHANNELS)

    # Each question message was revealed once, by one of the two processes.
    revealed = Counter(c.params["ts"] for c in stub.of("chat.update"))
    posted = {c.ts for c in stub.of("chat.postMessage") if c.buttons()}
    assert set(revealed) == posted and set(revealed.values()) == {1}
    # One receipt per player and round says "Recorded"; the double got "already answered".
    receipts = [e.text for e in stub.ephemerals()]
    recorded = [t for t in receipts if "Recorded" in t]
    print("RECEIPTS", Counter(t[:60] for t in receipts))
    assert len(recorded) == 2 * PLAYERS * len(CHANNELS)
    assert len(receipts) == sent

    app = await QuizApp.open(prepared_postgres_url, load_banks=False)
    try:
        async with app.db.sessions() as session:
            rows = await session.execute(
                _text("SELECT count(*), count(DISTINCT (round_id, player_id)) FROM answers")
            )
            total, distinct = rows.one()
            unfinished = await session.scalar(
                _text("SELECT count(*) FROM quizzes WHERE status = 'running'")
            )
            open_rounds = await session.scalar(
                _text("SELECT count(*) FROM rounds WHERE status = 'open'")
            )
    finally:
        await app.close()
    assert total == distinct == 2 * PLAYERS * len(CHANNELS)
    assert (unfinished, open_rounds) == (0, 0)
    for web in two_web_processes:
        log = web.log()
        assert SIGNING_SECRET not in log and BOT_TOKEN not in log
        assert "Traceback" not in log


def _text(sql: str):
    from sqlalchemy import text

    return text(sql)


async def test_procfile_commands_as_a_paas_runs_them(
    stub: StubSlackApi, postgres_url: str, tmp_path: Path
) -> None:
    entries = procfile()
    assert set(entries) == {"web", "worker", "release"}

    # release: migrations on an empty database.
    release = await asyncio.create_subprocess_exec(
        "/bin/sh",
        "-c",
        f"exec {entries['release']}",
        cwd=ROOT,
        env=paas_env(DATABASE_URL=postgres_url.replace("postgresql://", "postgres://")),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(release.communicate(), 60)
    assert release.returncode == 0, out.decode()
    assert re.search(r"upgraded from empty to \w+", out.decode())
    database = Database(postgres_url)
    try:
        assert await migrate.current_revision(database) == migrate.head_revision()
    finally:
        await database.dispose()

    # web: reads $PORT, answers /health, stops on SIGTERM with exit 0.
    port = free_port()
    env = paas_env(
        PORT=str(port),
        DATABASE_URL=postgres_url,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=f"{stub.url}/api/",
    )
    web = await start_process(entries["web"], env, tmp_path / "web.log", port)
    try:
        async with aiohttp.ClientSession() as session:
            await web.wait_healthy(session)
            async with session.get(web.url + "/health") as health:
                assert health.status == 200
        web.process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(web.process.wait(), EXIT_WITHIN) == 0, web.log()
    finally:
        if web.process.returncode is None:
            web.process.kill()
            await web.process.wait()

    # worker: with no platform configured for it, one line and a non-zero exit (no traceback).
    worker = await asyncio.create_subprocess_exec(
        "/bin/sh",
        "-c",
        f"exec {entries['worker']}",
        cwd=ROOT,
        env=paas_env(DATABASE_URL=postgres_url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(worker.communicate(), 60)
    assert worker.returncode == 1
    assert "nothing to run" in out.decode() and "DISCORD_TOKEN" in out.decode()
    assert "Traceback" not in out.decode()
    with contextlib.suppress(ProcessLookupError):
        worker.kill()
    assert shlex.split(entries["web"])[0] == "quizbot"
