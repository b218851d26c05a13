"""Channel settings: kept per channel, changed by moderators only, checked like ``/quiz start``,
and read by the next quiz started without a bank, a number of questions or seconds.

The service runs on SQLite and PostgreSQL (the ``app`` fixture); the CLI (``quizbot
channels``) on a real SQLite file; the chat command's parser on its own. Each platform's
``/quiz settings`` is in the conformance suite (tests/conformance).
"""

from __future__ import annotations

import asyncio
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from adapters.kit import commands
from bot.clock import FakeClock
from bot.errors import NotAllowedError, QuizbotError
from bot.scoring import ScoringRules
from bot.services import QuizApp
from bot.services.channel_settings import (
    DEFAULTS,
    SPEED_BONUS_POINTS,
    ChannelSettings,
    change,
    parse_changes,
    settings_for,
)
from bot.store.models import QuizRow
from bot.views import ChannelRef, PlayerRef
from cli.main import cli

HERE = ChannelRef("slack", "T1", "C1")
ELSEWHERE = ChannelRef("slack", "T1", "C2")
MOD = PlayerRef("slack", "T1", "U0MOD", "mod")
PLAYER = PlayerRef("slack", "T1", "U0BOB", "bob")


async def test_a_channel_without_settings_has_the_defaults(app: QuizApp) -> None:
    assert await app.channel_settings(HERE) == DEFAULTS
    async with app.db.reads() as session:
        assert await settings_for(session, HERE) == ChannelSettings()
    assert DEFAULTS.hints and DEFAULTS.lobby and not DEFAULTS.relaxed
    assert DEFAULTS.relaxed_max_seconds == 120


async def test_a_moderator_changes_settings_and_they_are_kept(app: QuizApp) -> None:
    changes = parse_changes(
        [
            "questions:12",
            "seconds:25",
            "bank:demo",
            "speed_bonus:on",
            "streak_bonus:off",
            "hints:off",
            "lobby:off",
            "relaxed:on",
            "relaxed_max_seconds:90",
        ]
    )
    now = await app.change_channel_settings(HERE, MOD, changes, is_moderator=True)
    expected = ChannelSettings(
        bank="demo",
        questions=12,
        seconds=25,
        speed_bonus=True,
        streak_bonus=False,
        hints=False,
        lobby=False,
        relaxed=True,
        relaxed_max_seconds=90,
    )
    assert now == expected
    assert await app.channel_settings(HERE) == expected
    assert await app.channel_settings(ELSEWHERE) == DEFAULTS  # one channel's only
    # a later change keeps what it does not name; "default" clears one setting
    again = await app.change_channel_settings(
        HERE, MOD, parse_changes(["questions:default", "hints:on"]), is_moderator=True
    )
    assert again.questions is None and again.hints and again.bank == "demo"
    assert again.seconds == 25 and again.relaxed
    assert await app.reset_channel_settings(HERE, MOD, is_moderator=True) == DEFAULTS
    assert await app.channel_settings(HERE) == DEFAULTS


async def test_a_player_who_does_not_moderate_is_refused(app: QuizApp) -> None:
    with pytest.raises(NotAllowedError, match="only a moderator"):
        await app.change_channel_settings(
            HERE, PLAYER, parse_changes(["questions:3"]), is_moderator=False
        )
    with pytest.raises(NotAllowedError, match="only a moderator"):
        await app.reset_channel_settings(HERE, PLAYER, is_moderator=False)
    assert await app.channel_settings(HERE) == DEFAULTS


@pytest.mark.parametrize(
    ("words", "error"),
    [
        (["questions:0"], "between 1 and 100"),
        (["questions:101"], "between 1 and 100"),
        (["seconds:4"], "between 5 and 3600"),
        (["seconds:ten"], "whole number"),
        (["hints:maybe"], "on or off"),
        (["colour:red"], "unknown setting 'colour'"),
        (["relaxed_max_seconds:5"], "between 10 and 3600"),
        (["questions"], "name:value"),
        (["questions:"], "give a value"),
    ],
)
def test_bad_settings_say_what_is_wrong(words: list[str], error: str) -> None:
    with pytest.raises(QuizbotError, match=error):
        parse_changes(words)


async def test_an_unknown_bank_is_named_and_nothing_changes(app: QuizApp) -> None:
    with pytest.raises(QuizbotError, match="no bank called 'nope'"):
        await app.change_channel_settings(
            HERE, MOD, parse_changes(["bank:nope", "questions:3"]), is_moderator=True
        )
    assert await app.channel_settings(HERE) == DEFAULTS


async def test_the_next_quiz_takes_the_channels_defaults(app: QuizApp, clock: FakeClock) -> None:
    changes = change(bank="demo", questions=2, seconds=40, speed_bonus=True, streak_bonus=True)
    await app.change_channel_settings(HERE, MOD, changes, is_moderator=True)
    question = await app.start_quiz(HERE, PLAYER, seed=1)
    assert question.total == 2
    assert (question.deadline - clock.now()).total_seconds() == 40
    quiz = await _quiz(app, question.quiz_id)
    assert quiz.seconds == 40 and len(quiz.question_ids) == 2
    rules = ScoringRules.from_dict(quiz.scoring)
    assert rules.speed_bonus == SPEED_BONUS_POINTS and rules.streak_bonus > 0
    await app.stop_quiz(HERE, PLAYER)
    # what the command says still wins
    question = await app.start_quiz(HERE, PLAYER, "demo", 3, 20, seed=1)
    assert question.total == 3
    assert (question.deadline - clock.now()).total_seconds() == 20
    await app.stop_quiz(HERE, PLAYER)
    # another channel keeps the built-in defaults (the main bank, 10 questions, 30 s, no bonus)
    other = await app.start_quiz(ELSEWHERE, PLAYER, seed=1)
    assert other.total == 10
    assert (other.deadline - clock.now()).total_seconds() == 30
    assert ScoringRules.from_dict((await _quiz(app, other.quiz_id)).scoring) == ScoringRules()


async def _quiz(app: QuizApp, quiz_id: int) -> QuizRow:
    async with app.db.reads() as session:
        return (await session.execute(select(QuizRow).where(QuizRow.id == quiz_id))).scalar_one()


# -- the chat command's words -------------------------------------------------------------


def test_the_settings_command_parses() -> None:
    assert commands.parse("settings") == commands.Settings()
    assert commands.parse("settings reset") == commands.Settings(action="reset")
    assert commands.parse("settings questions:10 hints: off") == commands.Settings(
        action="set", words=("questions:10", "hints:", "off")
    )
    assert parse_changes(["questions:10", "hints:", "off"]).as_dict() == {
        "questions": 10,
        "hints": False,
    }
    assert isinstance(commands.parse("settings reset now"), commands.Help)


# -- quizbot channels -----------------------------------------------------------------------

WHERE = ["--platform", "slack", "--workspace", "T1", "--channel", "C1"]


def test_cli_sets_and_shows_a_channels_settings(prepared_sqlite_url: str) -> None:
    run = CliRunner()
    base = ["--database-url", prepared_sqlite_url, "channels"]
    result = run.invoke(cli, [*base, "show", *WHERE])
    assert result.exit_code == 0, result.output
    assert "questions\t10 (default)" in result.output
    result = run.invoke(
        cli, [*base, "set", *WHERE, "--questions", "4", "--bank", "demo", "--hints", "off"]
    )
    assert result.exit_code == 0, result.output
    assert "questions\t4" in result.output and "hints\toff" in result.output
    result = run.invoke(cli, [*base, "show", *WHERE, "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["settings"]["questions"] == 4 and shown["settings"]["bank"] == "demo"
    assert shown["settings"]["hints"] is False

    # the chat's next quiz there plays it
    async def start() -> int:
        app = await QuizApp.open(prepared_sqlite_url, FakeClock())
        try:
            return (await app.start_quiz(HERE, PLAYER, seed=1)).total
        finally:
            await app.close()

    assert asyncio.run(start()) == 4
    result = run.invoke(cli, [*base, "reset", *WHERE, "--json"])
    assert json.loads(result.output)["settings"]["questions"] is None


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--questions", "500"], "between 1 and 100"),
        (["--bank", "nope"], "no bank called 'nope'"),
        (["--relaxed", "sometimes"], "sometimes"),
        ([], "at least one setting"),
    ],
)
def test_cli_refuses_bad_settings(prepared_sqlite_url: str, args: list[str], error: str) -> None:
    result = CliRunner().invoke(
        cli, ["--database-url", prepared_sqlite_url, "channels", "set", *WHERE, *args]
    )
    assert result.exit_code != 0
    assert error in result.output


def test_cli_refuses_an_unknown_platform(prepared_sqlite_url: str) -> None:
    args = ["--platform", "myspace", "--workspace", "T1", "--channel", "C1"]
    result = CliRunner().invoke(
        cli, ["--database-url", prepared_sqlite_url, "channels", "show", *args]
    )
    assert result.exit_code == 1
    assert "unknown platform 'myspace'" in result.output


async def test_purging_a_workspace_deletes_its_channels_settings(app: QuizApp) -> None:
    await app.change_channel_settings(HERE, MOD, change(questions=3), is_moderator=True)
    other = ChannelRef("slack", "T2", "C1")
    await app.change_channel_settings(other, None, change(questions=4), is_moderator=True)
    await app.purge_workspace("slack", "T1")
    assert await app.channel_settings(HERE) == DEFAULTS
    assert (await app.channel_settings(other)).questions == 4
