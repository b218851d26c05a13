"""Which language each message is written in, decided once for every platform.

A channel's public messages (questions, reveals, results, the lobby, public replies) are in
the channel's language: its ``language`` setting, else the install's (``QUIZBOT_LANGUAGE``),
else English. A reply only the asker sees follows the language their own client says it
uses (Discord's interaction locale, Slack's user locale, Telegram's ``language_code``) when
quizbot speaks it, else the channel's. Platforms call :meth:`Languages.for_player` when an
event arrives and write inside ``bot.i18n.use_language``; the conductor writes each public
message in :meth:`Languages.of_channel`.

A channel's language is kept for :data:`KEEP_SECONDS` (a settings change made in this process
is seen at once; one made by another process within that time).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.i18n import current_language
from bot.i18n.languages import install_default, normalize
from bot.views import ChannelRef

if TYPE_CHECKING:
    from bot.services import QuizApp

log = logging.getLogger(__name__)

KEEP_SECONDS = 30.0
MAX_KEPT = 10_000


class Languages:
    """The language of each channel, read from its settings and kept a short while."""

    def __init__(self, app: QuizApp, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.clock = clock
        self._kept: dict[ChannelRef, tuple[float, str]] = {}

    async def of_channel(self, where: ChannelRef) -> str:
        """The language of ``where``'s public messages."""
        kept = self._kept.get(where)
        now = self.clock()
        if kept is not None and now - kept[0] < KEEP_SECONDS:
            return kept[1]
        try:
            settings = await self.app.channel_settings(where)
        except Exception:  # a database outage: the install's language, not kept
            log.debug("channel language unknown for %s", where, exc_info=True)
            return kept[1] if kept else install_default()
        language = normalize(settings.language) or install_default()
        if len(self._kept) >= MAX_KEPT:
            self._kept.clear()
        self._kept[where] = (now, language)
        return language

    async def for_player(self, where: ChannelRef | None, client_locale: str | None) -> str:
        """The language of a reply only this player sees: their client's when quizbot
        speaks it, else the channel's (no channel: the current language)."""
        own = normalize(client_locale)
        if own is not None:
            return own
        if where is None:
            return current_language()
        return await self.of_channel(where)

    def forget(self, where: ChannelRef) -> None:
        """After a settings change here: read the channel's language again next time."""
        self._kept.pop(where, None)
