"""Acting on a ``/quiz`` command, the same way on every platform.

A platform turns its UI into a :mod:`adapters.kit.commands` value and a :class:`Request`
(where, who, and how to ask whether they are a moderator), calls :meth:`Dispatcher.run`,
and renders the :class:`Reply` it gets: a view, and whether everyone in the channel sees it
(``public``) or only the one who asked. Errors a user can cause come out as
:class:`bot.errors.QuizbotError`; each platform turns them into a reply in one place.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from adapters.kit import commands, lobby, schedules, settings, texts, weblinks
from adapters.kit.conductor import Conductor, IsModerator, PostFirst, PostLobby
from bot.errors import EmptyBankError, NotAllowedError, QuizbotError
from bot.i18n import _, current_language
from bot.services.channel_settings import MODERATORS_ONLY, parse_changes
from bot.views import (
    BankSummary,
    ChannelRef,
    DailyView,
    FlashcardView,
    LeaderboardView,
    PlayerRef,
    PlayerStats,
    QuestionView,
    QuizResults,
)


@dataclass(frozen=True, slots=True)
class Request:
    """Who typed a command, where, and how to learn (only if needed) if they moderate here."""

    where: ChannelRef
    who: PlayerRef
    is_moderator: IsModerator


@dataclass(frozen=True, slots=True)
class Notice:
    """One short text (``code`` in backticks is the only markup), already in the reply's
    language; ``icon`` names an emoji a platform may put before it (``words.EMOJI_NAMES``,
    or "tada"), since the text itself differs from one language to another."""

    text: str
    icon: str = ""


@dataclass(frozen=True, slots=True)
class HintGiven(Notice):
    """A hint, for the one who asked alone: shown as a notice, but where a platform shows
    notices to the whole chat (a Telegram group) it goes to the player's private chat."""


@dataclass(frozen=True, slots=True)
class HelpView:
    """The command list, with why it is shown (``reason``, when a command was not understood)."""

    reason: str = ""


@dataclass(frozen=True, slots=True)
class BanksView:
    """The banks one can play (each with a link to its web page, for a moderator)."""

    banks: tuple[BankSummary, ...]


@dataclass(frozen=True, slots=True)
class DailyChanged:
    """A moderator set (``action`` "set") or stopped ("off") the channel's daily question."""

    schedule: DailyView
    by: str
    action: str


@dataclass(frozen=True, slots=True)
class ReviewStarted:
    """A review of mistakes was posted in the player's private chat with the bot."""

    question: QuestionView


ReplyView = (
    Notice
    | HelpView
    | BanksView
    | DailyChanged
    | ReviewStarted
    | DailyView
    | FlashcardView
    | LeaderboardView
    | PlayerStats
    | QuestionView
    | QuizResults
)


@dataclass(frozen=True, slots=True)
class Reply:
    """What to show the one who asked (or, ``public``, the whole channel), and the language
    to show it in (set by :meth:`Dispatcher.run`: the channel's for a public reply, else the
    language the command was run in). Platforms render it inside
    ``bot.i18n.use_language(reply.language)``."""

    view: ReplyView
    public: bool = False
    language: str = ""


class Dispatcher:
    """Runs ``/quiz`` commands for one platform through its conductor."""

    def __init__(self, conductor: Conductor) -> None:
        self.conductor = conductor
        self.app = conductor.app

    async def run(
        self,
        command: commands.Command,
        request: Request,
        *,
        post_first: PostFirst | None = None,
        post_lobby: PostLobby | None = None,
    ) -> Reply | None:
        """Act on a command; None when there is nothing more to say (a quiz was started:
        its question, or its lobby, is the answer). Run it in the asker's language
        (:meth:`adapters.kit.languages.Languages.for_player`): private replies and errors are
        written in it; public ones in the channel's."""
        reply = await self._run(command, request, post_first=post_first, post_lobby=post_lobby)
        if reply is None or reply.language:
            return reply
        if reply.public:
            language = await self.conductor.languages.of_channel(request.where)
        else:
            language = current_language()
        return dataclasses.replace(reply, language=language)

    async def _run(
        self,
        command: commands.Command,
        request: Request,
        *,
        post_first: PostFirst | None,
        post_lobby: PostLobby | None,
    ) -> Reply | None:
        where, who, app = request.where, request.who, self.app
        match command:
            case commands.Help():
                return Reply(HelpView(command.said()))
            case commands.Start():
                await self._start(command, request, post_first, post_lobby)
                return None
            case commands.Stop():
                results = await self.conductor.stop_quiz(where, who, request.is_moderator)
                return Reply(results, public=True)
            case commands.Leaderboard(scope=scope, period=period):
                if scope not in commands.SCOPES:  # another workspace's players stay theirs
                    raise QuizbotError(_("a leaderboard here covers this channel or workspace"))
                board = await app.leaderboard(where, scope=scope, period=period)
                async with self.conductor.in_language_of(where):  # its link's label
                    board = weblinks.leaderboard(app, board, where)
                return Reply(board, public=True)
            case commands.Banks(language=language):
                if language is not None:
                    language = commands.language_named(language)
                banks = tuple(await app.list_banks(language=language))
                if app.links is not None and await request.is_moderator():
                    return Reply(BanksView(weblinks.banks(app, banks, where)))
                return Reply(BanksView(banks))
            case commands.Flashcards(bank=bank):
                return Reply(await app.next_flashcard(who, bank=bank))
            case commands.Mistakes(count=count):
                return await self._review(where, who, count or texts.DEFAULT_QUESTIONS)
            case commands.Stats():
                return Reply(weblinks.stats(app, await app.player_stats(who)))
            case commands.Daily():
                return await self._daily(command, request)
            case commands.Schedule():
                return await self._schedule(command, request)
            case commands.Hint():
                return Reply(HintGiven((await app.hint(where, who)).text()))
            case commands.Settings():
                return await self._settings(command, request)
        raise AssertionError(f"unknown command {command!r}")  # pragma: no cover

    async def _start(
        self,
        command: commands.Start,
        request: Request,
        post_first: PostFirst | None,
        post_lobby: PostLobby | None = None,
    ) -> None:
        options: dict[str, object] = {
            "bank": command.bank,
            "topic": command.topic,
            "order": command.order,
            "count": command.count,  # None: the channel's settings say
            "seconds": command.seconds,
        }
        if command.teams:
            options["teams"] = command.teams
        if self.conductor.surface.capabilities.lobby:  # the channel's lobby and relaxed mode
            channel = await self.app.channel_settings(request.where)
            teams = bool(command.teams)  # a team game always has its lobby
            options.update(lobby.start_options(command.lobby, channel, teams=teams))
        elif command.teams:  # its teams are dealt from the players who join
            raise QuizbotError(_(lobby.NO_LOBBY_NO_TEAMS))
        await self.conductor.start_quiz(
            request.where, request.who, post_first=post_first, post_lobby=post_lobby, **options
        )

    async def _review(self, where: ChannelRef, who: PlayerRef, count: int) -> Reply:
        try:
            question = await self.conductor.start_review(where, who, count)
        except EmptyBankError:
            return Reply(Notice(texts.no_mistakes(), icon="tada"))
        if question.channel != where:  # posted in the private chat
            return Reply(ReviewStarted(question))
        return Reply(question)  # the platform shows it to the player alone

    async def _daily(self, command: commands.Daily, request: Request) -> Reply:
        where, who, app = request.where, request.who, self.app
        if command.action == "show":
            return Reply(await app.daily(where))
        moderator = await request.is_moderator()
        if command.action == "off":
            schedule = await app.daily_off(where, who, is_moderator=moderator)
        else:
            schedule = await app.set_daily(
                where,
                who,
                command.at,
                command.timezone,
                command.bank,
                is_moderator=moderator,
                open_minutes=command.minutes,
            )
        return Reply(DailyChanged(schedule, who.display_name, command.action), public=True)

    async def _settings(self, command: commands.Settings, request: Request) -> Reply:
        """Show the channel's settings (to the one who asked), or change or reset them
        (moderators only; the channel is told)."""
        where, who, app = request.where, request.who, self.app
        if command.action == "show":
            return Reply(Notice(settings.shown(await app.channel_settings(where))))
        moderator = await request.is_moderator()
        if not moderator:  # refused before their words are read
            raise NotAllowedError(_(MODERATORS_ONLY))
        changes = parse_changes(list(command.words)) if command.action == "set" else None
        if changes is None:
            now = await app.reset_channel_settings(where, who, is_moderator=moderator)
        else:
            now = await app.change_channel_settings(where, who, changes, is_moderator=moderator)
        self.conductor.languages.forget(where)
        async with self.conductor.in_language_of(where):
            text = settings.changed(now, who.display_name, reset=changes is None)
        return Reply(Notice(text), public=True)

    async def _schedule(self, command: commands.Schedule, request: Request) -> Reply:
        """List the channel's scheduled quizzes (to the one who asked), or add or remove
        one (moderators only; the channel is told)."""
        where, who, app = request.where, request.who, self.app
        if command.action == "list":
            return Reply(Notice(schedules.listed(await app.scheduled_quizzes(where))))
        moderator = await request.is_moderator()
        if command.action == "off":
            gone = await app.unschedule_quizzes(
                where, who, command.schedule_id, is_moderator=moderator
            )
            async with self.conductor.in_language_of(where):
                text = schedules.removed(gone, who.display_name)
            return Reply(Notice(text), public=True)
        added = await app.schedule_quiz(
            where,
            who,
            command.every,
            command.at,
            command.timezone,
            weekday=command.weekday,
            bank=command.bank,
            questions=command.questions,
            seconds=command.seconds,
            is_moderator=moderator,
        )
        async with self.conductor.in_language_of(where):
            text = schedules.added(added, who.display_name)
        return Reply(Notice(text), public=True)
