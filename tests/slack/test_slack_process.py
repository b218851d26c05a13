"""End to end with a real process: ``python -m cli.main run slack`` talking to the stub.

The web process gets its Web API from ``SLACK_API_URL`` (the stub in this test), serves
signed requests on ``PORT``, and on SIGTERM stops accepting requests, finishes the ones in
flight, stops its ticker, closes the database and exits 0 well inside a PaaS's grace period.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.services import QuizApp
from bot.views import PlayerRef
from tests.slack.conftest import BOT_TOKEN, CHANNEL, SIGNING_SECRET, TEAM, SlackDriver
from tests.slack.stub_slack_api import StubSlackApi

ROOT = Path(__file__).parents[2]
START_WITHIN = 30.0
EXIT_WITHIN = 15.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class WebProcess:
    """A running ``quizbot run slack`` and where its log goes."""

    process: asyncio.subprocess.Process
    url: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def wait_healthy(self, session: aiohttp.ClientSession) -> None:
        deadline = time.monotonic() + START_WITHIN
        while True:
            assert self.process.returncode is None, f"the process exited:\n{self.log()}"
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(self.url + "/health") as response:
                    if response.status == 200:
                        return
            assert time.monotonic() < deadline, f"no /health within {START_WITHIN} s:\n{self.log()}"
            await asyncio.sleep(0.1)


@pytest.fixture
async def web_process(
    stub: StubSlackApi, quiz: QuizApp, slack_database_url: str, tmp_path: Path
) -> AsyncIterator[WebProcess]:
    """``quizbot run slack`` in a subprocess, on the test's database (with the test banks)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        PORT=str(port),
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=f"{stub.url}/api/",
        DATABASE_URL=slack_database_url,
        PYTHONUNBUFFERED="1",
    )
    log_path = tmp_path / "web.log"
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "cli.main",
            "run",
            "slack",
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=asyncio.subprocess.STDOUT,
        )
    web = WebProcess(process, f"http://127.0.0.1:{port}", log_path)
    try:
        yield web
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_web_process_serves_slack_and_stops_cleanly_on_signal(
    web_process: WebProcess, stub: StubSlackApi, quiz: QuizApp, sig: signal.Signals
) -> None:
    async with aiohttp.ClientSession() as session:
        await web_process.wait_healthy(session)
        slack = SlackDriver(web_process.url, stub, None, session)  # type: ignore[arg-type]

        assert (await slack.command("start slack-mc 1 60", "U0ALICE", "alice")).status == 200
        [question] = await stub.wait_for("chat.postMessage", within=10)
        assert question.params["channel"] == CHANNEL
        assert question.token == BOT_TOKEN  # SLACK_API_URL took the bot's calls to the stub
        buttons = question.buttons()
        assert len(buttons) == 3

        reply = await slack.click(buttons[0], "U0ALICE", "alice", message_ts=question.ts)
        assert reply.status == 200
        [receipt] = await stub.wait_for_ephemerals(within=10)
        assert receipt.user == "U0ALICE"
        assert "Recorded" in receipt.text

        async with session.get(web_process.url + "/health") as health:
            assert health.status == 200

        # A click acknowledged just before the signal still gets its receipt: in flight, finished.
        reply = await slack.click(buttons[1], "U0BOB", "bob", message_ts=question.ts)
        assert reply.status == 200
        web_process.process.send_signal(sig)
        started = time.monotonic()
        code = await asyncio.wait_for(web_process.process.wait(), EXIT_WITHIN)
        took = time.monotonic() - started
    log = web_process.log()
    assert code == 0, log
    assert took < EXIT_WITHIN
    assert [e.user for e in stub.ephemerals()] == ["U0ALICE", "U0BOB"]

    # One line per lifecycle event, in order, and no secret in the log.
    events = [
        "starting quizbot: slack (database: ",
        "Slack app ready over HTTP (one workspace)",
        "listening on 0.0.0.0:",
        f"received {sig.name}: shutting down",
        "no longer accepting requests",
        "slack: ticker stopped",
        "database closed",
        "adapters.kit.lifecycle stopped",
    ]
    position = 0
    for event in events:  # each one, after the one before
        position = log.find(event, position)
        assert position >= 0, f"{event!r} missing or out of order:\n{log}"
    assert SIGNING_SECRET not in log and BOT_TOKEN not in log

    # The answers are in the database, and the round is still open for whoever runs next.
    alice = await quiz.player_stats(PlayerRef("slack", TEAM, "U0ALICE"))
    bob = await quiz.player_stats(PlayerRef("slack", TEAM, "U0BOB"))
    assert (alice.answered, bob.answered) == (1, 1)
    assert len(await quiz.open_rounds("slack")) == 1
