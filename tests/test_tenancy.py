"""Tenants stay apart in the core: an answer counts only where its question was asked, and a
chat leaderboard never shows another workspace's players (the operators' CLI boards can)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.console.surface import ConsoleSurface
from adapters.kit import commands
from adapters.kit.conductor import Conductor
from adapters.kit.dispatch import Dispatcher, Request
from bot.clock import FakeClock
from bot.errors import QuizbotError
from bot.services import QuizApp
from bot.views import AnswerStatus, ChannelRef, PlayerRef
from cli.main import cli

HERE = ChannelRef("slack", "T-ONE", "C-QUIZ")
ANN = PlayerRef("slack", "T-ONE", "U-ANN", "Ann")


async def test_an_answer_counts_only_from_its_own_workspace_and_channel(app: QuizApp) -> None:
    view = await app.start_quiz(HERE, ANN, "demo", 2, 30, seed=3)
    elsewhere = PlayerRef("slack", "T-TWO", "U-ANN", "Ann")  # the same user id, another team
    refused = await app.answer(
        view.round_id, elsewhere, "A", ChannelRef("slack", "T-TWO", "C-QUIZ")
    )
    assert refused.status is AnswerStatus.INVALID and "not asked here" in refused.message
    other_platform = PlayerRef("discord", "T-ONE", "U-ANN", "Ann")
    assert (await app.answer(view.round_id, other_platform, "A")).status is AnswerStatus.INVALID
    other_channel = ChannelRef("slack", "T-ONE", "C-OTHER")
    assert (await app.answer(view.round_id, ANN, "A", other_channel)).status is AnswerStatus.INVALID
    counted = await app.answer(view.round_id, ANN, "A", HERE)
    assert counted.status is AnswerStatus.RECORDED
    assert counted.answered == 1  # none of the refused ones was counted


async def test_a_chat_leaderboard_covers_this_channel_or_workspace_only(app: QuizApp) -> None:
    for team, user in (("T-ONE", "U-ANN"), ("T-TWO", "U-BEN")):
        where = ChannelRef("slack", team, "C-QUIZ")
        who = PlayerRef("slack", team, user, user)
        view = await app.start_quiz(where, who, "demo", 1, 30, solo=True, seed=1)
        await app.answer(view.round_id, who, "A", where)
    dispatcher = Dispatcher(Conductor(app, ConsoleSurface(io.StringIO(), ANN)))

    async def moderator() -> bool:
        return False

    request = Request(HERE, ANN, moderator)
    board = await dispatcher.run(commands.Leaderboard("workspace", "all"), request)
    assert board is not None
    assert {row.player for row in board.view.rows} <= {"U-ANN"}  # type: ignore[union-attr]
    with pytest.raises(QuizbotError, match="this channel or workspace"):
        await dispatcher.run(commands.Leaderboard("all", "all"), request)
    assert commands.parse("leaderboard all") == commands.Leaderboard(period="all")


async def test_a_workspace_removed_stops_its_games_and_keeps_its_scores(
    app: QuizApp, clock: FakeClock
) -> None:
    view = await app.start_quiz(HERE, ANN, "demo", 3, 30, seed=3)
    await app.set_daily(HERE, ANN, "09:00", "UTC", "demo", is_moderator=True)
    other = ChannelRef("slack", "T-TWO", "C-QUIZ")
    ben = PlayerRef("slack", "T-TWO", "U-BEN", "Ben")
    kept = await app.start_quiz(other, ben, "demo", 3, 30, seed=3)

    halted = await app.halt_workspace("slack", "T-ONE")
    assert (halted.quizzes, halted.dailies) == (1, 1)
    assert await app.open_round(HERE) is None
    assert not (await app.daily(HERE)).enabled
    assert (await app.answer(view.round_id, ANN, "A", HERE)).status is AnswerStatus.CLOSED
    assert (await app.open_round(other)) is not None  # another workspace goes on
    clock.advance(seconds=31)
    assert [o.round_id for o in await app.close_due_rounds("slack")] == [kept.round_id]


async def test_purging_a_workspace_deletes_all_of_its_data_and_nothing_else(
    app: QuizApp, clock: FakeClock
) -> None:
    for team, user in (("T-ONE", "U-ANN"), ("T-TWO", "U-BEN")):
        where = ChannelRef("slack", team, "C-QUIZ")
        who = PlayerRef("slack", team, user, user)
        view = await app.start_quiz(where, who, "demo", 1, 30, solo=True, seed=1)
        await app.answer(view.round_id, who, "B", where)  # scored, and a mistake to review
        await app.set_daily(where, who, "09:00", "UTC", "demo", is_moderator=True)
        await app.next_flashcard(who, "demo")

    counted = await app.purge_workspace("slack", "T-ONE", dry_run=True)
    assert counted["players"] == 1 and counted["answers"] == 1 and counted["quizzes"] == 1
    ann = PlayerRef("slack", "T-ONE", "U-ANN")
    assert (await app.player_stats(ann)).answered == 1  # a dry run keeps everything

    deleted = await app.purge_workspace("slack", "T-ONE")
    assert deleted == counted
    assert (await app.player_stats(ann)).answered == 0
    assert not (await app.daily(HERE)).enabled
    ben = await app.player_stats(PlayerRef("slack", "T-TWO", "U-BEN"))
    assert ben.answered == 1  # the other workspace is untouched
    board = await app.leaderboard(ChannelRef("slack", "T-TWO", "C-QUIZ"), "workspace")
    assert [row.player for row in board.rows] == ["U-BEN"]
    again = await app.purge_workspace("slack", "T-ONE")
    # Nothing is left but the empty player row that reading Ann's stats above made again.
    assert {name: n for name, n in again.items() if n} in ({}, {"players": 1})


def test_tenants_purge_on_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"
    runner = CliRunner()
    played = runner.invoke(
        cli, ["--database-url", url, "play", "--bank", "demo", "-n", "1", "--seed", "1"], "A\n"
    )
    assert played.exit_code == 0, played.output
    listed = runner.invoke(cli, ["--database-url", url, "tenants", "list", "console", "--json"])
    assert json.loads(listed.output) == [{"workspace": "local", "players": 1}]
    base = ["--database-url", url, "tenants", "purge", "console", "local"]
    counted = runner.invoke(cli, [*base, "--dry-run", "--json"])
    assert json.loads(counted.output)["deleted"]["answers"] == 1
    refused = runner.invoke(cli, base, input="n\n")
    assert refused.exit_code == 1  # not confirmed: nothing deleted
    purged = runner.invoke(cli, [*base, "--yes", "--json"])
    assert json.loads(purged.output)["deleted"] == json.loads(counted.output)["deleted"]
    nothing = runner.invoke(cli, [*base, "--yes"])
    assert nothing.exit_code == 1 and "knows nothing of console workspace 'local'" in nothing.output


def test_tenants_refuse_an_unknown_platform_and_ask_nothing_for_an_unknown_workspace(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"
    runner = CliRunner()
    listed = runner.invoke(cli, ["--database-url", url, "tenants", "list", "slak"])
    assert listed.exit_code == 1
    assert "unknown platform 'slak' (one of: console, discord, slack, telegram)" in listed.output
    # Nothing to delete: said at once, without asking to confirm.
    purge = runner.invoke(cli, ["--database-url", url, "tenants", "purge", "slack", "T0NONE"])
    assert purge.exit_code == 1
    assert "Delete all" not in purge.output
    assert "knows nothing of slack workspace 'T0NONE'" in purge.output
