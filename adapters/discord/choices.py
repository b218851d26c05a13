"""Autocomplete for the slash commands' options: banks, topics, times and time zones.

Each function gets the core and what the user has typed so far, and returns at most
:data:`AUTOCOMPLETE_LIMIT` choices (Discord shows no more). They never raise: an error
becomes an empty list, and the user can still type a value by hand. The cog's autocomplete
callbacks call them (Discord wants the choices within 3 seconds: one query each).
"""

from __future__ import annotations

import functools
import zoneinfo

from discord import app_commands

from bot.errors import QuizbotError
from bot.services import QuizApp

AUTOCOMPLETE_LIMIT = 25  # Discord shows at most 25 choices
OFF = "off"


def _choices(values: list[str]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=v, value=v) for v in values[:AUTOCOMPLETE_LIMIT]]


async def banks(
    app: QuizApp, current: str, *, questions: bool = False, flashcards: bool = False
) -> list[app_commands.Choice[str]]:
    """Bank names starting with what the user has typed so far (only banks with questions
    to play, or with flashcards, when asked)."""
    try:
        found = await app.list_banks()
    except QuizbotError:
        return []
    wanted = current.strip().lower()
    return _choices(
        [
            b.name
            for b in found
            if b.name.startswith(wanted)
            and (not questions or b.questions)
            and (not flashcards or b.flashcards)
        ]
    )


async def topics(app: QuizApp, chosen: str | None, current: str) -> list[app_commands.Choice[str]]:
    """Topics of the bank chosen so far (or of every bank) matching what was typed."""
    try:
        banks = await app.list_banks()
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


def time_zones(current: str) -> list[app_commands.Choice[str]]:
    """Time zones (``zoneinfo.available_timezones()``) matching what was typed."""
    return _choices(matching_time_zones(current))


def daily_times(current: str) -> list[app_commands.Choice[str]]:
    """``off`` and whole hours (``09:00``) that start with what was typed."""
    wanted = current.strip().lower()
    values = [OFF] + [f"{hour:02d}:00" for hour in range(24)]
    return _choices([v for v in values if v.startswith(wanted)])
