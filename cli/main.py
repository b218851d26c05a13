"""The ``quizbot`` command: play in the terminal, run the chat bots, manage banks and scores.

Subcommands live in their own modules and are imported here; they import the core only
when they run, so ``quizbot --help`` is quick.
"""

from __future__ import annotations

import click

from cli.common import CliState
from cli.failures import QuizbotGroup

EPILOG = """\b
Examples:
  quizbot play --bank crm-podcast --count 5
  quizbot leaderboard --period week
  quizbot import my-questions.gift --bank biology
  DATABASE_URL=postgresql://user@host/db quizbot db upgrade
"""


@click.group(
    cls=QuizbotGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option(
    "--database-url",
    envvar="DATABASE_URL",
    metavar="URL",
    help="Database to use (default: a SQLite file in your data folder). Env: DATABASE_URL.",
)
@click.option(
    "-v", "--verbose", is_flag=True, help="Print the full traceback of an unexpected error."
)
@click.version_option(package_name="quizbot")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None, verbose: bool) -> None:
    """quizbot: quizzes, trivia and flashcards for study groups."""
    ctx.obj = CliState(database_url=database_url, verbose=verbose)


def _register() -> None:
    from cli import (
        banks,
        db,
        imports,
        item_stats,
        leaderboard,
        lint,
        play,
        players,
        questions,
        run,
        study,
        tenants,
    )

    cli.add_command(play.play)
    cli.add_command(study.review)
    cli.add_command(study.flashcards)
    cli.add_command(study.stats)
    cli.add_command(leaderboard.leaderboard)
    cli.add_command(imports.import_command)
    cli.add_command(imports.validate)
    cli.add_command(imports.export)
    cli.add_command(banks.banks)
    cli.add_command(questions.questions)
    questions.questions.add_command(item_stats.stats)
    cli.add_command(lint.lint)
    cli.add_command(players.players)
    cli.add_command(tenants.tenants)
    cli.add_command(db.db)
    cli.add_command(run.run_command)


_register()


def main() -> None:
    cli(prog_name="quizbot")


if __name__ == "__main__":
    main()
