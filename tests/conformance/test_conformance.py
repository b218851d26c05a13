"""The conformance suite: the same scenarios on every adapter, through its fake platform.

Start a quiz, three players, a double click, a late click, the reveal, the next question,
the results; flashcards; the leaderboard; a refused stop and a moderator's stop; a restart
in the middle of a quiz. Every adapter in ``adapters/`` that players use runs them (see
``drivers.py``); where a platform cannot do a thing at all (the terminal has one player),
the test says so and skips that part. New scenarios go here, once, for every platform.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.links import LinkSigner
from bot.services import QuizApp
from tests.conformance.drivers import DRIVERS, TOTAL_SECONDS, Driver
from tests.discord.reading import KEY

ALICE, BOB, CAROL, DANA = range(4)


@pytest.fixture(params=sorted(DRIVERS))
async def driver(
    request: pytest.FixtureRequest,
    prepared_sqlite_url: str,
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Driver]:
    chosen = DRIVERS[request.param](clock, prepared_sqlite_url, tmp_path)
    await chosen.open(monkeypatch)
    try:
        yield chosen
    finally:
        await chosen.close()


def needs(driver: Driver, seats: int = 1, restarts: bool = False) -> None:
    if driver.seats < seats:
        pytest.skip(f"{driver.name} seats {driver.seats} player(s)")
    if restarts and not driver.restarts:
        pytest.skip(f"a restart means nothing to {driver.name}")


async def test_a_quiz_with_three_players(driver: Driver) -> None:
    """Three players (one double-clicks, one misses question 1); the first question closes at
    its deadline, later ones as soon as all three have answered; a click after a question
    closed does not count; the results rank them by points."""
    players = (ALICE, BOB, CAROL)[: driver.seats]
    await driver.start_quiz(ALICE, count=3)
    late = None
    for number in (1, 2, 3):
        asked = await driver.question(number, 3)
        for player in players:
            right = player == ALICE or (player == CAROL and number != 1)
            assert await driver.answer(player, asked, right=right) == "recorded"
            if player == BOB and not asked.typed:
                assert await driver.answer(BOB, asked, right=True) == "already"
        if number == 1 and not driver.solo:
            await driver.deadline()
        reveal = await driver.revealed(asked)
        expected = {"alice"} if number == 1 else {"alice", "carol"}
        assert reveal.winners == expected & {("alice", "bob", "carol")[p] for p in players}
        if driver.solo:
            continue
        assert KEY[asked.prompt]["right"] in reveal.text
        if late is None and not asked.typed:
            late = asked
    standings = await driver.results()
    points = dict(standings)
    assert standings[0][0] == "alice" and points["alice"] == 30
    if driver.seats >= 3:
        assert [name for name, _ in standings] == ["alice", "carol", "bob"]
        assert (points["carol"], points["bob"]) == (20, 0)
        assert late is not None
        assert await driver.answer_late(DANA, late, right=True) == "closed"


async def test_the_leaderboard_after_a_quiz(driver: Driver) -> None:
    players = (ALICE, BOB)[: driver.seats]
    await driver.start_quiz(ALICE, count=1)
    asked = await driver.question(1, 1)
    for player in players:
        await driver.answer(player, asked, right=player == ALICE)
    if not driver.solo:
        await driver.deadline()
    await driver.results()
    board = (await driver.leaderboard(players[-1])).lower()
    assert "alice" in board
    if BOB in players:
        assert board.index("alice") < board.index("bob")


async def test_the_leaderboard_links_to_its_web_page(
    driver: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the web pages set up (a secret and a public address), the chat's leaderboard
    carries a signed link to the board's page; the terminal has its own (quizbot web link)."""
    if driver.name == "console":
        pytest.skip("the terminal's leaderboard is quizbot leaderboard / quizbot web link")
    monkeypatch.setattr(QuizApp, "links", LinkSigner("k" * 32, "https://quiz.example.org"))
    await driver.start_quiz(ALICE, count=1)
    asked = await driver.question(1, 1)
    await driver.answer(ALICE, asked, right=True)
    await driver.deadline()
    await driver.results()
    board = await driver.leaderboard(ALICE)
    assert "alice" in board.lower()
    assert "Leaderboard on the web" in board


async def test_only_the_starter_or_a_moderator_stops_a_quiz(driver: Driver) -> None:
    needs(driver, seats=2)
    await driver.start_quiz(ALICE, count=3)
    await driver.question(1, 3)
    refused = await driver.stop(BOB)
    assert "only alice" in refused.lower() and "moderator" in refused.lower()
    stopped = await driver.stop(None)
    assert "stopped by" in stopped.lower()


async def test_a_moderators_settings_are_the_next_quizs_defaults(driver: Driver) -> None:
    """Anyone sees the channel's settings; a player who does not moderate is refused a change
    (and nothing changes); a moderator's bank, questions and seconds are what the next
    ``/quiz start`` without them plays."""
    if not driver.channel_settings:
        pytest.skip(f"{driver.name} has no channel to set")
    needs(driver, seats=2)
    shown = await driver.settings(BOB)
    assert "Questions: `10` (default)" in shown or "Questions: 10 (default)" in shown
    refused = await driver.settings(BOB, "questions:2 bank:demo")
    assert "only a moderator" in refused.lower()
    assert driver.private_reply == driver.private_refusals  # told Bob alone where one can be
    assert "(default)" in await driver.settings(BOB)
    changed = await driver.settings(None, f"bank:demo questions:2 seconds:{TOTAL_SECONDS}")
    assert "changed this channel's settings" in changed
    assert not driver.private_reply  # the channel is told
    assert "demo" in changed
    shown = await driver.settings(BOB)
    assert "Questions: `2`" in shown or "Questions: 2" in shown
    await driver.start_default_quiz(ALICE)
    asked = await driver.question(1, 2)  # the demo bank (KEY knows its prompts), 2 questions
    assert asked.prompt in KEY
    assert "stopped by" in (await driver.stop(None)).lower()


async def test_flashcards(driver: Driver) -> None:
    front, back, after = await driver.flashcards(DANA if driver.seats > 1 else ALICE)
    assert "What does CPU stand for?" in front and "Central Processing Unit" not in front
    assert "Central Processing Unit" in back
    assert "due" in after.lower()


async def test_a_click_counts_after_a_restart_in_the_middle_of_a_quiz(driver: Driver) -> None:
    needs(driver, seats=2, restarts=True)
    await driver.start_quiz(ALICE, count=2)
    asked = await driver.question(1, 2)
    assert await driver.answer(ALICE, asked, right=True) == "recorded"
    await driver.restart()
    assert await driver.answer(BOB, asked, right=False) == "recorded"
    await driver.deadline()
    reveal = await driver.revealed(asked)
    assert reveal.winners == {"alice"}
    second = await driver.question(2, 2)
    for player in (ALICE, BOB):
        await driver.answer(player, second, right=True)
    standings = await driver.results()
    assert [name for name, _ in standings] == ["alice", "bob"]
