"""Platforms that cannot be reached, for the process tests of every adapter.

- :func:`refused_port`: a port on 127.0.0.1 where nothing listens (connecting is refused at
  once, as for a server that is down);
- :class:`BlackHole`: a server on 127.0.0.1 that accepts connections and never answers (as
  behind a firewall that drops replies, or a server that hangs), and tells the test when the
  process under test is connecting to it;
- :class:`RunProcess`: ``python -m cli.main run ...`` in a subprocess, its output in a file.

Only loopback addresses are used.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: A cold start importing a platform library and SQLAlchemy, on a busy machine.
START_WITHIN = 60.0
#: A process must be gone this soon after the first SIGTERM/SIGINT: before the lifecycle's
#: watchdog (20 s) would have to end it.
STOP_WITHIN = 15.0
#: Variables of the tests' own environment that must not reach the process under test.
PLATFORM_PREFIXES = ("SLACK_", "DISCORD_", "TELEGRAM_", "QUIZBOT_")


def refused_port() -> int:
    """A loopback port nobody listens on (found free, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class BlackHole:
    """Accepts TCP connections on 127.0.0.1 and never sends a byte."""

    port: int = 0
    #: How many connections it accepted so far.
    connections: int = 0
    _server: asyncio.Server | None = None
    _held: list[asyncio.StreamWriter] = field(default_factory=list)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._hold, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def _hold(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._held.append(writer)
        with contextlib.suppress(Exception):
            while await reader.read(4096):  # read whatever comes, answer nothing
                pass

    def url(self, scheme: str = "http", path: str = "/") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    async def stop(self) -> None:
        for writer in self._held:
            writer.close()
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5)


@dataclass
class RunProcess:
    """A ``quizbot run`` subprocess and the file its output (stdout and stderr) goes to."""

    process: asyncio.subprocess.Process
    log: Path

    @classmethod
    async def start(cls, args: list[str], env: Mapping[str, str], log: Path) -> RunProcess:
        base = {k: v for k, v in os.environ.items() if not k.startswith(PLATFORM_PREFIXES)}
        base.pop("DATABASE_URL", None)
        base.update(env)
        base["PYTHONUNBUFFERED"] = "1"
        with log.open("wb") as out:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "cli.main",
                "run",
                *args,
                cwd=ROOT,
                env=base,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
                stdin=asyncio.subprocess.DEVNULL,
            )
        return cls(process, log)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    async def exit_code(self, within: float) -> int:
        """The exit code, once the process ended (fails after ``within`` s)."""
        try:
            return await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            raise AssertionError(f"still running after {within:.0f} s:\n{self.output()}") from None

    async def wait_until(self, check: Callable[[], object], what: str) -> None:
        """Poll ``check`` while the process runs (fails if it ends first, or after
        :data:`START_WITHIN` s)."""
        deadline = time.monotonic() + START_WITHIN
        while not check():
            if self.process.returncode is not None:
                raise AssertionError(
                    f"exited ({self.process.returncode}) before {what}:\n{self.output()}"
                )
            assert time.monotonic() < deadline, f"no {what} within {START_WITHIN} s"
            await asyncio.sleep(0.05)

    def logged(self, text: str) -> Callable[[], bool]:
        """A check for :meth:`wait_until`: the process has printed ``text``."""
        return lambda: text in self.output()

    async def stop(self) -> None:
        """Kill it if a test left it running."""
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


def error_line(output: str) -> str:
    """The last line the process printed (its ``quizbot: error: ...`` line on failure)."""
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else ""


async def expect_unreachable_at_start(
    process: RunProcess, platform: str, port: int, secret: str
) -> None:
    """The process gave up at start-up in one line naming the refused ``platform``."""
    code = await process.exit_code(START_WITHIN)
    output = process.output()
    assert code == 1, output
    assert error_line(output).startswith(
        f"quizbot: error: cannot reach {platform} at 127.0.0.1:{port}: connection refused; "
        "check this machine's network connection"
    ), output
    assert "Traceback" not in output and secret not in output


async def expect_clean_stop(process: RunProcess, sig: signal.Signals, secret: str) -> None:
    """``sig`` (already sent) stopped the process the normal way, before the watchdog."""
    code = await process.exit_code(STOP_WITHIN)
    output = process.output()
    assert code == 0, output
    assert f"received {sig.name}: shutting down" in output
    assert "still not stopped" not in output  # not the watchdog
    assert "Traceback" not in output and secret not in output


async def stop_while_connecting(
    process: RunProcess, hole: BlackHole, sig: signal.Signals, platform: str, secret: str
) -> None:
    """Once the process is waiting on ``hole`` for ``platform``, ``sig`` stops it cleanly."""
    try:
        await process.wait_until(lambda: hole.connections, f"a connection to {platform}")
        process.process.send_signal(sig)
        await expect_clean_stop(process, sig, secret)
    finally:
        await hole.stop()


@pytest.fixture
async def processes() -> AsyncIterator[list[RunProcess]]:
    """The ``quizbot run`` processes a test started; any left running are killed after it."""
    started: list[RunProcess] = []
    yield started
    for process in started:
        await process.stop()
