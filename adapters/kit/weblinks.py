"""Links to the web pages that chat replies carry, made once for every platform.

Only when the process has a signer (``QuizApp.links``: QUIZBOT_SECRET_KEY and
QUIZBOT_PUBLIC_URL are set; see :mod:`adapters.web.settings`); otherwise every view goes
out as it is. A leaderboard links to its board, a quiz's results to the game's report and
the channel's board, ``/quiz stats`` to the player's own page (a private reply, valid
:data:`PLAYER_LINK_FOR`), and ``/quiz banks`` for a moderator to each bank's page.
Each link's label is written in the current language (the caller's: a channel's for a
public view).
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.i18n import _
from bot.views import WebLink

if TYPE_CHECKING:
    from bot.services import QuizApp
    from bot.views import BankSummary, ChannelRef, LeaderboardView, PlayerStats, QuizResults

PLAYER_LINK_FOR = timedelta(hours=24)
BOARD_LINK_FOR = timedelta(days=7)
REPORT_LINK_FOR = timedelta(days=30)
BANK_LINK_FOR = timedelta(hours=24)


def _board(app: QuizApp, where: ChannelRef, scope: str) -> WebLink | None:
    if app.links is None:
        return None
    channel = where.channel if scope == "channel" else ""
    url = app.links.make(
        "leaderboard",
        app.now(),
        BOARD_LINK_FOR,
        platform=where.platform,
        workspace=where.workspace,
        channel=channel,
    )
    return WebLink(_("Leaderboard on the web"), url)


def leaderboard(app: QuizApp, board: LeaderboardView, where: ChannelRef) -> LeaderboardView:
    link = _board(app, where, board.scope)
    return board if link is None else dataclasses.replace(board, links=(link,))


def results(app: QuizApp, done: QuizResults) -> QuizResults:
    """A quiz's results with its report and its channel's board (a private review: none)."""
    if app.links is None or done.private_to is not None:
        return done
    where = done.channel
    report = app.links.make(
        "report",
        app.now(),
        REPORT_LINK_FOR,
        platform=where.platform,
        workspace=where.workspace,
        quiz=done.quiz_id,
    )
    links = [WebLink(_("Game report"), report)]
    if board := _board(app, where, "channel"):
        links.append(board)
    return dataclasses.replace(done, links=tuple(links))


def stats(app: QuizApp, record: PlayerStats) -> PlayerStats:
    if app.links is None:
        return record
    url = app.links.make(
        "player",
        app.now(),
        PLAYER_LINK_FOR,
        platform=record.platform,
        workspace=record.workspace,
        user=record.user,
    )
    return dataclasses.replace(record, links=(WebLink(_("My progress (private, 24 h)"), url),))


def banks(
    app: QuizApp, listed: tuple[BankSummary, ...], where: ChannelRef
) -> tuple[BankSummary, ...]:
    """The banks, each with a link to its page (for a moderator)."""
    if app.links is None:
        return listed
    signer, now = app.links, app.now()
    return tuple(
        dataclasses.replace(
            bank,
            link=WebLink(
                _("{bank} on the web").format(bank=bank.name),
                signer.make(
                    "bank",
                    now,
                    BANK_LINK_FOR,
                    platform=where.platform,
                    workspace=where.workspace,
                    bank=bank.name,
                ),
            ),
        )
        for bank in listed
    )
