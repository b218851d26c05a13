"""The kit's one way of saying a platform cannot be reached (adapters/kit/network.py), on
real connection failures to loopback addresses: refused, and a server that never answers."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from adapters.kit.network import OneLineRetries, PlatformUnreachableError, unreachable
from tests.unreachable import BlackHole, refused_port


async def failure(url: str, seconds: float = 5.0) -> BaseException:
    timeout = aiohttp.ClientTimeout(total=seconds)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            await session.get(url)
    except Exception as exc:
        return exc
    raise AssertionError(f"{url} answered")


async def test_refused() -> None:
    port = refused_port()
    url = f"http://127.0.0.1:{port}/api/v10"
    error = unreachable("Discord", url, await failure(url))
    assert isinstance(error, PlatformUnreachableError)
    assert str(error) == (
        f"cannot reach Discord at 127.0.0.1:{port}: connection refused; check this machine's "
        "network connection (and any proxy or firewall), then start again"
    )


async def test_no_answer() -> None:
    hole = BlackHole()
    await hole.start()
    try:
        url = hole.url(path="/bot")
        error = unreachable("Telegram", url, await failure(url, seconds=0.5))
    finally:
        await hole.stop()
    assert str(error).startswith(f"cannot reach Telegram at 127.0.0.1:{hole.port}: timed out; ")


async def test_a_retry_line_keeps_its_reason_and_loses_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("tests.kit.network.library")
    OneLineRetries("Failed to connect").install(logger)
    OneLineRetries("Failed to connect").install(logger)  # once is enough
    assert len(logger.filters) == 1
    url = f"http://127.0.0.1:{refused_port()}/"
    error = await failure(url)
    with caplog.at_level(logging.INFO, logger=logger.name):
        try:
            raise error
        except Exception:
            logger.exception("Failed to connect (error: %s); Retrying...", "x")
            logger.exception("Something else")
    retry, other = caplog.records
    assert retry.exc_info is None and retry.getMessage().endswith("(connection refused)")
    assert other.exc_info is not None  # only the lines it was told about
