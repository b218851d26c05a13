"""``quizbot run all``: Discord and Slack served by one process, stopped by one SIGTERM.

The process talks to a fake Discord (tests/discord/fake_discord.py) and the Slack stub, on
one SQLite file: a quiz started from Slack and one started from Discord both run, and SIGTERM
stops both sides and exits 0.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import aiohttp

from tests.discord.fake_discord import GOOD_TOKEN, FakeDiscord
from tests.discord.reading import ALICE
from tests.slack.conftest import BOT_TOKEN, SIGNING_SECRET, SlackDriver
from tests.slack.stub_slack_api import StubSlackApi
from tests.slack.test_slack_process import EXIT_WITHIN, START_WITHIN, WebProcess, free_port

ROOT = Path(__file__).parents[2]


async def test_one_process_serves_both_platforms(
    stub: StubSlackApi, prepared_sqlite_url: str, tmp_path: Path
) -> None:
    fake = FakeDiscord()
    await fake.start()
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "QUIZBOT_", "SLACK_")) and k != "DATABASE_URL"
    }
    env.update(
        PORT=str(port),
        DATABASE_URL=prepared_sqlite_url,
        DISCORD_TOKEN=GOOD_TOKEN,
        QUIZBOT_DISCORD_API_BASE=fake.api_base,
        QUIZBOT_DISCORD_GATEWAY=fake.gateway_url,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=f"{stub.url}/api/",
        PYTHONUNBUFFERED="1",
    )
    log_path = tmp_path / "all.log"
    with log_path.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "cli.main",
            "run",
            "all",
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
        )
    both = WebProcess(process, f"http://127.0.0.1:{port}", log_path)
    try:
        async with aiohttp.ClientSession() as session:
            await both.wait_healthy(session)
            deadline = time.monotonic() + START_WITHIN
            while not (fake.identifies and fake.sockets):
                assert time.monotonic() < deadline, both.log()
                await asyncio.sleep(0.05)

            slack = SlackDriver(both.url, stub, None, session)  # type: ignore[arg-type]
            assert (await slack.command("start demo 1 60", "U0ALICE", "alice")).status == 200
            [question] = await stub.wait_for("chat.postMessage", within=10)
            assert question.buttons()

            start = await fake.slash(ALICE, "quiz", "start", bank="demo", questions=1, seconds=60)
            reply = await fake.reply_to(start, within=10)
            assert reply["type"] in (4, 5)

            process.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(process.wait(), EXIT_WITHIN)
        log = both.log()
        assert code == 0, log
        assert "Traceback" not in log
        assert GOOD_TOKEN not in log and SIGNING_SECRET not in log and BOT_TOKEN not in log
        assert "database closed" in log
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await fake.stop()
