"""The leaderboard page: a channel's or a workspace's standings over a period, optionally
of one bank, read through :class:`bot.services.leaderboards.Leaderboards`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.web.languages import chosen
from adapters.web.pages import expiry_text
from adapters.web.render import query_maker, render_template
from bot.i18n import _
from bot.services.periods import PERIODS
from bot.views import ChannelRef

if TYPE_CHECKING:
    from bot.links import Scope
    from bot.services import QuizApp

LIMIT = 100
#: The period links, in their order.
PERIOD_ORDER = ("today", "week", "month", "all")


def period_labels() -> dict[str, str]:
    """The period links' words, in the current language."""
    return {
        "today": _("Today"),
        "week": _("This week"),
        "month": _("This month"),
        "all": _("All time"),
    }


def board_title(of_channel: bool, period: str) -> str:
    """ "Channel leaderboard, this week" (whole sentences: word order is the language's)."""
    if of_channel:
        titles = {
            "all": _("Channel leaderboard, all time"),
            "today": _("Channel leaderboard, today"),
            "week": _("Channel leaderboard, this week"),
            "month": _("Channel leaderboard, this month"),
        }
    else:
        titles = {
            "all": _("Workspace leaderboard, all time"),
            "today": _("Workspace leaderboard, today"),
            "week": _("Workspace leaderboard, this week"),
            "month": _("Workspace leaderboard, this month"),
        }
    return titles[period]


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
    title = board_title(bool(scope.channel), period)
    if bank:
        title = _("{leaderboard}, bank {bank}").format(leaderboard=title, bank=bank)
    labels = period_labels()
    return render_template(
        "leaderboard.html",
        request_query=query,
        title=_("Channel leaderboard") if scope.channel else _("Workspace leaderboard"),
        place=place_of(scope),
        expires=expiry_text(scope),
        periods=[(key, labels[key]) for key in PERIOD_ORDER],
        period=period,
        bank=bank or "",
        banks=banks,
        board_title=title,
        rows=board.rows,
        query=query_maker({"period": period, "bank": bank or "", "lang": chosen(query) or ""}),
    )
