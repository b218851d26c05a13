"""Fixtures of the browser tests: a real ``quizbot web`` and a headless Chromium.

``web`` starts ``quizbot web`` (a subprocess on a free port, on the test's own SQLite file,
prepared with the shipped banks, with ``QUIZBOT_SECRET_KEY`` set) and waits for
``/health``; ``browser`` is one Chromium for the whole session, its logs emptied before
each test; every page a test opens through it is checked for console errors and for
requests away from the server's origin (see :mod:`tests.web_browser.browser`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web_browser.browser import Browser, require_chromium, start_chromium
from tests.web_browser.server import WebProcess


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    require_chromium()
    driver = start_chromium()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def web(prepared_sqlite_url: str, tmp_path: Path) -> Iterator[WebProcess]:
    server = WebProcess(prepared_sqlite_url, tmp_path / "quizbot-web.log")
    server.start()
    try:
        yield server
    finally:
        code = server.stop()
        assert code == 0, f"quizbot web did not stop cleanly ({code}):\n{server.log()}"


@pytest.fixture
def browser(chromium: Any, web: WebProcess, request: pytest.FixtureRequest) -> Browser:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)[:60]
    shown = Browser(chromium, web.origin, test_name=name)
    shown.drain()
    return shown
