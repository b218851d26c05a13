"""``quizbot play``: a quiz in the terminal on a shipped or imported bank."""

from __future__ import annotations

import click

from bot.i18n import _
from cli.common import CliState, pass_state, require_input, with_app
from cli.help import with_examples
from cli.options import BANK_NAME


@click.command(
    help=with_examples(
        _("Play a quiz in the terminal, answering on standard input."),
        "quizbot play",
        'quizbot play --bank crm-podcast --count 5 --topic "CRM Project Management"',
        "quizbot play --order hardest",
        "printf 'A\\nC\\n' | quizbot play --bank demo --count 2 --seed 1",
    )
)
@click.option("--bank", "-b", type=BANK_NAME, help=_("Bank to play (default: crm-podcast)."))
@click.option("--count", "-n", default=10, show_default=True, help=_("Number of questions."))
@click.option("--seconds", default=120, show_default=True, help=_("Time to answer each question."))
@click.option("--topic", metavar="TOPIC", help=_("Only questions on this topic."))
@click.option(
    "--order",
    type=click.Choice(["random", "hardest"]),
    default="random",
    show_default=True,
    help=_("hardest: the questions most players miss first."),
)
@click.option("--seed", type=int, help=_("Seed for choosing and shuffling (same seed, same quiz)."))
@click.option(
    "--name", metavar="NAME", help=_("Your name on the leaderboard (default: login name).")
)
@pass_state
def play(
    state: CliState,
    bank: str | None,
    count: int,
    seconds: int,
    topic: str | None,
    order: str,
    seed: int | None,
    name: str | None,
) -> None:
    """Play a quiz in the terminal (help: the decorator, in the terminal's language)."""
    require_input("quizbot play")
    from adapters.console.game import play_in_terminal

    with_app(
        state,
        lambda app: play_in_terminal(
            app,
            bank=bank,
            count=count,
            seconds=seconds,
            seed=seed,
            topic=topic,
            order=order,
            name=name,
        ),
    )
