"""Numbers, dates, times and durations written the current language's way (Babel).

``1,234.5`` in English is ``1.234,5`` in German and Spanish; ``Friday 17:00`` is
``viernes 17:00``. Each function formats for :func:`bot.i18n.current_language`. Babel is
imported on first use, so a process that formats nothing does not pay for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.i18n import current_language


def number(value: float, digits: int | None = None) -> str:
    """A number with the language's grouping and decimal sign (``digits`` after the sign
    when given, else as many as it has)."""
    from babel.numbers import format_decimal

    if digits is None:
        return format_decimal(value, locale=current_language())
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=current_language())


def percent(fraction: float, digits: int = 0) -> str:
    """``0.756`` -> ``76%`` (``76 %`` in German and Spanish: the language's own pattern),
    with ``digits`` after the decimal sign."""
    from babel.core import Locale
    from babel.numbers import format_percent

    language = current_language()
    pattern = Locale.parse(language).percent_formats[None].pattern
    if digits > 0:
        head, zero, tail = pattern.rpartition("0")
        pattern = f"{head}{zero}.{'0' * digits}{tail}"
    return format_percent(fraction, format=pattern, locale=language)


def time_of_day(value: dt.time | dt.datetime) -> str:
    """A clock time, short (``5:00 PM`` / ``17:00``)."""
    from babel.dates import format_time

    return format_time(value, format="short", locale=current_language())


def date(value: dt.date | dt.datetime, length: str = "medium") -> str:
    """A date (``Dec 1, 2026`` / ``1 dic 2026`` / ``01.12.2026``)."""
    from babel.dates import format_date

    return format_date(value, format=length, locale=current_language())


def date_time(value: dt.datetime, length: str = "medium") -> str:
    """A date and time, in the time zone ``value`` carries."""
    from babel.dates import format_datetime

    return format_datetime(value, format=length, tzinfo=value.tzinfo, locale=current_language())


def weekday(index: int, width: str = "wide") -> str:
    """Monday is 0: ``Monday`` / ``lunes`` / ``Montag`` (``abbreviated``: ``Mon``)."""
    from babel.dates import get_day_names

    return str(get_day_names(width, locale=current_language())[index])


def duration(seconds: float, *, threshold: float = 0.85, add_direction: bool = False) -> str:
    """``90`` -> ``2 minutes`` / ``2 minutos`` (rounded to the largest fitting unit)."""
    from babel.dates import format_timedelta

    return format_timedelta(
        dt.timedelta(seconds=seconds),
        threshold=threshold,
        add_direction=add_direction,
        locale=current_language(),
    )


def seconds(value: float) -> str:
    """An exact short duration in seconds (``30 s``, ``2.5 s`` / ``2,5 s``)."""
    from babel.units import format_unit

    return format_unit(value, "duration-second", length="short", locale=current_language())


def items(values: Sequence[str], style: str = "standard") -> str:
    """``a, b and c`` / ``a, b y c`` / ``a, b und c``."""
    from babel.lists import format_list

    return format_list(list(values), style=style, locale=current_language())
