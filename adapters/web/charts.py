"""Server-rendered SVG charts: horizontal bars, columns and a calendar heatmap.

Each chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>`` (its text
alternative; the pages also give the figures as a table), drawn with presentation
attributes only (no style attributes, no scripts, no fonts from elsewhere). Every text in
it is escaped here, so bank text and names stay text. Its own words, numbers, days and
months are written in the current language (:mod:`bot.i18n`).

Bars and columns are drawn in CSS pixels across the page's width (x positions and widths in
percent, no ``viewBox``), so their text keeps its size on a phone and on a desktop and only
the bars stretch. The calendar keeps square days, so it scales (a ``viewBox`` about as wide
as a phone's column, its text drawn large enough to stay readable there).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from itertools import count

from markupsafe import Markup, escape

from bot.i18n import _, current_language
from bot.i18n import formatting as fmt

BAR = "#0b57a4"
TRACK = "#e6e9ed"
INK = "#1a1a1a"
GRID = "#6b7078"
#: Heatmap shades, none to many (each AA against the white page for its border cells).
SHADES = ("#e6e9ed", "#b7d4ef", "#6aa6dc", "#2f77bd", "#0b4f94")
#: Text size of bars and columns, in CSS pixels (they are not scaled).
FONT_PX = 14
#: Text size of the calendar, in its viewBox's units (shown at about 0.9 of that on a phone).
CALENDAR_FONT = 12
_ids = count(1)


def _frame(size: str, title: str, desc: str, body: list[str], *, font: int, css: str) -> Markup:
    n = next(_ids)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" {size} class="{css}" '
        f'role="img" aria-labelledby="chart{n}t chart{n}d" '
        f'font-family="system-ui, sans-serif" font-size="{font}">'
        f'<title id="chart{n}t">{escape(title)}</title><desc id="chart{n}d">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def day_month(day: date) -> str:
    """A short day label in the current language: ``Sep 1``, ``1 sept``, ``1. Sept.``."""
    from babel.dates import format_skeleton

    return format_skeleton("MMMd", day, locale=current_language())


def month_name(day: date) -> str:
    """The month of ``day``, abbreviated, in the current language: ``Sep``, ``sept``, ``Sept.``."""
    from babel.dates import get_month_names

    return str(get_month_names("abbreviated", locale=current_language())[day.month])


def _pct(value: float) -> str:
    return f"{round(value, 2)}%"


def bars(
    title: str,
    desc: str,
    items: Sequence[tuple[str, float, str]],
    maximum: float | None = None,
) -> Markup:
    """Horizontal bars: each item is (label, value, the value as shown). Each row has its
    label (left) and value (right) on a line, and the bar under them across the width."""
    row_h, bar_h = 42, 14
    top = max([maximum or 0.0, *(v for _l, v, _s in items)]) or 1.0
    height = max(row_h * len(items), row_h) + 4
    body = []
    for i, (label, value, shown) in enumerate(items):
        y = i * row_h
        body.append(
            f'<text x="0" y="{y + 17}" fill="{INK}">{escape(_short(label))}</text>'
            f'<text x="100%" y="{y + 17}" text-anchor="end" fill="{INK}">{escape(shown)}</text>'
            f'<rect x="0" y="{y + 23}" width="100%" height="{bar_h}" fill="{TRACK}"/>'
            f'<rect x="0" y="{y + 23}" width="{_pct(100 * max(value, 0.0) / top)}" '
            f'height="{bar_h}" fill="{BAR}"/>'
        )
    if not items:
        empty = escape(_("No data yet"))
        body.append(f'<text x="0" y="18" fill="{INK}">{empty}</text>')
    size = f'width="100%" height="{height}"'
    return _frame(size, title, desc, body, font=FONT_PX, css="chart")


def columns(title: str, desc: str, items: Sequence[tuple[str, int]], every: int = 1) -> Markup:
    """Vertical columns with a label under every ``every``-th one (days, say); the highest
    value and 0 are written at the left of the plot."""
    plot_h, top_pad, left = 120, 8, 10.0  # left: percent of the width kept for the scale
    top = max([1, *(v for _l, v in items)])
    slot = (100.0 - left) / max(len(items), 1)
    base = top_pad + plot_h
    body = [
        f'<line x1="{_pct(left)}" y1="{base}" x2="100%" y2="{base}" stroke="{GRID}"/>',
        f'<text x="0" y="{top_pad + 12}" fill="{INK}">{escape(fmt.number(top))}</text>',
        f'<text x="0" y="{base}" fill="{INK}">{escape(fmt.number(0))}</text>',
    ]
    for i, (label, value) in enumerate(items):
        x = left + i * slot
        h = round(plot_h * value / top, 1)
        if value:
            shown = escape(fmt.number(value))
            body.append(
                f'<rect x="{_pct(x + slot * 0.15)}" y="{base - h}" width="{_pct(slot * 0.7)}" '
                f'height="{h}" fill="{BAR}"><title>{escape(label)}: {shown}</title></rect>'
            )
        if i % every == 0:
            middle = x + slot / 2
            # Near the right edge the label ends at it rather than running off the chart.
            at = (
                f'x="{_pct(middle)}" text-anchor="middle"'
                if middle < 88
                else 'x="100%" text-anchor="end"'
            )
            body.append(
                f'<text {at} y="{base + 18}" font-size="12" fill="{INK}">{escape(label)}</text>'
            )
    size = f'width="100%" height="{base + 26}"'
    return _frame(size, title, desc, body, font=FONT_PX, css="chart")


def heatmap(title: str, desc: str, days: Mapping[date, int], first: date, last: date) -> Markup:
    """A calendar of weeks (columns, Monday on top) with one square per day, shaded by count."""
    cell, left, top_pad = 13, 32, 20
    start = first - timedelta(days=first.weekday())
    weeks = (last - start).days // 7 + 1
    peak = max([1, *days.values()])
    body = []
    for row in (0, 2, 4):  # Monday, Wednesday, Friday
        body.append(
            f'<text x="{left - 4}" y="{top_pad + row * cell + 10}" text-anchor="end" '
            f'fill="{INK}">{escape(fmt.weekday(row, "abbreviated"))}</text>'
        )
    day = start
    month_at = -99
    while day <= last:
        week, weekday = (day - start).days // 7, day.weekday()
        if day >= first:
            n = days.get(day, 0)
            shade = SHADES[0 if n == 0 else min(4, 1 + (3 * n - 1) // peak)]
            body.append(
                f'<rect x="{left + week * cell}" y="{top_pad + weekday * cell}" '
                f'width="{cell - 2}" height="{cell - 2}" fill="{shade}">'
                f"<title>{escape(fmt.date(day))}: {escape(fmt.number(n))}</title></rect>"
            )
        if (day.day == 1 or day == first) and week - month_at >= 3:  # room for "Sept."
            month_at = week
            month = escape(month_name(day))
            body.append(f'<text x="{left + week * cell}" y="14" fill="{INK}">{month}</text>')
        day += timedelta(days=1)
    # room at the right for the last month's name ("Dec", "Sept.")
    size = f'viewBox="0 0 {left + weeks * cell + 32} {top_pad + 7 * cell + 4}"'
    return _frame(size, title, desc, body, font=CALENDAR_FONT, css="calendar")
