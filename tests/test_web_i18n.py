"""The web pages in their reader's language, through aiohttp's test client after real play
(SQLite and PostgreSQL): Spanish and German by the browser's ``Accept-Language`` and by
``?lang=``, ``<html lang>``, numbers and dates written the language's way, the channel's
language setting for a channel's pages, English by default, and ``?lang=`` outside the
link's signature (a changed one still opens the page; an unknown one falls back)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters.kit.web import web_application
from adapters.web.languages import accepted_tags, negotiated, requested
from adapters.web.routes import add_pages
from bot.clock import FakeClock
from bot.links import PREFIX, LinkSigner
from bot.services import QuizApp
from bot.services.channel_settings import change
from tests.web.test_pages import ANN, BOB, HERE, SECRET, check_page, import_bank, path_of, play

DAY = timedelta(days=1)
#: The footer's expiry of a link made at the FakeClock's start for a day, per language.
GERMAN_DATE = re.compile(r"\d\d\.\d\d\.20\d\d")


@pytest.fixture
def signer() -> LinkSigner:
    return LinkSigner(SECRET, "http://localhost:3000")


@pytest.fixture
async def client(app: QuizApp, signer: LinkSigner) -> AsyncIterator[TestClient]:
    application = web_application(app)
    add_pages(application, signer)
    async with TestClient(TestServer(application)) as test_client:
        yield test_client


async def get(
    client: TestClient, url: str, query: str = "", language: str | None = None
) -> tuple[int, str, dict[str, str]]:
    headers = {"Accept-Language": language} if language else {}
    response = await client.get(path_of(url) + query, headers=headers)
    return response.status, await response.text(), dict(response.headers)


def html_lang(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)">', html)
    assert found, "no <html lang>"
    return found.group(1)


async def played(app: QuizApp, clock: FakeClock, tmp_path: Path) -> int:
    await import_bank(app, tmp_path)
    return await play(app, clock, HERE, [ANN, BOB])


async def test_pages_in_spanish_and_german_by_the_browsers_language(
    app: QuizApp, clock: FakeClock, client: TestClient, signer: LinkSigner, tmp_path: Path
) -> None:
    quiz = await played(app, clock, tmp_path)
    now = app.now()
    board = signer.make("leaderboard", now, DAY, platform="slack", workspace="T1", channel="C1")
    report = signer.make("report", now, DAY, platform="slack", workspace="T1", quiz=quiz)
    mine = signer.make("player", now, DAY, platform="slack", workspace="T1", user="U1")
    bank = signer.make("bank", now, DAY, platform="slack", workspace="T1", bank="tricky")

    status, html, headers = await get(client, board, language="es-ES,es;q=0.9,en;q=0.8")
    assert status == 200 and html_lang(html) == "es"
    check_page(html)
    assert "Clasificación del canal" in html and "Channel leaderboard" not in html
    assert "Accept-Language" in headers["Vary"]
    status, html, _h = await get(client, board, language="de-DE,de;q=0.9")
    assert html_lang(html) == "de" and "Bestenliste" in html and "Points" not in html

    # The report: the seconds with a decimal comma, German words, bank text as it is.
    status, html, _h = await get(client, report, language="de")
    assert status == 200 and html_lang(html) == "de"
    check_page(html)
    assert "Ann &lt;b&gt;bold&lt;/b&gt;: 2,0 s, 10 Punkte" in html
    assert "Beantwortet von <strong>2</strong>" in html
    assert "What does &lt;script&gt;alert(1)&lt;/script&gt; do?" in html  # never translated
    status, html, _h = await get(client, report, language="es")
    assert "Ann &lt;b&gt;bold&lt;/b&gt;: 2,0 s, 10 puntos" in html

    # A player's page: the footer's expiry and the tables' days as dates of the language.
    status, html, _h = await get(client, mine, language="de")
    assert status == 200 and html_lang(html) == "de"
    check_page(html)
    assert "Mein Fortschritt: Ann &lt;b&gt;bold&lt;/b&gt;" in html
    assert GERMAN_DATE.search(html), "no German date (01.09.2026)"
    assert "Mo." in html  # the calendar's Monday
    status, html, _h = await get(client, mine, language="es")
    assert "Mi progreso" in html and "lun" in html

    status, html, _h = await get(client, bank, language="es")
    assert status == 200 and html_lang(html) == "es"
    check_page(html)
    assert "Pregunta" in html or "Preguntas" in html
    assert "Buscar" in html and "Search" not in html


async def test_lang_on_the_url_wins_and_stays_outside_the_signature(
    app: QuizApp, clock: FakeClock, client: TestClient, signer: LinkSigner, tmp_path: Path
) -> None:
    await played(app, clock, tmp_path)
    board = signer.make(
        "leaderboard", app.now(), DAY, platform="slack", workspace="T1", channel="C1"
    )
    # ?lang= beats the browser; the link's signature does not cover it.
    status, html, _h = await get(client, board, "?period=week&lang=de", language="es")
    assert status == 200 and html_lang(html) == "de" and "diese Woche" in html
    # Filters keep the chosen language (period links, the bank form) and the language links
    # keep the filters.
    assert 'href="?period=today&amp;lang=de"' in html
    assert '<input type="hidden" name="lang" value="de">' in html
    assert 'href="?period=week&amp;lang=es" hreflang="es"' in html
    status, html, _h = await get(client, board, "?period=week&lang=es")
    assert status == 200 and html_lang(html) == "es" and "esta semana" in html
    status, html, _h = await get(client, board, "?lang=de-AT")
    assert status == 200 and html_lang(html) == "de"
    # A language quizbot does not speak: the browser's, else English.
    status, html, _h = await get(client, board, "?lang=xx", language="de")
    assert status == 200 and html_lang(html) == "de"
    status, html, _h = await get(client, board, "?lang=klingon")
    assert status == 200 and html_lang(html) == "en" and "Channel leaderboard" in html
    # The token itself is still checked: one changed character is refused, in German.
    token = board.split(PREFIX, 1)[1]
    changed = token[:5] + ("A" if token[5] != "A" else "B") + token[6:]
    status, html, _h = await get(client, "http://localhost:3000" + PREFIX + changed, "?lang=de")
    assert status == 403 and html_lang(html) == "de" and "nicht gültig" in html


async def test_english_by_default(
    app: QuizApp, clock: FakeClock, client: TestClient, signer: LinkSigner, tmp_path: Path
) -> None:
    quiz = await played(app, clock, tmp_path)
    report = signer.make("report", app.now(), DAY, platform="slack", workspace="T1", quiz=quiz)
    for language in (None, "fr-FR,fr;q=0.9", "en-US,en;q=0.9,de;q=0.5"):
        status, html, _h = await get(client, report, language=language)
        assert status == 200 and html_lang(html) == "en", language
        assert "Ann &lt;b&gt;bold&lt;/b&gt;: 2.0 s, 10 points" in html
        assert "Game report: quiz" in html


async def test_a_channels_page_follows_its_language_setting(
    app: QuizApp,
    clock: FakeClock,
    client: TestClient,
    signer: LinkSigner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No language the browser names: the channel's setting for its board and its quiz's
    report, the install's (``QUIZBOT_LANGUAGE``) for a workspace's or a player's page."""
    quiz = await played(app, clock, tmp_path)
    await app.change_channel_settings(HERE, None, change(language="es"), is_moderator=True)
    monkeypatch.setenv("QUIZBOT_LANGUAGE", "de")
    now = app.now()
    board = signer.make("leaderboard", now, DAY, platform="slack", workspace="T1", channel="C1")
    report = signer.make("report", now, DAY, platform="slack", workspace="T1", quiz=quiz)
    workspace = signer.make("leaderboard", now, DAY, platform="slack", workspace="T1")
    mine = signer.make("player", now, DAY, platform="slack", workspace="T1", user="U1")
    french = "fr-FR,fr;q=0.9"
    assert html_lang((await get(client, board, language=french))[1]) == "es"
    assert html_lang((await get(client, report, language=french))[1]) == "es"
    assert html_lang((await get(client, workspace, language=french))[1]) == "de"
    assert html_lang((await get(client, mine))[1]) == "de"
    # The reader's own choice still wins over the channel's.
    assert html_lang((await get(client, board, language="en"))[1]) == "en"


async def test_refusals_in_the_readers_language(
    app: QuizApp, client: TestClient, signer: LinkSigner
) -> None:
    good = signer.make("leaderboard", app.now(), timedelta(hours=1), platform="s", workspace="W")
    app.clock.advance(seconds=3601)  # type: ignore[attr-defined]
    status, html, _h = await get(client, good, language="es")
    assert status == 403 and html_lang(html) == "es" and "caducado" in html
    status, html, _h = await get(client, good)
    assert status == 403 and html_lang(html) == "en" and "expired" in html


def test_accept_language_is_negotiated() -> None:
    assert accepted_tags("fr;q=0.2, de-AT, es;q=0.5, *;q=0.1, en;q=0") == ["de-AT", "es", "fr"]
    assert negotiated("fr-CH, fr;q=0.9, es-419;q=0.8, en;q=0.7") == "es"
    assert negotiated("pt-BR") is None and negotiated("") is None and negotiated(None) is None
    assert negotiated("de;q=nonsense, es") == "es"
    assert requested({"lang": "DE"}, "es") == "de"
    assert requested({"lang": "xx"}, "es") == "es"
    assert requested({}, "ja") is None


def test_the_charts_speak_the_language() -> None:
    from adapters.web.charts import bars, columns, day_month, heatmap
    from bot.i18n import use_language

    day = datetime(2026, 9, 1, tzinfo=UTC).date()
    with use_language("de"):
        assert day_month(day) == "1. Sept."
        calendar = heatmap("t", "d", {day: 1234}, day - timedelta(days=40), day)
        assert ">Mo.<" in calendar and ">Sept.<" in calendar and "01.09.2026: 1.234" in calendar
        assert ">1.234<" in columns("t", "d", [("a", 1234)])
        assert "Noch keine Daten" in bars("t", "d", [])
    with use_language("es"):
        assert day_month(day) == "1 sept"
    with use_language("en"):
        assert day_month(day) == "Sep 1"
