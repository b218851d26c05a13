"""Server-rendered SVG charts: horizontal bars, columns and a calendar heatmap.

Each chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>`` (its text
alternative; the pages also give the figures as a table), drawn with presentation
attributes only (no style attributes, no scripts, no fonts from elsewhere). Every text in
it is escaped here, so bank text and names stay text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from itertools import count

from markupsafe import Markup, escape

BAR = "#0b57a4"
INK = "#1a1a1a"
GRID = "#6b7078"
#: Heatmap shades, none to many (each AA against the white page for its border cells).
SHADES = ("#e6e9ed", "#b7d4ef", "#6aa6dc", "#2f77bd", "#0b4f94")
_ids = count(1)


def _frame(width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    n = next(_ids)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="chart{n}t chart{n}d" '
        f'font-family="system-ui, sans-serif" font-size="12">'
        f'<title id="chart{n}t">{escape(title)}</title><desc id="chart{n}d">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bars(
    title: str,
    desc: str,
    items: Sequence[tuple[str, float, str]],
    maximum: float | None = None,
) -> Markup:
    """Horizontal bars: each item is (label, value, the value as shown)."""
    label_w, bar_w, row_h = 200, 330, 24
    top = max([maximum or 0.0, *(v for _l, v, _s in items)]) or 1.0
    height = max(row_h * len(items), row_h) + 8
    body = []
    for i, (label, value, shown) in enumerate(items):
        y = 4 + i * row_h
        w = round(bar_w * value / top, 1)
        body.append(
            f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end" fill="{INK}">'
            f"{escape(_short(label))}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row_h - 8}" fill="{BAR}"/>'
            f'<text x="{label_w + w + 4}" y="{y + 16}" fill="{INK}">{escape(shown)}</text>'
        )
    if not items:
        body.append(f'<text x="8" y="18" fill="{INK}">No data yet</text>')
    return _frame(label_w + bar_w + 70, height, title, desc, body)


def columns(title: str, desc: str, items: Sequence[tuple[str, int]], every: int = 1) -> Markup:
    """Vertical columns with a label under every ``every``-th one (days, say)."""
    col_w, plot_h, left, bottom = 22, 120, 30, 34
    top = max([1, *(v for _l, v in items)])
    width = left + col_w * max(len(items), 1) + 10
    body = [
        f'<line x1="{left}" y1="{plot_h + 10}" x2="{width - 6}" y2="{plot_h + 10}" '
        f'stroke="{GRID}"/>',
        f'<text x="{left - 4}" y="16" text-anchor="end" fill="{INK}">{top}</text>',
        f'<text x="{left - 4}" y="{plot_h + 10}" text-anchor="end" fill="{INK}">0</text>',
    ]
    for i, (label, value) in enumerate(items):
        x = left + i * col_w
        h = round(plot_h * value / top, 1)
        if value:
            body.append(
                f'<rect x="{x + 3}" y="{plot_h + 10 - h}" width="{col_w - 6}" height="{h}" '
                f'fill="{BAR}"><title>{escape(label)}: {value}</title></rect>'
            )
        if i % every == 0:
            body.append(
                f'<text x="{x + col_w / 2}" y="{plot_h + 26}" text-anchor="middle" '
                f'font-size="10" fill="{INK}">{escape(label)}</text>'
            )
    return _frame(width, plot_h + bottom + 6, title, desc, body)


def heatmap(title: str, desc: str, days: Mapping[date, int], first: date, last: date) -> Markup:
    """A calendar of weeks (columns, Monday on top) with one square per day, shaded by count."""
    cell, left, top_pad = 13, 28, 18
    start = first - timedelta(days=first.weekday())
    weeks = (last - start).days // 7 + 1
    peak = max([1, *days.values()])
    body = []
    for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
        body.append(
            f'<text x="{left - 4}" y="{top_pad + row * cell + 10}" text-anchor="end" '
            f'font-size="9" fill="{INK}">{name}</text>'
        )
    day = start
    while day <= last:
        week, weekday = (day - start).days // 7, day.weekday()
        if day >= first:
            n = days.get(day, 0)
            shade = SHADES[0 if n == 0 else min(4, 1 + (3 * n - 1) // peak)]
            body.append(
                f'<rect x="{left + week * cell}" y="{top_pad + weekday * cell}" '
                f'width="{cell - 2}" height="{cell - 2}" fill="{shade}">'
                f"<title>{day.isoformat()}: {n}</title></rect>"
            )
        if day.day == 1 or day == first:
            body.append(
                f'<text x="{left + week * cell}" y="12" font-size="9" fill="{INK}">'
                f"{day.strftime('%b')}</text>"
            )
        day += timedelta(days=1)
    return _frame(left + weeks * cell + 6, top_pad + 7 * cell + 4, title, desc, body)
