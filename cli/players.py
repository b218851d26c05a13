"""``quizbot players``: a player's record, and resetting it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from bot.i18n import _, ngettext, pgettext
from cli.common import (
    CliState,
    emit_json,
    in_session,
    number,
    pass_state,
    print_table,
    share,
    shown,
    with_app,
)
from cli.help import with_examples

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.services import QuizApp
    from bot.views import PlayerStats

player_options = [
    click.argument("player"),
    click.option("--platform", help=_("The player's platform (console, discord, slack).")),
    click.option("--workspace", help=_("The player's workspace (server or team id).")),
]


def with_player_options(function):
    for option in reversed(player_options):
        function = option(function)
    return function


def stats_json(stats) -> dict:
    return {
        "platform": stats.platform,
        "workspace": stats.workspace,
        "user": stats.user,
        "name": stats.name,
        "answered": stats.answered,
        "correct": stats.correct,
        "accuracy": round(stats.accuracy, 3),
        "points": stats.points,
        "streak": stats.streak,
        "best_streak": stats.best_streak,
        "daily_streak": stats.daily_streak,
        "best_daily_streak": stats.best_daily_streak,
        "cards_reviewed": stats.cards_reviewed,
        "cards_due": stats.cards_due,
        "mistakes": stats.mistakes,
        "mistakes_due": stats.mistakes_due,
        "topics": [
            {"topic": t.topic, "answered": t.answered, "correct": t.correct} for t in stats.topics
        ],
    }


def print_stats(stats) -> None:
    click.echo(shown(f"{stats.name} ({stats.platform}/{stats.workspace}/{stats.user})"))
    click.echo(stats_text(stats))
    if stats.topics:
        print_table(
            _("By topic"),
            [
                pgettext("table heading", "topic"),
                pgettext("table heading", "answered"),
                pgettext("table heading", "correct"),
                pgettext("table heading", "accuracy"),
            ],
            [
                (t.topic, number(t.answered), number(t.correct), share(t.accuracy))
                for t in stats.topics
            ],
        )


def stats_text(stats) -> str:
    """A player's record as a few lines of text."""
    scores = ", ".join(
        [
            ngettext("{count} answer", "{count} answers", stats.answered).format(
                count=number(stats.answered)
            ),
            ngettext(
                "{count} correct ({share})", "{count} correct ({share})", stats.correct
            ).format(count=number(stats.correct), share=share(stats.accuracy)),
            ngettext("{count} point", "{count} points", stats.points).format(
                count=number(stats.points)
            ),
        ]
    )
    streaks = "; ".join(
        [
            ngettext(
                "streak: {count} right in a row (best {best})",
                "streak: {count} right in a row (best {best})",
                stats.streak,
            ).format(count=number(stats.streak), best=number(stats.best_streak)),
            ngettext(
                "daily streak: {count} day (best {best})",
                "daily streak: {count} days (best {best})",
                stats.daily_streak,
            ).format(count=number(stats.daily_streak), best=number(stats.best_daily_streak)),
        ]
    )
    studying = "; ".join(
        [
            _("flashcards: {reviewed} reviewed, {due} due").format(
                reviewed=number(stats.cards_reviewed), due=number(stats.cards_due)
            ),
            _("mistakes to review: {count} ({due} due)").format(
                count=number(stats.mistakes), due=number(stats.mistakes_due)
            ),
        ]
    )
    return f"{scores}\n{streaks}\n{studying}"


@click.group(
    help=with_examples(
        _("See and reset players' scores."),
        "quizbot players show Ann",
        "quizbot players reset U123 --platform slack --workspace T456",
    )
)
def players() -> None:
    """Players' scores."""


@players.command(
    help=with_examples(
        _("Show a player's answers, accuracy, points and accuracy per topic.")
        + "\n\n"
        + _("PLAYER is a user id or a display name."),
        "quizbot players show Ann --platform discord",
    )
)
@with_player_options
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON for scripts."))
@pass_state
def show(
    state: CliState, player: str, platform: str | None, workspace: str | None, as_json: bool
) -> None:
    """Show a player's record."""
    from bot.services.players import find_player, player_stats

    async def work(app: QuizApp) -> PlayerStats:
        async with app.db.reads() as session:
            found = await find_player(session, player, platform, workspace)
            return await player_stats(session, found, app.now())

    stats = with_app(state, work, load_banks=False)
    if as_json:
        emit_json(stats_json(stats))
    else:
        print_stats(stats)


@players.command(
    help=with_examples(
        _("Forget a player's answers and leaderboard points."),
        "quizbot players reset Ann --platform console --yes",
    )
)
@with_player_options
@click.option("--flashcards", is_flag=True, help=_("Also forget their flashcard schedule."))
@click.option("--yes", is_flag=True, help=_("Do not ask for confirmation."))
@pass_state
def reset(
    state: CliState,
    player: str,
    platform: str | None,
    workspace: str | None,
    flashcards: bool,
    yes: bool,
) -> None:
    """Forget a player's answers and points."""
    from bot.services.players import find_player, reset_player

    async def forget(session: AsyncSession) -> tuple[str, int]:
        found = await find_player(session, player, platform, workspace)
        label = f"{found.name or found.user_id} ({found.platform}/{found.workspace})"
        if not yes:
            if flashcards:
                question = _("Forget all answers, points and flashcard schedule of {player}?")
            else:
                question = _("Forget all answers and points of {player}?")
            click.confirm(question.format(player=label), abort=True)
        return label, await reset_player(session, found, flashcards=flashcards)

    label, answers = in_session(state, forget, write=True, load_banks=False)
    click.echo(
        ngettext(
            "reset {player}: {count} answer forgotten",
            "reset {player}: {count} answers forgotten",
            answers,
        ).format(player=label, count=number(answers))
    )
