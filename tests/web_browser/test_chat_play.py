"""The web pages in headless Chromium after a chat quiz on the fake Discord (and a terminal
quiz beside it, another tenant the chat's pages must not show).

Alice, Bob and Carol play a 3-question quiz of the demo bank through the real discord.py
adapter against ``tests/discord``'s fake (the conformance suite's Discord driver), on the
SQLite file a running ``quizbot web`` serves: Alice gets all three right, Carol the last
two, Bob none; Alice then reviews the demo deck's flashcard (rated Good). The pages are
opened through links ``quizbot web link`` prints, and checked for what they show: the
workspace leaderboard, the game report (every question, how many answered, % right, who
got it right, the final standings), Alice's progress (figures, charts with text
alternatives, her answers to download) and the bank page (search, each question's % right;
bank text shown as text, never as markup).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from babel.dates import format_date

from bot.clock import FakeClock
from tests.conformance.drivers import DiscordDriver
from tests.discord.fake_discord import GUILD_ID
from tests.discord.reading import ALICE, DEMO, KEY
from tests.web_browser.browser import Browser, require_chromium
from tests.web_browser.server import SECRET_KEY, TERMINAL_PLAYER, WebProcess, fetch
from tests.web_browser.test_terminal_play import MAX_PAGE_BYTES, play_in_terminal, table_rows

QUESTIONS = 3
#: The demo bank's topics by prompt.
TOPICS = {
    q.get("question", q.get("front")): q.get("topic", "")
    for q in yaml.safe_load(DEMO.read_text(encoding="utf-8"))["questions"]
}
TRICKY_BANK = """\
bank: tricky
title: Markup <em>in</em> a bank
questions:
  - type: multiple_choice
    question: 'What does <script>document.title="pwned"</script> do in a page?'
    options: ['<b>bold</b> nothing', 'Runs a script']
    answer: B
    topic: <i>Web</i>
"""


@dataclass
class ChatQuiz:
    """What the chat quiz left: its id, the prompts asked in order, the final standings."""

    quiz_id: int
    prompts: list[str]
    standings: list[tuple[str, int]]
    terminal_points: int
    played_on: date


async def latest_quiz_id(database_url: str) -> int:
    from sqlalchemy import func, select

    from bot.services import QuizApp
    from bot.store.models import QuizRow

    app = await QuizApp.open(database_url, load_banks=False)
    try:
        async with app.db.sessions() as session:
            found = await session.scalar(select(func.max(QuizRow.id)))
    finally:
        await app.close()
    assert found is not None
    return int(found)


async def play_chat_quiz(web: WebProcess, tmp_path: Path) -> ChatQuiz:
    """The chat quiz (and the flashcard review) on the fake Discord, then the terminal quiz."""
    started = datetime.now(UTC)
    driver = DiscordDriver(FakeClock(started), web.database_url, tmp_path)
    with pytest.MonkeyPatch.context() as monkeypatch:
        # Straight to question 1, no lobby (the conftest's per-test setting does not reach
        # this module-scoped fixture).
        monkeypatch.setenv("QUIZBOT_LOBBY", "off")
        await driver.open(monkeypatch)
        try:
            await driver.start_quiz(0, count=QUESTIONS)
            prompts = []
            for number in range(1, QUESTIONS + 1):
                asked = await driver.question(number, QUESTIONS)
                prompts.append(asked.prompt)
                for player in (0, 1, 2):
                    right = player == 0 or (player == 2 and number != 1)
                    assert await driver.answer(player, asked, right=right) == "recorded"
                if number == 1:
                    await driver.deadline()
                await driver.revealed(asked)
            standings = await driver.results()
            await driver.flashcards(0)
        finally:
            await driver.close()
    assert standings == [("alice", 30), ("carol", 20), ("bob", 0)]
    quiz_id = await latest_quiz_id(web.database_url)
    return ChatQuiz(quiz_id, prompts, standings, play_in_terminal(web), started.date())


@pytest.fixture(scope="module")
def web(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebProcess]:
    """One ``quizbot web`` for the module's tests (they only read): the chat quiz is played
    once, on its database (overrides the conftest's per-test ``web``)."""
    require_chromium()  # before playing anything
    folder = tmp_path_factory.mktemp("chat-web")
    shutil.copyfile(sqlite_template, folder / "quizbot.db")
    server = WebProcess(f"sqlite+aiosqlite:///{folder / 'quizbot.db'}", folder / "web.log")
    server.start()
    try:
        yield server
    finally:
        code = server.stop()
        assert code == 0, f"quizbot web did not stop cleanly ({code}):\n{server.log()}"


@pytest.fixture(scope="module")
def chat_quiz(web: WebProcess, tmp_path_factory: pytest.TempPathFactory) -> ChatQuiz:
    return asyncio.run(play_chat_quiz(web, tmp_path_factory.mktemp("chat-quiz")))


def section_of(browser: Browser, text: str) -> str:
    """The visible text of the smallest section, article, list item, table row or card
    holding ``text`` (a question's part of the report, say), every ``details`` opened as a
    reader would."""
    found = browser.js(
        """
        const want = arguments[0];
        document.querySelectorAll('details').forEach((d) => { d.open = true; });
        const boxes = [...document.querySelectorAll('section, article, li, tr, .card, details')]
          .filter((el) => el.innerText.includes(want));
        boxes.sort((a, b) => a.innerText.length - b.innerText.length);
        return boxes.length ? boxes[0].innerText : null;
        """,
        text,
    )
    assert found, f"nothing on the page holds {text!r}"
    return str(found)


def asked_typed(prompt: str) -> bool:
    return KEY[prompt]["kind"] == "typed"


def picks_of(browser: Browser, prompt: str) -> list[tuple[str, int]]:
    """(option as shown, times picked) in the report's part about ``prompt``."""
    rows = browser.js(
        """
        const part = [...document.querySelectorAll('section')]
          .find((s) => s.textContent.includes(arguments[0]));
        return part ? [...part.querySelectorAll('tbody tr')]
          .map((tr) => [...tr.cells].map((c) => c.textContent.trim())) : [];
        """,
        prompt,
    )
    return [(row[0], int(row[-1])) for row in rows]


def details_table(browser: Browser, summary: str) -> list[list[str]]:
    """The body rows of the table inside the ``details`` whose summary starts with
    ``summary`` (a chart's data as a table)."""
    rows = browser.js(
        """
        const box = [...document.querySelectorAll('details')].find(
          (d) => d.querySelector('summary').textContent.trim().startsWith(arguments[0]));
        if (!box) return null;
        return [...box.querySelectorAll('tbody tr')]
          .map((tr) => [...tr.cells].map((c) => c.textContent.trim()));
        """,
        summary,
    )
    assert rows is not None, f"no table under {summary!r}"
    return list(rows)


def check_page(browser: Browser, url: str, name: str, *, nav: bool = True) -> str:
    """Open ``url``; the checks every page passes; its visible text."""
    browser.open(url)
    assert browser.accessibility_problems(nav=nav) == []
    page = fetch(url)
    assert page.status == 200 and len(page.body) < MAX_PAGE_BYTES
    assert "<script" not in page.text.lower()
    browser.shoot(name)
    return browser.text()


def test_the_workspace_leaderboard(browser: Browser, web: WebProcess, chat_quiz: ChatQuiz) -> None:
    url = web.link("leaderboard", "--platform", "discord", "--workspace", str(GUILD_ID))
    text = check_page(browser, url, "leaderboard-workspace")
    rows = [[cell.lower() for cell in row] for row in table_rows(browser)]
    names = [row for row in rows if any(n in row for n in ("alice", "bob", "carol"))]
    order = [next(n for n in ("alice", "bob", "carol") if n in row) for row in names]
    assert order == ["alice", "carol", "bob"], rows
    assert "30" in names[0] and "20" in names[1] and "0" in names[2]
    assert TERMINAL_PLAYER not in text  # another tenant's player
    console = web.link("leaderboard", "--platform", "console", "--workspace", "local")
    browser.open(console)
    assert "alice" not in browser.text() and TERMINAL_PLAYER in browser.text()


def test_the_game_report(browser: Browser, web: WebProcess, chat_quiz: ChatQuiz) -> None:
    url = web.link("report", str(chat_quiz.quiz_id))
    text = check_page(browser, url, "report")
    for number, prompt in enumerate(chat_quiz.prompts, start=1):
        assert prompt in text
        part = section_of(browser, prompt)
        right = KEY[prompt]["right"]
        assert right in part, f"question {number}: the right answer {right!r} not shown:\n{part}"
        assert "alice" in part.lower()
        if number == 1:
            assert "33" in part and "carol" not in part.lower(), part
        else:
            assert "67" in part and "carol" in part.lower(), part
        assert "3" in part  # answered by three
        assert re.search(r"alice\D{0,5}\d+(\.\d+)? ?s", part.lower()), f"how fast? {part}"
        picks = picks_of(browser, prompt)
        if not asked_typed(prompt):
            rights = 1 if number == 1 else 2
            assert sum(n for _label, n in picks) == 3, picks
            assert [n for label, n in picks if "(right)" in label] == [rights], picks
            assert any(KEY[prompt]["right"] in label for label, _ in picks if "(right)" in label)
    lowered = text.lower()
    final = [lowered.rindex(name) for name in ("alice", "carol", "bob")]
    assert final == sorted(final), "the final standings are not alice, carol, bob"
    assert TERMINAL_PLAYER not in text


def test_my_progress(browser: Browser, web: WebProcess, chat_quiz: ChatQuiz) -> None:
    url = web.link(
        "player", "--platform", "discord", "--workspace", str(GUILD_ID), "--user", str(ALICE.id)
    )
    text = check_page(browser, url, "progress")
    assert "alice" in text.lower()
    assert "bob" not in text.lower() and "carol" not in text.lower()
    assert "100%" in text.replace(" %", "%"), "Alice got every answer right"
    charts = browser.js(
        "return [...document.querySelectorAll('svg')].map((s) => "
        "(s.querySelector('title') || {}).textContent || s.getAttribute('aria-label') || '')"
    )
    assert len(charts) >= 4, f"want topic, per-day, forecast and calendar charts: {charts}"
    # Text alternatives say something (not just "chart").
    assert all(len(c.strip()) > 10 for c in charts), charts
    # The charts' data, as the tables beside them give it.
    topics = {TOPICS[p] for p in chat_quiz.prompts}
    by_topic = details_table(browser, "Accuracy by topic")
    assert {row[0] for row in by_topic} == topics, by_topic
    played_on = format_date(chat_quiz.played_on, "medium", locale="en")  # "Dec 1, 2026"
    assert details_table(browser, "Answers per day") == [[played_on, str(QUESTIONS)]]
    due = details_table(browser, "Flashcards due")
    assert sum(int(row[1]) for row in due) == 1, due  # the demo deck's one card, rated Good
    assert "1 card studied" in text  # one card: no "1 cards"
    # The downloads: Alice's own three answers, from links on the same origin.
    hrefs = browser.js(
        "return [...document.querySelectorAll('a[href]')].map((a) => a.href)"
        ".filter((h) => /answers\\.(csv|json)/.test(h))"
    )
    assert {h.rsplit(".", 1)[1] for h in hrefs} == {"csv", "json"}, hrefs
    for href in hrefs:
        assert href.startswith(web.origin + "/")
        answer = fetch(href)
        assert answer.status == 200, href
        assert "attachment" in answer.headers.get("Content-Disposition", "")
        if href.endswith(".json"):
            data = json.loads(answer.text)
            rows = data if isinstance(data, list) else data.get("answers", [])
            assert len(rows) == QUESTIONS, data
        else:
            lines = [line for line in answer.text.splitlines() if line.strip()]
            assert len(lines) == QUESTIONS + 1, answer.text  # a header and three answers
        assert "bob" not in answer.text.lower() and "carol" not in answer.text.lower()


def test_another_tenants_player_link_shows_nothing_of_theirs(
    browser: Browser, web: WebProcess, chat_quiz: ChatQuiz
) -> None:
    url = web.link(
        "player", "--platform", "console", "--workspace", "local", "--user", str(ALICE.id)
    )
    answer = fetch(url)
    assert answer.status in (200, 403)
    for prompt in chat_quiz.prompts:
        assert prompt not in answer.text


def test_the_bank_page(browser: Browser, web: WebProcess, chat_quiz: ChatQuiz) -> None:
    url = web.link("bank", "demo")
    text = check_page(browser, url, "bank")
    for prompt in chat_quiz.prompts:
        assert prompt in text
    first = section_of(browser, chat_quiz.prompts[0])
    assert "33" in first, first
    assert "What does CPU stand for?" in text  # the deck's card
    # Search, through the page's own form.
    search = browser.driver.find_element("css selector", "form input[type=search], form input")
    search.clear()
    search.send_keys("hexagon")
    form = search.find_element("xpath", "./ancestor::form")
    browser.follow(form.find_element("css selector", "button, input[type=submit]"))
    assert "hexagon" in browser.js("return location.search")
    shown = browser.text()
    assert "How many sides does a hexagon have?" in shown
    assert "Which planet is known as the Red Planet?" not in shown
    assert browser.accessibility_problems() == []
    # The topic filter (the search box cleared).
    from selenium.webdriver.support.ui import Select

    browser.driver.find_element("id", "q").clear()
    Select(browser.driver.find_element("id", "topic")).select_by_visible_text("Space")
    browser.follow(browser.driver.find_element("css selector", "form button[type=submit]"))
    shown = browser.text()
    assert "Which planet is known as the Red Planet?" in shown
    assert "How many sides does a hexagon have?" not in shown


def test_bank_text_is_text(browser: Browser, web: WebProcess, tmp_path: Path) -> None:
    bank = tmp_path / "tricky.yaml"
    bank.write_text(TRICKY_BANK, encoding="utf-8")
    web.cli("import", str(bank))
    url = web.link("bank", "tricky")
    text = check_page(browser, url, "bank-markup")
    assert '<script>document.title="pwned"</script>' in text
    assert "<b>bold</b> nothing" in text
    assert browser.js("return document.title") != "pwned"
    assert browser.js("return document.querySelectorAll('main script, main b, main i').length") == 0


def figure(browser: Browser, label: str) -> int:
    """A page's figure (``<li><strong>9</strong>answers counted</li>``) by its label."""
    found = browser.js(
        """
        const item = [...document.querySelectorAll('.figures li')]
          .find((li) => li.textContent.includes(arguments[0]));
        return item ? item.querySelector('strong').textContent.trim() : null;
        """,
        label,
    )
    assert found is not None, f"no figure {label!r}"
    return int(found.replace(",", ""))


def test_a_bank_link_for_one_workspace_counts_only_its_answers(
    browser: Browser, web: WebProcess, chat_quiz: ChatQuiz
) -> None:
    """``quizbot web link bank NAME --platform P --workspace W`` counts only that
    workspace's answers (its help says so): a moderator's link shows nothing of others."""
    browser.open(web.link("bank", "demo"))
    assert figure(browser, "answers counted") == QUESTIONS * 3
    ours = ("--platform", "discord", "--workspace", str(GUILD_ID))
    browser.open(web.link("bank", "demo", *ours))
    assert figure(browser, "answers counted") == QUESTIONS * 3
    # The terminal's workspace never played the demo bank.
    browser.open(web.link("bank", "demo", "--platform", "console", "--workspace", "local"))
    assert figure(browser, "answers counted") == 0
    assert figure(browser, "players") == 0


def test_a_report_link_of_another_tenant_is_refused(
    browser: Browser, web: WebProcess, chat_quiz: ChatQuiz
) -> None:
    """A correctly signed report link whose scope names another workspace than the quiz's
    (as a link made for one tenant and edited to point at another's quiz would be)."""
    from bot.links import LinkSigner

    signer = LinkSigner(SECRET_KEY, web.origin)
    now = datetime.now(UTC)
    for platform, workspace in (("console", "local"), ("discord", "1")):
        url = signer.make("report", now, timedelta(hours=1), platform=platform,
                          workspace=workspace, quiz=chat_quiz.quiz_id)  # fmt: skip
        browser.open(url, status=403)
        for prompt in chat_quiz.prompts:
            assert prompt not in browser.text()
    right = signer.make("report", now, timedelta(hours=1), platform="discord",
                        workspace=str(GUILD_ID), quiz=chat_quiz.quiz_id)  # fmt: skip
    browser.open(right)
    assert chat_quiz.prompts[0] in browser.text()


def database_dump(database_url: str) -> list[str]:
    """Every row of the SQLite file, as SQL text (read through a read-only connection)."""
    path = database_url.split("///", 1)[1]
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return list(conn.iterdump())


def test_the_pages_change_nothing(browser: Browser, web: WebProcess, chat_quiz: ChatQuiz) -> None:
    """Opening every page, following its filters and downloads, leaves the database as it
    was: the pages are read-only."""
    links = [
        web.link("leaderboard", "--platform", "discord", "--workspace", str(GUILD_ID)),
        web.link("report", str(chat_quiz.quiz_id)),
        web.link(
            "player", "--platform", "discord", "--workspace", str(GUILD_ID), "--user", str(ALICE.id)
        ),
        web.link("bank", "demo"),
    ]
    before = database_dump(web.database_url)
    for url in links:
        browser.open(url)
        for href in browser.js("return [...document.querySelectorAll('a[href]')].map(a => a.href)"):
            if href.startswith(web.origin + "/") and "#" not in href:
                assert fetch(href).status == 200, href
    assert database_dump(web.database_url) == before
