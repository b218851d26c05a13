"""Configuration errors name the missing variable; Socket Mode works against the stub;
``/quiz`` parsing; manifest.yml agrees with the code."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from adapters.kit import commands, registry
from adapters.kit.contract import Runtime
from adapters.slack.app import BOT_SCOPES
from adapters.slack.service import EVENTS_PATH, SlackService
from adapters.slack.settings import SlackSettings, api_url_from_env
from bot.clock import FakeClock
from bot.errors import ConfigError
from bot.services import QuizApp
from tests.slack.conftest import BOT_TOKEN, CHANNEL, TEAM, SlackDriver
from tests.slack.stub_slack_api import StubSlackApi


@pytest.mark.parametrize(
    ("settings", "socket", "variable"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, False, "SLACK_SIGNING_SECRET"),
        ({"SLACK_SIGNING_SECRET": "s"}, False, "SLACK_BOT_TOKEN"),
        ({"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_ID": "1.2"}, False, "SLACK_CLIENT_SECRET"),
        ({"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_SECRET": "x"}, False, "SLACK_CLIENT_ID"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, True, "SLACK_APP_TOKEN"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, True, "SLACK_BOT_TOKEN"),
        (
            {"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_CLIENT_ID": "1.2"},
            True,
            "SLACK_CLIENT_ID",
        ),
    ],
)
def test_missing_configuration_names_the_variable(
    settings: dict[str, str], socket: bool, variable: str
) -> None:
    env = {**settings, **({"SLACK_SOCKET_MODE": "1"} if socket else {})}
    with pytest.raises(ConfigError, match=variable):
        registry.select(["slack"], env)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", None),
        ("http://127.0.0.1:8080/api/", "http://127.0.0.1:8080/api/"),
        ("http://127.0.0.1:8080/api", "http://127.0.0.1:8080/api/"),
        (" https://staging.example.com/api/ ", "https://staging.example.com/api/"),
    ],
)
def test_slack_api_url(value: str, expected: str | None) -> None:
    assert api_url_from_env({"SLACK_API_URL": value}) == expected
    assert api_url_from_env({}) is None


@pytest.mark.parametrize("value", ["127.0.0.1:8080/api/", "ftp://example.com/api/", "http://"])
def test_malformed_slack_api_url_stops_the_start(value: str) -> None:
    env = {"SLACK_API_URL": value, "SLACK_BOT_TOKEN": "x", "SLACK_SIGNING_SECRET": "s"}
    with pytest.raises(ConfigError, match="SLACK_API_URL"):
        registry.select(["slack"], env)


async def test_the_service_checks_configuration_first(quiz: QuizApp, clock: FakeClock) -> None:
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        SlackService(Runtime(quiz, None, clock), SlackSettings(bot_token="xoxb-1"))


async def test_socket_mode_serves_commands(
    stub: StubSlackApi, quiz: QuizApp, clock: FakeClock
) -> None:
    settings = SlackSettings(
        bot_token=BOT_TOKEN, app_token="xapp-1", api_url=f"{stub.url}/api/", socket_mode=True
    )
    service = SlackService(Runtime(quiz, None, clock), settings, run_ticker=False)
    await service.start()
    try:
        await stub.wait_for("socket.connect", within=10)
        [opened] = stub.of("apps.connections.open")
        assert opened.token == "xapp-1"
        driver = SlackDriver("", stub, None, None)  # type: ignore[arg-type]
        fields = driver.command_fields("start demo 1 20", "U0ALICE", "alice")
        stub.socket_send(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "payload": fields,
                "accepts_response_payload": True,
            }
        )
        [ack] = await stub.wait_for("socket.ack")
        assert ack.params["envelope_id"] == "env-1"
        [question] = await stub.wait_for("chat.postMessage")
        assert question.params["channel"] == CHANNEL
        assert question.token == BOT_TOKEN
        assert fields["team_id"] == TEAM
    finally:
        await service.stop_taking_work()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", commands.Help()),
        ("help", commands.Help()),
        ("start", commands.Start()),
        ("start crm-podcast", commands.Start(bank="crm-podcast")),
        ("start CRM 5 20", commands.Start(bank="crm", count=5, seconds=20)),
        ("start 5", commands.Start(count=5)),
        ("stop", commands.Stop()),
        ("leaderboard", commands.Leaderboard()),
        ("leaderboard all", commands.Leaderboard(period="all")),  # all time: never all places
        ("leaderboard week", commands.Leaderboard(period="week")),
        ("leaderboard workspace month", commands.Leaderboard("workspace", "month")),
        ("leaderboard server week", commands.Leaderboard("workspace", "week")),
        ("banks", commands.Banks()),
        ("flashcards", commands.Flashcards()),
        ("flashcards crm-flashcards", commands.Flashcards("crm-flashcards")),
        ("start demo hardest", commands.Start(bank="demo", hardest=True)),
        ("start demo 5 topic:Geography", commands.Start("demo", 5, topic="Geography")),
        (
            'start topic:"Project  Management" demo 3 20 hardest',
            commands.Start("demo", 3, 20, topic="Project Management", hardest=True),
        ),
        ("start \u201ctopic:Project Management\u201d", commands.Start(topic="Project Management")),
        ("start topic:Project_Management", commands.Start(topic="Project Management")),
        ("start topic: Space 4", commands.Start(count=4, topic="Space")),
        ("mistakes", commands.Mistakes()),
        ("mistakes 5", commands.Mistakes(5)),
        ("stats", commands.Stats()),
        ("daily", commands.Daily()),
        ("daily off", commands.Daily("off")),
        ("daily 09:00 Europe/London", commands.Daily("set", "09:00", "Europe/London")),
        (
            "daily 7:30 America/New_York crm-podcast 90",
            commands.Daily("set", "7:30", "America/New_York", "crm-podcast", 90),
        ),
        ("daily 09:00 UTC 45", commands.Daily("set", "09:00", "UTC", minutes=45)),
    ],
)
def test_parse(text: str, expected: commands.Command) -> None:
    assert commands.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "dance",
        "start crm 5 x",
        "start crm 0",
        "start crm 5 1",
        "leaderboard up",
        "leaderboard all all",
        "leaderboard everywhere",
        "<!here>",
        "start topic:",
        'start topic:"unclosed',
        "mistakes lots",
        "mistakes 0",
        "daily 9am Europe/London",
        "daily 09:00",
        "daily off now",
        "daily 09:00 UTC demo 30 extra",
        "stats <@U1>",
    ],
)
def test_parse_mistakes_show_help_with_the_reason(text: str) -> None:
    parsed = commands.parse(text)
    assert isinstance(parsed, commands.Help) and parsed.reason
    assert "<" not in parsed.reason


def test_manifest_matches_the_app() -> None:
    manifest = yaml.safe_load((Path(__file__).parents[2] / "manifest.yml").read_text())
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/quiz"
    settings = manifest["settings"]
    for url in (
        command["url"],
        settings["interactivity"]["request_url"],
        settings["event_subscriptions"]["request_url"],
    ):
        assert urlparse(url).path == EVENTS_PATH
    [redirect] = manifest["oauth_config"]["redirect_urls"]
    assert urlparse(redirect).path == "/slack/oauth_redirect"
    assert settings["interactivity"]["is_enabled"] is True
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
        "message.channels",
        "message.groups",
        "message.im",
    }
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


def test_slack_moderators_are_per_workspace() -> None:
    one = SlackSettings(bot_token="x", signing_secret="s", moderators=frozenset({"U1", "T2:U2"}))
    assert one.moderates("T1", "U1")  # one workspace: bare ids will do
    assert one.moderates("T2", "U2") and not one.moderates("T3", "U2")
    env = {
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_CLIENT_ID": "1.2",
        "SLACK_CLIENT_SECRET": "c",
        "SLACK_MODERATORS": "T1:U1, U9",
    }
    with pytest.raises(ConfigError, match="SLACK_MODERATORS names U9 without its workspace"):
        registry.select(["slack"], env)
    [selected] = registry.select(["slack"], {**env, "SLACK_MODERATORS": "T1:U1"})
    many = selected.settings
    assert isinstance(many, SlackSettings)
    assert many.moderates("T1", "U1") and not many.moderates("T2", "U1")
