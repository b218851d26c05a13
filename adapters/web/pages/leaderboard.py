"""The leaderboard page: a channel's or a workspace's standings over a period, optionally
of one bank, read through :class:`bot.services.leaderboards.Leaderboards`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.web.pages import expiry_text
from adapters.web.render import query_maker, render_template
from bot.services.periods import PERIODS
from bot.views import ChannelRef

if TYPE_CHECKING:
    from bot.links import Scope
    from bot.services import QuizApp

LIMIT = 100
PERIOD_LABELS = {"today": "Today", "week": "This week", "month": "This month", "all": "All time"}
PERIOD_TITLES = {"all": "all time", "today": "today", "week": "this week", "month": "this month"}


def place_of(scope: Scope) -> str:
    """Where a scope is, in words (no other tenant's names ever appear)."""
    where = f"{scope.platform} · {scope.workspace}"
    return f"{where} · #{scope.channel}" if scope.channel else where


async def render(app: QuizApp, scope: Scope, query: dict[str, str], path: str) -> str:
    period = query.get("period", "all")
    if period not in PERIODS:
        period = "all"
    banks = await app.list_banks()
    bank = query.get("bank") or None
    if bank not in {b.name for b in banks}:
        bank = None
    where = ChannelRef(scope.platform, scope.workspace, scope.channel)
    kind = "channel" if scope.channel else "workspace"
    board = await app.leaderboard(where, kind, period, bank, LIMIT)
    what = "Channel" if scope.channel else "Workspace"
    board_title = f"{what} leaderboard, {PERIOD_TITLES[period]}"
    if bank:
        board_title += f", bank {bank}"
    return render_template(
        "leaderboard.html",
        title=f"{what} leaderboard",
        place=place_of(scope),
        expires=expiry_text(scope),
        periods=[(key, PERIOD_LABELS[key]) for key in ("today", "week", "month", "all")],
        period=period,
        bank=bank or "",
        banks=banks,
        board_title=board_title,
        rows=board.rows,
        query=query_maker({"period": period, "bank": bank or ""}),
    )
