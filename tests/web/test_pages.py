"""The web pages through aiohttp's test client, on SQLite and PostgreSQL, after real play
through the services: what each page shows, 403 for tampered, expired and other-tenant
links, escaping of bank text and names, size, no other host, and the answers' downloads."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters.kit.web import web_application
from adapters.web.routes import add_pages
from bot.clock import FakeClock
from bot.formats import parse_path
from bot.links import PREFIX, LinkSigner
from bot.services import QuizApp
from bot.services.importer import BankImporter
from bot.views import ChannelRef, PlayerRef
from tests.test_engine import correct_letter, wrong_letter

SECRET = "x" * 32
HERE = ChannelRef("slack", "T1", "C1")
ELSEWHERE = ChannelRef("slack", "T2", "C9")
EVIL = "<script>alert(1)</script>"
ANN = PlayerRef("slack", "T1", "U1", "Ann <b>bold</b>")
BOB = PlayerRef("slack", "T1", "U2", "Bob")
EVE = PlayerRef("slack", "T2", "U3", "Zed Elsewhere")
MAX_PAGE = 150 * 1024

BANK = f"""\
bank: tricky
title: Tricky & risky
questions:
  - type: multiple_choice
    question: "What does {EVIL} do?"
    options: ["Runs <i>nothing</i>", "Shows as text", "Pings @everyone", "=1+1"]
    answer: B
    topic: Safety <b>first</b>
  - type: multiple_choice
    question: Which is a prime?
    options: ["4", "6", "7", "9"]
    answer: C
    topic: Maths
  - type: flashcard
    front: "Card front {EVIL}"
    back: Card back
    topic: Safety <b>first</b>
"""


async def import_bank(app: QuizApp, tmp_path: Path) -> None:
    path = tmp_path / "tricky.yaml"
    path.write_text(BANK, encoding="utf-8")
    async with app.db.transaction() as session:
        await BankImporter(session, app.clock).run(parse_path(path), str(path))


async def play(app: QuizApp, clock: FakeClock, where: ChannelRef, players: list) -> int:
    """A two-question quiz on the tricky bank: the first player always right, the others
    always wrong; the rounds close at their deadline. Returns the quiz's id."""
    view = await app.start_quiz(where, players[0], "tricky", 2, 30, seed=1)
    quiz_id = view.quiz_id
    while view is not None:
        right = await correct_letter(app, view)
        for i, player in enumerate(players):
            clock.advance(seconds=2)
            await app.answer(view.round_id, player, right if i == 0 else wrong_letter(view, right))
        clock.advance(seconds=30)
        outcomes = await app.close_due_rounds()
        view = outcomes[0].next_question if outcomes else None
    return quiz_id


@pytest.fixture
def signer() -> LinkSigner:
    return LinkSigner(SECRET, "http://localhost:3000")


@pytest.fixture
async def client(app: QuizApp, signer: LinkSigner) -> AsyncIterator[TestClient]:
    application = web_application(app)
    add_pages(application, signer)
    async with TestClient(TestServer(application)) as test_client:
        yield test_client


def path_of(url: str) -> str:
    return url.split("http://localhost:3000", 1)[1]


async def get(client: TestClient, url: str, query: str = "") -> tuple[int, str]:
    response = await client.get(path_of(url) + query)
    return response.status, await response.text()


def check_page(html: str) -> None:
    """Small, nothing from another host, the landmarks, and no raw script."""
    assert len(html.encode()) < MAX_PAGE
    assert '<meta name="viewport"' in html
    for landmark in ("<header>", "<main>", "<footer>", "<h1>"):
        assert landmark in html
    assert "<script" not in html
    for address in re.findall(r"""(?:src|href|action)=["']([^"']*)["']""", html):
        assert not re.match(r"^(https?:)?//", address), address
    assert "@import" not in html and "url(" not in html


async def test_pages_after_play(
    app: QuizApp, clock: FakeClock, client: TestClient, signer: LinkSigner, tmp_path: Path
) -> None:
    await import_bank(app, tmp_path)
    quiz = await play(app, clock, HERE, [ANN, BOB])
    await play(app, clock, ELSEWHERE, [EVE])
    now, day = app.now(), timedelta(days=1)

    # The channel's board: Ann first (names escaped), nobody of the other workspace.
    board = signer.make("leaderboard", now, day, platform="slack", workspace="T1", channel="C1")
    status, html = await get(client, board)
    assert status == 200
    check_page(html)
    assert "Ann &lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html
    assert html.index("Ann &lt;b&gt;") < html.index("Bob")
    assert '<td class="num">20</td>' in html  # Ann: two right, 10 points each
    assert "Zed" not in html
    for query in ("?period=today", "?period=week&bank=tricky", "?period=bogus&bank=nope"):
        status, html = await get(client, board, query)
        assert status == 200 and "Ann" in html and "Zed" not in html
    status, html = await get(client, board, "?bank=demo")
    assert status == 200 and "Ann" not in html and "No scores yet" in html

    # The game report: both questions, escaped, the picks and who was right.
    report = signer.make("report", now, day, platform="slack", workspace="T1", quiz=quiz)
    status, html = await get(client, report)
    assert status == 200
    check_page(html)
    assert "What does &lt;script&gt;alert(1)&lt;/script&gt; do?" in html
    assert "Runs &lt;i&gt;nothing&lt;/i&gt;" in html
    assert html.count("Answered by <strong>2</strong>, right: <strong>50%</strong>") == 2
    assert html.count("Picked by") == 2
    assert "Ann &lt;b&gt;bold&lt;/b&gt;: 2.0 s, 10 points" in html
    assert "Zed" not in html
    # Its id with another workspace: 403 (the link is valid, the quiz is not of T2).
    other = signer.make("report", now, day, platform="slack", workspace="T2", quiz=quiz)
    status, html = await get(client, other)
    assert status == 403 and "What does" not in html

    # Ann's own page and her answers.
    mine = signer.make("player", now, day, platform="slack", workspace="T1", user="U1")
    status, html = await get(client, mine)
    assert status == 200
    check_page(html)
    assert "My progress: Ann &lt;b&gt;bold&lt;/b&gt;" in html
    assert html.count("<svg") == 4  # topics, days, calendar, flashcards due
    assert html.count("<title id=") == 4 and html.count("<desc id=") == 4
    assert "Safety &lt;b&gt;first&lt;/b&gt;: 100% of 1" in html  # the topic chart's text
    assert "Bob" not in html and "Zed" not in html
    response = await client.get(path_of(mine) + "/answers.csv")
    assert response.status == 200 and response.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    assert [r["correct"] for r in rows] == ["true", "true"]
    assert {r["quiz"] for r in rows} == {str(quiz)}
    assert any(r["question"] == f"What does {EVIL} do?" for r in rows)
    response = await client.get(path_of(mine) + "/answers.json")
    assert response.status == 200
    answers = json.loads(await response.text())
    assert len(answers) == 2 and all(a["points"] == 10 for a in answers)
    # Bob's link shows Bob, not Ann; a stranger's link shows no one.
    bob = signer.make("player", now, day, platform="slack", workspace="T1", user="U2")
    status, html = await get(client, bob)
    assert status == 200 and "My progress: Bob" in html and "Ann" not in html
    nobody = signer.make("player", now, day, platform="slack", workspace="T2", user="U1")
    status, html = await get(client, nobody)
    assert status == 200 and "No answers yet" in html and "Ann" not in html
    response = await client.get(path_of(nobody) + "/answers.json")
    assert response.status == 403

    # The bank: questions with their share right and picks; search and topic; the cards.
    bank = signer.make("bank", now, day, platform="slack", workspace="T1", bank="tricky")
    status, html = await get(client, bank)
    assert status == 200
    check_page(html)
    assert "What does &lt;script&gt;alert(1)&lt;/script&gt; do?" in html
    assert "Card front &lt;script&gt;" in html
    # The link names T1: its answers alone (Ann right, Bob wrong), not Zed's of T2.
    assert html.count("Asked 2 times, right: <strong>50%</strong>") == 2
    status, html = await get(client, bank, "?q=prime")
    assert "Which is a prime?" in html and "What does" not in html
    status, html = await get(client, bank, "?topic=Maths")
    assert "Which is a prime?" in html and "What does" not in html and "Card front" not in html
    gone = signer.make("bank", now, day, bank="no-such-bank")
    assert (await get(client, gone))[0] == 403


def figure(html: str, label: str) -> str:
    """A page's figure (``<li><strong>9</strong>answers counted</li>``) by its label."""
    found = re.search(rf"<li><strong>([^<]*)</strong>{label}</li>", html)
    assert found, f"no figure {label!r}"
    return found.group(1)


def picks(html: str, option: str) -> tuple[str, str]:
    """(picks, share) of the first option row starting with ``option`` (``"C) 7"``)."""
    found = re.search(
        rf"<td>{re.escape(option)}[^<]*(?:<span[^>]*>[^<]*</span>)?</td>"
        rf'<td class="num">(\d+)</td><td class="num">([^<]*)</td>',
        html,
    )
    assert found, f"no option row {option!r}"
    return found.group(1), found.group(2)


async def test_a_bank_link_counts_only_its_workspace(
    app: QuizApp, clock: FakeClock, client: TestClient, signer: LinkSigner, tmp_path: Path
) -> None:
    """A bank link naming a workspace shows that workspace's answers alone (share right,
    picks, answers and players); one naming none shows every workspace's; another
    platform's or a workspace that never played shows nothing of theirs."""
    await import_bank(app, tmp_path)
    await play(app, clock, HERE, [ANN, BOB])  # T1: Ann right twice, Bob wrong twice
    await play(app, clock, ELSEWHERE, [EVE])  # T2: Zed right twice
    now, day = app.now(), timedelta(days=1)

    def link(**scope: str) -> str:
        return signer.make("bank", now, day, bank="tricky", **scope)

    expected = {
        ("slack", "T1"): ("4", "2", "Asked 2 times, right: <strong>50%</strong>", "1"),
        ("slack", "T2"): ("2", "1", "Asked 1 time, right: <strong>100%</strong>", "1"),
        ("", ""): ("6", "3", "Asked 3 times, right: <strong>67%</strong>", "2"),
        ("discord", "T1"): ("0", "0", "Asked 0 times, right: <strong>n/a</strong>", "0"),
        ("slack", "T3"): ("0", "0", "Asked 0 times, right: <strong>n/a</strong>", "0"),
    }
    for (platform, workspace), (answers, players, asked, prime) in expected.items():
        status, html = await get(client, link(platform=platform, workspace=workspace))
        assert status == 200
        check_page(html)
        where = f"{platform}/{workspace}"
        assert figure(html, "answers counted") == answers, where
        assert figure(html, "players") == players, where
        assert html.count(asked) == 2, where
        assert picks(html, "C) 7")[0] == prime, where  # the prime question's key
        assert "Ann" not in html and "Zed" not in html and "Bob" not in html  # no names
    # T1's wrong picks are Bob's alone: 1 of 2 on the prime question's other options.
    status, html = await get(client, link(platform="slack", workspace="T1"))
    others = [
        int(picks(html, f"{letter}) {text}")[0]) for letter, text in zip("ABD", "469", strict=True)
    ]
    assert sum(others) == 1


async def test_bad_links_get_403(app: QuizApp, client: TestClient, signer: LinkSigner) -> None:
    now = app.now()
    good = signer.make("leaderboard", now, timedelta(hours=1), platform="slack", workspace="T1")
    assert (await get(client, good))[0] == 200
    token = good.split(PREFIX, 1)[1]
    for i in (0, len(token) // 2, len(token) - 1):
        changed = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
        status, html = await get(client, "http://localhost:3000" + PREFIX + changed)
        assert status == 403 and "not valid" in html
    app.clock.advance(seconds=3601)  # type: ignore[attr-defined]
    status, html = await get(client, good)
    assert status == 403 and "expired" in html
    other_key = LinkSigner("y" * 32, "http://localhost:3000")
    forged = other_key.make("leaderboard", now, timedelta(days=9), platform="slack", workspace="T1")
    assert (await get(client, forged))[0] == 403
    assert (await get(client, "http://localhost:3000/l/nonsense"))[0] == 403
    # Read-only: no other method.
    response = await client.post(path_of(forged), data=b"x")
    assert response.status == 405
    # The security headers, on a page and on a refusal.
    response = await client.get(path_of(forged))
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_the_web_process_serves_the_pages_with_a_key(
    app: QuizApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``quizbot run web``'s application: the pages with QUIZBOT_SECRET_KEY, none without,
    and a start-up error when they are asked for without a key."""
    from adapters.web.routes import SIGNER
    from bot.errors import ConfigError

    for name in ("QUIZBOT_SECRET_KEY", "QUIZBOT_WEB_PAGES", "QUIZBOT_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    assert SIGNER not in web_application(app)
    monkeypatch.setenv("QUIZBOT_WEB_PAGES", "on")
    with pytest.raises(ConfigError, match="QUIZBOT_SECRET_KEY is not set"):
        web_application(app)
    monkeypatch.setenv("QUIZBOT_SECRET_KEY", SECRET)
    application = web_application(app)
    url = LinkSigner(SECRET, "http://localhost:3000").make(
        "leaderboard", app.now(), timedelta(hours=1), platform="slack", workspace="T1"
    )
    async with TestClient(TestServer(application)) as test_client:
        assert (await get(test_client, url))[0] == 200
        assert (await test_client.get("/health")).status == 200
