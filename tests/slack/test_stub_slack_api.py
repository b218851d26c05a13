"""The Slack stub enforces Slack's rules: each rule shown biting slack_sdk's own clients.

slack_sdk's ``AsyncWebClient`` and ``AsyncWebhookClient`` (no quizbot code) call the stub:
rate limits by tier per method per workspace and per channel for chat.postMessage (HTTP 429
with ``Retry-After``, retried by ``AsyncRateLimitErrorRetryHandler``), Block Kit limits
(``SlackApiError`` ``invalid_blocks``, ``invalid_arguments`` for views), tokens (unknown,
missing, revoked by an uninstall), per-channel errors, ``message_not_found``, response_url's
five uses, latency per method. The driver's own promises are shown against a tiny app: it
times each answer, sends Slack's retry headers, and shapes the uninstall events as Slack
does. Windows are scaled down; waits are bounded; only refusals are counted, never seconds.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.slack.conftest import BOT_TOKEN, SIGNING_SECRET, TEAM, SlackDriver
from tests.slack.stub_rules import SlackRules
from tests.slack.stub_slack_api import StubSlackApi

OTHER_TOKEN = "xoxb-other-team"
OTHER_TEAM = "T0OTHER"


@pytest.fixture
def api(stub: StubSlackApi) -> StubSlackApi:
    stub.tokens[OTHER_TOKEN] = OTHER_TEAM
    return stub


def client(stub: StubSlackApi, token: str = BOT_TOKEN, **options: Any) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=f"{stub.url}/api/", **options)


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(text: str = "A", value: str = "1", action_id: str = "answer") -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "value": value,
        "action_id": action_id,
    }


def actions(*elements: dict[str, Any], block_id: str = "b") -> dict[str, Any]:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


async def refused(call: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as error:
        await call
    return error.value


# -- rate limits -----------------------------------------------------------------------------


async def test_a_tier_limit_answers_429_with_retry_after(api: StubSlackApi) -> None:
    api.rules.tiers["chat.update"] = 2
    web_client = client(api)
    posted = await web_client.chat_postMessage(channel="C1", text="question")
    for n in range(2):
        await web_client.chat_update(channel="C1", ts=posted["ts"], text=f"count {n}")
    error = await refused(web_client.chat_update(channel="C1", ts=posted["ts"], text="again"))
    assert error.response.status_code == 429
    assert error.response["error"] == "ratelimited"
    assert int(error.response.headers["Retry-After"]) >= 1
    assert [c.method for c in api.rate_limited] == ["chat.update"]
    # Per method per workspace: other methods, and other workspaces, are not held back.
    await web_client.chat_postEphemeral(channel="C1", user="U1", text="receipt")
    other = client(api, OTHER_TOKEN)
    await other.chat_postMessage(channel="C1", text="another workspace")
    assert (await other.chat_update(channel="C1", ts=posted["ts"], text="x"))["ok"]
    assert len(api.rate_limited) == 1


async def test_slack_sdk_retries_a_429_after_retry_after(api: StubSlackApi) -> None:
    api.rules.time_scale = 0.015  # a minute lasts 0.9 s; Retry-After says 1
    api.rules.tiers["chat.postEphemeral"] = 1
    patient = client(api, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)])
    await patient.chat_postEphemeral(channel="C1", user="U1", text="first")
    second = await patient.chat_postEphemeral(channel="C1", user="U1", text="second")
    assert second["ok"]
    assert len(api.rate_limited) == 1
    assert [c.params["text"] for c in api.of("chat.postEphemeral")] == ["first", "second"]


async def test_chat_post_message_is_limited_per_channel(api: StubSlackApi) -> None:
    api.rules.post_burst = 2
    api.rules.post_per_second = 0.01  # nothing refills during the test
    web_client = client(api)
    for n in range(2):
        await web_client.chat_postMessage(channel="C1", text=f"burst {n}")
    error = await refused(web_client.chat_postMessage(channel="C1", text="one too many"))
    assert error.response.status_code == 429
    await web_client.chat_postMessage(channel="C2", text="another channel has its own")
    assert [c.params["channel"] for c in api.of("chat.postMessage")] == ["C1", "C1", "C2"]


async def test_rate_limits_can_be_switched_off(api: StubSlackApi) -> None:
    api.rules.rate_limits = False
    api.rules.tiers["users.info"] = 1
    web_client = client(api)
    for _ in range(3):
        await web_client.users_info(user="U1")
    assert api.rate_limited == [] and len(api.of("users.info")) == 3


# -- Block Kit ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [
        ([section("x" * 3001)], "/blocks/0/text/text"),
        ([section("")], "/blocks/0/text/text"),
        ([actions(button(text="t" * 76))], "/blocks/0/elements/0/text/text"),
        ([actions(button(value="v" * 2001))], "/blocks/0/elements/0/value"),
        ([actions(button(action_id="a" * 256))], "/blocks/0/elements/0/action_id"),
        ([actions(button(), block_id="b" * 256)], "/blocks/0/block_id"),
        ([section("q")] * 51, "/blocks"),
        ([actions(*[button(action_id=f"a{i}") for i in range(26)])], "/blocks/0/elements"),
        (
            [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}],
            "/blocks/0/elements",
        ),
    ],
)
async def test_blocks_over_the_limits_are_invalid_blocks(
    api: StubSlackApi, blocks: list[dict[str, Any]], pointer: str
) -> None:
    error = await refused(client(api).chat_postMessage(channel="C1", text="q", blocks=blocks))
    assert error.response["error"] == "invalid_blocks"
    assert any(f"[json-pointer:{pointer}" in line for line in error.response["errors"])
    assert api.of("chat.postMessage") == [] and len(api.errors) == 1


async def test_fitting_blocks_and_the_text_fallback(api: StubSlackApi) -> None:
    web_client = client(api)
    fits = [section("x" * 3000), actions(*[button(action_id=f"a{i}") for i in range(25)])]
    assert (await web_client.chat_postMessage(channel="C1", text="q", blocks=fits))["ok"]
    with pytest.warns(UserWarning, match="`text` argument is missing"):  # slack_sdk's own
        empty = await refused(web_client.chat_postMessage(channel="C1"))
    assert empty.response["error"] == "no_text"
    long = await refused(web_client.chat_postMessage(channel="C1", text="x" * 40001))
    assert long.response["error"] == "msg_too_long"


async def test_views_over_the_limits_are_invalid_arguments(api: StubSlackApi) -> None:
    web_client = client(api)
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "t" * 25}, "blocks": []}
    error = await refused(web_client.views_open(trigger_id="1.2", view=modal))
    assert error.response["error"] == "invalid_arguments"
    assert "[json-pointer:/view/title/text]" in error.response["response_metadata"]["messages"][0]
    home = {"type": "home", "blocks": [section("row")] * 101}
    error = await refused(web_client.views_publish(user_id="U1", view=home))
    assert "[json-pointer:/view/blocks]" in error.response["response_metadata"]["messages"][0]
    home["blocks"] = [section("row")] * 100  # a view takes 100 blocks, a message 50
    assert (await web_client.views_publish(user_id="U1", view=home))["ok"]


# -- tokens, channels, messages -------------------------------------------------------------


async def test_tokens_unknown_missing_and_revoked(api: StubSlackApi) -> None:
    unknown = await refused(client(api, "xoxb-nobody").chat_postMessage(channel="C1", text="x"))
    assert unknown.response["error"] == "invalid_auth"
    missing = await refused(client(api, "").auth_test())
    assert missing.response["error"] == "not_authed"
    assert (await client(api).auth_test())["team_id"] == TEAM

    api.uninstall(TEAM)
    revoked = await refused(client(api).chat_postMessage(channel="C1", text="x"))
    assert revoked.response["error"] == "token_revoked"
    assert (await client(api, OTHER_TOKEN).auth_test())["team_id"] == OTHER_TEAM
    api.uninstall(OTHER_TEAM, error="account_inactive")  # a deleted workspace
    gone = await refused(client(api, OTHER_TOKEN).auth_test())
    assert gone.response["error"] == "account_inactive"


async def test_errors_set_per_channel(api: StubSlackApi) -> None:
    web_client = client(api)
    api.fail_channel("C0PRIVATE", "not_in_channel")
    api.fail_channel("C0OLD", "is_archived")
    api.fail_channel("C0GONE", "channel_not_found", team=TEAM)
    for channel, expected in (
        ("C0PRIVATE", "not_in_channel"),
        ("C0OLD", "is_archived"),
        ("C0GONE", "channel_not_found"),
    ):
        error = await refused(web_client.chat_postMessage(channel=channel, text="x"))
        assert error.response["error"] == expected
    # Set for one team only: another workspace's channel of that id is fine.
    assert (await client(api, OTHER_TOKEN).chat_postMessage(channel="C0GONE", text="x"))["ok"]
    api.heal_channel("C0PRIVATE")
    assert (await web_client.chat_postMessage(channel="C0PRIVATE", text="invited"))["ok"]


async def test_only_messages_the_bot_posted_can_be_updated(api: StubSlackApi) -> None:
    web_client = client(api)
    posted = await web_client.chat_postMessage(channel="C1", text="mine")
    assert (await web_client.chat_update(channel="C1", ts=posted["ts"], text="edited"))["ok"]
    error = await refused(web_client.chat_update(channel="C1", ts="1.000001", text="x"))
    assert error.response["error"] == "message_not_found"
    elsewhere = await refused(web_client.chat_update(channel="C2", ts=posted["ts"], text="x"))
    assert elsewhere.response["error"] == "message_not_found"


async def test_a_response_url_takes_five_messages(api: StubSlackApi) -> None:
    webhook = AsyncWebhookClient(f"{api.url}/response/abc")
    statuses = [(await webhook.send(text=f"reply {n}")).status_code for n in range(6)]
    assert statuses == [200] * 5 + [404]
    other = AsyncWebhookClient(f"{api.url}/response/def")
    bad = await other.send(text="q", blocks=[section("x" * 3001)])
    assert (bad.status_code, bad.body) == (400, "invalid_blocks")
    assert [c.error for c in api.errors] == ["used_url", "invalid_blocks"]


async def test_latency_per_method(api: StubSlackApi) -> None:
    api.latency["chat.update"] = 0.5
    web_client = client(api)
    posted = await web_client.chat_postMessage(channel="C1", text="slow edits")
    updating = asyncio.create_task(web_client.chat_update(channel="C1", ts=posted["ts"], text="e"))
    await api.wait_for("chat.update")
    assert not updating.done()  # Slack did it; its answer is still on the way
    assert (await asyncio.wait_for(updating, 10))["ok"]


# -- the driver --------------------------------------------------------------------------------


@pytest.fixture
async def echo(stub: StubSlackApi) -> AsyncIterator[tuple[SlackDriver, list[dict[str, Any]]]]:
    """A tiny app behind the driver: checks Slack's signature, keeps what it got, and takes
    as long to answer as the body's ``sleep`` says."""
    got: list[dict[str, Any]] = []
    verifier = SignatureVerifier(SIGNING_SECRET)

    async def handle(request: web.Request) -> web.Response:
        body = await request.text()
        if not verifier.is_valid_request(body, dict(request.headers)):
            return web.Response(status=401)
        payload = json.loads(body)
        got.append({"headers": dict(request.headers), "body": payload})
        await asyncio.sleep(float(payload.get("sleep", 0)))
        return web.Response(text="")

    app = web.Application()
    app.router.add_post("/slack/events", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    async with aiohttp.ClientSession() as session:
        driver = SlackDriver(f"http://127.0.0.1:{port}", stub, None, session)  # type: ignore[arg-type]
        yield driver, got
    await runner.cleanup()


async def test_the_driver_records_slow_acknowledgements(
    echo: tuple[SlackDriver, list[dict[str, Any]]],
) -> None:
    driver, _got = echo
    driver.ack_deadline = 0.1  # Slack's is 3 s
    assert (await driver.deliver({"type": "event_callback", "sleep": 0})).status == 200
    assert driver.slow_acks == []
    await driver.deliver({"type": "event_callback", "sleep": 0.3})
    assert [r.path for r in driver.slow_acks] == ["/slack/events"]
    assert len(driver.replies) == 2


async def test_the_driver_redelivers_with_slacks_retry_headers(
    echo: tuple[SlackDriver, list[dict[str, Any]]],
) -> None:
    driver, got = echo
    envelope = driver.envelope({"type": "app_home_opened", "user": "U1"})
    await driver.deliver(envelope)
    await driver.deliver(envelope, retry=1, reason="http_timeout")
    first, again = got
    assert "X-Slack-Retry-Num" not in first["headers"]
    assert again["headers"]["X-Slack-Retry-Num"] == "1"
    assert again["headers"]["X-Slack-Retry-Reason"] == "http_timeout"
    assert first["body"]["event_id"] == again["body"]["event_id"]


async def test_the_driver_uninstalls_and_revokes_as_slack_does(
    echo: tuple[SlackDriver, list[dict[str, Any]]], stub: StubSlackApi
) -> None:
    driver, got = echo
    await driver.uninstall()
    await driver.revoke_tokens()
    uninstalled, revoked = (g["body"] for g in got)
    assert uninstalled["team_id"] == TEAM and uninstalled["type"] == "event_callback"
    assert uninstalled["event"] == {"type": "app_uninstalled"}
    assert revoked["event"]["type"] == "tokens_revoked"
    assert revoked["event"]["tokens"] == {"oauth": [], "bot": ["UQUIZBOT"]}
    # The stub no longer takes the team's token.
    error = await refused(client(stub).chat_postMessage(channel="C1", text="x"))
    assert error.response["error"] == "token_revoked"


def test_lenient_rules_enforce_nothing() -> None:
    rules = SlackRules.lenient()
    assert not rules.rate_limits and not rules.block_kit
