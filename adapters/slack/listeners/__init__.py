"""Bolt listeners, by kind: ``/quiz`` (commands), buttons (actions), events, modal
submissions (views), and the one place a user's error becomes a reply (errors).

Each kind is a small class holding the :class:`~adapters.slack.app.SlackBot` it serves;
its methods are the listeners (Bolt injects their arguments by name, bound methods
included), so each can be read and tested on its own. Every listener acknowledges first
(Slack wants an answer within 3 seconds) and then does its work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.slack.listeners.actions import AnswerActions, FlashcardActions, HomeActions
from adapters.slack.listeners.commands import QuizCommand
from adapters.slack.listeners.errors import ErrorReplies
from adapters.slack.listeners.events import ChannelEvents, InstallationEvents
from adapters.slack.listeners.lobby import LobbyActions
from adapters.slack.listeners.views import TypedAnswerForm

if TYPE_CHECKING:
    from adapters.slack.app import SlackBot

LISTENERS = (
    QuizCommand,
    AnswerActions,
    FlashcardActions,
    HomeActions,
    LobbyActions,
    ChannelEvents,
    InstallationEvents,
    TypedAnswerForm,
    ErrorReplies,
)


def register(bot: SlackBot) -> None:
    """Attach every listener to ``bot.bolt``."""
    for kind in LISTENERS:
        kind(bot).register()
