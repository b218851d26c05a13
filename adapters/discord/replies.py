"""Answering an interaction in time, and showing the kit's replies as Discord messages.

Discord wants the first response to an interaction within 3 seconds, or the user sees
"This interaction failed" and every later response is refused. So every handler
acknowledges first (a deferred response, before any database call) and then replies by
editing that response. A reply's visibility is chosen when acknowledging: everyone in the
channel (a quiz's question, results, a leaderboard) or only the one who acted. An error
after a public acknowledgement is shown to that user alone: the public "thinking" message
is deleted and the error follows privately.

:meth:`Responder.error` is the one place a :class:`~bot.errors.QuizbotError` becomes a
reply on Discord. A reply of the dispatcher is written in the language it carries
(``Reply.language``: the channel's when public); anything else in the current language, which
the cog sets to the user's own around each interaction.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from adapters.discord import render
from adapters.discord.components import flashcard_view, question_view
from adapters.discord.pictures import IMAGE, place
from adapters.kit import rendering, texts
from adapters.kit.dispatch import DailyChanged, Reply, ReplyView
from adapters.kit.images import Pictures
from bot.errors import QuizbotError
from bot.i18n import use_language
from bot.views import (
    BankSummary,
    DailyView,
    FlashcardView,
    LeaderboardView,
    PlayerStats,
    QuestionView,
    QuizResults,
)

log = logging.getLogger(__name__)


class DiscordReplies:
    """The message (content, embed, buttons) for each kind of reply (see
    :class:`adapters.kit.rendering.Renderer`)."""

    def notice(self, text: str) -> dict[str, Any]:
        return {"content": text}

    def help(self, reason: str) -> dict[str, Any]:
        return {"content": render.help_text(reason)}

    def banks(self, banks: tuple[BankSummary, ...]) -> dict[str, Any]:
        return {"embed": render.banks_embed(list(banks))}

    def daily_changed(self, change: DailyChanged) -> dict[str, Any]:
        return {"content": render.daily_changed_text(change)}

    def review_started(self, question: QuestionView) -> dict[str, Any]:
        return {"content": texts.review_started(question.total)}

    def daily(self, daily: DailyView) -> dict[str, Any]:
        return {"content": render.daily_text(daily)}

    def flashcard(self, card: FlashcardView) -> dict[str, Any]:
        found = flashcard_view(card)
        return {
            "embed": render.flashcard_embed(card),
            IMAGE: card.image,
            **({"view": found} if found else {}),
        }

    def leaderboard(self, board: LeaderboardView) -> dict[str, Any]:
        return {"embed": render.leaderboard_embed(board)}

    def stats(self, stats: PlayerStats) -> dict[str, Any]:
        return {"embed": render.stats_embed(stats)}

    def question(self, question: QuestionView) -> dict[str, Any]:
        return {
            "embed": render.question_embed(question),
            "view": question_view(question),
            IMAGE: question.image,
        }

    def results(self, results: QuizResults) -> dict[str, Any]:
        return {"embed": render.results_embed(results)}


RENDERER = DiscordReplies()


def content(view: ReplyView) -> dict[str, Any]:
    """The message showing a reply's view."""
    return rendering.render(view, RENDERER)


class Responder:
    """The responses to one interaction: acknowledged first, then edited into the reply."""

    def __init__(self, interaction: discord.Interaction) -> None:
        self.interaction = interaction
        self.public = False
        #: Acknowledged to edit the clicked message: every reply is then a follow-up.
        self.updating = False

    async def acknowledge(self, *, public: bool = False) -> None:
        """Defer, showing "thinking" to everyone (``public``) or to the user alone."""
        self.public = public
        if not self.interaction.response.is_done():
            await self.interaction.response.defer(ephemeral=not public, thinking=True)

    async def acknowledge_update(self) -> None:
        """Defer, to edit the message whose button was clicked (no "thinking" shown)."""
        self.updating = True
        if not self.interaction.response.is_done():
            await self.interaction.response.defer()

    async def send(self, reply: Reply) -> discord.Message:
        """Show a reply as the response (or, if its visibility differs, privately after), in
        the reply's language."""
        with use_language(reply.language or None):
            payload = content(reply.view)
        return await self.show(payload, public=reply.public)

    async def show(self, payload: dict[str, Any], *, public: bool = False) -> discord.Message:
        payload = {"allowed_mentions": render.NO_MENTIONS, **payload}
        if not self.interaction.response.is_done():
            await self.acknowledge(public=public)
        editing = not self.updating and public == self.public
        payload = await place(payload, self.pictures, editing=editing)
        if self.updating:
            return await self.interaction.followup.send(ephemeral=not public, wait=True, **payload)
        if public == self.public:
            return await self.interaction.edit_original_response(**payload)
        if self.public:  # a private reply after a public "thinking": take that away first
            try:
                await self.interaction.delete_original_response()
            except discord.HTTPException:
                log.debug("could not delete the thinking message", exc_info=True)
        return await self.interaction.followup.send(ephemeral=not public, wait=True, **payload)

    async def private(self, text: str) -> None:
        """One line to the user who acted, and only them."""
        await self.show({"content": text}, public=False)

    async def update(self, **payload: Any) -> None:
        """Edit the message whose button was clicked (after :meth:`acknowledge_update`)."""
        payload = await place(payload, self.pictures, editing=True)
        await self.interaction.edit_original_response(
            allowed_mentions=render.NO_MENTIONS, **payload
        )

    @property
    def pictures(self) -> Pictures | None:
        """The client's loader of stored pictures (None for a client without one)."""
        surface = getattr(self.interaction.client, "surface", None)
        return getattr(surface, "pictures", None)

    async def error(self, error: BaseException) -> None:
        """The one place an error becomes a reply: a user's mistake in its own words,
        anything else as "something went wrong" (and logged)."""
        if isinstance(error, QuizbotError):
            text = str(error)
        else:
            log.error("a Discord interaction failed", exc_info=error)
            text = texts.something_went_wrong()
        try:
            await self.private(text)
        except discord.HTTPException:
            log.warning("could not tell the user what went wrong", exc_info=True)
