"""A team game's totals as each chat platform shows them (reveal and results): the teams'
names, points and players, the players' names escaped in the platform's markup."""

from __future__ import annotations

import dataclasses

from adapters.discord import render as discord_render
from adapters.slack import blocks as slack_blocks
from adapters.telegram import render as telegram_render
from bot.domain import QuestionKind
from bot.views import ChannelRef, QuizResults, RoundOutcome, Standing, TeamStanding

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
