"""The study commands of ``/quiz``: ``mistakes``, ``daily`` and ``stats``.

- ``/quiz mistakes [questions]``: a review of the questions the player got wrong, as
  ephemeral messages only they see (:meth:`bot.services.QuizApp.start_review`);
- ``/quiz daily``: show the channel's daily question; ``/quiz daily 09:00 Europe/London
  [bank] [minutes]`` sets it and ``/quiz daily off`` stops it (moderators: Manage Server or
  the configured role). The ticker posts it when due (see :mod:`adapters.discord.client`);
- ``/quiz stats``: the player's own record, privately.

They are added to the ``/quiz`` group by :class:`adapters.discord.commands.QuizCommands`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands

from adapters.discord import render
from adapters.discord.choices import (
    OFF,
    bank_autocomplete,
    daily_time_autocomplete,
    timezone_autocomplete,
)
from adapters.discord.refs import interaction_channel, interaction_player, is_moderator
from adapters.discord.views import reply_private
from bot.errors import EmptyBankError, QuizbotError

if TYPE_CHECKING:
    from adapters.discord.client import QuizClient

log = logging.getLogger(__name__)

NO_MISTAKES = (
    "No mistakes to review yet: play a quiz, and the questions you miss will come back here."
)
NEED_TIME_ZONE = "Add a time zone too, e.g. `/quiz daily 09:00 Europe/London`."
MAX_OPEN_MINUTES = 23 * 60


def _client(interaction: discord.Interaction) -> QuizClient:
    return cast("QuizClient", interaction.client)


@app_commands.command(
    name="mistakes", description="Review the questions you got wrong (only you see it)"
)
@app_commands.describe(questions="How many questions (1-50)")
async def mistakes(
    interaction: discord.Interaction, questions: app_commands.Range[int, 1, 50] = 10
) -> None:
    client = _client(interaction)
    try:
        question = await client.quiz_app.start_review(
            interaction_channel(interaction), interaction_player(interaction), count=questions
        )
    except EmptyBankError:
        await reply_private(interaction, NO_MISTAKES)
        return
    except QuizbotError as error:
        await reply_private(interaction, str(error))
        return
    await client.announcer.send_private_question(interaction, question)


@app_commands.command(
    name="daily", description="This channel's daily question: show it, set it or turn it off"
)
@app_commands.describe(
    time="When to post it, HH:MM (24-hour), or off (moderators)",
    timezone="The time zone of that time, e.g. Europe/London",
    bank="The bank to ask from (default: the main bank)",
    minutes=f"How long each question stays open (1-{MAX_OPEN_MINUTES}, default 8 hours)",
)
@app_commands.autocomplete(
    time=daily_time_autocomplete, timezone=timezone_autocomplete, bank=bank_autocomplete
)
async def daily(
    interaction: discord.Interaction,
    time: str | None = None,
    timezone: str | None = None,
    bank: str | None = None,
    minutes: app_commands.Range[int, 1, MAX_OPEN_MINUTES] | None = None,
) -> None:
    client = _client(interaction)
    app = client.quiz_app
    where = interaction_channel(interaction)
    if time is None:
        await reply_private(interaction, render.daily_text(await app.daily(where)))
        return
    who = interaction_player(interaction)
    moderator = is_moderator(interaction, client.settings.discord_moderator_role)
    try:
        if time.strip().lower() == OFF:
            await app.daily_off(where, who, is_moderator=moderator)
            text = f"No more daily question here (turned off by {who.display_name})."
        elif not timezone:
            await reply_private(interaction, NEED_TIME_ZONE)
            return
        else:
            schedule = await app.set_daily(
                where,
                who,
                time,
                timezone,
                bank or None,
                is_moderator=moderator,
                open_minutes=minutes,
            )
            text = render.daily_text(schedule)
    except QuizbotError as error:
        await reply_private(interaction, str(error))
        return
    log.info("daily question of channel %s changed by %s", where.channel, who.user)
    await interaction.response.send_message(text, allowed_mentions=render.NO_MENTIONS)


@app_commands.command(name="stats", description="Your answers, accuracy, streaks and reviews due")
async def stats(interaction: discord.Interaction) -> None:
    try:
        record = await _client(interaction).quiz_app.player_stats(interaction_player(interaction))
    except QuizbotError as error:
        await reply_private(interaction, str(error))
        return
    await interaction.response.send_message(
        embed=render.stats_embed(record), ephemeral=True, allowed_mentions=render.NO_MENTIONS
    )


STUDY_COMMANDS: tuple[app_commands.Command, ...] = (mistakes, daily, stats)  # type: ignore[type-arg]
