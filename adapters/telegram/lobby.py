"""A quiz's lobby on Telegram: its HTML text (names escaped) and its inline keyboard.

Callback data carries the quiz id, so any process serves a press, also after a restart:
``lj:<quiz>`` joins (the Join button), ``ls:<quiz>`` begins it now (Start).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from adapters.kit import limits
from adapters.kit.lobby import lobby_text
from adapters.telegram.render import cut, esc
from bot.i18n import _
from bot.views import LobbyView

JOIN = "lj"
START = "ls"


def text(view: LobbyView) -> str:
    """The lobby message (plain text, escaped for HTML parse mode, cut to fit)."""
    return esc(cut(lobby_text(view), limits.TELEGRAM_TEXT - 96))


def keyboard(view: LobbyView) -> InlineKeyboardMarkup | None:
    """Join and Start (in the current language: the group's) until the game begins (or it
    was stopped); then none."""
    if view.begun or view.ended:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("Join"), callback_data=f"{JOIN}:{view.quiz_id}"),
                InlineKeyboardButton(_("Start"), callback_data=f"{START}:{view.quiz_id}"),
            ]
        ]
    )
