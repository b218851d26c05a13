"""The conductor: the round lifecycle, once for every platform.

What happens to a quiz between the core's decisions is the same everywhere: post the
question and remember its message; when a round closes (a deadline passed, or the last
expected player answered), reveal it, then post the next question or the results (a daily
question just ends); keep a review of mistakes private; show live counts without flooding
the platform; and when a channel refuses the bot (a permission taken away, the app removed),
stop its quiz or its daily question and tell whoever started it, once. A platform supplies a
:class:`~adapters.kit.surface.Surface` and calls the conductor; it never re-implements this.

Each process runs one conductor per platform, with that platform's deadline ticker. Its
``app`` is the core as players reach it (:func:`adapters.kit.outage.guarded`): a database
that is not answering becomes a polite "try again" for the player, on every platform. The
platforms serve their players through ``conductor.app``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from adapters.kit import weblinks
from adapters.kit.counts import LiveCounts
from adapters.kit.languages import Languages
from adapters.kit.outage import guarded
from adapters.kit.posted import PostedMessages
from adapters.kit.surface import PostRefused, Surface
from bot.errors import NotAllowedError, QuizbotError
from bot.i18n import _, use_language
from bot.services import QuizApp
from bot.ticker import Ticker
from bot.views import (
    AnswerReceipt,
    AnswerStatus,
    Begun,
    ChannelRef,
    LobbyView,
    PlayerRef,
    QuestionView,
    QuizResults,
    RoundOutcome,
)

log = logging.getLogger(__name__)

PostFirst = Callable[[QuestionView], Awaitable[str]]
PostLobby = Callable[[LobbyView], Awaitable[str]]
EditCount = Callable[[int], Awaitable[None]]
IsModerator = Callable[[], Awaitable[bool]]

STOP_SECONDS = 3.0


def quiz_stopped_text(reason: str) -> str:
    """What the starter of a quiz a channel refused is told (``reason``: the platform's)."""
    return _("I stopped the quiz: {reason}").format(reason=reason)


def daily_stopped_text(reason: str) -> str:
    """What the one who set a daily question a channel refused is told."""
    return _("I turned the daily question off: {reason}").format(reason=reason)


class Conductor:
    """Runs rounds on one platform's surface over the core's services."""

    def __init__(
        self,
        app: QuizApp,
        surface: Surface,
        *,
        ticker_interval: float = 1.0,
        max_announcing: int = 16,
    ) -> None:
        #: The core as players reach it: "the database is not answering" is a QuizbotError.
        self.app = guarded(app)
        self.surface = surface
        self.platform = surface.platform
        self.counts = LiveCounts()
        #: Each channel's language, for its public messages (see adapters/kit/languages.py).
        self.languages = Languages(self.app)
        #: The questions this process is posting: a reveal that overtakes one waits for it.
        self.posted = PostedMessages()
        self.ticker = Ticker(
            app,  # the ticker rides out an outage itself
            surface.platform,
            self.announce,
            interval=ticker_interval,
            post=self.post,
            max_announcing=max_announcing,
            owns=surface.owns,
            begin=self.began if surface.capabilities.lobby else None,
        )

    async def start(self) -> None:
        """Start the deadline ticker (closes due rounds, posts due daily questions)."""
        await self.ticker.start()
        log.info("%s: ticker started (every %.1f s)", self.platform, self.ticker.interval)

    async def stop(self, within: float = STOP_SECONDS) -> None:
        """Stop the ticker after its pass and announcements in flight, and let count edits
        in flight end (each at most ``within`` s)."""
        running = self.ticker.running
        await self.ticker.stop(within)
        await self.counts.settled(within)
        if running:
            log.info("%s: ticker stopped", self.platform)

    # -- questions ------------------------------------------------------------------------

    @asynccontextmanager
    async def in_language_of(
        self, where: ChannelRef, *, private: bool = False
    ) -> AsyncIterator[None]:
        """Write a channel's public message in the channel's language (``private``: a message
        for one player, left in the language of the event that caused it)."""
        if private:
            yield
            return
        with use_language(await self.languages.of_channel(where)):
            yield

    async def post(self, question: QuestionView) -> str | None:
        """Post a question (a quiz's next, a daily's, a review's) and remember its message;
        None when the channel refused it (the quiz or the daily is then stopped)."""
        try:
            async with self.in_language_of(question.channel, private=bool(question.private_to)):
                ref = await self._post_noted(question, self.surface.post_question)
        except PostRefused as refused:
            await self.refused(question.channel, question.quiz_id, question.mode, refused)
            return None
        await self.app.set_round_message(question.round_id, ref)
        return ref

    async def _post_noted(self, question: QuestionView, post: PostFirst) -> str:
        """Post ``question`` through ``post``, noted in :attr:`posted` while under way (a
        reveal that overtakes the post waits for its message)."""
        self.posted.posting(question.round_id)
        ref: str | None = None
        try:
            ref = await post(question)
        finally:
            self.posted.posted(question.round_id, ref)
        return ref

    async def start_quiz(
        self,
        where: ChannelRef,
        who: PlayerRef,
        *,
        post_first: PostFirst | None = None,
        post_lobby: PostLobby | None = None,
        **options: object,
    ) -> QuestionView | LobbyView:
        """Start a quiz and post its first question (through ``post_first`` when the platform
        shows it as the reply to the command), or its lobby when it starts with one (through
        ``post_lobby`` likewise). A
        question (or lobby) that cannot be posted stops the quiz again, and the refusal is
        raised as a QuizbotError for the one who asked."""
        question = await self.app.start_quiz(where, who, **options)  # type: ignore[arg-type]
        if isinstance(question, LobbyView):
            await self._post_lobby(question, post_lobby)
            return question
        try:
            async with self.in_language_of(where):
                ref = await self._post_noted(question, post_first or self.surface.post_question)
        except PostRefused as refused:
            await self.app.halt_quiz(question.quiz_id)
            raise QuizbotError(refused.reason) from None
        except BaseException:
            await self.app.halt_quiz(question.quiz_id)
            raise
        await self.app.set_round_message(question.round_id, ref)
        return question

    # -- the lobby ------------------------------------------------------------------------

    async def _post_lobby(self, view: LobbyView, post: PostLobby | None = None) -> None:
        """Post a quiz's lobby with its Join and Start buttons; a channel that refuses it
        stops the quiz again, and the refusal is raised for the one who asked."""
        try:
            async with self.in_language_of(view.channel):
                ref = await (post or self.surface.post_lobby)(view)
        except PostRefused as refused:
            await self.app.halt_quiz(view.quiz_id)
            raise QuizbotError(refused.reason) from None
        except BaseException:
            await self.app.halt_quiz(view.quiz_id)
            raise
        await self.app.set_lobby_message(view.quiz_id, ref)

    async def join(self, quiz_id: int, who: PlayerRef, where: ChannelRef) -> LobbyView:
        """A Join click: ``who`` joins the quiz (late, if it began); the lobby message shows
        the new player while the join phase runs."""
        view, new = await self.app.join_quiz(quiz_id, who, where)
        if new and not view.begun and view.message_ref is not None:
            try:
                async with self.in_language_of(view.channel):
                    await self.surface.edit_lobby(view)
            except Exception:  # the join counts even if the message lags
                log.warning("could not show %s in lobby %s", who.user, quiz_id, exc_info=True)
        return view

    async def begin(
        self, quiz_id: int, who: PlayerRef, where: ChannelRef, is_moderator: IsModerator
    ) -> bool:
        """A Start click: the starter (or a moderator: asked only when needed) begins the
        game now; False when it had begun already. Raises NotAllowedError for anyone else."""
        begun = await self.begin_now(quiz_id, who, where, is_moderator)
        if begun is None:
            return False
        await self.began(begun)
        return True

    async def begin_now(
        self, quiz_id: int, who: PlayerRef, where: ChannelRef, is_moderator: IsModerator
    ) -> Begun | None:
        """:meth:`begin` without showing it: the game that began (for :meth:`began`, once
        the click is answered), None when it had begun already; NotAllowedError as there."""
        try:
            return await self.app.begin_quiz(quiz_id, who, where)
        except NotAllowedError:
            if not await is_moderator():
                raise
            return await self.app.begin_quiz(quiz_id, who, where, is_moderator=True)

    async def began(self, begun: Begun) -> None:
        """A join phase ended (Start, or its timeout in the ticker): show who joined on the
        lobby message, then post question 1. Never raises: failures are logged."""
        if begun.lobby.message_ref is not None:
            try:
                async with self.in_language_of(begun.lobby.channel):
                    await self.surface.edit_lobby(begun.lobby)
            except Exception:
                log.warning("could not close lobby %s", begun.lobby.quiz_id, exc_info=True)
        await self.post(begun.question)

    async def start_review(self, where: ChannelRef, who: PlayerRef, count: int) -> QuestionView:
        """A review of ``who``'s mistakes: in their private chat with the bot where the
        platform has one (posted here), else for the caller to show privately."""
        if not self.surface.capabilities.private_chats:
            return await self.app.start_review(where, who, count)
        try:
            private = await self.surface.open_private(where, who.user)
        except PostRefused as refused:
            raise QuizbotError(refused.reason) from None
        question = await self.app.start_review(
            ChannelRef(self.platform, where.workspace, private), who, count
        )
        try:
            ref = await self._post_noted(question, self.surface.post_question)
        except PostRefused as refused:  # the player is right here to be told
            await self.app.halt_quiz(question.quiz_id)
            raise QuizbotError(refused.reason) from None
        await self.app.set_round_message(question.round_id, ref)
        return question

    async def stop_quiz(
        self, where: ChannelRef, who: PlayerRef, is_moderator: IsModerator
    ) -> QuizResults:
        """Stop the channel's quiz (its starter, or a moderator: asked only when needed),
        and reveal the round(s) the stop closed."""
        try:
            results = await self.app.stop_quiz(where, who)
        except NotAllowedError:
            if not await is_moderator():
                raise
            results = await self.app.stop_quiz(where, who, is_moderator=True)
        for outcome in results.closed_rounds:
            await self.counts.close(outcome.round_id)
            try:
                async with self.in_language_of(where, private=bool(outcome.private_to)):
                    await self.surface.reveal(outcome, stopped=True)
            except PostRefused as refused:
                log.warning("could not reveal stopped round %s: %s", outcome.round_id, refused)
        async with self.in_language_of(where, private=bool(results.private_to)):
            return weblinks.results(self.app, results)

    # -- answers --------------------------------------------------------------------------

    async def answered(self, receipt: AnswerReceipt, edit_count: EditCount | None = None) -> None:
        """After a player was told what became of their answer: announce the round it
        closed, or show the new count (coalesced; never after the reveal)."""
        if receipt.outcome is not None:
            await self.announce(receipt.outcome)
        elif (
            receipt.status is AnswerStatus.RECORDED
            and edit_count is not None
            and self.surface.capabilities.live_counts
        ):
            self.counts.note(receipt.round_id, receipt.answered, edit_count)

    # -- closed rounds --------------------------------------------------------------------

    async def announce(self, outcome: RoundOutcome) -> None:
        """Reveal a closed round, then what follows: the next question, the results, or the
        end of a daily question. Never raises: a failure is logged (and a refusal handled)."""
        if outcome.private_to is not None and not self.surface.capabilities.private_chats:
            # A review round its player left (closed by the ticker): it was shown to them
            # alone, in a reply only their own click can edit, so nothing is shown now.
            log.info("review round %s closed unanswered; nothing to show", outcome.round_id)
            return
        await self.counts.close(outcome.round_id)
        if outcome.message_ref is None:  # closed before its message was stored
            ref = await self.posted.message_of(outcome.round_id)
            outcome = dataclasses.replace(outcome, message_ref=ref) if ref else outcome
        else:
            self.posted.forget(outcome.round_id)
        private = bool(outcome.private_to)
        try:
            async with self.in_language_of(outcome.channel, private=private):
                await self.surface.reveal(outcome)
        except PostRefused as refused:
            await self.refused(outcome.channel, outcome.quiz_id, outcome.mode, refused)
            return
        except Exception:  # a reveal the platform refused for its content: the quiz goes on
            log.exception("revealing round %s failed", outcome.round_id)
        try:
            async with self.in_language_of(outcome.channel, private=private):
                if outcome.mode == "daily":
                    await self.surface.end_daily(outcome)
                elif outcome.next_question is not None:
                    await self.post(outcome.next_question)
                elif outcome.results is not None:
                    await self.surface.post_results(weblinks.results(self.app, outcome.results))
        except PostRefused as refused:
            await self.refused(outcome.channel, outcome.quiz_id, outcome.mode, refused)
        except Exception:
            log.exception("what follows round %s failed", outcome.round_id)

    async def refused(
        self, where: ChannelRef, quiz_id: int, mode: str, refused: PostRefused
    ) -> None:
        """A channel refused the bot: stop its quiz (or its daily question), and tell the one
        who started it why, once (the second refusal finds nothing left to stop)."""
        log.warning("%s channel %s refused the bot: %s", self.platform, where.channel, refused)
        async with self.in_language_of(where):
            await self._halt_refused(where, quiz_id, mode, refused)

    async def _halt_refused(
        self, where: ChannelRef, quiz_id: int, mode: str, refused: PostRefused
    ) -> None:
        if mode == "daily":
            creator = await self.app.halt_daily(where)
            who, text = creator, daily_stopped_text(refused.reason)
        else:
            halted = await self.app.halt_quiz(quiz_id)
            who, text = (halted.starter if halted else None), quiz_stopped_text(refused.reason)
        if refused.gone and await self.app.halt_schedules(where):
            log.warning(
                "%s channel %s is gone: its scheduled quizzes removed", self.platform, where.channel
            )
        if who is None or refused.gone:
            return
        try:
            await self.surface.tell(where, who.user, text)
        except Exception:
            log.warning("could not tell %s why their quiz stopped", who.user, exc_info=True)
