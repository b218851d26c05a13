"""Fixtures for the Slack adapter's end-to-end tests.

- ``stub``: the stub Web API (``stub_slack_api.py``) on 127.0.0.1;
- ``quiz``: the real core (QuizApp) on a fresh database (SQLite unless a module overrides
  ``slack_database_url``) with the shared FakeClock and the test banks;
- ``slack``: the real Bolt app, served by aiohttp on 127.0.0.1 (single-workspace mode), with
  its Web API pointed at the stub, and a :class:`SlackDriver` that sends it requests
  signed exactly as Slack signs them;
- ``slack_oauth``: the same in multi-workspace (OAuth) mode.

The ticker does not run by itself: tests advance the clock and call ``slack.tick()``.

The stub enforces Slack's real rules with their real numbers (``stub_rules.py``), and the
driver times every answer of the app: Slack shows the user an error (and retries an event)
when the acknowledgement takes over 3 seconds, so a test fails at teardown if any did.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.kit.contract import Runtime
from adapters.kit.web import PLATFORMS, web_application
from adapters.slack.app import SlackBot
from adapters.slack.platform import PLATFORM
from adapters.slack.service import SlackService
from adapters.slack.settings import SlackSettings
from bot.clock import FakeClock
from bot.services import QuizApp
from bot.services.importer import load_shipped_banks
from bot.ticker import Ticker
from tests.conftest import body_failed
from tests.slack import slack_signing as signing
from tests.slack.stub_slack_api import BOT_USER_ID, StubSlackApi

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-bot-token"
APP_TOKEN = "xapp-1"  # the app-level token of the Socket Mode test
TEAM = "T0ONE"
ACK_DEADLINE = 3.0  # seconds Slack waits for an acknowledgement
CHANNEL = "C0QUIZ"
APP_ID = "A0QUIZ"

TEST_BANKS = {
    "slack-mc.yaml": """
bank: slack-mc
title: Slack <test> & bank
description: Multiple choice questions for the Slack tests.
questions:
  - type: multiple_choice
    question: "Who gets pinged by <!channel> or @here in a question?"
    options: ["Nobody <@U0ALICE>", "Everyone", "Only admins"]
    answer: A
    explanation: "Bank text is escaped: <!here> & friends stay text."
  - type: multiple_choice
    question: How many sides does a hexagon have?
    options: ["5", "6", "7"]
    answer: B
    explanation: Hexa- means six.
""",
    "slack-typed.yaml": """
bank: slack-typed
title: Typed answers
questions:
  - type: typed
    question: What is the capital of France?
    answers: [Paris]
    explanation: Paris it is.
""",
    "slack-study.yaml": """
bank: slack-study
title: Study bank
questions:
  - type: multiple_choice
    question: What is the capital of Italy?
    options: [Rome, Milan, Turin]
    answer: A
    topic: Geography
  - type: multiple_choice
    question: Which is the longest river in Africa?
    options: [Nile, Congo, Niger]
    answer: A
    topic: Geography
  - type: multiple_choice
    question: What is 7 x 8?
    options: ["54", "56", "58"]
    answer: B
    topic: Maths
""",
    "slack-cards.yaml": """
bank: slack-cards
title: Slack flashcards
questions:
  - type: flashcard
    front: What does CPU stand for?
    back: Central Processing Unit
  - type: flashcard
    front: What does RAM stand for?
    back: Random Access Memory
""",
}


@pytest.fixture(autouse=True)
def _no_slack_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bolt reads SLACK_* variables from the environment: the tests must not."""
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "SLACK_APP_TOKEN",
        "SLACK_API_URL",
        "SLACK_MODERATORS",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def stub() -> AsyncIterator[StubSlackApi]:
    api = StubSlackApi(
        users={"U0ADMIN": {"is_admin": True}},
        tokens={BOT_TOKEN: TEAM},
        app_tokens={APP_TOKEN},
    )
    runner = web.AppRunner(api.web_app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    api.url = f"http://127.0.0.1:{port}"
    yield api
    await runner.cleanup()


@pytest.fixture
def slack_database_url(prepared_sqlite_url: str) -> str:
    """The database of a Slack test: a new, migrated SQLite file with the shipped banks
    (tests/conftest.py clones it from a template); test modules may override it."""
    return prepared_sqlite_url


@pytest.fixture
async def quiz(tmp_path: Path, slack_database_url: str, clock: FakeClock) -> AsyncIterator[QuizApp]:
    folder = tmp_path / "banks"
    folder.mkdir()
    for name, text in TEST_BANKS.items():
        (folder / name).write_text(text, encoding="utf-8")
    app = await QuizApp.open(slack_database_url, clock=clock, upgrade=True)
    async with app.db.transaction() as session:
        await load_shipped_banks(session, clock, folder=folder)
    yield app
    await app.close()


@dataclass(frozen=True)
class Reply:
    """What the app answered an HTTP request, and how long it took to."""

    status: int
    text: str
    headers: dict[str, str]
    path: str = ""
    seconds: float = 0.0

    def json(self) -> Any:
        return json.loads(self.text)


@dataclass
class SlackDriver:
    """Sends the Bolt app requests as Slack would, and reaches into its ticker."""

    url: str
    stub: StubSlackApi
    service: SlackService
    session: aiohttp.ClientSession
    secret: str = SIGNING_SECRET
    team: str = TEAM
    #: Every answer the app gave, in order (see :attr:`slow_acks`).
    replies: list[Reply] = field(default_factory=list)
    ack_deadline: float = ACK_DEADLINE
    #: Every Events API envelope delivered (a retry delivers one again).
    envelopes: list[dict[str, Any]] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def slow_acks(self) -> list[Reply]:
        """Requests the app took too long to answer: over 3 s Slack shows the user an error
        and sends an event again."""
        return [r for r in self.replies if r.seconds > self.ack_deadline]

    @property
    def bot(self) -> SlackBot:
        return self.service.bot

    @property
    def ticker(self) -> Ticker:
        return self.service.conductor.ticker

    async def tick(self) -> int:
        """One ticker pass, once every open round's message is recorded (as it would be
        long before a real deadline)."""
        deadline = time.monotonic() + 5
        while any(ref is None for _view, ref in await self.bot.quiz.open_rounds("slack")):
            assert time.monotonic() < deadline, "a question's message was never recorded"
            await asyncio.sleep(0.01)
        return await self.ticker.tick()

    def response_url(self, user: str, channel: str, source: str) -> str:
        return self.stub.response_url(user, channel, source)

    async def send(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        path: str = "/slack/events",
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """POST a body with Slack's signature headers (or the ones given), timing the answer."""
        sent = signing.signed_headers(self.secret, body, content_type, timestamp)
        if signature is not None:
            sent["X-Slack-Signature"] = signature
        sent.update(headers or {})
        started = time.monotonic()
        async with self.session.post(self.url + path, data=body, headers=sent) as response:
            text = await response.text()
            reply = Reply(
                response.status, text, dict(response.headers), path, time.monotonic() - started
            )
        self.replies.append(reply)
        return reply

    async def get(self, path: str, headers: dict[str, str] | None = None) -> Reply:
        """GET a path of the app (health, OAuth pages); redirects are not followed."""
        async with self.session.get(
            self.url + path, headers=headers or {}, allow_redirects=False
        ) as response:
            return Reply(response.status, await response.text(), dict(response.headers))

    def command_fields(
        self, text: str, user: str = "U0ALICE", name: str = "alice", channel: str = CHANNEL
    ) -> dict[str, str]:
        return {
            "token": "legacy-verification-token",
            "team_id": self.team,
            "team_domain": "quizbot-test",
            "channel_id": channel,
            "channel_name": "quiz",
            "user_id": user,
            "user_name": name,
            "command": "/quiz",
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": self.response_url(user, channel, "command"),
            "trigger_id": f"{next(self._ids)}.{int(time.time())}.abcdef",
        }

    async def command(
        self, text: str, user: str = "U0ALICE", name: str = "alice", channel: str = CHANNEL
    ) -> Reply:
        """``/quiz <text>`` typed by ``user`` in ``channel``."""
        body = signing.command_body(self.command_fields(text, user, name, channel))
        return await self.send(body, signing.FORM)

    async def click(
        self,
        button: dict[str, Any],
        user: str,
        name: str,
        *,
        channel: str = CHANNEL,
        message_ts: str = "",
        ephemeral: bool = False,
    ) -> Reply:
        """A ``block_actions`` payload for a click on ``button`` (as found in a message)."""
        container: dict[str, Any] = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        }
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": name, "name": name, "team_id": self.team},
            "api_app_id": APP_ID,
            "token": "legacy-verification-token",
            "container": container,
            "trigger_id": f"{next(self._ids)}.{int(time.time())}.abcdef",
            "team": {"id": self.team, "domain": "quizbot-test"},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": channel, "name": "quiz"},
            "message": {"type": "message", "ts": message_ts, "text": "", "user": BOT_USER_ID},
            "state": {"values": {}},
            "response_url": self.response_url(user, channel, "action"),
            "actions": [
                {
                    "action_id": button["action_id"],
                    "block_id": "b",
                    "text": button["text"],
                    "value": button.get("value", ""),
                    "type": "button",
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        return await self.send(signing.interactive_body(payload), signing.FORM)

    async def submit_view(
        self, view: dict[str, Any], values: dict[str, Any], user: str, name: str
    ) -> Reply:
        """A ``view_submission`` of a modal opened earlier, with the inputs' values."""
        payload = {
            "type": "view_submission",
            "team": {"id": self.team, "domain": "quizbot-test"},
            "user": {"id": user, "username": name, "name": name, "team_id": self.team},
            "api_app_id": APP_ID,
            "token": "legacy-verification-token",
            "trigger_id": f"{next(self._ids)}.{int(time.time())}.abcdef",
            "view": {
                **view,
                "id": "V0MODAL",
                "team_id": self.team,
                "state": {"values": values},
                "hash": "1.abc",
            },
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return await self.send(signing.interactive_body(payload), signing.FORM)

    def envelope(self, event: dict[str, Any], team: str | None = None) -> dict[str, Any]:
        team = team or self.team
        return {
            "token": "legacy-verification-token",
            "team_id": team,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{next(self._ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }

    async def deliver(
        self, envelope: dict[str, Any], *, retry: int = 0, reason: str = "http_timeout"
    ) -> Reply:
        """Send an Events API envelope; ``retry`` > 0 sends it again as Slack retries one
        (same event_id, with ``X-Slack-Retry-Num`` and ``X-Slack-Retry-Reason``)."""
        headers = {}
        if retry:
            headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": reason}
        self.envelopes.append(envelope)
        return await self.send(json.dumps(envelope), signing.JSON, headers=headers)

    async def event(self, event: dict[str, Any]) -> Reply:
        """An Events API ``event_callback`` carrying ``event``."""
        return await self.deliver(self.envelope(event))

    async def uninstall(self, team: str | None = None) -> Reply:
        """The workspace removes the app: its tokens stop working at the stub, then Slack
        sends ``app_uninstalled`` (shaped as on docs.slack.dev/reference/events)."""
        team = team or self.team
        self.stub.uninstall(team)
        envelope = self.envelope({"type": "app_uninstalled"}, team)
        envelope.pop("authorizations")  # nothing is authorised any more
        return await self.deliver(envelope)

    async def revoke_tokens(
        self,
        team: str | None = None,
        bot: tuple[str, ...] = (BOT_USER_ID,),
        oauth: tuple[str, ...] = (),
    ) -> Reply:
        """The team's tokens are revoked: ``tokens_revoked`` names the users whose tokens
        were (bot and user tokens), never the tokens themselves."""
        team = team or self.team
        self.stub.uninstall(team)
        event = {"type": "tokens_revoked", "tokens": {"oauth": list(oauth), "bot": list(bot)}}
        envelope = self.envelope(event, team)
        envelope.pop("authorizations")
        return await self.deliver(envelope)

    async def message(self, text: str, user: str, channel: str = CHANNEL) -> Reply:
        """A ``message`` event: ``user`` wrote ``text`` in ``channel``."""
        ts = f"{time.time():.6f}"
        return await self.event(
            {
                "type": "message",
                "channel": channel,
                "user": user,
                "text": text,
                "ts": ts,
                "event_ts": ts,
                "channel_type": "channel",
            }
        )


async def serve(
    settings: SlackSettings,
    quiz: QuizApp,
    stub: StubSlackApi,
    clock: FakeClock,
    request: pytest.FixtureRequest | None = None,
) -> AsyncIterator[SlackDriver]:
    """Serve the app on 127.0.0.1 the way the web process does (the kit's shared HTTP
    server with Slack's routes), its ticker left to the test (``slack.tick()``)."""
    web_app = web_application(quiz)
    service = SlackService(Runtime(quiz, web_app, clock), settings, run_ticker=False)
    await service.start()
    web_app[PLATFORMS].append(service.name)
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    async with aiohttp.ClientSession() as session:
        driver = SlackDriver(f"http://127.0.0.1:{port}", stub, service, session)
        yield driver
    await runner.cleanup()
    await service.conductor.stop()
    await service.close()
    # Slack would have shown the user an error (or sent the event again) for these.
    quiet = request is not None and body_failed(request)
    assert quiet or not driver.slow_acks, f"acknowledged after {ACK_DEADLINE} s: {driver.slow_acks}"


@pytest.fixture
async def slack(
    stub: StubSlackApi, quiz: QuizApp, clock: FakeClock, request: pytest.FixtureRequest
) -> AsyncIterator[SlackDriver]:
    """The Bolt app in single-workspace mode (SLACK_BOT_TOKEN)."""
    settings = SlackSettings(
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        moderators=frozenset({"U0MOD"}),
        api_url=f"{stub.url}/api/",
    )
    async for driver in serve(settings, quiz, stub, clock, request):
        yield driver


@pytest.fixture
async def slack_oauth(
    stub: StubSlackApi, quiz: QuizApp, clock: FakeClock, request: pytest.FixtureRequest
) -> AsyncIterator[SlackDriver]:
    """The Bolt app in multi-workspace mode (SLACK_CLIENT_ID / SLACK_CLIENT_SECRET)."""
    settings = SlackSettings(
        signing_secret=SIGNING_SECRET,
        client_id="1111.2222",
        client_secret="client-secret",
        api_url=f"{stub.url}/api/",
    )
    await PLATFORM.prepare_database(quiz.db, settings)  # the release step's part for Slack
    async for driver in serve(settings, quiz, stub, clock, request):
        driver.team = stub.oauth_team
        yield driver
