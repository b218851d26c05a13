"""A quiz's lobby in Block Kit: its text (escaped: player names are untrusted) with the Join
and Start buttons, which carry the quiz id as their value (any process serves a click)."""

from __future__ import annotations

from typing import Any

from adapters.kit.lobby import lobby_text
from adapters.slack.blocks import Block, button, escape, message, section
from bot.i18n import _
from bot.views import LobbyView

JOIN_ACTION = "quiz_lobby_join"
START_ACTION = "quiz_lobby_start"


def lobby_message(view: LobbyView) -> dict[str, Any]:
    """The lobby message (for ``chat.postMessage`` / ``chat.update``): Join and Start until
    the game begins (or it was stopped), then the text alone; in the current language (the
    conductor's: the channel's)."""
    text = escape(lobby_text(view))
    shown: list[Block] = [section(text)]
    if not (view.begun or view.ended):
        value = str(view.quiz_id)
        shown.append(
            {
                "type": "actions",
                "elements": [
                    button(JOIN_ACTION, _("Join"), value, "primary"),
                    button(START_ACTION, _("Start"), value),
                ],
            }
        )
    return message(text, shown)
