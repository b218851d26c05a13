"""Autocomplete for the slash commands' options: banks, topics, times and time zones.

Each function gets what the user has typed so far and returns at most
:data:`AUTOCOMPLETE_LIMIT` choices (Discord shows no more). They never raise: an error
becomes an empty list, and the user can still type a value by hand.
"""

from __future__ import annotations

import functools
import zoneinfo
from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands

from bot.errors import QuizbotError

if TYPE_CHECKING:
    from adapters.discord.client import QuizClient

AUTOCOMPLETE_LIMIT = 25  # Discord shows at most 25 choices
OFF = "off"


def _client(interaction: discord.Interaction) -> QuizClient:
    return cast("QuizClient", interaction.client)


def _choices(values: list[str]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=v, value=v) for v in values[:AUTOCOMPLETE_LIMIT]]


async def bank_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Bank names starting with what the user has typed so far."""
    try:
        names = await _client(interaction).quiz_app.bank_names(prefix=current.strip())
    except QuizbotError:
        return []
    return _choices(names)


async def topic_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Topics of the bank chosen so far (or of every bank) matching what was typed."""
    chosen = getattr(interaction.namespace, "bank", None)
    try:
        banks = await _client(interaction).quiz_app.list_banks()
    except QuizbotError:
        return []
    wanted = current.strip().lower()
    topics = sorted(
        {
            t
            for b in banks
            if not chosen or b.name == chosen
            for t in b.topics
            if t.lower().startswith(wanted)
        }
    )
    return _choices(topics)


@functools.cache
def _time_zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def matching_time_zones(typed: str) -> list[str]:
    """IANA time zone names for what was typed: names that start with it first, then
    names containing it (``london`` finds ``Europe/London``); at most 25."""
    wanted = typed.strip().lower().replace(" ", "_")
    zones = _time_zones()
    if not wanted:
        preferred = [
            "UTC",
            "Europe/London",
            "Europe/Berlin",
            "America/New_York",
            "America/Los_Angeles",
            "Asia/Tokyo",
            "Australia/Sydney",
        ]
        return [z for z in preferred if z in zones]
    starts = [z for z in zones if z.lower().startswith(wanted)]
    contains = [z for z in zones if wanted in z.lower() and z not in starts]
    return (starts + contains)[:AUTOCOMPLETE_LIMIT]


async def timezone_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Time zones (``zoneinfo.available_timezones()``) matching what was typed."""
    return _choices(matching_time_zones(current))


async def daily_time_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """``off`` and whole hours (``09:00``) that start with what was typed."""
    wanted = current.strip().lower()
    values = [OFF] + [f"{hour:02d}:00" for hour in range(24)]
    return _choices([v for v in values if v.startswith(wanted)])
