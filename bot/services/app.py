"""QuizApp: the one entry to the core for every adapter and the CLI.

It opens the database (the SQLite default upgrades its schema itself), loads the shipped
banks on first run, and exposes the services with plain ids in and view objects out.
See docs/ARCHITECTURE.md for how adapters use it.

Opening is cheap when nothing changed, so a one-off command (``quizbot banks list``) starts
quickly: Alembic is imported only when the schema is behind (:func:`migrate.needs_upgrade`),
the shipped banks are compared with their stored digests before the importer is imported
(:func:`bot.services.banks.shipped_banks_current`), and each service (quizzes, flashcards,
daily questions, leaderboards, and fsrs's scheduler) is imported and built on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from bot.clock import Clock, SystemClock
from bot.store import migrate
from bot.store.database import Database

if TYPE_CHECKING:
    from fsrs import Scheduler

    from bot.links import LinkSigner
    from bot.scoring import ScoringRules
    from bot.services import tenants
    from bot.services.channel_settings import (
        ChannelSettings,
        ChannelSettingsService,
        SettingsChange,
    )
    from bot.services.daily import Dailies
    from bot.services.flashcards import Flashcards
    from bot.services.hints import Hint
    from bot.services.leaderboards import Leaderboards
    from bot.services.quiz_schedules import QuizSchedules
    from bot.services.quizzes import Quizzes
    from bot.views import (
        AnswerReceipt,
        BankSummary,
        Begun,
        ChannelRef,
        DailyView,
        FlashcardView,
        Halted,
        LeaderboardView,
        LobbyView,
        PlayerRef,
        PlayerStats,
        QuestionView,
        QuizResults,
        QuizScheduleView,
        RoundOutcome,
    )

DEFAULT_BANK = "crm-podcast"
#: A quiz's length and time per question when neither the command nor the channel says.
DEFAULT_QUESTIONS, DEFAULT_SECONDS = 10, 30


class QuizApp:
    """The core's services over one database."""

    #: Signs links to the web pages that chat replies carry; None: chats show no links.
    links: LinkSigner | None = None

    def __init__(
        self, db: Database, clock: Clock | None = None, scheduler: Scheduler | None = None
    ) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        if scheduler is not None:
            self.scheduler = scheduler

    # Each service is imported and built on first use (a one-off command needs one or none).

    @cached_property
    def scheduler(self) -> Scheduler:
        from fsrs import Scheduler

        return Scheduler()

    @cached_property
    def quizzes(self) -> Quizzes:
        from bot.services.quizzes import Quizzes

        return Quizzes(self.db, self.clock, self.scheduler)

    @cached_property
    def leaderboards(self) -> Leaderboards:
        from bot.services.leaderboards import Leaderboards

        return Leaderboards(self.db, self.clock)

    @cached_property
    def flashcards(self) -> Flashcards:
        from bot.services.flashcards import Flashcards

        return Flashcards(self.db, self.clock, self.scheduler)

    @cached_property
    def dailies(self) -> Dailies:
        from bot.services.daily import Dailies

        return Dailies(self.db, self.clock)

    @cached_property
    def settings(self) -> ChannelSettingsService:
        from bot.services.channel_settings import ChannelSettingsService

        return ChannelSettingsService(self.db, self.clock)

    @classmethod
    async def open(
        cls,
        database_url: str,
        clock: Clock | None = None,
        *,
        upgrade: bool | None = None,
        load_banks: bool = True,
        scheduler: Scheduler | None = None,
    ) -> QuizApp:
        """Connect; upgrade the schema when it is behind (by default only for SQLite); load
        shipped banks that are new or changed."""
        db = Database(database_url)
        try:
            await db.check()
            if upgrade if upgrade is not None else db.dialect == "sqlite":
                await migrate.upgrade_if_needed(db)
            app = cls(db, clock, scheduler)
            if load_banks:
                await app.load_shipped_banks()
        except BaseException:
            await db.dispose()
            raise
        return app

    async def close(self) -> None:
        await self.db.dispose()

    async def load_shipped_banks(self) -> None:
        """Import the shipped bank files that are new or changed since they were loaded.

        The files' digests are compared with the stored ones first, in a read: only when
        one differs is the importer imported and the write transaction taken (it compares
        again under the lock, so processes starting together load a file once)."""
        from bot.services.banks import shipped_banks_current

        async with self.db.reads() as session:
            if await shipped_banks_current(session):
                return
        from bot.services.importer import load_shipped_banks

        async with self.db.transaction() as session:
            await load_shipped_banks(session, self.clock)

    # -- quizzes ------------------------------------------------------------------------

    async def start_quiz(
        self,
        where: ChannelRef,
        who: PlayerRef,
        bank: str | None = None,
        count: int | None = None,
        seconds: int | None = None,
        *,
        topic: str | None = None,
        seed: int | None = None,
        solo: bool = False,
        scoring: ScoringRules | None = None,
        order: str = "random",
        lobby_seconds: int | None = None,
        max_seconds: int | None = None,
        teams: int | None = None,
    ) -> QuestionView | LobbyView:
        """Start a quiz; ``order="hardest"`` asks the questions most players miss first.

        What the command leaves out (None) comes from the channel's settings, then the
        built-in defaults; the channel's bonuses make the scoring unless ``scoring`` is given.
        With ``lobby_seconds`` it opens with a join phase (the lobby is returned), and
        ``max_seconds`` makes it relaxed (each round waits up to that for every joined player).
        ``teams`` (2-4) makes it a team game (:mod:`bot.services.teams`).
        """
        settings = await self.settings.show(where)

        def given(value: int | None, setting: int | None, default: int) -> int:
            # 0 is a value the checks refuse, not "left out"
            return value if value is not None else setting if setting is not None else default

        return await self.quizzes.start(
            where,
            who,
            bank or settings.bank or DEFAULT_BANK,
            given(count, settings.questions, DEFAULT_QUESTIONS),
            given(seconds, settings.seconds, DEFAULT_SECONDS),
            topic=topic,
            seed=seed,
            solo=solo,
            scoring=scoring or settings.scoring(),
            order=order,
            lobby_seconds=lobby_seconds,
            max_seconds=max_seconds,
            teams=teams,
        )

    async def start_review(
        self, where: ChannelRef, who: PlayerRef, count: int = 10, seconds: int = 120
    ) -> QuestionView:
        """ "Review my mistakes": a quiz for ``who`` alone (views carry ``private_to``)."""
        return await self.quizzes.start_review(where, who, count, seconds)

    async def set_round_message(self, round_id: int, message_ref: str) -> None:
        await self.quizzes.set_message(round_id, message_ref)

    async def answer(
        self, round_id: int, who: PlayerRef, choice: str, where: ChannelRef | None = None
    ) -> AnswerReceipt:
        """An answer (a letter, or typed text) to a round, from ``where`` (it must be the
        round's channel; the player must be of the round's workspace)."""
        return await self.quizzes.answer(round_id, who, choice, where)

    async def answer_text(
        self, where: ChannelRef, who: PlayerRef, text: str
    ) -> AnswerReceipt | None:
        return await self.quizzes.answer_text(where, who, text)

    async def close_round(self, round_id: int) -> RoundOutcome | None:
        return await self.quizzes.close_round(round_id)

    async def close_due_rounds(self, platform: str | None = None) -> list[RoundOutcome]:
        return await self.quizzes.close_due(platform)

    async def due_rounds(self, platform: str | None = None) -> list[int]:
        return await self.quizzes.due_rounds(platform)

    async def stop_quiz(
        self, where: ChannelRef, who: PlayerRef, *, is_moderator: bool = False
    ) -> QuizResults:
        return await self.quizzes.stop(where, who, is_moderator=is_moderator)

    async def halt_quiz(self, quiz_id: int) -> Halted | None:
        """Stop a quiz whose channel refused it (a lost permission, a removed app)."""
        return await self.quizzes.halt(quiz_id)

    async def open_round(self, where: ChannelRef) -> QuestionView | None:
        return await self.quizzes.open_round(where)

    async def open_typed_round(self, where: ChannelRef) -> QuestionView | None:
        """The channel's open typed-answer round that a chat message would answer, if any."""
        return await self.quizzes.open_typed_round(where)

    async def round_at_message(self, platform: str, message_ref: str) -> QuestionView | None:
        """The open round a platform's message shows (a reply to it answers it)."""
        return await self.quizzes.round_at_message(platform, message_ref)

    async def round_view(self, round_id: int) -> QuestionView | None:
        """An open round by id (a quiz's, a daily question's or a review's)."""
        return await self.quizzes.round_view(round_id)

    async def open_rounds(self, platform: str) -> list[tuple[QuestionView, str | None]]:
        return await self.quizzes.open_rounds(platform)

    # -- the lobby (see bot/services/lobby.py) --------------------------------------------

    async def join_quiz(
        self, quiz_id: int, who: PlayerRef, where: ChannelRef | None = None
    ) -> tuple[LobbyView, bool]:
        """Join a quiz with a lobby (late too); the lobby now, and whether ``who`` is new."""
        return await self.quizzes.join(quiz_id, who, where)

    async def begin_quiz(
        self,
        quiz_id: int,
        who: PlayerRef,
        where: ChannelRef | None = None,
        *,
        is_moderator: bool = False,
    ) -> Begun | None:
        """End a join phase now (its starter or a moderator); None if it had begun."""
        return await self.quizzes.begin(quiz_id, who, where, is_moderator=is_moderator)

    async def begin_due_lobbies(self, platform: str | None = None) -> list[Begun]:
        """Begin the quizzes whose join phase ran its time (each by one process)."""
        return await self.quizzes.begin_due(platform)

    async def set_lobby_message(self, quiz_id: int, message_ref: str) -> None:
        await self.quizzes.set_lobby_message(quiz_id, message_ref)

    async def lobby(self, quiz_id: int) -> LobbyView | None:
        return await self.quizzes.lobby(quiz_id)

    async def hint(self, where: ChannelRef, who: PlayerRef, round_id: int | None = None) -> Hint:
        """A hint for ``who`` on the channel's open question (or round ``round_id``): one per
        player and question, refused when the channel has hints off (HintRefused)."""
        from bot.services.hints import take_hint

        return await take_hint(self.db, self.clock, where, who, round_id)

    # -- channel settings ---------------------------------------------------------------

    async def channel_settings(self, where: ChannelRef) -> ChannelSettings:
        """A channel's defaults for the next quiz (anyone may see them)."""
        return await self.settings.show(where)

    async def change_channel_settings(
        self,
        where: ChannelRef,
        who: PlayerRef | None,
        changes: SettingsChange,
        *,
        is_moderator: bool = False,
    ) -> ChannelSettings:
        """Change a channel's defaults (moderators only; ``who`` None: the operator)."""
        return await self.settings.change(where, who, changes, is_moderator=is_moderator)

    async def reset_channel_settings(
        self, where: ChannelRef, who: PlayerRef | None, *, is_moderator: bool = False
    ) -> ChannelSettings:
        return await self.settings.reset(where, who, is_moderator=is_moderator)

    # -- daily questions ----------------------------------------------------------------

    async def set_daily(
        self,
        where: ChannelRef,
        who: PlayerRef,
        at: str,
        timezone: str,
        bank: str | None = None,
        *,
        is_moderator: bool = False,
        open_minutes: int | None = None,
    ) -> DailyView:
        return await self.dailies.set(
            where,
            who,
            at,
            timezone,
            bank or DEFAULT_BANK,
            is_moderator=is_moderator,
            open_minutes=open_minutes,
        )

    async def daily_off(
        self, where: ChannelRef, who: PlayerRef, *, is_moderator: bool = False
    ) -> DailyView:
        return await self.dailies.off(where, who, is_moderator=is_moderator)

    async def daily(self, where: ChannelRef) -> DailyView:
        return await self.dailies.get(where)

    async def halt_daily(self, where: ChannelRef) -> PlayerRef | None:
        """Remove a daily question whose channel refused it; returns who set it."""
        return await self.dailies.halt(where)

    async def start_due_dailies(
        self, platform: str | None = None, owns: Callable[[str], bool] | None = None
    ) -> list[QuestionView]:
        """Post the daily questions that are due (each by exactly one process); ``owns``
        keeps this process to the workspaces it serves."""
        return await self.dailies.start_due(platform, owns)

    # -- scheduled quizzes --------------------------------------------------------------

    @cached_property
    def quiz_schedules(self) -> QuizSchedules:
        from bot.services.quiz_schedules import QuizSchedules

        return QuizSchedules(self.db, self.clock)

    async def schedule_quiz(
        self,
        where: ChannelRef,
        who: PlayerRef,
        every: str,
        at: str,
        timezone: str,
        *,
        weekday: str | None = None,
        bank: str | None = None,
        questions: int | None = None,
        seconds: int | None = None,
        is_moderator: bool = False,
    ) -> QuizScheduleView:
        """A quiz that starts itself here ``every`` "daily" or "weekly" (moderators only)."""
        return await self.quiz_schedules.add(
            where,
            who,
            every,
            at,
            timezone,
            weekday=weekday,
            bank=bank,
            questions=questions,
            seconds=seconds,
            is_moderator=is_moderator,
        )

    async def scheduled_quizzes(self, where: ChannelRef | None = None) -> list[QuizScheduleView]:
        """A channel's scheduled quizzes (None: every channel's, for operators)."""
        if where is None:
            return await self.quiz_schedules.everywhere()
        return await self.quiz_schedules.list(where)

    async def remove_scheduled_quiz(self, schedule_id: int) -> QuizScheduleView:
        """Remove one scheduled quiz by its id, in any channel (for operators)."""
        return await self.quiz_schedules.remove(schedule_id)

    async def unschedule_quizzes(
        self,
        where: ChannelRef,
        who: PlayerRef,
        schedule_id: int | None = None,
        *,
        is_moderator: bool = False,
    ) -> list[QuizScheduleView]:
        """Remove one scheduled quiz (by id) or all of a channel's; returns those removed."""
        return await self.quiz_schedules.off(where, who, schedule_id, is_moderator=is_moderator)

    async def halt_schedules(self, where: ChannelRef) -> int:
        """Remove the scheduled quizzes of a channel that is gone; how many there were."""
        return await self.quiz_schedules.halt(where)

    async def start_due_quizzes(
        self, platform: str | None = None, owns: Callable[[str], bool] | None = None
    ) -> list[QuestionView]:
        """Start the scheduled quizzes that are due (each run by exactly one process), as
        their creators' ``/quiz start`` with the schedule's options; returns their first
        questions, to be posted. A run that cannot start (a quiz already running, an empty
        bank) is skipped with a log line."""
        from bot.errors import QuizbotError
        from bot.services.quiz_schedules import log as schedules_log

        started = []
        for due in await self.quiz_schedules.claim_due(platform, owns):
            try:
                options = {"count": due.questions, "seconds": due.seconds}
                question = await self.start_quiz(
                    due.where,
                    due.who,
                    due.bank,
                    **{k: v for k, v in options.items() if v is not None},  # else the channel's
                )
            except QuizbotError as error:
                schedules_log.info("scheduled quiz %s: skipped, %s", due.schedule_id, error)
                continue
            started.append(question)
        return started

    # -- what a process keeps between starts ----------------------------------------------

    async def remembered(self, key: str) -> str | None:
        """A value kept by :meth:`remember` (None if never kept)."""
        from bot.services import state

        return await state.read(self.db, key)

    async def remember(self, key: str, value: str) -> None:
        from bot.services import state

        await state.write(self.db, self.clock, key, value)

    # -- workspaces ---------------------------------------------------------------------

    async def halt_workspace(self, platform: str, workspace: str) -> tenants.WorkspaceHalted:
        """The app left a workspace: stop its quizzes and daily questions (scores stay)."""
        from bot.services import tenants

        return await tenants.halt_workspace(self.db, self.clock, platform, workspace)

    async def purge_workspace(
        self, platform: str, workspace: str, *, dry_run: bool = False
    ) -> dict[str, int]:
        """Delete a workspace's data, all or nothing; the rows removed per table."""
        from bot.services import tenants

        return await tenants.purge_workspace(self.db, platform, workspace, dry_run=dry_run)

    # -- players ------------------------------------------------------------------------

    async def player_stats(self, who: PlayerRef) -> PlayerStats:
        """A player's answers, accuracy (overall and per topic), streaks and reviews due."""
        from bot.services.players import stats_for

        return await stats_for(self.db, self.clock, who)

    # -- leaderboards -------------------------------------------------------------------

    async def leaderboard(
        self,
        where: ChannelRef,
        scope: str = "channel",
        period: str = "all",
        bank: str | None = None,
        limit: int = 10,
    ) -> LeaderboardView:
        return await self.leaderboards.for_channel(where, scope, period, bank, limit)

    # -- banks --------------------------------------------------------------------------

    async def list_banks(self, *, language: str | None = None) -> list[BankSummary]:
        """The banks one can play (``language``: only those whose questions are in it;
        QuizbotError for something that is not a language tag)."""
        from bot.services.banks import bank_summaries

        async with self.db.reads() as session:
            return await bank_summaries(session, language=language)

    async def bank_names(self, prefix: str = "") -> list[str]:
        return [b.name for b in await self.list_banks() if b.name.startswith(prefix.lower())]

    # -- flashcards ---------------------------------------------------------------------

    async def next_flashcard(self, who: PlayerRef, bank: str | None = None) -> FlashcardView:
        return await self.flashcards.next_card(who, bank)

    async def flashcard(self, who: PlayerRef, card_id: int) -> FlashcardView:
        return await self.flashcards.card(who, card_id)

    async def rate_flashcard(self, who: PlayerRef, card_id: int, rating: str) -> FlashcardView:
        return await self.flashcards.rate(who, card_id, rating)

    def now(self) -> datetime:
        return self.clock.now()
