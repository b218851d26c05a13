"""Posting what the core decided: questions, answer counts, reveals, next questions, results.

Whoever holds a :class:`bot.views.RoundOutcome` (the ticker, or the click that was the last
answer expected) hands it to :meth:`Announcer.announce`, which edits the question message
to reveal the answer and then posts what comes next. A failed send is logged and skipped:
Discord's rate limits and reconnects are discord.py's business, and the quiz goes on.

Daily questions (``mode == "daily"``) are posted by the ticker through
:meth:`Announcer.post_daily` and revealed like any question, with no results after them.
A player's review of their mistakes (views with ``private_to`` set) is never posted in the
channel: it runs as ephemeral messages of that player's interactions
(:meth:`Announcer.send_private_question`, :meth:`Announcer.announce_privately`), and an
outcome of it that reaches :meth:`Announcer.announce` (the ticker closing a round the
player left) is not shown at all.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import TYPE_CHECKING

import discord

from adapters.discord import render
from adapters.discord.views import question_view
from bot.views import QuestionView, RoundOutcome

if TYPE_CHECKING:
    from bot.services import QuizApp

log = logging.getLogger(__name__)

#: How many rounds' bookkeeping (locks, shown counts) is kept in memory.
MEMORY = 1000


class Announcer:
    """Sends what the core decided to the channels, for one client."""

    def __init__(self, client: discord.Client, app: QuizApp) -> None:
        self.client = client
        self.app = app
        self._locks: OrderedDict[int, asyncio.Lock] = OrderedDict()
        self._shown: OrderedDict[int, int] = OrderedDict()  # round id -> answer count shown
        self._closed: OrderedDict[int, None] = OrderedDict()  # rounds revealed by this process
        #: Channels with a running quiz, as far as this process knows: a chat message is only
        #: looked up as a typed answer there, not every message of every server. (A guild's
        #: events all reach the one shard serving it; the set is rebuilt from the database
        #: at start-up.)
        self.quiz_channels: set[int] = set()
        #: Channels whose daily question is open (typed answers are looked up there too).
        self.daily_channels: set[int] = set()

    def _remember(self, table: OrderedDict, key: int, value: object) -> None:  # type: ignore[type-arg]
        table[key] = value
        table.move_to_end(key)
        while len(table) > MEMORY:
            table.popitem(last=False)

    def _lock(self, round_id: int) -> asyncio.Lock:
        lock = self._locks.get(round_id)
        if lock is None:
            lock = asyncio.Lock()
            self._remember(self._locks, round_id, lock)
        return lock

    def channel(
        self, channel_id: str | int, guild_id: str | int | None = None
    ) -> discord.PartialMessageable:
        """A channel to send to, by id alone (no cache needed)."""
        guild = int(guild_id) if guild_id else None
        return self.client.get_partial_messageable(int(channel_id), guild_id=guild)

    def watches(self, channel_id: int) -> bool:
        """Whether a chat message in this channel may answer an open typed round."""
        return channel_id in self.quiz_channels or channel_id in self.daily_channels

    def round_opened(self, question: QuestionView) -> None:
        """Note that the channel has an open round that chat messages may answer."""
        if question.private_to:
            return  # reviews are answered with buttons only
        table = self.daily_channels if question.mode == render.DAILY else self.quiz_channels
        table.add(int(question.channel.channel))

    async def remember_message(self, question: QuestionView, message_id: int) -> None:
        """Record which message shows a round, so any process can edit it later."""
        self.round_opened(question)
        await self.app.set_round_message(question.round_id, str(message_id))

    def quiz_ended(self, channel_id: str | int) -> None:
        self.quiz_channels.discard(int(channel_id))

    async def post_daily(self, question: QuestionView) -> None:
        """The ticker's ``post``: a due daily question, in its channel."""
        message = await self.post_question(question)
        if message is not None:
            log.info("posted the daily question in channel %s", question.channel.channel)

    async def post_question(self, question: QuestionView) -> discord.Message | None:
        """Post a question with its buttons in its channel; None if Discord refused."""
        channel = self.channel(question.channel.channel, question.channel.workspace)
        try:
            message = await channel.send(
                embed=render.question_embed(question),
                view=question_view(question),
                allowed_mentions=render.NO_MENTIONS,
            )
        except discord.HTTPException:
            log.exception(
                "could not post question %s of quiz %s in channel %s",
                question.number,
                question.quiz_id,
                question.channel.channel,
            )
            return None
        await self.remember_message(question, message.id)
        return message

    async def show_count(self, message: discord.Message, round_id: int, answered: int) -> None:
        """Update the answer count under a question (never going back, never after the reveal)."""
        async with self._lock(round_id):
            if round_id in self._closed or self._shown.get(round_id, -1) >= answered:
                return
            if not message.embeds:
                return
            self._remember(self._shown, round_id, answered)
            try:
                await message.edit(
                    embed=render.with_answer_count(message.embeds[0], answered),
                    allowed_mentions=render.NO_MENTIONS,
                )
            except discord.HTTPException:
                log.warning(
                    "could not update the answer count of round %s", round_id, exc_info=True
                )

    async def announce(self, outcome: RoundOutcome) -> None:
        """Reveal a closed round, then post the next question or the results."""
        if outcome.private_to:
            # A review round its player left unanswered (closed by the ticker): it belongs
            # to them alone, so nothing goes to the channel. The rest of the review times
            # out the same way; `/quiz mistakes` starts a fresh one.
            log.info(
                "review round %s closed unanswered; not shown in the channel", outcome.round_id
            )
            return
        channel = self.channel(outcome.channel.channel, outcome.channel.workspace)
        async with self._lock(outcome.round_id):
            self._remember(self._closed, outcome.round_id, None)
            await self._reveal(channel, outcome)
        if outcome.mode == render.DAILY:
            # One question a day: the reveal shows who got it; no results table follows.
            self.daily_channels.discard(int(outcome.channel.channel))
            return
        if outcome.next_question is not None:
            self.quiz_channels.add(int(outcome.channel.channel))
            await self.post_question(outcome.next_question)
        elif outcome.results is not None:
            self.quiz_ended(outcome.channel.channel)
            try:
                await channel.send(
                    embed=render.results_embed(outcome.results), allowed_mentions=render.NO_MENTIONS
                )
            except discord.HTTPException:
                log.exception("could not post the results of quiz %s", outcome.quiz_id)

    async def _reveal(self, channel: discord.PartialMessageable, outcome: RoundOutcome) -> None:
        embed = render.reveal_embed(outcome)
        if outcome.message_ref:
            try:
                await channel.get_partial_message(int(outcome.message_ref)).edit(
                    embed=embed, view=None, allowed_mentions=render.NO_MENTIONS
                )
                return
            except discord.NotFound:
                log.info(
                    "question message %s is gone; posting the answer instead", outcome.message_ref
                )
            except (discord.HTTPException, ValueError):
                log.exception("could not reveal round %s", outcome.round_id)
                return
        try:
            await channel.send(embed=embed, allowed_mentions=render.NO_MENTIONS)
        except discord.HTTPException:
            log.exception("could not post the answer of round %s", outcome.round_id)

    async def mark_stopped(self, question: QuestionView, message_ref: str) -> None:
        """Take the buttons off the question of a stopped quiz."""
        channel = self.channel(question.channel.channel, question.channel.workspace)
        async with self._lock(question.round_id):
            self._remember(self._closed, question.round_id, None)
            try:
                await channel.get_partial_message(int(message_ref)).edit(
                    embed=render.stopped_embed(render.question_embed(question)),
                    view=None,
                    allowed_mentions=render.NO_MENTIONS,
                )
            except (discord.HTTPException, ValueError):
                log.warning("could not close the question message %s", message_ref, exc_info=True)

    # -- a player's own review: ephemeral messages of their interactions ----------------------

    async def send_private_question(
        self, interaction: discord.Interaction, question: QuestionView
    ) -> None:
        """Show a review question to the player who acted, and only them."""
        embed = render.question_embed(question)
        view = question_view(question)
        if interaction.response.is_done():
            message = await interaction.followup.send(
                embed=embed,
                view=view,
                ephemeral=True,
                wait=True,
                allowed_mentions=render.NO_MENTIONS,
            )
            message_id = message.id
        else:
            response = await interaction.response.send_message(
                embed=embed, view=view, ephemeral=True, allowed_mentions=render.NO_MENTIONS
            )
            message_id = response.message_id or (await interaction.original_response()).id
        await self.app.set_round_message(question.round_id, str(message_id))

    async def announce_privately(
        self, interaction: discord.Interaction, outcome: RoundOutcome, correct: bool | None
    ) -> None:
        """Reveal a review round on the player's own (ephemeral) question message, then
        show them the next question or how the review went."""
        embed = render.reveal_embed(outcome)
        verdict = render.review_verdict(correct)
        try:
            if not interaction.response.is_done() and interaction.message is not None:
                await interaction.response.edit_message(
                    content=verdict or None,
                    embed=embed,
                    view=None,
                    allowed_mentions=render.NO_MENTIONS,
                )
            else:
                await interaction.followup.send(
                    embed=embed,
                    ephemeral=True,
                    allowed_mentions=render.NO_MENTIONS,
                    **({"content": verdict} if verdict else {}),
                )
            if outcome.next_question is not None:
                await self.send_private_question(interaction, outcome.next_question)
            elif outcome.results is not None:
                await interaction.followup.send(
                    embed=render.review_results_embed(outcome.results),
                    ephemeral=True,
                    allowed_mentions=render.NO_MENTIONS,
                )
        except discord.HTTPException:
            # The player can start again with /quiz mistakes; nothing may go to the channel.
            log.warning(
                "could not show review round %s to its player", outcome.round_id, exc_info=True
            )
