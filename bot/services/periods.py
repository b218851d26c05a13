"""Leaderboard periods: the first day of today, this week (from Monday) and this month."""

from __future__ import annotations

from datetime import date, timedelta

from bot.errors import QuizbotError
from bot.i18n import _

PERIODS = ("all", "today", "week", "month")
#: Periods kept as running totals per player (player_totals); "all" starts on this day.
TOTAL_PERIODS = ("all", "month", "week")
ALL_TIME = date(1970, 1, 1)


def period_start(period: str, today: date) -> date | None:
    """The first day a period covers (weeks start on Monday), or None for all time."""
    if period == "all":
        return None
    if period == "today":
        return today
    if period == "week":
        return today - timedelta(days=today.weekday())
    if period == "month":
        return today.replace(day=1)
    raise QuizbotError(
        _("unknown period {period} (one of: {periods})").format(
            period=repr(period), periods=", ".join(PERIODS)
        )
    )


def total_start(period: str, today: date) -> date:
    """The ``starts`` key of a player's running total for a period containing ``today``."""
    return period_start(period, today) or ALL_TIME
