"""A team game's teams as each chat platform shows them (the begun lobby, reveal and results):
the teams' names, points and players, the players' names escaped in the platform's markup;
and a team game always has its lobby."""

from __future__ import annotations

import dataclasses

import pytest

from adapters.discord import render as discord_render
from adapters.discord.surface import lobby_message
from adapters.kit.lobby import TEAMS_NEED_LOBBY, lobby_text, start_options
from adapters.slack import blocks as slack_blocks
from adapters.slack.lobby_blocks import lobby_message as slack_lobby
from adapters.telegram import lobby as telegram_lobby
from adapters.telegram import render as telegram_render
from bot.domain import QuestionKind
from bot.errors import QuizbotError
from bot.services.channel_settings import ChannelSettings
from bot.views import (
    ChannelRef,
    LobbyView,
    QuizResults,
    RoundOutcome,
    Standing,
    TeamStanding,
)

WHERE = ChannelRef("slack", "T1", "C1")
TEAMS = (
    TeamStanding(1, 1, "Red", 20, ("Ann", "<b>Dan</b>")),
    TeamStanding(2, 2, "Blue", 10, ("Bob", "Cat")),
)
OUTCOME = RoundOutcome(
    quiz_id=1,
    round_id=1,
    channel=WHERE,
    message_ref=None,
    number=1,
    total=2,
    kind=QuestionKind.MULTIPLE_CHOICE,
    prompt="Which?",
    options=(),
    correct_label=None,
    correct_text="This",
    explanation="",
    winners=("Ann",),
    answered=4,
    team_scores=TEAMS,
)
RESULTS = QuizResults(
    quiz_id=1,
    channel=WHERE,
    bank_title="Demo",
    rounds_played=1,
    standings=(Standing(1, "U1", "Ann", 10, 1, 1),),
    teams=TEAMS,
)


def test_telegram_shows_team_totals_escaped() -> None:
    reveal = telegram_render.reveal_text(OUTCOME)
    assert (
        "Teams: <b>Red</b> 20 (Ann, &lt;b&gt;Dan&lt;/b&gt;) · <b>Blue</b> 10 (Bob, Cat)" in reveal
    )
    results = telegram_render.results_text(RESULTS)
    assert results.index("<b>Red</b> — 20 pts") < results.index("<b>Blue</b> — 10 pts")


def test_slack_shows_team_totals() -> None:
    text = str(slack_blocks.reveal_message(OUTCOME)["blocks"])
    assert "Teams: *Red* 20" in text and "&lt;b&gt;Dan" in text
    assert "*Red* — 20 pts" in str(slack_blocks.results_message(RESULTS)["blocks"])


def test_discord_shows_team_totals() -> None:
    fields = {f.name: f.value for f in discord_render.reveal_embed(OUTCOME).fields}
    assert fields["Teams"].startswith("**1.** Red — 20 pts (Ann, ")
    fields = {f.name: f.value for f in discord_render.results_embed(RESULTS).fields}
    assert "**2.** Blue — 10 pts (Bob, Cat)" in fields["Teams"]


def test_not_a_team_game_shows_no_teams() -> None:
    plain = dataclasses.replace(OUTCOME, team_scores=())
    assert "Teams" not in telegram_render.reveal_text(plain)
    assert "Teams" not in {f.name for f in discord_render.reveal_embed(plain).fields}


def test_the_begun_lobby_message_shows_each_team_and_its_players_on_every_platform() -> None:
    names = ("Ann", "Bob", "Cat", "<b>Dan</b>", "**Eve**")
    teams = (
        TeamStanding(1, 1, "Red", 0, ("Ann", "<b>Dan</b>", "**Eve**")),
        TeamStanding(2, 2, "Blue", 0, ("Bob", "Cat")),
    )
    view = LobbyView(1, WHERE, "Demo", 2, 20, "Ann", names, None, begun=True, teams=teams)
    assert lobby_text(view).splitlines()[1:] == [
        "Team Red: Ann, <b>Dan</b>, **Eve**",
        "Team Blue: Bob, Cat",
    ]
    assert lobby_text(dataclasses.replace(view, teams=())).count("\n") == 0  # not a team game
    assert "Team Red: Ann, <b>Dan</b>, \\*\\*Eve\\*\\*" in str(lobby_message(view)["content"])
    assert "Team Red: Ann, &lt;b&gt;Dan&lt;/b&gt;, **Eve**" in slack_lobby(view)["text"]
    assert "Team Red: Ann, &lt;b&gt;Dan&lt;/b&gt;, **Eve**" in telegram_lobby.text(view)


def test_a_team_game_always_has_its_lobby() -> None:
    off = ChannelSettings(lobby=False)
    assert start_options(None, off, {"QUIZBOT_LOBBY": "off"}) == {}
    assert start_options(None, off, {"QUIZBOT_LOBBY": "off"}, teams=True)["lobby_seconds"]
    with pytest.raises(QuizbotError, match="team game needs its lobby"):
        start_options(False, ChannelSettings(), {}, teams=True)
    assert TEAMS_NEED_LOBBY.endswith("leave out lobby:off")
