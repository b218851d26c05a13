"""Which language a web page is written in.

In order: ``?lang=xx`` on the URL (a reader's own choice, from the page's language links;
presentation only, outside the link's signed scope like the other filters), else the
browser's ``Accept-Language`` negotiated among the languages quizbot speaks, else the
channel's ``language`` setting for a page about one channel (a channel's leaderboard, a
game's report), else the install's (``QUIZBOT_LANGUAGE``), else English.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.i18n.languages import LANGUAGES, install_default, normalize

if TYPE_CHECKING:
    from bot.services import QuizApp
    from bot.views import ChannelRef

log = logging.getLogger(__name__)

#: The query parameter a reader picks a language with.
PARAMETER = "lang"
#: How many languages of an ``Accept-Language`` header are looked at (a header is short).
MAX_ACCEPTED = 20


def chosen(query: Mapping[str, str]) -> str | None:
    """The language ``?lang=`` asks for, when quizbot speaks it (``de``, ``de-AT``, ``DE``)."""
    value = query.get(PARAMETER, "")[:20]
    return normalize(value) if value.strip() else None


def accepted_tags(header: str | None) -> list[str]:
    """The language tags of an ``Accept-Language`` header, most wanted first (``q=0`` and
    ``*`` left out; equal weights keep the header's order)."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")[:MAX_ACCEPTED]):
        tag, _semicolon, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*":
            continue
        weight = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if weight > 0:
            weighted.append((-weight, position, tag))
    return [tag for _weight, _position, tag in sorted(weighted)]


def negotiated(header: str | None) -> str | None:
    """The language of ``Accept-Language`` quizbot speaks best, or None."""
    from babel.core import negotiate_locale

    found = negotiate_locale(accepted_tags(header), list(LANGUAGES), sep="-")
    return normalize(found)


def requested(query: Mapping[str, str], accept_language: str | None) -> str | None:
    """What the reader asks for: ``?lang=``, else their browser's languages; None when
    neither names one quizbot speaks."""
    return chosen(query) or negotiated(accept_language)


async def of_channel(app: QuizApp, where: ChannelRef | None) -> str:
    """A channel's language setting, else the install's (no channel: the install's)."""
    if where is None:
        return install_default()
    try:
        settings = await app.channel_settings(where)
    except Exception:  # the page itself will say what is wrong with the database
        log.debug("channel language unknown for %s", where, exc_info=True)
        return install_default()
    return normalize(settings.language) or install_default()
