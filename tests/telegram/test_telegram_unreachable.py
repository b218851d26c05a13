"""``quizbot run telegram`` when Telegram cannot be reached, as an operator meets it.

- the Bot API refusing connections at start-up: one line (where, why, what to do) and exit
  code 1, no traceback, no token;
- the Bot API not answering (a black hole that accepts and never replies) while the bot
  checks its token: the first SIGTERM or SIGINT stops the process cleanly (exit code 0),
  before the lifecycle's watchdog would have to.

The process finds the address through ``TELEGRAM_API_URL``.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.unreachable import (
    BlackHole,
    RunProcess,
    expect_unreachable_at_start,
    refused_port,
    stop_while_connecting,
)

TOKEN = "123456:unreachable-test-token"


async def run_telegram(
    processes: list[RunProcess], tmp_path: Path, database: str, api: str
) -> RunProcess:
    env = {"DATABASE_URL": database, "TELEGRAM_TOKEN": TOKEN, "TELEGRAM_API_URL": api}
    process = await RunProcess.start(["telegram"], env, tmp_path / f"run-{len(processes)}.log")
    processes.append(process)
    return process


async def test_telegram_unreachable_at_start_is_one_line(
    prepared_sqlite_url: str, tmp_path: Path, processes: list[RunProcess]
) -> None:
    port = refused_port()
    process = await run_telegram(
        processes, tmp_path, prepared_sqlite_url, f"http://127.0.0.1:{port}/bot"
    )
    await expect_unreachable_at_start(process, "Telegram", port, TOKEN)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_stops_on_a_signal_while_telegram_does_not_answer(
    prepared_sqlite_url: str, tmp_path: Path, processes: list[RunProcess], sig: signal.Signals
) -> None:
    hole = BlackHole()
    await hole.start()
    process = await run_telegram(processes, tmp_path, prepared_sqlite_url, hole.url(path="/bot"))
    await stop_while_connecting(process, hole, sig, "Telegram", TOKEN)
