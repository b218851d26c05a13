"""End to end: the OAuth install flow of the multi-workspace mode, on SQLite and PostgreSQL.

``GET /slack/install`` issues a state (kept in slack_sdk's SQLAlchemy state store and in a
cookie); Slack sends the installer back to ``/slack/oauth_redirect`` with a code, which the
app exchanges through ``oauth.v2.access`` (answered by the stub) and stores with slack_sdk's
SQLAlchemy installation store. Then the installed workspace's requests are authorised with
the stored token, and the ticker finds that token to announce.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlparse

import pytest

from adapters.kit.contract import Runtime
from adapters.kit.web import web_application
from adapters.slack.platform import PLATFORM
from adapters.slack.service import SlackService
from adapters.slack.settings import SlackSettings
from adapters.slack.tables import missing_tables
from bot.clock import FakeClock
from bot.errors import ConfigError
from bot.services import QuizApp
from bot.views import ChannelRef, PlayerRef
from tests.slack.conftest import CHANNEL, SIGNING_SECRET, SlackDriver, serve
from tests.slack.stub_slack_api import StubSlackApi

# slack_sdk's oauth.v2.access call uses aiohttp's BasicAuth, which aiohttp deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


@pytest.fixture
def slack_database_url(database_url: str) -> str:
    """These tests run once on SQLite and once on PostgreSQL (see tests/conftest.py)."""
    return database_url


async def install(slack: SlackDriver) -> None:
    page = await slack.get("/slack/install")
    assert page.status == 200
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page.text)
    assert link, page.text
    query = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == ["1111.2222"]
    assert "commands" in query["scope"][0].split(",")
    [state] = query["state"]
    cookie = page.headers["Set-Cookie"].split(";")[0]
    assert cookie == f"slack-app-oauth-state={state}"

    done = await slack.get(
        f"/slack/oauth_redirect?code=the-code&state={state}", headers={"Cookie": cookie}
    )
    assert done.status == 200, done.text
    [exchange] = slack.stub.of("oauth.v2.access")
    assert exchange.params["code"] == "the-code"


async def test_oauth_install_stores_the_installation(slack_oauth: SlackDriver) -> None:
    slack = slack_oauth
    store = slack.bot.installation_store
    assert store is not None
    assert await store.async_find_installation(enterprise_id=None, team_id="T0TWO") is None

    await install(slack)

    installation = await store.async_find_installation(enterprise_id=None, team_id="T0TWO")
    assert installation is not None
    assert installation.bot_token == slack.stub.oauth_token
    assert installation.user_id == "U0INSTALLER"
    bot = await store.async_find_bot(enterprise_id=None, team_id="T0TWO")
    assert bot is not None and bot.bot_user_id == "UQUIZBOT"

    # A state is good once: replaying the redirect is refused and stores nothing new.
    calls = len(slack.stub.of("oauth.v2.access"))
    again = await slack.get("/slack/oauth_redirect?code=the-code&state=forged-state")
    assert again.status >= 400
    assert len(slack.stub.of("oauth.v2.access")) == calls


async def test_installed_workspace_plays_with_its_own_token(
    slack_oauth: SlackDriver, clock: FakeClock
) -> None:
    slack = slack_oauth
    await install(slack)
    await slack.command("start slack-mc 1 20", "U2ALICE", "alice")
    [question] = await slack.stub.wait_for("chat.postMessage")
    assert question.token == slack.stub.oauth_token
    assert question.params["channel"] == CHANNEL

    # The ticker has no request to take a token from: it finds the installation's.
    clock.advance(21)
    assert await slack.tick() == 1
    [reveal] = await slack.stub.wait_for("chat.update")
    assert reveal.token == slack.stub.oauth_token
    results = (await slack.stub.wait_for("chat.postMessage", count=2))[1]
    assert results.token == slack.stub.oauth_token


@pytest.fixture
async def slack_oauth_from_env(
    stub: StubSlackApi, quiz: QuizApp, clock: FakeClock
) -> AsyncIterator[SlackDriver]:
    """OAuth mode with the Web API found through SLACK_API_URL, as a web process finds it."""
    env = {
        "SLACK_API_URL": f"{stub.url}/api",  # no trailing slash: added
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_CLIENT_ID": "1111.2222",
        "SLACK_CLIENT_SECRET": "client-secret",
    }
    settings = PLATFORM.settings(env)
    assert isinstance(settings, SlackSettings)
    await PLATFORM.prepare_database(quiz.db, settings)
    async for driver in serve(settings, quiz, stub, clock):
        driver.team = stub.oauth_team
        yield driver


async def test_slack_api_url_reaches_oauth_and_workspace_clients(
    slack_oauth_from_env: SlackDriver, clock: FakeClock
) -> None:
    slack = slack_oauth_from_env
    await install(slack)  # the OAuth flow's own client called oauth.v2.access on the stub
    await slack.command("start slack-mc 1 20", "U2ALICE", "alice")
    [question] = await slack.stub.wait_for("chat.postMessage")
    assert question.token == slack.stub.oauth_token
    clock.advance(21)
    assert await slack.tick() == 1  # the ticker's per-workspace client too
    [reveal] = await slack.stub.wait_for("chat.update")
    assert reveal.token == slack.stub.oauth_token


async def test_uninstalling_stops_the_workspace_and_deletes_its_tokens(
    slack_oauth: SlackDriver, quiz: QuizApp, clock: FakeClock
) -> None:
    slack = slack_oauth
    await install(slack)
    where = ChannelRef("slack", slack.team, CHANNEL)
    await slack.command("start slack-mc 2 20", "U2ALICE", "alice")
    await slack.stub.wait_for("chat.postMessage")
    await quiz.set_daily(
        where, PlayerRef("slack", slack.team, "U2ALICE"), "09:00", "UTC", is_moderator=True
    )

    reply = await slack.event({"type": "app_uninstalled", "event_ts": "1.2"})
    assert reply.status == 200
    store = slack.bot.installation_store
    assert store is not None

    async def gone() -> bool:
        return await store.async_find_bot(enterprise_id=None, team_id=slack.team) is None

    deadline = asyncio.get_running_loop().time() + 5
    while not await gone():
        assert asyncio.get_running_loop().time() < deadline, "the installation was not deleted"
        await asyncio.sleep(0.02)
    assert await quiz.open_round(where) is None
    assert not (await quiz.daily(where)).enabled
    posts = len(slack.stub.of("chat.postMessage"))
    clock.advance(days=1)
    assert await slack.tick() == 0  # nothing left to close or post there
    assert len(slack.stub.of("chat.postMessage")) == posts


async def test_the_release_step_makes_slacks_tables_not_the_web_process(
    quiz: QuizApp, clock: FakeClock
) -> None:
    """Two web processes starting together must not race to make the OAuth tables: on
    PostgreSQL the release step (``quizbot db upgrade``) makes them, and a web process
    without them stops with one line saying so (SQLite, one process, makes its own)."""
    settings = SlackSettings(signing_secret=SIGNING_SECRET, client_id="1.2", client_secret="x")
    service = SlackService(Runtime(quiz, web_application(quiz), clock), settings, run_ticker=False)
    if quiz.db.dialect == "postgresql":
        with pytest.raises(ConfigError, match=r"run `quizbot db upgrade`"):
            await service.start()
        made = await PLATFORM.prepare_database(quiz.db, settings)
        assert made == ["slack: created slack_installations, slack_bots, slack_oauth_states"]
    await service.start()
    assert await missing_tables(quiz.db) == []
    assert await PLATFORM.prepare_database(quiz.db, settings) == []  # nothing left to make
