"""Balanced teams: pure functions, no database.

A team game's players are dealt into 2 to 4 teams by their accuracy on the quiz's bank (their
history): players with a history are sorted best first and snake-drafted (team 1, 2, 2, 1,
1, 2, ...), so each team gets a strong and a weak pick in turn; newcomers (too few answers on
the bank to judge) are spread evenly after them, each to the team with the fewest players
(ties: the one weaker so far, then the lower number). A late joiner goes the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.i18n import N_, _

#: The teams' names, shown as text (never a mention); translated where shown (:func:`team_name`).
TEAM_NAMES = (N_("Red"), N_("Blue"), N_("Green"), N_("Gold"))
MIN_TEAMS, MAX_TEAMS = 2, len(TEAM_NAMES)
#: Fewer answers than this on a bank: a newcomer there (their accuracy is not judged).
MIN_HISTORY = 3


@dataclass(frozen=True, slots=True)
class Candidate:
    """A player to place: their id, and their accuracy on the bank (None: a newcomer)."""

    player_id: int
    accuracy: float | None


def team_name(team: int) -> str:
    """Team ``team`` (1-based) by name, in the current language."""
    if 1 <= team <= len(TEAM_NAMES):
        return _(TEAM_NAMES[team - 1])
    return _("Team {number}").format(number=team)


def accuracy_of(correct: int, answered: int) -> float | None:
    """A player's accuracy from their history, or None when it is too short to judge."""
    return correct / answered if answered >= MIN_HISTORY else None


def _check(teams: int) -> None:
    if not MIN_TEAMS <= teams <= MAX_TEAMS:
        raise ValueError(f"a team game has {MIN_TEAMS} to {MAX_TEAMS} teams, not {teams}")


def next_team(members: Sequence[Sequence[Candidate]]) -> int:
    """The 0-based team a newcomer joins: the fewest players, then the weakest, then first."""

    def strength(team: Sequence[Candidate]) -> float:
        return sum(c.accuracy for c in team if c.accuracy is not None)

    return min(range(len(members)), key=lambda t: (len(members[t]), strength(members[t]), t))


def balance(players: Sequence[Candidate], teams: int) -> list[list[Candidate]]:
    """``players`` dealt into ``teams`` teams (see the module's docstring); newcomers keep
    the order they are given in (the order they joined)."""
    _check(teams)
    known = sorted(
        (p for p in players if p.accuracy is not None),
        key=lambda p: (-(p.accuracy or 0.0), p.player_id),
    )
    dealt: list[list[Candidate]] = [[] for _ in range(teams)]
    for pick, player in enumerate(known):
        turn, place = divmod(pick, teams)
        dealt[place if turn % 2 == 0 else teams - 1 - place].append(player)
    for player in players:
        if player.accuracy is None:
            dealt[next_team(dealt)].append(player)
    return dealt
