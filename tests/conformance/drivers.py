"""One way to play quizbot on every platform: a driver per adapter, over its fake platform.

A :class:`Driver` acts as players (0: Alice, 1: Bob, 2: Carol, 3: Dana; and a moderator)
and reads what they would see, in the same terms on every platform: receipts as
"recorded" / "already" / "closed", reveals as the right answer and who got it, results as
names and points. Each driver runs the real adapter (discord.py, slack-bolt,
python-telegram-bot, or the terminal) over the real core on a fresh SQLite file with the
shipped banks, against the platform's fake from ``tests/``, with a FakeClock; deadlines
pass when a test says so (:meth:`Driver.deadline`). A fourth platform adds a driver here
and passes the same scenarios (``test_conformance.py``).
"""

from __future__ import annotations

import asyncio
import copy
import io
import queue
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import discord
import pytest
import yarl

from adapters.console.game import ConsoleGame, local_player
from adapters.discord.client import QuizClient
from adapters.discord.settings import DiscordSettings
from bot.clock import FakeClock
from bot.services import QuizApp
from tests.discord import reading as discord_reading
from tests.discord.fake_discord import GOOD_TOKEN, MODERATOR_ROLE_ID, FakeDiscord, FakeUser
from tests.discord.harness import wait_until
from tests.discord.reading import KEY

NAMES = ("Alice", "Bob", "Carol", "Dana")
TOTAL_SECONDS = 20


@dataclass
class Asked:
    """A question as shown: its number, prompt, kind, and the platform's own handle."""

    number: int
    prompt: str
    typed: bool
    handle: Any


@dataclass
class Reveal:
    """A closed question as shown: its text, and who got it right (lower-case names)."""

    text: str
    winners: set[str]


def status_of(text: str) -> str:
    """A receipt in the suite's terms."""
    low = text.lower()
    for word, status in (("recorded", "recorded"), ("already", "already"), ("late", "closed")):
        if word in low:
            return status
    return "closed" if "closed" in low else low


def prompt_in(text: str) -> str:
    return next(p for p in KEY if p in text)


def winners_in(text: str) -> set[str]:
    found = re.search(r"Got it right:?\*?\*?\s*(.*?)(?: · |\n|$)", text)
    if not found or found.group(1).strip().lower() in ("nobody", "nobody got it right."):
        return set()
    return {n.strip().lower() for n in found.group(1).split(",") if n.strip()}


class Driver(ABC):
    """Playing quizbot on one platform (see the module's docstring)."""

    name: str
    #: How many players can play one quiz together (the terminal has one).
    seats: int = 4
    #: Whether the first question closes as soon as its one player answers (a solo quiz).
    solo: bool = False
    #: Whether a restart of the bot in the middle of a quiz means anything here.
    restarts: bool = True
    #: Whether channels here have settings (``/quiz settings``; the terminal has no channel).
    channel_settings: bool = True

    def __init__(self, clock: FakeClock, database_url: str, tmp_path: Path) -> None:
        self.clock = clock
        self.database_url = database_url
        self.tmp_path = tmp_path

    @abstractmethod
    async def open(self, monkeypatch: pytest.MonkeyPatch) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def start_quiz(self, player: int, count: int) -> None: ...

    @abstractmethod
    async def question(self, number: int, total: int) -> Asked: ...

    @abstractmethod
    async def answer(self, player: int, asked: Asked, *, right: bool) -> str:
        """Answer as ``player``; the receipt in the suite's terms."""

    @abstractmethod
    async def answer_late(self, player: int, asked: Asked, *, right: bool) -> str:
        """Press an option of ``asked`` as it was first shown (after it closed)."""

    @abstractmethod
    async def revealed(self, asked: Asked) -> Reveal: ...

    @abstractmethod
    async def results(self) -> list[tuple[str, int]]:
        """The final standings: (lower-case name, points), best first."""

    async def deadline(self) -> None:
        self.clock.advance(seconds=TOTAL_SECONDS)
        await self.tick()

    @abstractmethod
    async def tick(self) -> int: ...

    @abstractmethod
    async def stop(self, player: int | None) -> str:
        """``/quiz stop`` by ``player`` (None: a moderator); what the channel or they see."""

    @abstractmethod
    async def leaderboard(self, player: int) -> str: ...

    @abstractmethod
    async def flashcards(self, player: int) -> list[str]:
        """Review the demo deck's card: the front, the back, what follows rating it Good."""

    @abstractmethod
    async def restart(self) -> None: ...

    #: Whether the last reply to :meth:`settings` was seen by its asker alone (Telegram has
    #: no such replies in a group: there a refusal answers the command in the group).
    private_reply: bool = False
    #: Whether a refusal can be shown to the one refused alone on this platform.
    private_refusals: bool = True

    async def settings(self, player: int | None, words: str = "") -> str:
        """``/quiz settings WORDS`` by ``player`` (None: a moderator); the reply they see
        (and :attr:`private_reply` says whether only they see it)."""
        raise NotImplementedError(f"{self.name} has no channel settings")

    async def start_default_quiz(self, player: int) -> None:
        """``/quiz start`` with no bank, number of questions or seconds."""
        raise NotImplementedError(f"{self.name} has no channel settings")


def settings_options(words: str) -> dict[str, Any]:
    """``questions:2 hints:off`` as typed options: ``{"questions": 2, "hints": False}``."""
    options: dict[str, Any] = {}
    for word in words.split():
        key, _, value = word.partition(":")
        options[key] = (
            int(value) if value.isdigit() else {"on": True, "off": False}.get(value, value)
        )
    return options


# -- Discord -----------------------------------------------------------------------------------


class DiscordDriver(Driver):
    name = "discord"
    USERS = (
        discord_reading.ALICE,
        discord_reading.BOB,
        discord_reading.CAROL,
        discord_reading.DANA,
    )

    async def open(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.fake = FakeDiscord()
        await self.fake.start()
        monkeypatch.setattr(discord.http.Route, "BASE", self.fake.api_base)
        monkeypatch.setattr(
            discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(self.fake.gateway_url)
        )
        self.bots: list[tuple[QuizClient, QuizApp, asyncio.Task[None]]] = []
        await self._start_bot()

    async def _start_bot(self) -> None:
        app = await QuizApp.open(self.database_url, clock=self.clock)
        settings = DiscordSettings(token=GOOD_TOKEN, moderator_role=str(MODERATOR_ROLE_ID))
        client = QuizClient(app, settings, run_ticker=False, guild_ready_timeout=0.05)
        task = asyncio.create_task(client.start(GOOD_TOKEN))
        self.bots.append((client, app, task))
        await wait_until(lambda: client.is_ready() or task.done(), what="the bot to be ready")

    async def _stop_bot(self) -> None:
        client, app, task = self.bots[-1]
        await client.close()
        await task
        await app.close()

    async def close(self) -> None:
        await self._stop_bot()
        await self.fake.stop()
        assert not self.fake.unknown, self.fake.unknown

    async def start_quiz(self, player: int, count: int) -> None:
        sent = await self.fake.slash(
            self.USERS[player],
            "quiz",
            "start",
            bank="demo",
            questions=count,
            seconds=TOTAL_SECONDS,
        )
        await self.fake.reply_to(sent)

    async def question(self, number: int, total: int) -> Asked:
        message = await self.fake.wait_for(
            lambda: discord_reading.question_message(self.fake, number, total),
            what=f"question {number}",
        )
        prompt = discord_reading.prompt_of(message)
        # The fake edits its messages in place: keep the question as it was first shown.
        return Asked(number, prompt, KEY[prompt]["kind"] == "typed", copy.deepcopy(message))

    async def answer(self, player: int, asked: Asked, *, right: bool) -> str:
        user = self.USERS[player]
        if asked.typed:
            text = KEY[asked.prompt]["right"] if right else "no idea"
            said = await self.fake.say(user, text)
            await self.fake.wait_for(
                lambda: (
                    any(f"/messages/{said['id']}/reactions/" in c.path for c in self.fake.calls)
                    or self._reveal_text(asked)
                ),
                what="the typed answer to be taken",
            )
            return "recorded"
        message = self.fake.messages[int(asked.handle["id"])]
        right_id, wrong_id = discord_reading.option_buttons(asked.handle)
        if not discord_reading.buttons(message):
            message = asked.handle
        sent = await self.fake.click(
            user, int(asked.handle["id"]), right_id if right else wrong_id, message=message
        )
        return status_of(await discord_reading.private_reply(self.fake, sent))

    async def answer_late(self, player: int, asked: Asked, *, right: bool) -> str:
        right_id, wrong_id = discord_reading.option_buttons(asked.handle)
        sent = await self.fake.click(
            self.USERS[player],
            int(asked.handle["id"]),
            right_id if right else wrong_id,
            message=asked.handle,
        )
        return status_of(await discord_reading.private_reply(self.fake, sent))

    def _reveal_text(self, asked: Asked) -> str | None:
        message = self.fake.messages[int(asked.handle["id"])]
        if not discord_reading.revealed(self.fake, int(asked.handle["id"])):
            return None
        embed = discord_reading.embed(message)
        fields = "\n".join(f"{f['name']}: {f['value']}" for f in embed.get("fields", []))
        return f"{embed['description']}\n{fields}"

    async def revealed(self, asked: Asked) -> Reveal:
        text = await self.fake.wait_for(lambda: self._reveal_text(asked), what="the reveal")
        return Reveal(text, winners_in(text))

    async def results(self) -> list[tuple[str, int]]:
        message = await self.fake.wait_for(
            lambda: discord_reading.results_message(self.fake), what="the results"
        )
        rows = re.findall(
            r"\*\*\d+\.\*\* (.+?) — (\d+) pts", discord_reading.embed(message)["description"]
        )
        return [(name.lower(), int(points)) for name, points in rows]

    async def tick(self) -> int:
        return await self.bots[-1][0].ticker.tick()

    async def stop(self, player: int | None) -> str:
        user = discord_reading.QUIZMASTER if player is None else self.USERS[player]
        reply = await self.fake.reply_to(await self.fake.slash(user, "quiz", "stop"))
        data = reply["data"]
        embeds = data.get("embeds") or []
        return data.get("content") or (
            f"{embeds[0].get('title', '')} {embeds[0].get('footer', {}).get('text', '')}"
            if embeds
            else ""
        )

    async def leaderboard(self, player: int) -> str:
        reply = await self.fake.reply_to(
            await self.fake.slash(self.USERS[player], "quiz", "leaderboard")
        )
        embed = reply["data"]["embeds"][0]
        fields = [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
        return "\n".join([str(embed["description"]), *fields])

    async def flashcards(self, player: int) -> list[str]:
        user = self.USERS[player]
        sent = await self.fake.slash(user, "flashcards", bank="demo")
        reply = await self.fake.reply_to(sent)
        front = reply["data"]["embeds"][0]["description"]
        message_id = int(self.fake.response_message(sent)["id"])
        (show,) = discord_reading.buttons(self.fake.messages[message_id])
        turned = await self.fake.reply_to(await self.fake.click(user, message_id, show))
        back = discord_reading.field(turned["data"]["embeds"][0], "Answer") or ""
        good = next(
            c
            for c, label in discord_reading.buttons(self.fake.messages[message_id]).items()
            if label == "Good"
        )
        rated = await self.fake.reply_to(await self.fake.click(user, message_id, good))
        return [front, back, rated["data"]["embeds"][0]["description"]]

    async def restart(self) -> None:
        await self._stop_bot()
        await self._start_bot()

    async def settings(self, player: int | None, words: str = "") -> str:
        user = discord_reading.QUIZMASTER if player is None else self.USERS[player]
        options = settings_options(words)
        reply = await self.fake.reply_to(await self.fake.slash(user, "quiz", "settings", **options))
        self.private_reply = bool(int(reply["data"].get("flags") or 0) & 64)
        return str(reply["data"].get("content") or "")

    async def start_default_quiz(self, player: int) -> None:
        await self.fake.reply_to(await self.fake.slash(self.USERS[player], "quiz", "start"))


# -- Slack -------------------------------------------------------------------------------------


class SlackDriver(Driver):
    name = "slack"
    USERS = (("U0ALICE", "alice"), ("U0BOB", "bob"), ("U0CAROL", "carol"), ("U0DANA", "dana"))

    async def open(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from aiohttp import web

        from tests.slack.conftest import BOT_TOKEN, TEAM
        from tests.slack.stub_slack_api import StubSlackApi

        # The players' Slack names are what users.info says (a typed answer's only source).
        users: dict[str, dict[str, Any]] = {u: {"name": name} for u, name in self.USERS}
        users["U0ADMIN"] = {"is_admin": True}
        self.stub = StubSlackApi(users=users, tokens={BOT_TOKEN: TEAM})
        self._stub_runner = web.AppRunner(self.stub.web_app())
        await self._stub_runner.setup()
        site = web.TCPSite(self._stub_runner, "127.0.0.1", 0)
        await site.start()
        self.stub.url = f"http://127.0.0.1:{self._stub_runner.addresses[0][1]}"
        for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL"):
            monkeypatch.delenv(name, raising=False)
        self.apps: list[QuizApp] = []
        await self._serve()

    async def _serve(self) -> None:
        from adapters.slack.settings import SlackSettings
        from tests.slack.conftest import BOT_TOKEN, SIGNING_SECRET, serve

        app = await QuizApp.open(self.database_url, clock=self.clock)
        self.apps.append(app)
        settings = SlackSettings(
            bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=f"{self.stub.url}/api/"
        )
        self._serving = serve(settings, app, self.stub, self.clock)
        self.slack = await anext(self._serving)

    async def _unserve(self) -> None:
        with pytest.raises(StopAsyncIteration):
            await anext(self._serving)
        await self.apps[-1].close()

    async def close(self) -> None:
        await self._unserve()
        await self._stub_runner.cleanup()

    async def start_quiz(self, player: int, count: int) -> None:
        user, name = self.USERS[player]
        await self.slack.command(f"start demo {count} {TOTAL_SECONDS}", user, name)

    def _posts(self) -> list[Any]:
        return self.stub.of("chat.postMessage")

    async def question(self, number: int, total: int) -> Asked:
        from tests.slack.slack_reading import text_of

        call = (
            await self.stub.wait_for(
                "chat.postMessage", lambda c: f"Question {number}/{total}" in c.params["text"]
            )
        )[0]
        prompt = prompt_in(text_of(call))
        return Asked(number, prompt, KEY[prompt]["kind"] == "typed", call)

    def _button(self, asked: Asked, right: bool) -> dict[str, Any]:
        right_text = KEY[asked.prompt]["right"]
        for button in asked.handle.buttons():
            if (button["text"]["text"].split(". ", 1)[1] == right_text) == right:
                return dict(button)
        raise AssertionError("no such button")

    async def answer(self, player: int, asked: Asked, *, right: bool) -> str:
        user, name = self.USERS[player]
        before = len(self.stub.ephemerals(user))
        if asked.typed:
            await self.slack.message(KEY[asked.prompt]["right"] if right else "no idea", user)
        else:
            await self.slack.click(
                self._button(asked, right), user, name, message_ts=asked.handle.ts
            )
        shown = await self.stub.wait_for_ephemerals(user, count=before + 1)
        return status_of(shown[-1].text)

    async def answer_late(self, player: int, asked: Asked, *, right: bool) -> str:
        return await self.answer(player, asked, right=right)

    async def revealed(self, asked: Asked) -> Reveal:
        from tests.slack.slack_reading import text_of, winners

        [call] = await self.stub.wait_for(
            "chat.update", lambda c: c.params["ts"] == asked.handle.ts
        )
        return Reveal(text_of(call), {w.lower() for w in winners(call)})

    async def results(self) -> list[tuple[str, int]]:
        from tests.slack.slack_reading import text_of

        [call] = await self.stub.wait_for(
            "chat.postMessage", lambda c: "Quiz over" in c.params["text"]
        )
        rows = re.findall(r"\S+ (\S+) — (\d+) points?", text_of(call))
        return [(name.lower(), int(points)) for name, points in rows]

    async def tick(self) -> int:
        return await self.slack.tick()

    async def stop(self, player: int | None) -> str:
        user, name = ("U0ADMIN", "admin") if player is None else self.USERS[player]
        before = len(self.stub.calls)
        await self.slack.command("stop", user, name)

        from tests.slack.slack_reading import text_of

        def said() -> str | None:
            for call in self.stub.calls[before:]:
                if (call.method == "response_url" and call.source == "command") or (
                    call.method == "chat.postMessage" and "Quiz over" in call.params["text"]
                ):
                    return text_of(call)
            return None

        return await wait_until(said, what="the stop's reply")

    async def leaderboard(self, player: int) -> str:
        user, name = self.USERS[player]
        await self.slack.command("leaderboard", user, name)
        [call] = await self.stub.wait_for(
            "response_url", lambda c: "Leaderboard" in c.params["text"]
        )
        from tests.slack.slack_reading import text_of

        return text_of(call)

    async def flashcards(self, player: int) -> list[str]:
        from tests.slack.slack_reading import text_of

        user, name = self.USERS[player]
        seen = len(self.stub.of("response_url"))
        await self.slack.command("flashcards demo", user, name)
        front = (await self.stub.wait_for("response_url", count=seen + 1))[seen]
        [show] = front.buttons()
        await self.slack.click(show, user, name, ephemeral=True, message_ts="1.2")
        back = (await self.stub.wait_for("response_url", count=seen + 2))[seen + 1]
        good = next(b for b in back.buttons() if b["action_id"].endswith("good"))
        await self.slack.click(good, user, name, ephemeral=True, message_ts="1.2")
        after = (await self.stub.wait_for("response_url", count=seen + 3))[seen + 2]
        return [text_of(front), text_of(back), text_of(after)]

    async def restart(self) -> None:
        await self._unserve()
        await self._serve()

    async def settings(self, player: int | None, words: str = "") -> str:
        from tests.slack.slack_reading import text_of

        user, name = ("U0ADMIN", "admin") if player is None else self.USERS[player]
        before = len(self.stub.calls)
        await self.slack.command(f"settings {words}".strip(), user, name)

        def said() -> str | None:
            for call in self.stub.calls[before:]:
                if call.method == "response_url" and call.source == "command":
                    self.private_reply = call.params.get("response_type") == "ephemeral"
                    return text_of(call)
            return None

        return await wait_until(said, what="the settings reply")

    async def start_default_quiz(self, player: int) -> None:
        user, name = self.USERS[player]
        await self.slack.command("start", user, name)


# -- Telegram ----------------------------------------------------------------------------------


class TelegramDriver(Driver):
    name = "telegram"
    private_refusals = False

    async def open(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from tests.telegram.fake_telegram import FakeTelegram, RateLimits

        self.fake = FakeTelegram(clock=self.clock, rate_limits=RateLimits(enabled=False))
        await self.fake.start()
        self.users = [self.fake.add_user(n) for n in NAMES]
        self.moderator = self.fake.add_user("Erin")
        self.group = self.fake.add_group(
            "Study group",
            {**{u: "member" for u in self.users}, self.moderator: "administrator"},
        )
        for user in self.users:
            self.fake.start_bot(user)  # so personal replies can reach them
        await self._start_bot()

    async def _start_bot(self) -> None:
        from tests.telegram.harness import running_bot

        self._running = running_bot(self.fake, self.database_url, self.clock, self.tmp_path)
        self.bot = await self._running.__aenter__()

    async def _stop_bot(self) -> None:
        await self._running.__aexit__(None, None, None)

    async def close(self) -> None:
        await self._stop_bot()
        await self.fake.stop()
        assert not self.fake.unknown, self.fake.unknown

    async def start_quiz(self, player: int, count: int) -> None:
        self.fake.send_text(
            self.users[player], self.group, f"/quiz start demo {count} {TOTAL_SECONDS}"
        )

    async def question(self, number: int, total: int) -> Asked:
        message = await self.bot.message(self.group, f"Question {number}/{total}")
        prompt = prompt_in(message["text"])
        return Asked(number, prompt, KEY[prompt]["kind"] == "typed", message)

    async def answer(self, player: int, asked: Asked, *, right: bool) -> str:
        from tests.telegram.harness import option_data

        user = self.users[player]
        if asked.typed:
            before = len(self.fake.of("setMessageReaction"))
            text = KEY[asked.prompt]["right"] if right else "no idea"
            self.fake.send_text(user, self.group, text, reply_to=asked.handle["message_id"])
            await self.fake.wait_for(
                lambda: (
                    len(self.fake.of("setMessageReaction")) > before
                    or "closed" in self.bot.current(asked.handle)["text"]
                ),
                what="the typed answer to be taken",
            )
            return "recorded"
        shown = self.bot.current(asked.handle)
        version = -1 if shown.get("reply_markup") else 0
        return status_of(
            await self.bot.press(
                user, asked.handle, option_data(asked.handle, right=right), version=version
            )
        )

    async def answer_late(self, player: int, asked: Asked, *, right: bool) -> str:
        from tests.telegram.harness import option_data

        data = option_data(asked.handle, right=right)
        return status_of(await self.bot.press(self.users[player], asked.handle, data, version=0))

    async def revealed(self, asked: Asked) -> Reveal:
        await self.fake.wait_for(
            lambda: "closed" in self.bot.current(asked.handle)["text"], what="the reveal"
        )
        text = self.bot.current(asked.handle)["text"]
        return Reveal(text, winners_in(text))

    async def results(self) -> list[tuple[str, int]]:
        message = await self.bot.message(self.group, "Quiz over")
        rows = re.findall(r"\S+ (\S+) — (\d+) points?", message["text"])
        return [(name.lower(), int(points)) for name, points in rows]

    async def tick(self) -> int:
        return await self.bot.tick()

    async def stop(self, player: int | None) -> str:
        user = self.moderator if player is None else self.users[player]
        before = len(self.fake.bot_messages(self.group))
        self.fake.send_text(user, self.group, "/quiz stop")
        messages = await self.fake.wait_for(
            lambda: [
                m
                for m in self.fake.bot_messages(self.group)[before:]
                if not m["text"].startswith("Question")
            ],
            what="the stop's reply",
        )
        return str(messages[-1]["text"])

    async def leaderboard(self, player: int) -> str:
        self.fake.send_text(self.users[player], self.group, "/quiz leaderboard")
        return str((await self.bot.message(self.group, "Leaderboard"))["text"])

    async def flashcards(self, player: int) -> list[str]:
        user = self.users[player]
        private = self.fake.private_chat(user)
        assert private is not None
        self.fake.send_text(user, self.group, "/flashcards demo")
        card = await self.bot.message(private, "Flashcard")
        front = card["text"]
        [[show]] = card["reply_markup"]["inline_keyboard"]
        await self.bot.press(user, card, show["callback_data"])
        await self.fake.wait_for(lambda: "How well" in self.bot.current(card)["text"], what="back")
        back = self.bot.current(card)["text"]
        good = self.bot.current(card)["reply_markup"]["inline_keyboard"][0][2]["callback_data"]
        await self.bot.press(user, self.bot.current(card), good)
        await self.fake.wait_for(
            lambda: "How well" not in self.bot.current(card)["text"], what="rated"
        )
        return [front, back, self.bot.current(card)["text"]]

    async def restart(self) -> None:
        await self._stop_bot()
        await self._start_bot()

    async def settings(self, player: int | None, words: str = "") -> str:
        user = self.moderator if player is None else self.users[player]
        before = len(self.fake.bot_messages(self.group))
        self.fake.send_text(user, self.group, f"/quiz settings {words}".strip())
        messages = await self.fake.wait_for(
            lambda: self.fake.bot_messages(self.group)[before:], what="the settings reply"
        )
        return str(messages[-1]["text"])

    async def start_default_quiz(self, player: int) -> None:
        self.fake.send_text(self.users[player], self.group, "/quiz start")


# -- the terminal ------------------------------------------------------------------------------


class LineInput(io.TextIOBase):
    """Standard input fed by the test, a line at a time (blocking, as a terminal's is)."""

    def __init__(self) -> None:
        self.lines: queue.Queue[str] = queue.Queue()

    def readline(self, size: int = -1) -> str:  # type: ignore[override]
        return self.lines.get(timeout=30)

    def isatty(self) -> bool:
        return False


@dataclass
class Transcript(io.StringIO):
    """What the terminal shows."""

    seen: list[str] = field(default_factory=list)


class ConsoleDriver(Driver):
    name = "console"
    seats = 1
    solo = True
    restarts = False
    channel_settings = False

    async def open(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.app = await QuizApp.open(self.database_url, clock=self.clock)
        self.stdin = LineInput()
        self.stdout = io.StringIO()
        self.game = ConsoleGame(self.app, self.stdin, self.stdout, local_player("Alice"))
        self.task: asyncio.Task[Any] | None = None

    async def close(self) -> None:
        if self.task is not None and not self.task.done():
            self.stdin.lines.put("")  # end of input
            await asyncio.gather(self.task, return_exceptions=True)
        await self.app.close()

    def text(self) -> str:
        return self.stdout.getvalue()

    async def start_quiz(self, player: int, count: int) -> None:
        self.task = asyncio.create_task(self.game.play("demo", count, TOTAL_SECONDS, None, None))

    async def question(self, number: int, total: int) -> Asked:
        marker = f"Question {number}/{total}"
        await wait_until(lambda: marker in self.text(), what=marker)
        shown = self.text()[self.text().index(marker) :]
        prompt = prompt_in(shown)
        return Asked(number, prompt, KEY[prompt]["kind"] == "typed", self.text().index(marker))

    async def answer(self, player: int, asked: Asked, *, right: bool) -> str:
        if asked.typed:
            line = KEY[asked.prompt]["right"] if right else "no idea"
        else:
            block = self.text()[asked.handle :]
            right_text = KEY[asked.prompt]["right"]
            options = re.findall(r"^  ([A-J])\) (.*)$", block, flags=re.M)
            line = next(label for label, text in options if (text == right_text) == right)
        self.stdin.lines.put(line + "\n")
        return "recorded"

    async def answer_late(self, player: int, asked: Asked, *, right: bool) -> str:
        raise NotImplementedError("the terminal asks one question at a time")

    async def revealed(self, asked: Asked) -> Reveal:
        def verdict() -> str | None:
            after = self.text()[asked.handle :]
            found = re.search(r"^(Correct!|Wrong\. The answer was .*)$", after, flags=re.M)
            return found.group(0) if found else None

        text = await wait_until(verdict, what="the verdict")
        return Reveal(text, {"alice"} if text == "Correct!" else set())

    async def results(self) -> list[tuple[str, int]]:
        found = await wait_until(
            lambda: re.search(r"Final score: \d+/\d+ correct, (\d+) points", self.text()),
            what="the final score",
        )
        return [("alice", int(found.group(1)))]

    async def tick(self) -> int:
        return 0

    async def stop(self, player: int | None) -> str:
        raise NotImplementedError("the terminal has one player, who stops by ending input")

    async def leaderboard(self, player: int) -> str:
        board = await self.app.leaderboard(self.game.where)
        return "\n".join(f"{row.name} {row.points}" for row in board.rows)

    async def flashcards(self, player: int) -> list[str]:
        from adapters.console.flashcards import review_flashcards

        stdin, stdout = LineInput(), io.StringIO()
        stdin.lines.put("\n")
        stdin.lines.put("good\n")
        await review_flashcards(
            self.app, bank="demo", limit=5, name="Alice", stdin=stdin, stdout=stdout
        )
        out = stdout.getvalue()
        front = out[out.index("What does CPU") : out.index("(Enter to see")]
        return [front, out[out.index("Central Processing Unit") :], out.splitlines()[-1]]

    async def restart(self) -> None:
        raise NotImplementedError


DRIVERS: dict[str, type[Driver]] = {
    d.name: d for d in (ConsoleDriver, DiscordDriver, SlackDriver, TelegramDriver)
}
__all__ = ["DRIVERS", "Asked", "Driver", "FakeUser", "Reveal", "replace"]
