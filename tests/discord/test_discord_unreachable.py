"""``quizbot run discord`` when Discord cannot be reached, as an operator meets it.

- Discord refusing connections at start-up: one line (where, why, what to do) and exit code
  1, no traceback, no token;
- Discord not answering (a black hole that accepts and never replies) while logging in, or
  its gateway refusing while the shard keeps trying again: the first SIGTERM or SIGINT stops
  the process cleanly (exit code 0), before the lifecycle's watchdog would have to.

The process finds the address through the test-only ``QUIZBOT_DISCORD_API_BASE`` and
``QUIZBOT_DISCORD_GATEWAY``, as in test_discord_process.py.
"""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.discord.fake_discord import GOOD_TOKEN, FakeDiscord
from tests.unreachable import (
    START_WITHIN,
    STOP_WITHIN,
    BlackHole,
    RunProcess,
    error_line,
    refused_port,
)


@pytest.fixture
async def processes() -> AsyncIterator[list[RunProcess]]:
    started: list[RunProcess] = []
    yield started
    for process in started:
        await process.stop()


async def run_discord(
    processes: list[RunProcess], tmp_path: Path, database: str, api: str, gateway: str
) -> RunProcess:
    env = {
        "DATABASE_URL": database,
        "DISCORD_TOKEN": GOOD_TOKEN,
        "QUIZBOT_DISCORD_API_BASE": api,
        "QUIZBOT_DISCORD_GATEWAY": gateway,
    }
    process = await RunProcess.start(["discord"], env, tmp_path / f"run-{len(processes)}.log")
    processes.append(process)
    return process


async def test_discord_unreachable_at_start_is_one_line(
    prepared_sqlite_url: str, tmp_path: Path, processes: list[RunProcess]
) -> None:
    port = refused_port()
    process = await run_discord(
        processes,
        tmp_path,
        prepared_sqlite_url,
        f"http://127.0.0.1:{port}/api/v10",
        f"ws://127.0.0.1:{port}/gateway",
    )
    code = await process.exit_code(START_WITHIN)
    output = process.output()
    assert code == 1, output
    assert error_line(output) == (
        f"quizbot: error: cannot reach Discord at 127.0.0.1:{port}: connection refused; "
        "check this machine's network connection (and any proxy or firewall), then start again"
    )
    assert "Traceback" not in output and GOOD_TOKEN not in output


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_stops_on_a_signal_while_discord_does_not_answer(
    prepared_sqlite_url: str, tmp_path: Path, processes: list[RunProcess], sig: signal.Signals
) -> None:
    hole = BlackHole()
    await hole.start()
    try:
        process = await run_discord(
            processes,
            tmp_path,
            prepared_sqlite_url,
            hole.url(path="/api/v10"),
            hole.url("ws", "/gateway"),
        )
        await process.wait_until(lambda: hole.connections, "a connection to Discord")
        process.process.send_signal(sig)
        code = await process.exit_code(STOP_WITHIN)
    finally:
        await hole.stop()
    output = process.output()
    assert code == 0, output
    assert f"received {sig.name}: shutting down" in output
    assert "still not stopped" not in output  # not the watchdog
    assert "Traceback" not in output and GOOD_TOKEN not in output


class GatewayDown(FakeDiscord):
    """The fake Discord whose REST API answers, handing out a gateway nobody listens on."""

    def __init__(self, gateway_port: int) -> None:
        super().__init__()
        self.gateway_port = gateway_port

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.gateway_port}/gateway"


async def test_stops_on_a_signal_while_the_gateway_is_retried(
    prepared_sqlite_url: str, tmp_path: Path, processes: list[RunProcess]
) -> None:
    fake = GatewayDown(refused_port())
    await fake.start()
    try:
        process = await run_discord(
            processes, tmp_path, prepared_sqlite_url, fake.api_base, fake.gateway_url
        )
        await process.wait_until(
            process.logged("Failed to connect for shard_id"), "a failed gateway connection"
        )
        process.process.send_signal(signal.SIGTERM)
        code = await process.exit_code(STOP_WITHIN)
    finally:
        await fake.stop()
    output = process.output()
    assert code == 0, output
    assert "still not stopped" not in output
    assert "Traceback" not in output and GOOD_TOKEN not in output
