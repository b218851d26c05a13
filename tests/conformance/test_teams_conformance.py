"""Teams on every chat adapter, through its fake platform (issue 20's "done when": a
four-player two-team game shows balanced teams and team totals). Four players first play a
warm-up on the bank (no lobby) so they have a history there: Alice and Carol get every
question right, Bob and Dana none. Then ``/quiz start demo 2 20 teams:2``: a team game has
its lobby although the deployment turned lobbies off (``QUIZBOT_LOBBY=off``); Bob, Carol and
Dana join in that order and Alice starts it. The begun lobby message shows two teams, each
with one strong and one weak player (dealt by the order they joined, as newcomers are,
Alice and Carol would share a team). Each reveal shows the teams' totals, the results a team
leaderboard whose points are the sums of its players' own points, which still count for
them. ``teams:2 lobby:off`` is refused. (The terminal has one player and no teams.)"""

from __future__ import annotations

import re
from typing import Any

from tests.conformance.drivers import TOTAL_SECONDS, Driver, wait_until
from tests.conformance.test_conformance import ALICE, BOB, CAROL, DANA, driver, needs
from tests.conformance.test_lobby_conformance import CHAT, Lobby, lobby_now, press
from tests.discord import reading as discord_reading

__all__ = ["driver"]  # the fixture, run on every platform

STRONG, WEAK = {"alice", "carol"}, {"bob", "dana"}
WARM_UP = 3  # questions: enough history on the bank for each player's accuracy to count


def plain(text: str) -> str:
    """Lower-case text with the platforms' bold markup taken out."""
    return re.sub(r"\*|</?b>", "", text).lower()


async def command(driver: Driver, player: int, words: str, **discord: Any) -> str:
    """``/quiz start WORDS`` typed by ``player``: the command's reply on Discord, else ""."""
    if driver.name == "discord":
        fake = driver.fake  # type: ignore[attr-defined]
        sent = await fake.slash(driver.USERS[player], "quiz", "start", **discord)  # type: ignore[attr-defined]
        return str((await fake.reply_to(sent))["data"].get("content") or "")
    if driver.name == "slack":
        user, name = driver.USERS[player]  # type: ignore[attr-defined]
        await driver.slack.command(f"start {words}", user, name)  # type: ignore[attr-defined]
        return ""
    driver.fake.send_text(driver.users[player], driver.group, f"/quiz start {words}")  # type: ignore[attr-defined]
    return ""


async def open_team_lobby(driver: Driver, player: int, count: int) -> Lobby:
    """``/quiz start demo COUNT SECONDS teams:2``: its lobby message."""
    words = f"demo {count} {TOTAL_SECONDS} teams:2"
    options = {"bank": "demo", "questions": count, "seconds": TOTAL_SECONDS, "teams": 2}
    if driver.name == "discord":
        fake = driver.fake  # type: ignore[attr-defined]
        sent = await fake.slash(driver.USERS[player], "quiz", "start", **options)  # type: ignore[attr-defined]
        reply = await fake.reply_to(sent)
        assert "Press Join" in reply["data"]["content"], reply
        message = fake.response_message(sent)
        ids = "".join(c["custom_id"] for r in message["components"] for c in r["components"])
        return Lobby(int(re.search(r"quiz:join:(\d+)", ids)[1]), int(message["id"]))  # type: ignore[index]
    await command(driver, player, words)
    if driver.name == "slack":
        [call] = await driver.stub.wait_for(  # type: ignore[attr-defined]
            "chat.postMessage", lambda c: "Press Join" in c.params["text"]
        )
        return Lobby(int(call.buttons()[0]["value"]), call)
    fake, group = driver.fake, driver.group  # type: ignore[attr-defined]
    message = await fake.wait_for(
        lambda: next((m for m in fake.bot_messages(group) if "Press Join" in m["text"]), None),
        what="the lobby",
    )
    [[join, _]] = message["reply_markup"]["inline_keyboard"]
    return Lobby(int(join["callback_data"].split(":")[1]), message)


async def refused_lobby_off(driver: Driver, player: int) -> str:
    """``/quiz start demo 2 20 teams:2 lobby:off``: the refusal as shown to the player."""
    words = f"demo 2 {TOTAL_SECONDS} teams:2 lobby:off"
    options = {"bank": "demo", "questions": 2, "seconds": TOTAL_SECONDS, "teams": 2}
    if driver.name == "slack":
        from tests.slack.slack_reading import text_of

        stub = driver.stub  # type: ignore[attr-defined]
        before = len(stub.calls)
        await command(driver, player, words)

        def said() -> str | None:
            replies = [c for c in stub.calls[before:] if c.method == "response_url"]
            return text_of(replies[-1]) if replies else None

        return await wait_until(said, what="the refusal")
    reply = await command(driver, player, words, lobby=False, **options)
    if driver.name == "discord":
        return reply
    fake, group = driver.fake, driver.group  # type: ignore[attr-defined]
    said = await fake.wait_for(
        lambda: next((m for m in fake.bot_messages(group) if "lobby" in m["text"]), None),
        what="the refusal",
    )
    return str(said["text"])


async def second_results(driver: Driver) -> str:
    """The second "Quiz over" message's text (the warm-up's is the first)."""
    if driver.name == "discord":
        fake = driver.fake  # type: ignore[attr-defined]
        shown = await wait_until(
            lambda: discord_reading.results_messages(fake)[1:2] or None, what="the results"
        )
        embed = discord_reading.embed(shown[0])
        fields = "\n".join(f"{f['name']}: {f['value']}" for f in embed.get("fields", []))
        return f"{embed['description']}\n{fields}"
    if driver.name == "slack":
        from tests.slack.slack_reading import text_of

        calls = await driver.stub.wait_for(  # type: ignore[attr-defined]
            "chat.postMessage", lambda c: "Quiz over" in c.params["text"], count=2
        )
        return text_of(calls[1])
    return str((await driver.bot.message(driver.group, "Quiz over", count=2))["text"])  # type: ignore[attr-defined]


def team_totals(text: str) -> dict[str, int]:
    """Each team's points as a reveal or the results show them."""
    return {name: int(points) for name, points in re.findall(r"\b(red|blue) (?:— )?(\d+)", text)}


def player_points(text: str) -> dict[str, int]:
    """Each player's points in the results."""
    rows = re.findall(r"\b(alice|bob|carol|dana) — (\d+) p", text)
    return {name: int(points) for name, points in rows}


async def test_a_four_player_two_team_game_is_balanced_and_shows_team_totals(
    driver: Driver,
) -> None:
    needs(driver, seats=4)
    if driver.name not in CHAT:
        return
    everyone = (ALICE, BOB, CAROL, DANA)
    await driver.start_quiz(ALICE, count=WARM_UP)  # QUIZBOT_LOBBY=off: no lobby
    for number in range(1, WARM_UP + 1):
        asked = await driver.question(number, WARM_UP)
        for player in everyone:
            right = player in (ALICE, CAROL)
            assert await driver.answer(player, asked, right=right) == "recorded"
        if number == 1:
            await driver.deadline()
        await driver.revealed(asked)
    await driver.results()

    assert "team game needs its lobby" in await refused_lobby_off(driver, ALICE)

    lobby = await open_team_lobby(driver, ALICE, count=2)  # a lobby although lobbies are off
    for player in (BOB, CAROL, DANA):
        joined = await press(driver, player, lobby, "Join")
        assert joined is not None and "You're in" in joined.text, joined
    await press(driver, ALICE, lobby, "Start")
    first = await driver.question(1, 2)
    await wait_until(lambda: "team blue:" in lobby_now(driver, lobby))
    shown = plain(lobby_now(driver, lobby))
    assert "started with 4 joined" in shown, shown
    teams = {
        name: set(members.split(", "))
        for name, members in re.findall(r"team (red|blue): (.+)", shown)
    }
    assert set(teams) == {"red", "blue"}, shown
    for members in teams.values():  # balanced: one strong and one weak player each
        assert len(members & STRONG) == 1 and len(members & WEAK) == 1, shown
    team_of = {player: name for name, members in teams.items() for player in members}

    for player in everyone:  # only Alice is right: her team leads, the other has nothing
        assert await driver.answer(player, first, right=player == ALICE) == "recorded"
    reveal = await driver.revealed(first)  # the four who joined closed it
    totals = team_totals(plain(reveal.text))
    other = "blue" if team_of["alice"] == "red" else "red"
    assert totals[team_of["alice"]] > 0 and totals[other] == 0, reveal.text

    second = await driver.question(2, 2)
    for player in everyone:
        assert await driver.answer(player, second, right=player != DANA) == "recorded"
    await driver.revealed(second)
    results = plain(await second_results(driver))
    points = player_points(results)
    assert set(points) == {"alice", "bob", "carol", "dana"}, results
    assert points["dana"] == 0 and points["alice"] > points["bob"] > 0, results
    final = team_totals(results)
    assert final == {name: sum(points[p] for p in members) for name, members in teams.items()}, (
        results
    )
