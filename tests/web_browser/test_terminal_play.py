"""The issue's "done when", in headless Chromium: a piped terminal quiz, then its leaderboard.

``printf 'A\\nB\\nC\\nD\\nA\\n' | quizbot play --count 5`` on the SQLite file a running
``quizbot web`` serves; the URL ``quizbot web link leaderboard --platform console
--workspace local --channel terminal`` prints shows that player and score; the same link
with one character changed is refused (403 and a plain page), in the browser and to a plain
HTTP client, wherever the character is.
"""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.web_browser.browser import Browser
from tests.web_browser.server import SECRET_KEY, TERMINAL_PLAYER, WebProcess, fetch

BASE64URL = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
MAX_PAGE_BYTES = 150_000


def play_in_terminal(web: WebProcess) -> int:
    """The issue's piped quiz; the points it says the player made."""
    out = web.cli("play", "--count", "5", stdin="A\nB\nC\nD\nA\n")
    found = re.search(r"Final score: (\d+)/5 correct, (\d+) points?", out)
    assert found, f"no final score in:\n{out}"
    return int(found.group(2))


def leaderboard_link(web: WebProcess) -> str:
    return web.link(
        "leaderboard", "--platform", "console", "--workspace", "local", "--channel", "terminal"
    )


def table_rows(browser: Browser) -> list[list[str]]:
    return list(
        browser.js(
            "return [...document.querySelectorAll('tbody tr')]"
            ".map((tr) => [...tr.cells].map((c) => c.innerText.trim()))"
        )
    )


def changed(url: str, position: int) -> str:
    """``url`` with the character at ``position`` replaced by another link character (its
    6-bit value with the lowest bit flipped, so the smallest change base64 can make)."""
    char = url[position]
    other = BASE64URL[BASE64URL.index(char) ^ 1] if char in BASE64URL else "A"
    return url[:position] + other + url[position + 1 :]


@pytest.fixture
def played(browser: Browser, web: WebProcess) -> tuple[str, int]:
    points = play_in_terminal(web)
    return leaderboard_link(web), points


def test_the_link_shows_the_terminal_player_and_score(
    browser: Browser, played: tuple[str, int]
) -> None:
    url, points = played
    browser.open(url)
    rows = [row for row in table_rows(browser) if TERMINAL_PLAYER in row]
    assert len(rows) == 1, f"{TERMINAL_PLAYER} not once on the board: {table_rows(browser)}"
    assert str(points) in rows[0], f"{points} points not in {rows[0]}"
    assert "leaderboard" in browser.js("return document.querySelector('h1').innerText").lower()
    browser.shoot("leaderboard")


def test_the_link_changed_in_one_character_is_refused(
    browser: Browser, web: WebProcess, played: tuple[str, int]
) -> None:
    url, _ = played
    tampered = changed(url, len(url) - 5)
    browser.open(tampered, status=403)
    text = browser.text()
    assert TERMINAL_PLAYER not in text
    assert "link" in text.lower(), f"the refusal does not say what is wrong:\n{text}"
    assert not table_rows(browser)
    answer = fetch(tampered)
    assert answer.status == 403
    assert "text/html" in answer.headers.get("Content-Type", "")
    assert TERMINAL_PLAYER not in answer.text
    browser.shoot("refused")
    assert browser.accessibility_problems(nav=False) == []


def test_a_link_changed_anywhere_in_its_token_is_refused(
    web: WebProcess, played: tuple[str, int]
) -> None:
    """Every position of the token, including the signature's last character, whose lowest
    bits base64 does not use for 32 bytes: changing them must still be refused."""
    url, _ = played
    assert fetch(url).status == 200
    start = url.index("/l/") + len("/l/")
    accepted = [
        (position, changed(url, position))
        for position in range(start, len(url))
        if fetch(changed(url, position)).status != 403
    ]
    assert not accepted, f"changed links that were not refused: {accepted}"


def test_the_leaderboard_filters_by_period_and_bank(
    browser: Browser, played: tuple[str, int]
) -> None:
    url, points = played
    browser.open(url)
    for label in ("Today", "This week", "This month", "All time"):
        link = browser.driver.find_element("link text", label)
        target = link.get_attribute("href")
        browser.follow(link)
        assert browser.js("return location.href") == target
        current = browser.js("return document.querySelector('[aria-current=page]').innerText")
        assert current.strip() == label
        rows = [row for row in table_rows(browser) if TERMINAL_PLAYER in row]
        assert rows and str(points) in rows[0], f"{label}: {table_rows(browser)}"
    # The bank filter: the quiz was on the default bank; the demo bank has no scores.
    for bank, shown in (("demo", False), ("crm-podcast", True)):
        from selenium.webdriver.support.ui import Select

        Select(browser.driver.find_element("id", "bank")).select_by_value(bank)
        browser.follow(browser.driver.find_element("css selector", "form button[type=submit]"))
        assert f"bank={bank}" in browser.js("return location.search")
        assert (TERMINAL_PLAYER in browser.text()) == shown, browser.text()
    assert browser.accessibility_problems() == []


def test_the_leaderboard_reads_without_scripts_and_is_small(
    browser: Browser, web: WebProcess, played: tuple[str, int]
) -> None:
    url, points = played
    text = browser.without_scripts(url)
    assert TERMINAL_PLAYER in text and str(points) in text
    page = fetch(url)
    assert len(page.body) < MAX_PAGE_BYTES
    assert "<script" not in page.text.lower()


def test_the_web_process_serves_the_same_pages(
    browser: Browser, web: WebProcess, played: tuple[str, int], tmp_path: Path
) -> None:
    """``quizbot run web`` (the PaaS web process, with /health and Slack's events) serves
    the pages too, when QUIZBOT_SECRET_KEY is set: the same link opens there."""
    url, points = played
    process = WebProcess(web.database_url, tmp_path / "run-web.log", command=("run", "web"))
    process.start()
    try:
        there = process.origin + web.path_of(url)
        browser.origin = process.origin
        browser.open(there)
        rows = [row for row in table_rows(browser) if TERMINAL_PLAYER in row]
        assert rows and str(points) in rows[0], table_rows(browser)
        assert fetch(changed(there, len(there) - 3)).status == 403
    finally:
        browser.origin = web.origin
        code = process.stop()
    assert code == 0, f"quizbot run web did not stop cleanly ({code}):\n{process.log()}"


def test_an_expired_link_or_one_signed_with_another_key_is_refused(
    browser: Browser, web: WebProcess, played: tuple[str, int]
) -> None:
    from bot.links import LinkSigner

    board = {"platform": "console", "workspace": "local", "channel": "terminal"}
    now = datetime.now(UTC)
    expired = LinkSigner(SECRET_KEY, web.origin).make(
        "leaderboard", now - timedelta(hours=2), timedelta(hours=1), **board
    )
    browser.open(expired, status=403)
    assert "expired" in browser.text().lower() and TERMINAL_PLAYER not in browser.text()
    other_key = LinkSigner("another-secret-key-0123456789", web.origin).make(
        "leaderboard", now, timedelta(hours=1), **board
    )
    browser.open(other_key, status=403)
    assert TERMINAL_PLAYER not in browser.text()
    fresh = LinkSigner(SECRET_KEY, web.origin).make("leaderboard", now, timedelta(hours=1), **board)
    browser.open(fresh)
    assert TERMINAL_PLAYER in browser.text()


def test_a_name_with_markup_is_shown_as_text(browser: Browser, web: WebProcess) -> None:
    name = '<img src="x.png" onerror="document.title=\'pwned\'">Eve'
    out = web.cli("play", "--count", "1", "--name", name, stdin="A\n")
    assert "Final score" in out
    visit = browser.open(leaderboard_link(web))
    assert name in browser.text()
    assert browser.js("return document.querySelectorAll('main img').length") == 0
    assert browser.js("return document.title") != "pwned"
    assert not [u for u in visit.requested if "x.png" in u]
