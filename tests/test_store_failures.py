"""Which real errors count as "the database is not answering", and which do not.

A refused connection raised by the database driver is an outage; the same refusal from an
HTTP client (a chat platform unreachable) or a closed pipe is not the database's, and must
not be reported as one.
"""

from __future__ import annotations

import socket

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store.failures import FailureKind, classify, is_unavailable


def refused_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_a_refused_database_connection_is_unavailable() -> None:
    engine = create_async_engine(f"postgresql+asyncpg://q@127.0.0.1:{refused_port()}/q")
    try:
        with pytest.raises(OSError) as raised:
            async with engine.connect():
                pass
    finally:
        await engine.dispose()
    failure = classify(raised.value)
    assert failure is not None and failure.kind is FailureKind.UNAVAILABLE


async def test_a_refused_http_connection_is_not_the_database() -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError) as raised:
            await session.get(f"http://127.0.0.1:{refused_port()}/")
    assert classify(raised.value) is None
    assert not is_unavailable(raised.value)


def test_a_closed_pipe_is_not_the_database() -> None:
    reader, writer = socket.socketpair()
    reader.close()
    with pytest.raises(OSError) as raised:
        for _ in range(100):
            writer.send(b"x" * 65536)
    writer.close()
    assert classify(raised.value) is None
