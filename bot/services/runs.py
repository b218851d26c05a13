"""Local-time schedules, shared by the daily question and scheduled quizzes.

A schedule says "at HH:MM local time in a time zone", every day or on one weekday. This
module parses those words, computes the next run in UTC (counting days in local time, so a
run keeps its local hour across daylight-saving changes), and claims a due run: moving
``next_run_at`` on is one conditional UPDATE, so of several processes that see the same
run due, exactly one gets it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import QuizbotError
from bot.i18n import _

TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
#: Monday is 0, as :meth:`datetime.weekday` counts.
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_time(text: str) -> time:
    match = TIME_PATTERN.match(text.strip())
    if not match:
        raise QuizbotError(
            _("give the time as HH:MM (24-hour), not {text}").format(text=repr(text))
        )
    return time(int(match.group(1)), int(match.group(2)))


def parse_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise QuizbotError(
            _("unknown time zone {zone}: use a name like Europe/London or America/New_York").format(
                zone=repr(name)
            )
        ) from None


def parse_weekday(text: str) -> int:
    """A day's name or its first three letters or more (``fri``, ``Friday``): 0 is Monday."""
    word = text.strip().lower()
    if len(word) >= 3:
        for number, name in enumerate(WEEKDAYS):
            if name.startswith(word):
                return number
    raise QuizbotError(
        _("give the day as mon, tue, wed, thu, fri, sat or sun, not {text}").format(text=repr(text))
    )


def next_run_after(now: datetime, at: time, zone: ZoneInfo, weekday: int | None = None) -> datetime:
    """The first moment after ``now`` when the local clock in ``zone`` shows ``at`` (on
    ``weekday``, 0 = Monday, if given; else any day), in UTC.

    Days are counted in local time, so the run keeps its local hour across daylight
    saving changes (on the day a change skips ``at``, it comes an hour later).
    """
    local_now = now.astimezone(zone)
    day = local_now.date()
    while True:
        if weekday is None or day.weekday() == weekday:
            candidate = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
            if candidate > now:
                return candidate
        day += timedelta(days=1)


async def claim_run(
    session: AsyncSession, table: type, row_id: int, was_due_at: datetime, following: datetime
) -> bool:
    """Move a schedule row's ``next_run_at`` from ``was_due_at`` to ``following`` if no other
    process has yet: True if this one did (and so runs it)."""
    claimed = await session.execute(
        update(table)
        .where(table.id == row_id, table.next_run_at == was_due_at)  # type: ignore[attr-defined]
        .values(next_run_at=following)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1  # type: ignore[attr-defined]
