"""The surface: what a chat platform must be able to do for the conductor, and how it fails.

A platform folder implements :class:`Surface` once (Discord: embeds and buttons over REST;
Slack: Block Kit over the Web API; Telegram: HTML messages and inline keyboards), and the
:class:`~adapters.kit.conductor.Conductor` drives every round through it. A surface only
sends: deciding what comes next is the conductor's job, and what the game is, the core's.

A surface reports a refusal it cannot get past with :class:`PostRefused` (a missing
permission, a channel that is gone, an app that was removed), so the conductor can stop
the quiz or turn the daily question off and say why, instead of trying again forever.
Rate limits are not refusals: each platform's client library waits them out (discord.py
by itself, slack_sdk's retry handler, python-telegram-bot's rate limiter).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.views import ChannelRef, LobbyView, QuestionView, QuizResults, RoundOutcome


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a platform can do, where the conductor must choose how to go on.

    - ``private_chats``: the bot can post to a user's private conversation at any time (so a
      review of mistakes runs there, and the ticker can move it on);
    - ``live_counts``: the question message shows how many have answered, as they answer;
    - ``lobby``: it shows a quiz's join phase (:meth:`Surface.post_lobby`, ``edit_lobby``)
      and maps its Join and Start buttons (see :mod:`adapters.kit.lobby`).
    """

    private_chats: bool = True
    live_counts: bool = False
    lobby: bool = False


class PostRefused(Exception):
    """The platform refused to post or edit there, and will keep refusing until someone acts.

    ``reason`` is one line a moderator can act on ("I need the Send Messages permission in
    this channel"); ``gone`` says the channel (or the whole installation) no longer exists
    for the bot, so nothing is to be said there at all.
    """

    def __init__(self, reason: str, *, gone: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.gone = gone


class Surface(Protocol):
    """What a platform does for the conductor. Every method may raise :class:`PostRefused`."""

    platform: str
    capabilities: Capabilities

    async def post_question(self, question: QuestionView) -> str:
        """Post a question with its answer buttons in ``question.channel`` (a private chat
        when ``question.private_to`` is set); return the posted message's reference."""
        ...

    async def reveal(self, outcome: RoundOutcome, *, stopped: bool = False) -> None:
        """Show a closed round's answer: edit its message when it has one, else post it."""
        ...

    async def post_results(self, results: QuizResults) -> None:
        """Post a quiz's final standings (a review's, to its player alone)."""
        ...

    async def post_lobby(self, lobby: LobbyView) -> str:
        """Post a quiz's lobby (``lobby_text``) with Join and Start buttons; return the
        message's reference (only for a surface with ``capabilities.lobby``)."""
        ...

    async def edit_lobby(self, lobby: LobbyView) -> None:
        """Edit the lobby message: the players so far, or (``begun``/``ended``) no buttons."""
        ...

    async def end_daily(self, outcome: RoundOutcome) -> None:
        """Say a daily question has closed, after its reveal (nothing, if the reveal says all)."""
        ...

    async def open_private(self, where: ChannelRef, user: str) -> str:
        """The id of the private conversation between the bot and ``user`` (``private_chats``)."""
        ...

    async def tell(self, where: ChannelRef, user: str, text: str) -> None:
        """Say one line to one user about ``where`` (ephemeral, or in the private chat)."""
        ...

    def owns(self, workspace: str) -> bool:
        """Whether this process serves ``workspace`` (a sharded bot serves some servers)."""
        ...
