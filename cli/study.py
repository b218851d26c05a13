"""``quizbot review``, ``flashcards`` and ``stats``: studying alone in the terminal."""

from __future__ import annotations

import click

from bot.i18n import _
from cli.common import CliState, emit_json, pass_state, require_input, with_app
from cli.help import with_examples
from cli.options import BANK_NAME

name_option = click.option(
    "--name", metavar="NAME", help=_("Who you are (default: your login name).")
)


@click.command(
    help=with_examples(
        _("Review my mistakes: a quiz of the questions you got wrong.")
        + "\n\n"
        + _(
            "Due ones come first (they are on a spaced-repetition schedule), then the most "
            "recently and most often missed."
        ),
        "quizbot review --count 5",
    )
)
@click.option("--count", "-n", default=10, show_default=True, help=_("Most questions to ask."))
@click.option("--seconds", default=120, show_default=True, help=_("Time to answer each."))
@name_option
@pass_state
def review(state: CliState, count: int, seconds: int, name: str | None) -> None:
    """Review my mistakes in the terminal."""
    require_input("quizbot review")
    from adapters.console.game import review_in_terminal

    with_app(state, lambda app: review_in_terminal(app, count=count, seconds=seconds, name=name))


@click.command(
    help=with_examples(
        _("Review flashcards on a spaced-repetition schedule (due cards first, then new)."),
        "quizbot flashcards --bank crm-flashcards",
        "printf '\\ngood\\n\\nagain\\n' | quizbot flashcards --limit 2",
    )
)
@click.option("--bank", "-b", type=BANK_NAME, help=_("Flashcard bank (default: the first one)."))
@click.option("--limit", default=20, show_default=True, help=_("Most cards to review now."))
@name_option
@pass_state
def flashcards(state: CliState, bank: str | None, limit: int, name: str | None) -> None:
    """Review flashcards in the terminal."""
    require_input("quizbot flashcards")
    from adapters.console.flashcards import review_flashcards

    with_app(state, lambda app: review_flashcards(app, bank=bank, limit=limit, name=name))


@click.command(
    help=with_examples(
        _("Your answers, accuracy (overall and by topic), streaks and reviews due."),
        "quizbot stats",
    )
)
@name_option
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON for scripts."))
@pass_state
def stats(state: CliState, name: str | None, as_json: bool) -> None:
    """The local player's record."""
    from adapters.console.surface import local_player
    from cli.players import print_stats, stats_json

    result = with_app(state, lambda app: app.player_stats(local_player(name)), load_banks=False)
    if as_json:
        emit_json(stats_json(result))
    else:
        print_stats(result)
