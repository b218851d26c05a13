"""What goes wrong between Slack and the app, met the way an operator meets it.

- a signed request whose body is garbage gets 400 and one log line (no traceback, nothing of
  the body or the secrets), an unsigned one 401;
- a bot token Slack rejects stops the start-up (``auth.test``) with one line naming the
  setting and exit code 1, before anything says "ready"; with OAuth nothing is checked;
- Slack unreachable at start-up is one line and exit code 1;
- a process still connecting (Slack not answering, or Socket Mode retrying its websocket)
  stops on the first SIGTERM or SIGINT, cleanly, before the lifecycle's watchdog would.

Real processes run against the stub Web API (``SLACK_API_URL``), a refused port, or a black
hole that accepts connections and never answers (:mod:`tests.unreachable`).
"""

from __future__ import annotations

import logging
import signal
from pathlib import Path

import pytest

from adapters.kit.contract import Runtime
from adapters.kit.web import web_application
from adapters.slack.service import SlackService
from adapters.slack.settings import SlackSettings
from bot.clock import FakeClock
from bot.errors import ConfigError
from bot.services import QuizApp
from tests.slack import slack_signing as signing
from tests.slack.conftest import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, SlackDriver
from tests.slack.stub_slack_api import StubSlackApi
from tests.unreachable import (
    START_WITHIN,
    BlackHole,
    RunProcess,
    error_line,
    expect_clean_stop,
    expect_unreachable_at_start,
    refused_port,
    stop_while_connecting,
)

GARBAGE = [
    pytest.param("payload=not-json", signing.FORM, id="interaction-not-json"),
    pytest.param("payload=%5B1%2C2%5D", signing.FORM, id="interaction-a-list"),
    pytest.param("payload=null", signing.FORM, id="interaction-null"),
    pytest.param('{"type": "event_callback", "event": ', signing.JSON, id="event-not-json"),
    pytest.param('["event_callback"]', signing.JSON, id="event-a-list"),
    pytest.param('"event_callback"', signing.JSON, id="event-a-string"),
    pytest.param(
        '{"type": "block_actions", "actions": "x", "team": {"id": "T0ONE"}}',
        signing.JSON,
        id="actions-a-string",
    ),
    pytest.param(
        '{"type": "event_callback", "event": "x", "team_id": "T0ONE"}',
        signing.JSON,
        id="event-a-string-field",
    ),
]


@pytest.mark.parametrize(("body", "content_type"), GARBAGE)
async def test_signed_garbage_is_a_400_and_one_log_line(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture, body: str, content_type: str
) -> None:
    with caplog.at_level(logging.INFO):
        reply = await slack.send(body, content_type)
    assert reply.status == 400, reply.text
    ours = [r for r in caplog.records if not r.name.startswith("aiohttp.access")]
    warnings = [r for r in ours if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in ours]
    [line] = warnings
    assert "not a Slack payload" in line.getMessage() or "Slack's" in line.getMessage()
    assert all(r.exc_info is None for r in ours), "a traceback was logged"
    logged = caplog.text
    assert "Traceback" not in logged
    assert SIGNING_SECRET not in logged and BOT_TOKEN not in logged
    assert "not-json" not in line.getMessage()  # nothing of the body is quoted

    # The app goes on serving.
    assert (await slack.command("help")).status == 200


async def test_unsigned_garbage_is_a_401(slack: SlackDriver) -> None:
    reply = await slack.send("payload=not-json", signing.FORM, signature="v0=" + "0" * 64)
    assert reply.status == 401


# --- the bot token, checked at start-up ------------------------------------------------------


@pytest.mark.parametrize("error", ["token_revoked", "account_inactive"])
async def test_a_rejected_bot_token_stops_the_start(
    stub: StubSlackApi, quiz: QuizApp, clock: FakeClock, error: str
) -> None:
    stub.revoke(BOT_TOKEN, error)
    settings = SlackSettings(
        bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=f"{stub.url}/api/"
    )
    runtime = Runtime(quiz, web_application(quiz), clock)
    service = SlackService(runtime, settings, run_ticker=False)
    with pytest.raises(ConfigError, match=f"SLACK_BOT_TOKEN was rejected by Slack \\({error}\\)"):
        await service.start()
    [checked] = [c for c in stub.errors if c.method == "auth.test"]
    assert checked.token == BOT_TOKEN


async def test_socket_mode_checks_the_app_token(
    stub: StubSlackApi, quiz: QuizApp, clock: FakeClock
) -> None:
    settings = SlackSettings(
        bot_token=BOT_TOKEN,
        app_token="xapp-wrong",
        api_url=f"{stub.url}/api/",
        socket_mode=True,
    )
    service = SlackService(Runtime(quiz, None, clock), settings, run_ticker=False)
    try:
        with pytest.raises(ConfigError, match=r"SLACK_APP_TOKEN was rejected by Slack"):
            await service.start()
    finally:
        await service.stop_taking_work()
    assert not stub.of("socket.connect")


async def test_oauth_has_no_token_to_check_at_start(slack_oauth: SlackDriver) -> None:
    assert not slack_oauth.stub.of("auth.test") and not slack_oauth.stub.errors
    assert (await slack_oauth.get("/health")).status == 200


# --- real processes ----------------------------------------------------------------------


async def run_slack(
    processes: list[RunProcess], tmp_path: Path, database: str, socket: bool, **env: str
) -> RunProcess:
    from tests.slack.test_slack_process import free_port

    variables = {"DATABASE_URL": database, "PORT": str(free_port()), **env}
    args = ["slack", "--socket"] if socket else ["slack"]
    process = await RunProcess.start(args, variables, tmp_path / f"run-{len(processes)}.log")
    processes.append(process)
    return process


async def test_http_mode_with_a_wrong_bot_token_never_says_ready(
    stub: StubSlackApi, prepared_sqlite_url: str, tmp_path: Path, processes: list[RunProcess]
) -> None:
    wrong = "xoxb-not-the-right-token"
    process = await run_slack(
        processes,
        tmp_path,
        prepared_sqlite_url,
        socket=False,
        SLACK_BOT_TOKEN=wrong,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=f"{stub.url}/api/",
    )
    code = await process.exit_code(START_WITHIN)
    output = process.output()
    assert code == 1, output
    assert error_line(output) == (
        "quizbot: error: SLACK_BOT_TOKEN was rejected by Slack (invalid_auth): copy the Bot "
        "User OAuth Token (xoxb-...) from your Slack app's OAuth & Permissions page"
    )
    assert "Slack app ready" not in output and "listening on" not in output
    assert "Traceback" not in output
    assert wrong not in output and SIGNING_SECRET not in output
    [checked] = stub.errors
    assert (checked.method, checked.error, checked.token) == ("auth.test", "invalid_auth", wrong)


@pytest.mark.parametrize("socket", [False, True], ids=["http", "socket-mode"])
async def test_slack_unreachable_at_start_is_one_line(
    prepared_sqlite_url: str, tmp_path: Path, processes: list[RunProcess], socket: bool
) -> None:
    port = refused_port()
    process = await run_slack(
        processes,
        tmp_path,
        prepared_sqlite_url,
        socket=socket,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=f"http://127.0.0.1:{port}/api/",
    )
    await expect_unreachable_at_start(process, "Slack", port, BOT_TOKEN)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_socket_mode_stops_on_a_signal_while_slack_does_not_answer(
    prepared_sqlite_url: str, tmp_path: Path, processes: list[RunProcess], sig: signal.Signals
) -> None:
    hole = BlackHole()
    await hole.start()
    process = await run_slack(
        processes,
        tmp_path,
        prepared_sqlite_url,
        socket=True,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=hole.url(path="/api/"),
    )
    await stop_while_connecting(process, hole, sig, "Slack", BOT_TOKEN)
    assert APP_TOKEN not in process.output()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_socket_mode_stops_on_a_signal_while_retrying_its_websocket(
    stub: StubSlackApi,
    prepared_sqlite_url: str,
    tmp_path: Path,
    processes: list[RunProcess],
    sig: signal.Signals,
) -> None:
    """The Web API answers, the websocket it hands out does not: the Socket Mode client
    tries again and again (one line each), and a signal still stops it at once."""
    stub.socket_url = f"ws://127.0.0.1:{refused_port()}/socket"
    process = await run_slack(
        processes,
        tmp_path,
        prepared_sqlite_url,
        socket=True,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=f"{stub.url}/api/",
    )
    await stub.wait_for("apps.connections.open", within=START_WITHIN)
    await process.wait_until(process.logged("Failed to connect"), "a failed connection")
    process.process.send_signal(sig)
    await expect_clean_stop(process, sig, BOT_TOKEN)
    assert APP_TOKEN not in process.output()
