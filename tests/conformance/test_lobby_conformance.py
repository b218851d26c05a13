"""The lobby on every chat adapter, through its fake platform (issue 20's "done when"): a
chat quiz opens with a join phase by default (``QUIZBOT_LOBBY`` unset); players press Join
(each told privately), a Start from anyone but the starter is refused privately (Discord:
an ephemeral follow-up; Slack: an ephemeral ``response_url`` post; Telegram: a callback
alert), the starter's Start shows who joined and posts question 1, which closes as soon as
the three who joined have answered (no deadline passes: the clock never moves). A late
joiner plays by answering, and the round waits for them too. (The terminal has one player
and no lobby.)"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conformance.drivers import TOTAL_SECONDS, Driver, wait_until
from tests.conformance.test_conformance import ALICE, BOB, CAROL, DANA, driver, needs
from tests.discord.reading import EPHEMERAL

__all__ = ["driver"]  # the fixture, run on every platform

CHAT = ("discord", "slack", "telegram")


@dataclass
class Lobby:
    """A lobby message as posted: its quiz id and the platform's own handle."""

    quiz_id: int
    handle: Any


@dataclass
class Shown:
    """What a presser was shown, and whether only they could see it."""

    text: str
    private: bool


async def open_lobby(driver: Driver, player: int, count: int) -> Lobby:
    """``/quiz start demo COUNT SECONDS`` with the channel's default (a lobby)."""
    if driver.name == "discord":
        fake = driver.fake  # type: ignore[attr-defined]
        sent = await fake.slash(
            driver.USERS[player],  # type: ignore[attr-defined]
            "quiz",
            "start",
            bank="demo",
            questions=count,
            seconds=TOTAL_SECONDS,
        )
        reply = await fake.reply_to(sent)
        assert "Press Join" in reply["data"]["content"], reply
        message = fake.response_message(sent)
        ids = "".join(c["custom_id"] for r in message["components"] for c in r["components"])
        return Lobby(int(re.search(r"quiz:join:(\d+)", ids)[1]), int(message["id"]))  # type: ignore[index]
    if driver.name == "slack":
        user, name = driver.USERS[player]  # type: ignore[attr-defined]
        await driver.slack.command(f"start demo {count} {TOTAL_SECONDS}", user, name)  # type: ignore[attr-defined]
        [call] = await driver.stub.wait_for(  # type: ignore[attr-defined]
            "chat.postMessage", lambda c: "Press Join" in c.params["text"]
        )
        return Lobby(int(call.buttons()[0]["value"]), call)
    fake, group = driver.fake, driver.group  # type: ignore[attr-defined]
    fake.send_text(driver.users[player], group, f"/quiz start demo {count} {TOTAL_SECONDS}")  # type: ignore[attr-defined]
    message = await fake.wait_for(
        lambda: next((m for m in fake.bot_messages(group) if "Press Join" in m["text"]), None),
        what="the lobby",
    )
    [[join, _]] = message["reply_markup"]["inline_keyboard"]
    return Lobby(int(join["callback_data"].split(":")[1]), message)


async def press(driver: Driver, player: int | None, lobby: Lobby, button: str) -> Shown | None:
    """``player`` (None: a moderator) presses Join or Start; what they were told (None for
    a Start that began the game: the channel sees that)."""
    if driver.name == "discord":
        from tests.discord.reading import QUIZMASTER

        fake = driver.fake  # type: ignore[attr-defined]
        user = QUIZMASTER if player is None else driver.USERS[player]  # type: ignore[attr-defined]
        action = "join" if button == "Join" else "begin"
        sent = await fake.click(user, lobby.handle, f"quiz:{action}:{lobby.quiz_id}")
        if button == "Start" and player in (ALICE, None):
            return None
        data = (await fake.reply_to(sent))["data"]
        return Shown(str(data.get("content") or ""), bool(int(data.get("flags") or 0) & EPHEMERAL))
    if driver.name == "slack":
        user, name = ("U0ADMIN", "admin") if player is None else driver.USERS[player]  # type: ignore[attr-defined]
        stub = driver.stub  # type: ignore[attr-defined]
        target = next(b for b in lobby.handle.buttons() if b["text"]["text"] == button)
        before = len(stub.ephemerals(user))
        await driver.slack.click(target, user, name, message_ts=lobby.handle.ts)  # type: ignore[attr-defined]
        if button == "Start" and player in (ALICE, None):
            return None
        shown = await stub.wait_for_ephemerals(user, count=before + 1)
        return Shown(shown[-1].text, True)
    fake, bot = driver.fake, driver.bot  # type: ignore[attr-defined]
    user = driver.moderator if player is None else driver.users[player]  # type: ignore[attr-defined]
    kind = "lj" if button == "Join" else "ls"
    text = await bot.press(user, lobby.handle, f"{kind}:{lobby.quiz_id}")
    if button == "Start" and player in (ALICE, None):
        return None
    answer = fake.callback_answers[-1]
    return Shown(text, answer.show_alert or button == "Join")  # a receipt: the presser's alone


async def start_without_lobby(driver: Driver, player: int, count: int) -> None:
    """``/quiz start demo COUNT SECONDS lobby:off``."""
    if driver.name == "discord":
        fake, user = driver.fake, driver.USERS[player]  # type: ignore[attr-defined]
        options = {"bank": "demo", "questions": count, "seconds": TOTAL_SECONDS, "lobby": False}
        await fake.reply_to(await fake.slash(user, "quiz", "start", **options))
    elif driver.name == "slack":
        user, name = driver.USERS[player]  # type: ignore[attr-defined]
        words = f"start demo {count} {TOTAL_SECONDS} lobby:off"
        await driver.slack.command(words, user, name)  # type: ignore[attr-defined]
    else:
        text = f"/quiz start demo {count} {TOTAL_SECONDS} lobby:off"
        driver.fake.send_text(driver.users[player], driver.group, text)  # type: ignore[attr-defined]


def lobby_now(driver: Driver, lobby: Lobby) -> str:
    """The lobby message's text as the channel sees it now (lower case: Slack's names are)."""
    if driver.name == "discord":
        return str(driver.fake.messages[lobby.handle]["content"]).lower()  # type: ignore[attr-defined]
    if driver.name == "slack":
        edits = driver.stub.of("chat.update")  # type: ignore[attr-defined]
        mine = [c for c in edits if c.params["ts"] == lobby.handle.ts]
        return str((mine[-1] if mine else lobby.handle).params["text"]).lower()
    return str(driver.bot.current(lobby.handle)["text"]).lower()  # type: ignore[attr-defined]


def has_buttons(driver: Driver, lobby: Lobby) -> bool:
    if driver.name == "discord":
        return bool(driver.fake.messages[lobby.handle]["components"])  # type: ignore[attr-defined]
    if driver.name == "slack":
        edits = [c for c in driver.stub.of("chat.update") if c.params["ts"] == lobby.handle.ts]  # type: ignore[attr-defined]
        return bool((edits[-1] if edits else lobby.handle).buttons())
    return bool(driver.bot.current(lobby.handle).get("reply_markup"))  # type: ignore[attr-defined]


@pytest.fixture
def lobbies_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The deployment's default: chat quizzes open with a lobby."""
    monkeypatch.delenv("QUIZBOT_LOBBY", raising=False)


@pytest.mark.usefixtures("lobbies_on")
async def test_three_who_joined_close_question_1_at_once_and_a_late_joiner_plays(
    driver: Driver,
) -> None:
    needs(driver, seats=4)
    if driver.name not in CHAT:
        return
    lobby = await open_lobby(driver, ALICE, count=2)
    for player in (BOB, CAROL):
        joined = await press(driver, player, lobby, "Join")
        assert joined is not None and joined.private and "You're in" in joined.text, joined
    await wait_until(lambda: "joined (3): alice, bob, carol" in lobby_now(driver, lobby))

    refused = await press(driver, DANA, lobby, "Start")  # not the starter, not a moderator
    assert refused is not None and refused.private, refused
    assert "who started this quiz" in refused.text.lower(), refused
    assert "press join" in lobby_now(driver, lobby)  # still waiting

    await press(driver, ALICE, lobby, "Start")
    first = await driver.question(1, 2)
    await wait_until(lambda: "started with 3 joined" in lobby_now(driver, lobby))
    assert not has_buttons(driver, lobby)
    for player in (ALICE, BOB, CAROL):
        assert await driver.answer(player, first, right=player != CAROL) == "recorded"
    # No deadline passed (the clock never moved): the three who joined closed it.
    shown = await driver.revealed(first)
    assert shown.winners == {"alice", "bob"}, shown

    second = await driver.question(2, 2)
    # Dana never pressed Join: answering joins her, and the round now waits for four.
    assert await driver.answer(DANA, second, right=True) == "recorded"
    for player in (ALICE, BOB, CAROL):
        assert await driver.answer(player, second, right=True) == "recorded"
    assert (await driver.revealed(second)).winners == {"alice", "bob", "carol", "dana"}
    standings = dict(await driver.results())
    assert set(standings) == {"alice", "bob", "carol", "dana"}
    assert standings["alice"] > standings["carol"]


@pytest.mark.usefixtures("lobbies_on")
async def test_a_moderator_starts_a_lobby_and_lobby_off_skips_it(driver: Driver) -> None:
    needs(driver, seats=2)
    if driver.name not in CHAT:
        return
    lobby = await open_lobby(driver, ALICE, count=1)
    assert await press(driver, None, lobby, "Start") is None  # a moderator may start it
    first = await driver.question(1, 1)
    await wait_until(lambda: "started with 1 joined: alice" in lobby_now(driver, lobby))
    assert await driver.answer(ALICE, first, right=True) == "recorded"
    await driver.revealed(first)  # Alice alone joined: her answer closed it
    await driver.results()

    await start_without_lobby(driver, BOB, count=2)  # straight to question 1
    await driver.question(1, 2)


@pytest.mark.usefixtures("lobbies_on")
async def test_a_lobby_works_after_a_restart_and_begins_by_itself(driver: Driver) -> None:
    """The buttons carry the quiz, so a restarted bot serves them; when its time runs out
    the ticker begins the game with whoever joined."""
    needs(driver, seats=2, restarts=True)
    if driver.name not in CHAT:
        return
    lobby = await open_lobby(driver, ALICE, count=1)
    await driver.restart()
    joined = await press(driver, BOB, lobby, "Join")
    assert joined is not None and "You're in" in joined.text, joined
    driver.clock.advance(seconds=31)
    await driver.tick()
    first = await driver.question(1, 1)
    await wait_until(lambda: "started with 2 joined: alice, bob" in lobby_now(driver, lobby))
    assert await driver.answer(BOB, first, right=True) == "recorded"
    assert await driver.answer(ALICE, first, right=False) == "recorded"
    assert (await driver.revealed(first)).winners == {"bob"}
