"""``/quiz schedule`` as typed on Slack and Telegram (the kit's parser), and ``quizbot
schedules list`` on a real SQLite database."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from adapters.kit.commands import Help, Schedule, parse
from bot.clock import FakeClock
from bot.services import QuizApp
from bot.views import ChannelRef, PlayerRef
from cli.main import cli


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("schedule", Schedule()),
        ("schedule list", Schedule()),
        ("schedules", Schedule()),
        ("schedule off", Schedule(action="off")),
        ("schedule off 3", Schedule(action="off", schedule_id=3)),
        ("schedule OFF #12", Schedule(action="off", schedule_id=12)),
        (
            "schedule weekly fri 17:00 Europe/London 10 questions crm-podcast",
            Schedule("add", "weekly", "fri", "17:00", "Europe/London", "crm-podcast", 10),
        ),
        (
            "schedule weekly Friday 17:00 Europe/London 10 questions BANK",
            Schedule("add", "weekly", "Friday", "17:00", "Europe/London", "bank", 10),
        ),
        (
            "schedule daily 08:30 Europe/Berlin",
            Schedule("add", "daily", None, "08:30", "Europe/Berlin"),
        ),
        (
            "schedule daily 8:30 Europe/Berlin 5q 20s demo",
            Schedule("add", "daily", None, "8:30", "Europe/Berlin", "demo", 5, 20),
        ),
        (
            "schedule daily 08:30 Europe/Berlin demo 5 20",
            Schedule("add", "daily", None, "08:30", "Europe/Berlin", "demo", 5, 20),
        ),
        (
            "schedule daily 08:30 Europe/Berlin 20 seconds 1 question",
            Schedule("add", "daily", None, "08:30", "Europe/Berlin", None, 1, 20),
        ),
    ],
)
def test_schedule_commands_parse(text: str, expected: Schedule) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("schedule weekly 17:00 Europe/London", "schedule weekly fri 17:00"),
        ("schedule daily Europe/Berlin", "schedule weekly fri 17:00"),
        ("schedule monthly 17:00 Europe/London", "schedule weekly fri 17:00"),
        ("schedule daily 08:30", "schedule weekly fri 17:00"),
        ("schedule daily 08:30 Europe/Berlin demo other", "`other` is not"),
        ("schedule daily 08:30 Europe/Berlin 1 2 3", "at most a number"),
        ("schedule off soon", "the number of a schedule"),
        ("schedule daily 08:30 Europe/Berlin demo <@everyone>", "`@everyone` is not"),
    ],
)
def test_bad_schedule_commands_say_why(text: str, says: str) -> None:
    command = parse(text)
    assert isinstance(command, Help) and says in command.reason


async def _schedule(url: str) -> None:
    app = await QuizApp.open(url, FakeClock(datetime(2026, 12, 1, 12, tzinfo=UTC)))
    try:
        await app.schedule_quiz(
            ChannelRef("discord", "G1", "C1"),
            PlayerRef("discord", "G1", "U1", "Ann"),
            "weekly",
            "17:00",
            "Europe/London",
            weekday="fri",
            bank="demo",
            questions=4,
            is_moderator=True,
        )
    finally:
        await app.close()


def test_quizbot_schedules_list(prepared_sqlite_url: str) -> None:
    runner = CliRunner()
    base = ["--database-url", prepared_sqlite_url, "schedules", "list"]
    assert "No quiz is scheduled" in runner.invoke(cli, base).output
    asyncio.run(_schedule(prepared_sqlite_url))
    result = runner.invoke(cli, base)
    assert result.exit_code == 0, result.output
    assert "discord G1 #C1" in result.output
    assert "every Friday at 17:00 (Europe/London), 4 questions from demo" in result.output
    assert "Fri 4 Dec 2026, 17:00 (Europe/London)" in result.output
    [row] = json.loads(runner.invoke(cli, [*base, "--json"]).output)
    assert row["weekday"] == 4 and row["next_run_at"] == "2026-12-04T17:00:00+00:00"
    assert json.loads(runner.invoke(cli, [*base, "--platform", "slack", "--json"]).output) == []
    refused = runner.invoke(cli, [*base, "--platform", "myspace"])
    assert refused.exit_code != 0 and "unknown platform" in refused.output


def test_quizbot_schedules_remove(database_url: str) -> None:
    url = database_url
    runner = CliRunner()
    asyncio.run(_schedule(url))
    asyncio.run(_schedule(url))  # a second one, in the same channel
    listed = json.loads(
        runner.invoke(cli, ["--database-url", url, "schedules", "list", "--json"]).output
    )
    first, second = (row["id"] for row in listed)
    base = ["--database-url", url, "schedules", "remove"]
    result = runner.invoke(cli, [*base, str(first)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Removed #{first}: a quiz every Friday at 17:00 (Europe/London), 4 questions "
        "from demo, in discord G1 #C1.\n"
    )
    left = json.loads(
        runner.invoke(cli, ["--database-url", url, "schedules", "list", "--json"]).output
    )
    assert [row["id"] for row in left] == [second]  # only that one
    again = runner.invoke(cli, [*base, str(first)])
    assert again.exit_code == 1 and f"there is no scheduled quiz #{first}" in again.output
    assert runner.invoke(cli, [*base, "0"]).exit_code == 2  # a usage error: ids start at 1
    assert json.loads(runner.invoke(cli, [*base, str(second), "--json"]).output) == {
        "id": second,
        "platform": "discord",
        "workspace": "G1",
        "channel": "C1",
        "removed": True,
    }
