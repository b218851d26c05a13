"""The lobby in chat, the same on every platform: whether a quiz starts with one, its
buttons, and what its message says.

A platform that can show a lobby (``Capabilities.lobby``) posts :func:`lobby_text` with a
Join and a Start button (:data:`JOIN`, :data:`START`, each carrying the quiz id) and maps
their clicks to :meth:`adapters.kit.conductor.Conductor.join` and ``begin``; the conductor
and the core do the rest (the starter-or-moderator rule, the timeout, late joiners).

Whether a chat quiz has a lobby: the command's ``lobby:on|off`` if given, else the channel's
``lobby`` setting, unless the operator turned lobbies off for the whole deployment with
``QUIZBOT_LOBBY=off`` (then only ``lobby:on`` asks for one). A team game (``teams:N``)
always has one: its teams are dealt from the players who joined, as it begins; so ``teams:N``
turns the lobby on whatever the channel or the deployment says, and ``teams:N lobby:off`` is
refused (:data:`TEAMS_NEED_LOBBY`), as is ``teams:N`` where the platform shows no lobby.

Its texts are in the current language (the conductor writes the lobby message in the
channel's); the upper-case texts are ``N_`` constants: show them with ``_()`` (or
:func:`joined`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from bot.errors import QuizbotError
from bot.i18n import N_, _, ngettext
from bot.services.channel_settings import ChannelSettings
from bot.services.lobby import LOBBY_SECONDS
from bot.views import LobbyView

JOIN, START = "join", "start"
ACTIONS = (JOIN, START)
OFF_WORDS = ("off", "no", "false", "0")
ONLY_STARTER = N_("only the one who started this quiz (or a moderator) can start it")
JOINED = N_("You're in: answer each question as it comes.")
TEAMS_NEED_LOBBY = N_(
    "a team game needs its lobby (the teams are dealt from the players who join): "
    "leave out lobby:off"
)
NO_LOBBY_NO_TEAMS = N_("a team game needs a lobby, and quizzes here have none")


def joined() -> str:
    """What a player who pressed Join is told (privately)."""
    return _(JOINED)


def wanted(asked: bool | None, channel_default: bool, env: Mapping[str, str] | None = None) -> bool:
    """Whether a chat quiz starts with a lobby (see the module's docstring)."""
    if asked is not None:
        return asked
    env = os.environ if env is None else env
    if env.get("QUIZBOT_LOBBY", "on").strip().lower() in OFF_WORDS:
        return False
    return channel_default


def start_options(
    asked: bool | None,
    channel: ChannelSettings,
    env: Mapping[str, str] | None = None,
    *,
    teams: bool = False,
) -> dict[str, int | None]:
    """The options a chat quiz's start adds for its lobby (none when it has no lobby): the
    join phase's length, and the channel's relaxed maximum when its relaxed mode is on.
    A team game (``teams``) always has a lobby; asking for none is refused."""
    if teams and asked is False:
        raise QuizbotError(_(TEAMS_NEED_LOBBY))
    if not (teams or wanted(asked, channel.lobby, env)):
        return {}
    relaxed = channel.relaxed_max_seconds if channel.relaxed else None
    return {"lobby_seconds": lobby_seconds(), "max_seconds": relaxed}


def lobby_seconds() -> int:
    """How long a join phase waits before the game begins by itself."""
    return LOBBY_SECONDS


def lobby_text(view: LobbyView) -> str:
    """The lobby message (plain text; names are untrusted: platforms send it unpinged)."""
    head = ngettext("{bank}: {count} question", "{bank}: {count} questions", view.total).format(
        bank=view.bank_title, count=view.total
    )
    players = ", ".join(view.players) or _("nobody yet")
    if view.ended:
        return _("{head}. This quiz was stopped before it began.").format(head=head)
    if view.begun:
        started = _("{head}. Started with {count} joined: {players}.").format(
            head=head, count=len(view.players), players=players
        )
        return started + teams_text(view)
    relaxed = (
        " "
        + _("Relaxed: each question waits up to {seconds} s for everyone who joined.").format(
            seconds=view.max_seconds
        )
        if view.max_seconds
        else ""
    )
    waiting = _(
        "{head}, {seconds} s each, started by {starter}. Press Join to play; "
        "{starter} can press Start, or it begins by itself shortly."
    ).format(head=head, seconds=view.seconds, starter=view.starter)
    joined_line = _("Joined ({count}): {players}").format(count=len(view.players), players=players)
    return f"{waiting}{relaxed}\n{joined_line}"


def teams_text(view: LobbyView) -> str:
    """A team game's teams as it began, a line each (names as text), or nothing."""
    return "".join(
        "\n"
        + _("Team {team}: {players}").format(
            team=team.name, players=", ".join(team.members) or _("nobody yet")
        )
        for team in view.teams
    )
