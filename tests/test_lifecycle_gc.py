"""A started process keeps what start-up made out of the garbage collector's way: a full
collection walked every module, service and compiled statement each time, stalling every
request in flight (see ``adapters.kit.lifecycle.freeze_start_up``)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import socket
from collections.abc import Iterator

import aiohttp
import pytest

from adapters.kit import lifecycle


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """The test process's collector as it was (frozen objects given back afterwards)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_freeze_start_up_keeps_what_exists_out_of_collections(unfrozen: None) -> None:
    kept = [{"made": "at start-up"}]
    count = lifecycle.freeze_start_up()
    assert count == gc.get_freeze_count() > 0
    assert not any(o is kept for o in gc.get_objects())  # no generation walks it any more


@pytest.mark.parametrize("freeze", [True, False], ids=["process", "in-process"])
async def test_serve_freezes_once_started(
    unfrozen: None, prepared_sqlite_url: str, monkeypatch: pytest.MonkeyPatch, freeze: bool
) -> None:
    """``quizbot run`` (``lifecycle.run``) freezes; a test serving in its own process not."""
    stop = asyncio.Event()
    frozen: list[bool] = []

    def freeze_start_up() -> int:
        frozen.append(stop.is_set())
        return 0

    monkeypatch.setattr(lifecycle, "freeze_start_up", freeze_start_up)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serving = asyncio.create_task(
        lifecycle.serve(
            [],
            database_url=prepared_sqlite_url,
            port=port,
            host="127.0.0.1",
            stop=stop,
            handle_signals=False,
            http=True,
            freeze=freeze,
        )
    )
    async with aiohttp.ClientSession() as session:
        for _ in range(300):  # up to ~30 s for the server to answer
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"http://127.0.0.1:{port}/health") as health:
                    if health.status == 200:
                        break
            await asyncio.sleep(0.1)
    stop.set()
    await asyncio.wait_for(serving, 30)
    assert frozen == ([False] if freeze else [])
