"""The web pages in German in headless Chromium, after the issue's piped terminal quiz: each
page by ``?lang=de`` (and the board by the browser's own ``Accept-Language``), with
``<html lang="de">``, German words, and the checks every page passes (accessibility, no
console error, nothing from another host, and no sideways scrolling or tiny text on a
390 px phone, however long German words get)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web_browser.browser import Browser
from tests.web_browser.server import TERMINAL_PLAYER, WebProcess, fetch
from tests.web_browser.test_chat_play import latest_quiz_id
from tests.web_browser.test_terminal_play import (
    MAX_PAGE_BYTES,
    leaderboard_link,
    play_in_terminal,
    table_rows,
)

GERMAN = "de-DE,de;q=0.9"


def in_german(browser: Browser, url: str, name: str, *, nav: bool = True) -> str:
    """Open ``url``: German, the checks every page passes; its visible text."""
    browser.open(url)
    assert browser.js("return document.documentElement.lang") == "de"
    assert browser.accessibility_problems(nav=nav) == []
    page = fetch(url)
    assert page.status == 200 and len(page.body) < MAX_PAGE_BYTES
    browser.shoot(name)  # no sideways scrolling, no text under 10 px, at 390 px and 1366 px
    return browser.text()


@pytest.fixture
def german_browser(browser: Browser) -> Iterator[Browser]:
    """The browser saying it reads German first (its Accept-Language), English again after."""
    driver: Any = browser.driver
    agent = browser.js("return navigator.userAgent")
    driver.execute_cdp_cmd(
        "Emulation.setUserAgentOverride", {"userAgent": agent, "acceptLanguage": GERMAN}
    )
    try:
        yield browser
    finally:
        driver.execute_cdp_cmd(
            "Emulation.setUserAgentOverride", {"userAgent": agent, "acceptLanguage": "en-US,en"}
        )


def test_the_pages_in_german(browser: Browser, web: WebProcess) -> None:
    points = play_in_terminal(web)
    board = leaderboard_link(web) + "?lang=de"
    text = in_german(browser, board, "leaderboard-de")
    assert "Bestenliste des Kanals" in text and "Leaderboard" not in text
    rows = [row for row in table_rows(browser) if TERMINAL_PLAYER in row]
    assert rows and str(points) in rows[0]
    # A period link keeps German; the footer's language links lead back to English.
    browser.follow(browser.driver.find_element("link text", "Diese Woche"))
    assert "lang=de" in browser.js("return location.search")
    assert browser.js("return document.documentElement.lang") == "de"
    browser.follow(browser.driver.find_element("link text", "English"))
    assert browser.js("return document.documentElement.lang") == "en"
    assert "This week" in browser.text()

    quiz = asyncio.run(latest_quiz_id(web.database_url))
    text = in_german(browser, web.link("report", str(quiz)) + "?lang=de", "report-de")
    assert "Spielbericht" in text and "Endstand" in text
    player = web.link(
        "player", "--platform", "console", "--workspace", "local", "--user", TERMINAL_PLAYER
    )
    text = in_german(browser, player + "?lang=de", "progress-de")
    assert "Mein Fortschritt" in text and "Trefferquote nach Thema" in text
    text = in_german(browser, web.link("bank", "demo") + "?lang=de", "bank-de")
    assert "gezählte Antworten" in text and "Rückseite" in text


def test_the_browsers_language_picks_german(german_browser: Browser, web: WebProcess) -> None:
    play_in_terminal(web)
    text = in_german(german_browser, leaderboard_link(web), "leaderboard-accept-de")
    assert "Bestenliste des Kanals" in text
    # A changed link is refused in German too.
    url = leaderboard_link(web)
    german_browser.open(url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:], status=403)
    assert german_browser.js("return document.documentElement.lang") == "de"
    assert "Link" in german_browser.text()
    assert german_browser.accessibility_problems(nav=False) == []
