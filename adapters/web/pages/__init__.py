"""The pages a signed link opens, one module each; :func:`render_page` picks by the link's
kind and writes it in its reader's language (:mod:`adapters.web.languages`). Every page
reads only inside its link's scope (its platform and workspace, and the channel, player,
quiz or bank it names); a link naming something outside it is :class:`OutOfScope` (403)."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from adapters.web import languages
from bot.errors import QuizbotError
from bot.i18n import _, use_language
from bot.i18n import formatting as fmt
from bot.views import ChannelRef

if TYPE_CHECKING:
    from bot.links import Scope
    from bot.services import QuizApp


class OutOfScope(QuizbotError):
    """The link's scope does not hold what it names (another tenant's quiz, say)."""


def percent(share: float | None) -> str:
    """A share as a whole percentage; "n/a" when nothing was counted."""
    return _("n/a") if share is None else fmt.percent(share)


def moment(when: datetime) -> str:
    """A date and time in the current language (``Sep 1, 2026 12:00 PM``); the pages say
    "UTC" beside it."""
    return _("{date} {time}").format(date=fmt.date(when), time=fmt.time_of_day(when))


def expiry_text(scope: Scope) -> str:
    return moment(datetime.fromtimestamp(scope.expires, UTC))


async def channel_of(app: QuizApp, scope: Scope) -> ChannelRef | None:
    """The channel a page is about (its language is the page's when the reader's browser
    names none quizbot speaks), or None for a workspace's or a player's page."""
    module = importlib.import_module(f"adapters.web.pages.{scope.kind}")
    own = getattr(module, "channel_of", None)
    if own is not None:
        found: ChannelRef | None = await own(app, scope)
        return found
    if scope.channel:
        return ChannelRef(scope.platform, scope.workspace, scope.channel)
    return None


async def page_language(app: QuizApp, scope: Scope, requested: str | None) -> str:
    """The reader's language when they asked for one, else the channel's, else the install's."""
    if requested:
        return requested
    return await languages.of_channel(app, await channel_of(app, scope))


async def render_page(
    app: QuizApp, scope: Scope, query: dict[str, str], path: str, requested: str | None = None
) -> str:
    """The HTML of the page ``scope`` grants (at ``path``), filtered by ``query``, in
    ``requested`` (the reader's language) or the page's own."""
    module = importlib.import_module(f"adapters.web.pages.{scope.kind}")
    with use_language(await page_language(app, scope, requested)):
        html: str = await module.render(app, scope, query, path)
    return html


async def answers_download(app: QuizApp, scope: Scope, file_format: str) -> tuple[bytes, str, str]:
    """A player's own answers as CSV or JSON: (body, content type, file name)."""
    if scope.kind != "player":
        raise OutOfScope("only a player's link has downloads")
    from adapters.web.pages import player

    return await player.download(app, scope, file_format)
