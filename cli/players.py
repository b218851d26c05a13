"""``quizbot players``: a player's record, and resetting it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from cli.common import (
    CliState,
    emit_json,
    in_session,
    pass_state,
    print_table,
    shown,
    with_app,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.services import QuizApp
    from bot.views import PlayerStats

player_options = [
    click.argument("player"),
    click.option("--platform", help="The player's platform (console, discord, slack)."),
    click.option("--workspace", help="The player's workspace (server or team id)."),
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
            "By topic",
            ["topic", "answered", "correct", "accuracy"],
            [(t.topic, t.answered, t.correct, f"{t.accuracy:.0%}") for t in stats.topics],
        )


def stats_text(stats) -> str:
    """A player's record as a few lines of text."""
    return (
        f"{stats.answered} answers, {stats.correct} correct ({stats.accuracy:.0%}), "
        f"{stats.points} points\n"
        f"streak: {stats.streak} right in a row (best {stats.best_streak}); "
        f"daily streak: {stats.daily_streak} days (best {stats.best_daily_streak})\n"
        f"flashcards: {stats.cards_reviewed} reviewed, {stats.cards_due} due; "
        f"mistakes to review: {stats.mistakes} ({stats.mistakes_due} due)"
    )


@click.group()
def players() -> None:
    """See and reset players' scores.

    \b
    Examples:
      quizbot players show Ann
      quizbot players reset U123 --platform slack --workspace T456
    """


@players.command()
@with_player_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_state
def show(
    state: CliState, player: str, platform: str | None, workspace: str | None, as_json: bool
) -> None:
    """Show a player's answers, accuracy, points and accuracy per topic.

    PLAYER is a user id or a display name.

    \b
    Example:
      quizbot players show Ann --platform discord
    """
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


@players.command()
@with_player_options
@click.option("--flashcards", is_flag=True, help="Also forget their flashcard schedule.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_state
def reset(
    state: CliState,
    player: str,
    platform: str | None,
    workspace: str | None,
    flashcards: bool,
    yes: bool,
) -> None:
    """Forget a player's answers and leaderboard points.

    \b
    Example:
      quizbot players reset Ann --platform console --yes
    """
    from bot.services.players import find_player, reset_player

    async def forget(session: AsyncSession) -> tuple[str, int]:
        found = await find_player(session, player, platform, workspace)
        label = f"{found.name or found.user_id} ({found.platform}/{found.workspace})"
        if not yes:
            what = "answers, points and flashcard schedule" if flashcards else "answers and points"
            click.confirm(f"Forget all {what} of {label}?", abort=True)
        return label, await reset_player(session, found, flashcards=flashcards)

    label, answers = in_session(state, forget, write=True, load_banks=False)
    click.echo(f"reset {label}: {answers} answers forgotten")
