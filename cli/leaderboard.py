"""``quizbot leaderboard``: ranked players, filtered by platform, workspace, channel, bank, time."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

from bot.i18n import N_, _, pgettext
from cli.common import CliState, day, emit_json, number, pass_state, print_table, with_app
from cli.help import with_examples
from cli.options import BANK_NAME

if TYPE_CHECKING:
    from bot.services import QuizApp
    from bot.views import Standing

PERIODS = ["all", "today", "week", "month"]
#: The table's title for each --period.
TITLES = {
    "all": N_("Leaderboard (all time)"),
    "today": N_("Leaderboard (today)"),
    "week": N_("Leaderboard (this week)"),
    "month": N_("Leaderboard (this month)"),
}


@click.command(
    help=with_examples(
        _("Show the leaderboard."),
        "quizbot leaderboard",
        "quizbot leaderboard --platform discord --workspace 1234 --period week",
        "quizbot leaderboard --since 2026-09-01 --bank crm-podcast --json",
    )
)
@click.option("--platform", help=_("Only scores from this platform (console, discord, slack)."))
@click.option("--workspace", help=_("Only this workspace (Discord server id, Slack team id)."))
@click.option("--channel", help=_("Only this channel id."))
@click.option("--bank", type=BANK_NAME, help=_("Only quizzes on this bank."))
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), help=_("From this day (YYYY-MM-DD).")
)
@click.option(
    "--period",
    type=click.Choice(PERIODS),
    default="all",
    show_default=True,
    help=_("A period ending today (weeks start on Monday)."),
)
@click.option("--limit", default=10, show_default=True, help=_("How many players to show."))
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON for scripts."))
@pass_state
def leaderboard(
    state: CliState,
    platform: str | None,
    workspace: str | None,
    channel: str | None,
    bank: str | None,
    since: object,
    period: str,
    limit: int,
    as_json: bool,
) -> None:
    """Show the leaderboard."""
    from bot.services.leaderboards import LeaderboardFilter, period_start

    async def standings(app: QuizApp) -> tuple[date | None, tuple[Standing, ...]]:
        start: date | None = since.date() if since is not None else None  # type: ignore[attr-defined]
        if start is None:
            start = period_start(period, app.now().date())
        filters = LeaderboardFilter(platform, workspace, channel, bank, start)
        return start, await app.leaderboards.query(filters, limit)

    start, rows = with_app(state, standings, load_banks=False)
    if as_json:
        emit_json(
            [
                {
                    "rank": r.rank,
                    "player": r.player,
                    "name": r.name,
                    "points": r.points,
                    "correct": r.correct,
                    "answered": r.answered,
                }
                for r in rows
            ]
        )
        return
    if not rows:
        click.echo(_("No scores yet: play a quiz with 'quizbot play'."))
        return
    if since is not None:
        title = _("Leaderboard (since {date})").format(date=day(start))
    else:
        title = _(TITLES[period])
    print_table(
        title,
        [
            "#",
            pgettext("table heading", "player"),
            pgettext("table heading", "points"),
            pgettext("table heading", "correct"),
            pgettext("table heading", "answered"),
        ],
        [(r.rank, r.name, number(r.points), number(r.correct), number(r.answered)) for r in rows],
    )
