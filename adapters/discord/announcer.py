"""Posting to channels: questions, answer counts, reveals, next questions and results.

Whoever holds a :class:`bot.views.RoundOutcome` (the ticker, or the click that was the last
answer expected) hands it to :meth:`Announcer.announce`, which edits the question message
to reveal the answer and then posts what comes next. A failed send is logged and skipped:
Discord's rate limits and reconnects are discord.py's business, and the quiz goes on.
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

    async def remember_message(self, question: QuestionView, message_id: int) -> None:
        """Record which message shows a round, so any process can edit it later."""
        self.quiz_channels.add(int(question.channel.channel))
        await self.app.set_round_message(question.round_id, str(message_id))

    def quiz_ended(self, channel_id: str | int) -> None:
        self.quiz_channels.discard(int(channel_id))

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
            log.exception("could not post question %s of quiz %s in channel %s",
                          question.number, question.quiz_id, question.channel.channel)
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
                log.warning("could not update the answer count of round %s", round_id,
                            exc_info=True)

    async def announce(self, outcome: RoundOutcome) -> None:
        """Reveal a closed round, then post the next question or the results."""
        channel = self.channel(outcome.channel.channel, outcome.channel.workspace)
        async with self._lock(outcome.round_id):
            self._remember(self._closed, outcome.round_id, None)
            await self._reveal(channel, outcome)
        if outcome.next_question is not None:
            self.quiz_channels.add(int(outcome.channel.channel))
            await self.post_question(outcome.next_question)
        elif outcome.results is not None:
            self.quiz_ended(outcome.channel.channel)
            try:
                await channel.send(embed=render.results_embed(outcome.results),
                                   allowed_mentions=render.NO_MENTIONS)
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
                log.info("question message %s is gone; posting the answer instead",
                         outcome.message_ref)
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
