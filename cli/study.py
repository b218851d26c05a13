"""``quizbot review``, ``flashcards`` and ``stats``: studying alone in the terminal."""

from __future__ import annotations

import click

from cli.common import CliState, emit_json, pass_state, require_input, with_app
from cli.options import BANK_NAME

name_option = click.option("--name", metavar="NAME", help="Who you are (default: your login name).")


@click.command()
@click.option("--count", "-n", default=10, show_default=True, help="Most questions to ask.")
@click.option("--seconds", default=120, show_default=True, help="Time to answer each.")
@name_option
@pass_state
def review(state: CliState, count: int, seconds: int, name: str | None) -> None:
    """Review my mistakes: a quiz of the questions you got wrong.

    Due ones come first (they are on a spaced-repetition schedule), then the most
    recently and most often missed.

    \b
    Example:
      quizbot review --count 5
    """
    require_input("quizbot review")
    from adapters.console.game import review_in_terminal

    with_app(state, lambda app: review_in_terminal(app, count=count, seconds=seconds, name=name))


@click.command()
@click.option("--bank", "-b", type=BANK_NAME, help="Flashcard bank (default: the first one).")
@click.option("--limit", default=20, show_default=True, help="Most cards to review now.")
@name_option
@pass_state
def flashcards(state: CliState, bank: str | None, limit: int, name: str | None) -> None:
    """Review flashcards on a spaced-repetition schedule (due cards first, then new).

    \b
    Examples:
      quizbot flashcards --bank crm-flashcards
      printf '\\ngood\\n\\nagain\\n' | quizbot flashcards --limit 2
    """
    require_input("quizbot flashcards")
    from adapters.console.flashcards import review_flashcards

    with_app(state, lambda app: review_flashcards(app, bank=bank, limit=limit, name=name))


@click.command()
@name_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_state
def stats(state: CliState, name: str | None, as_json: bool) -> None:
    """Your answers, accuracy (overall and by topic), streaks and reviews due.

    \b
    Example:
      quizbot stats
    """
    from adapters.console.surface import local_player
    from cli.players import print_stats, stats_json

    result = with_app(state, lambda app: app.player_stats(local_player(name)), load_banks=False)
    if as_json:
        emit_json(stats_json(result))
    else:
        print_stats(result)
