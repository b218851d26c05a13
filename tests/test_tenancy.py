"""Tenants stay apart in the core: an answer counts only where its question was asked, and a
chat leaderboard never shows another workspace's players (the operators' CLI boards can)."""

from __future__ import annotations

import io

import pytest

from adapters.console.surface import ConsoleSurface
from adapters.kit import commands
from adapters.kit.conductor import Conductor
from adapters.kit.dispatch import Dispatcher, Request
from bot.errors import QuizbotError
from bot.services import QuizApp
from bot.views import AnswerStatus, ChannelRef, PlayerRef

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
