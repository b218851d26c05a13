"""The slash commands: ``/quiz start|stop|leaderboard|banks|help`` and ``/flashcards``.

The study subcommands (``/quiz mistakes|daily|stats``) live in :mod:`adapters.discord.study`
and join the ``/quiz`` group here; option autocomplete is in :mod:`adapters.discord.choices`.

Each command turns the interaction into plain ids, calls :class:`bot.services.QuizApp`, and
renders the view it gets back. Errors a user can cause (:class:`bot.errors.QuizbotError`)
are answered privately with their one-line message.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal, cast

import discord
from discord import app_commands

from adapters.discord import render
from adapters.discord.choices import bank_autocomplete, topic_autocomplete
from adapters.discord.refs import interaction_channel, interaction_player, is_moderator
from adapters.discord.study import STUDY_COMMANDS
from adapters.discord.views import flashcard_view, question_view, reply_private
from bot.errors import QuizbotError

if TYPE_CHECKING:
    from adapters.discord.client import QuizClient

log = logging.getLogger(__name__)

SCOPES: dict[str, str] = {"channel": "channel", "server": "workspace", "all": "all"}


def _client(interaction: discord.Interaction) -> QuizClient:
    return cast("QuizClient", interaction.client)


@app_commands.guild_only()
class QuizCommands(app_commands.Group):
    """``/quiz``: quizzes in the channel."""

    def __init__(self) -> None:
        super().__init__(name="quiz", description="Quizzes in this channel")
        for command in STUDY_COMMANDS:
            self.add_command(command)

    @app_commands.command(name="start", description="Start a quiz in this channel")
    @app_commands.describe(
        bank="The question bank to play (default: the main bank)",
        questions="How many questions (1-100)",
        seconds="Seconds to answer each question (5-3600)",
        topic="Only questions on this topic",
        mode="random order, or hardest first (the questions most players miss)",
    )
    @app_commands.autocomplete(bank=bank_autocomplete, topic=topic_autocomplete)
    async def start(
        self,
        interaction: discord.Interaction,
        bank: str | None = None,
        questions: app_commands.Range[int, 1, 100] = 10,
        seconds: app_commands.Range[int, 5, 3600] = 30,
        topic: str | None = None,
        mode: Literal["random", "hardest"] = "random",
    ) -> None:
        client = _client(interaction)
        try:
            question = await client.quiz_app.start_quiz(
                interaction_channel(interaction),
                interaction_player(interaction),
                bank=bank or None,
                count=questions,
                seconds=seconds,
                topic=topic or None,
                order=mode,
            )
        except QuizbotError as error:
            await reply_private(interaction, str(error))
            return
        response = await interaction.response.send_message(
            embed=render.question_embed(question),
            view=question_view(question),
            allowed_mentions=render.NO_MENTIONS,
        )
        message_id = response.message_id
        if message_id is None:
            message_id = (await interaction.original_response()).id
        await client.announcer.remember_message(question, message_id)

    @app_commands.command(name="stop", description="Stop this channel's quiz")
    async def stop(self, interaction: discord.Interaction) -> None:
        client = _client(interaction)
        where = interaction_channel(interaction)
        moderator = is_moderator(interaction, client.settings.discord_moderator_role)
        # The channel's quiz (not its daily question, nor anyone's review).
        view = await client.quiz_app.open_round(where)
        current = [(view, view.message_ref)] if view is not None else []
        try:
            results = await client.quiz_app.stop_quiz(
                where, interaction_player(interaction), is_moderator=moderator
            )
        except QuizbotError as error:
            await reply_private(interaction, str(error))
            return
        client.announcer.quiz_ended(where.channel)
        await interaction.response.send_message(
            embed=render.results_embed(results), allowed_mentions=render.NO_MENTIONS
        )
        for view, ref in current:
            if ref:
                await client.announcer.mark_stopped(view, ref)

    @app_commands.command(name="leaderboard", description="The best players")
    @app_commands.describe(
        scope="This channel, this server, or everyone", period="Which scores count"
    )
    async def leaderboard(
        self,
        interaction: discord.Interaction,
        scope: Literal["channel", "server", "all"] = "channel",
        period: Literal["all", "today", "week", "month"] = "all",
    ) -> None:
        try:
            board = await _client(interaction).quiz_app.leaderboard(
                interaction_channel(interaction), scope=SCOPES[scope], period=period
            )
        except QuizbotError as error:
            await reply_private(interaction, str(error))
            return
        await interaction.response.send_message(
            embed=render.leaderboard_embed(board), allowed_mentions=render.NO_MENTIONS
        )

    @app_commands.command(name="banks", description="The question banks you can play")
    async def banks(self, interaction: discord.Interaction) -> None:
        banks = await _client(interaction).quiz_app.list_banks()
        await interaction.response.send_message(
            embed=render.banks_embed(banks), ephemeral=True, allowed_mentions=render.NO_MENTIONS
        )

    @app_commands.command(name="help", description="How to play")
    async def help(self, interaction: discord.Interaction) -> None:
        await reply_private(interaction, render.HELP_TEXT)


@app_commands.command(name="flashcards", description="Review the flashcards due for you, privately")
@app_commands.describe(bank="The bank to review (default: the first with flashcards)")
@app_commands.autocomplete(bank=bank_autocomplete)
@app_commands.guild_only()
async def flashcards(interaction: discord.Interaction, bank: str | None = None) -> None:
    try:
        card = await _client(interaction).quiz_app.next_flashcard(
            interaction_player(interaction), bank or None
        )
    except QuizbotError as error:
        await reply_private(interaction, str(error))
        return
    view = flashcard_view(card)
    await interaction.response.send_message(
        embed=render.flashcard_embed(card),
        ephemeral=True,
        allowed_mentions=render.NO_MENTIONS,
        **({"view": view} if view is not None else {}),
    )


def install(tree: app_commands.CommandTree[discord.Client]) -> None:
    """Add quizbot's commands to a command tree, and its error reply."""
    tree.add_command(QuizCommands())
    tree.add_command(flashcards)

    @tree.error
    async def on_error(
        interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        log.error(
            "command %s failed",
            interaction.command and interaction.command.qualified_name,
            exc_info=error,
        )
        try:
            await reply_private(interaction, "Something went wrong; please try again.")
        except discord.HTTPException:
            log.warning("could not report the failure to the user", exc_info=True)
