"""The kit's lobby through the conductor, on SQLite and PostgreSQL: a Join click edits the
lobby message, a Start from anyone but the starter (or a moderator) is refused, the starter's
Start shows who joined and posts question 1, and the ticker begins a lobby whose time ran out.
The surface is a recording stand-in for a platform (the platforms' own fakes test theirs)."""

from __future__ import annotations

import dataclasses

import pytest

from adapters.kit.commands import Help, Start, parse
from adapters.kit.conductor import Conductor
from adapters.kit.dispatch import Dispatcher, Request
from adapters.kit.lobby import lobby_text, start_options, wanted
from adapters.kit.surface import Capabilities
from bot.clock import FakeClock
from bot.errors import NotAllowedError
from bot.services import QuizApp
from bot.services.channel_settings import ChannelSettings, parse_changes
from bot.views import ChannelRef, LobbyView, QuestionView, QuizResults, RoundOutcome
from tests.test_engine import ANN, BOB, CAT, HERE


class LobbySurface:
    """Records what the conductor shows."""

    platform = "discord"
    capabilities = Capabilities(private_chats=False, lobby=True)

    def __init__(self) -> None:
        self.lobbies: list[LobbyView] = []
        self.questions: list[QuestionView] = []

    async def post_lobby(self, lobby: LobbyView) -> str:
        self.lobbies.append(lobby)
        return "lobby-msg"

    async def edit_lobby(self, lobby: LobbyView) -> None:
        self.lobbies.append(lobby)

    async def post_question(self, question: QuestionView) -> str:
        self.questions.append(question)
        return f"msg-{question.round_id}"

    async def reveal(self, outcome: RoundOutcome, *, stopped: bool = False) -> None: ...
    async def post_results(self, results: QuizResults) -> None: ...
    async def end_daily(self, outcome: RoundOutcome) -> None: ...
    async def open_private(self, where: ChannelRef, user: str) -> str:
        raise AssertionError("no private chats")

    async def tell(self, where: ChannelRef, user: str, text: str) -> None: ...
    def owns(self, workspace: str) -> bool:
        return True


async def no() -> bool:
    return False


async def yes() -> bool:
    return True


async def posted_lobby(app: QuizApp, conductor: Conductor) -> LobbyView:
    lobby = await app.quizzes.start(HERE, ANN, "crm-podcast", 3, 30, lobby_seconds=30)
    assert isinstance(lobby, LobbyView)
    await conductor._post_lobby(lobby)
    return lobby


async def test_join_and_the_starters_start(app: QuizApp) -> None:
    surface = LobbySurface()
    conductor = Conductor(app, surface)
    lobby = await posted_lobby(app, conductor)
    await conductor.join(lobby.quiz_id, BOB, HERE)
    await conductor.join(lobby.quiz_id, BOB, HERE)  # a second click changes nothing
    assert [v.players for v in surface.lobbies] == [("Ann",), ("Ann", "Bob")]
    assert surface.lobbies[-1].message_ref == "lobby-msg"
    assert "Joined (2): Ann, Bob" in lobby_text(surface.lobbies[-1])

    with pytest.raises(NotAllowedError):
        await conductor.begin(lobby.quiz_id, CAT, HERE, no)
    assert surface.questions == []
    assert await conductor.begin(lobby.quiz_id, ANN, HERE, no)
    assert surface.lobbies[-1].begun and "Started with 2 joined" in lobby_text(surface.lobbies[-1])
    assert [q.number for q in surface.questions] == [1]
    assert not await conductor.begin(lobby.quiz_id, CAT, HERE, yes)  # begun already


async def test_the_ticker_begins_a_lobby_whose_time_ran_out(app: QuizApp, clock: FakeClock) -> None:
    surface = LobbySurface()
    conductor = Conductor(app, surface)
    lobby = await posted_lobby(app, conductor)
    clock.advance(31)
    await conductor.ticker.tick()
    assert surface.lobbies[-1].begun and surface.lobbies[-1].quiz_id == lobby.quiz_id
    assert [q.number for q in surface.questions] == [1]


def test_whether_a_chat_quiz_has_a_lobby() -> None:
    assert wanted(None, True, {}) and not wanted(None, False, {})
    assert not wanted(False, True, {}) and wanted(True, False, {"QUIZBOT_LOBBY": "off"})
    assert not wanted(None, True, {"QUIZBOT_LOBBY": "off"})


def test_lobby_start_options_follow_the_command_the_channel_and_the_operator() -> None:
    relaxed = ChannelSettings(relaxed=True, relaxed_max_seconds=90)
    assert start_options(None, relaxed, {}) == {"lobby_seconds": 30, "max_seconds": 90}
    assert start_options(None, ChannelSettings(), {}) == {"lobby_seconds": 30, "max_seconds": None}
    assert start_options(None, ChannelSettings(lobby=False), {}) == {}
    assert start_options(None, relaxed, {"QUIZBOT_LOBBY": "off"}) == {}
    assert start_options(True, ChannelSettings(lobby=False), {"QUIZBOT_LOBBY": "off"})


def test_lobby_on_or_off_is_parsed_from_the_start_command() -> None:
    assert parse("start demo 3 lobby:on") == Start(bank="demo", count=3, lobby=True)
    assert parse("start lobby:OFF") == Start(lobby=False)
    assert parse("start lobby: off").lobby is False  # type: ignore[union-attr]
    assert parse("start") == Start()  # the channel's setting decides
    assert isinstance(parse("start lobby:maybe"), Help)


async def test_quiz_start_opens_the_channels_lobby_relaxed_as_set(
    app: QuizApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QUIZBOT_LOBBY", raising=False)
    surface = LobbySurface()
    dispatcher = Dispatcher(Conductor(app, surface))
    request = Request(HERE, ANN, yes)
    changes = parse_changes(["relaxed:on", "relaxed_max_seconds:90"])
    await app.change_channel_settings(HERE, ANN, changes, is_moderator=True)
    assert await dispatcher.run(Start(bank="crm-podcast", count=2), request) is None
    [lobby] = surface.lobbies
    assert lobby.players == ("Ann",) and lobby.max_seconds == 90 and surface.questions == []
    await app.stop_quiz(HERE, ANN)
    await dispatcher.run(Start(bank="crm-podcast", count=2, lobby=False), request)
    assert len(surface.lobbies) == 1 and [q.number for q in surface.questions] == [1]


def test_discord_lobby_message_escapes_names_and_drops_buttons_once_begun() -> None:
    from adapters.discord.surface import lobby_message

    view = LobbyView(1, HERE, "Demo", 3, 20, "**Ann**", ("**Ann**", "@everyone"), None)
    shown = lobby_message(view)
    assert "\\*\\*Ann\\*\\*" in str(shown["content"]) and shown["view"] is not None
    assert lobby_message(dataclasses.replace(view, begun=True))["view"] is None
