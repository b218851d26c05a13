"""The worker as a PaaS runs it: ``python -m cli.main run discord`` in a subprocess.

The fake Discord runs in the test; the subprocess finds it through the test-only variables
``QUIZBOT_DISCORD_API_BASE`` and ``QUIZBOT_DISCORD_GATEWAY``, on a SQLite file of its own.
Covered: a quiz started and answered through the real process, then SIGTERM: exit code 0
soon, one log line per step on stdout, no token, the answer in the database; and a crash
(SIGKILL) in the middle of a round: a new process closes the round on time and reveals it.
The worker uses the real clock, so deadlines here are a few seconds long; every wait is
bounded.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.services import QuizApp
from tests.discord.fake_discord import GOOD_TOKEN, FakeDiscord
from tests.discord.reading import (
    ALICE,
    answer,
    embed,
    field,
    private_reply,
    results_messages,
    revealed,
)

ROOT = Path(__file__).resolve().parents[2]
START_WITHIN = 30.0  # a cold Python start importing discord.py and SQLAlchemy, on a busy box
EXIT_WITHIN = 15.0
ROUND_SECONDS = 6


@dataclass
class Worker:
    """A ``quizbot run discord`` subprocess and the file its output goes to."""

    process: asyncio.subprocess.Process
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    async def exit_code(self, within: float = EXIT_WITHIN) -> int:
        return await asyncio.wait_for(self.process.wait(), within)


async def wait_for(
    predicate: Callable[[], object], within: float, what: str, worker: Worker | None = None
) -> None:
    """Poll ``predicate`` until it holds; fail after ``within`` s (with the worker's output)."""
    deadline = time.monotonic() + within
    while not predicate():
        if worker is not None and worker.process.returncode is not None:
            raise AssertionError(
                f"the worker exited ({worker.process.returncode}) before {what}:\n{worker.output()}"
            )
        if time.monotonic() > deadline:
            output = worker.output() if worker is not None else ""
            raise AssertionError(f"timed out waiting for {what}\n{output}")
        await asyncio.sleep(0.05)


@pytest.fixture
async def workers(
    fake: FakeDiscord, prepared_sqlite_url: str, tmp_path: Path
) -> AsyncIterator[Callable[[], asyncio.Future[Worker]]]:
    """Start workers on one database against the fake; any left running are killed."""
    started: list[Worker] = []
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "QUIZBOT_", "SLACK_")) and k != "DATABASE_URL"
    }
    env.update(
        DISCORD_TOKEN=GOOD_TOKEN,
        DATABASE_URL=prepared_sqlite_url,
        QUIZBOT_DISCORD_API_BASE=fake.api_base,
        QUIZBOT_DISCORD_GATEWAY=fake.gateway_url,
        QUIZBOT_LOBBY="off",  # quizzes start at question 1 (the lobby has its own tests)
        PYTHONUNBUFFERED="1",
    )

    async def start() -> Worker:
        identified = len(fake.identifies)
        log = tmp_path / f"worker-{len(started) + 1}.log"
        with log.open("wb") as out:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "cli.main",
                "run",
                "discord",
                cwd=ROOT,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
            )
        worker = Worker(process, log)
        started.append(worker)
        await wait_for(
            lambda: len(fake.identifies) > identified and fake.sockets,
            START_WITHIN,
            "the worker to identify",
            worker,
        )
        return worker

    yield start  # type: ignore[misc]
    for worker in started:
        if worker.process.returncode is None:
            worker.process.kill()
            await worker.process.wait()


async def test_sigterm_finishes_work_and_exits_cleanly(
    fake: FakeDiscord,
    workers: Callable[[], asyncio.Future[Worker]],
    prepared_sqlite_url: str,
) -> None:
    worker = await workers()
    assert any(c["name"] == "quiz" for c in fake.commands)  # registered at start-up

    start = await fake.slash(
        ALICE, "quiz", "start", bank="demo", topic="Space", questions=1, seconds=60
    )
    reply = await fake.reply_to(start, within=10)
    assert reply["type"] == 4
    question = fake.response_message(start)
    mid = int(question["id"])
    assert embed(question)["title"].startswith("Question 1/1")
    # The click is in flight when the signal comes: Discord is slow to take its answer.
    fake.callback_delay = 1.0
    click = await answer(fake, ALICE, question, right=True)
    await fake.wait_for(lambda: fake.callbacks(click), what="the click to reach the bot")
    worker.process.send_signal(signal.SIGTERM)
    stopping = time.monotonic()
    assert await worker.exit_code() == 0, worker.output()
    took = time.monotonic() - stopping
    assert (await private_reply(fake, click)).startswith("recorded: ")
    # The click's work was finished before the exit: the count under the question.
    assert field(embed(fake.messages[mid]), "Answers") == "1 answered"
    assert not fake.sockets  # the gateway connection was closed

    output = worker.output()
    lines = [line.split(" ", 4)[-1] for line in output.splitlines()]
    for step in (
        "starting quizbot: discord (database: sqlite)",
        "database ready",
        "registered 2 slash commands",
        "received SIGTERM: shutting down",
        "Discord gateway closed: taking no new work",
        "finishing 1 Discord event(s) in flight",
        "discord: ticker stopped",
        "disconnected from Discord",
        "database closed",
        "stopped",
    ):
        assert any(line.startswith(step) for line in lines), (step, output)
    assert GOOD_TOKEN not in output
    assert "Traceback" not in output
    assert took < EXIT_WITHIN

    # The database is consistent: the open round holds Alice's answer, and closes with it.
    later = FakeClock(datetime.now(UTC) + timedelta(seconds=120))
    app = await QuizApp.open(prepared_sqlite_url, clock=later)
    try:
        ((_view, ref),) = await app.open_rounds("discord")
        assert ref == str(mid)
        (outcome,) = await app.close_due_rounds("discord")
        assert outcome.answered == 1 and outcome.winners == ("Alice",)
    finally:
        await app.close()


async def test_a_new_process_closes_the_round_of_one_that_crashed(
    fake: FakeDiscord, workers: Callable[[], asyncio.Future[Worker]]
) -> None:
    first = await workers()
    start = await fake.slash(
        ALICE, "quiz", "start", bank="demo", topic="Space", questions=1, seconds=ROUND_SECONDS
    )
    await fake.reply_to(start, within=10)
    question = fake.response_message(start)
    mid = int(question["id"])
    await private_reply(fake, await answer(fake, ALICE, question, right=True))

    first.process.kill()  # SIGKILL: no clean-up at all
    assert await first.exit_code() == -signal.SIGKILL
    calls_before = len(fake.calls)
    assert not revealed(fake, mid)

    second = await workers()
    await wait_for(
        lambda: revealed(fake, mid),
        ROUND_SECONDS + START_WITHIN,
        "the new worker to reveal the round",
        second,
    )
    reveal = [
        c
        for c in fake.calls[calls_before:]
        if c.method == "PATCH" and c.path.endswith(f"/messages/{mid}")
    ]
    assert reveal, "the reveal was made by the new worker"
    assert field(embed(fake.messages[mid]), "Got it right") == "Alice"
    await wait_for(lambda: results_messages(fake), 10, "the results", second)

    second.process.send_signal(signal.SIGINT)  # Ctrl-C stops it as cleanly
    assert await second.exit_code() == 0, second.output()
    assert "received SIGINT: shutting down" in second.output()
