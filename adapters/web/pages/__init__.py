"""The pages a signed link opens, one module each; :func:`render_page` picks by the link's
kind. Every page reads only inside its link's scope (its platform and workspace, and the
channel, player, quiz or bank it names); a link naming something outside it is
:class:`OutOfScope` (403)."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.errors import QuizbotError

if TYPE_CHECKING:
    from bot.links import Scope
    from bot.services import QuizApp


class OutOfScope(QuizbotError):
    """The link's scope does not hold what it names (another tenant's quiz, say)."""


def percent(share: float | None) -> str:
    """A share as a whole percentage; "n/a" when nothing was counted."""
    return "n/a" if share is None else f"{round(share * 100)}%"


def expiry_text(scope: Scope) -> str:
    return datetime.fromtimestamp(scope.expires, UTC).strftime("%Y-%m-%d %H:%M")


async def render_page(app: QuizApp, scope: Scope, query: dict[str, str], path: str) -> str:
    """The HTML of the page ``scope`` grants (at ``path``), filtered by ``query``."""
    module = importlib.import_module(f"adapters.web.pages.{scope.kind}")
    html: str = await module.render(app, scope, query, path)
    return html


async def answers_download(app: QuizApp, scope: Scope, fmt: str) -> tuple[bytes, str, str]:
    """A player's own answers as CSV or JSON: (body, content type, file name)."""
    if scope.kind != "player":
        raise OutOfScope("only a player's link has downloads")
    from adapters.web.pages import player

    return await player.download(app, scope, fmt)
