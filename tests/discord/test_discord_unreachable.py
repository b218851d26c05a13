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
from pathlib import Path

import pytest

from tests.discord.fake_discord import GOOD_TOKEN, FakeDiscord
from tests.unreachable import (
    BlackHole,
    RunProcess,
    expect_clean_stop,
    expect_unreachable_at_start,
    refused_port,
    stop_while_connecting,
)


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
    await expect_unreachable_at_start(process, "Discord", port, GOOD_TOKEN)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_stops_on_a_signal_while_discord_does_not_answer(
    prepared_sqlite_url: str, tmp_path: Path, processes: list[RunProcess], sig: signal.Signals
) -> None:
    hole = BlackHole()
    await hole.start()
    process = await run_discord(
        processes,
        tmp_path,
        prepared_sqlite_url,
        hole.url(path="/api/v10"),
        hole.url("ws", "/gateway"),
    )
    await stop_while_connecting(process, hole, sig, "Discord", GOOD_TOKEN)


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
        await expect_clean_stop(process, signal.SIGTERM, GOOD_TOKEN)
    finally:
        await fake.stop()
