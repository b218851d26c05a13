"""The ``quizbot`` command: play in the terminal, run the chat bots, manage banks and scores.

Subcommands live in their own modules, named in :data:`COMMANDS`: a command's module is
imported only when that command runs (``quizbot --help`` imports them all to list them),
and the modules import the core only when they run, so ``quizbot --help`` and one-off
commands such as ``quizbot banks list`` start quickly.
"""

from __future__ import annotations

import gc
import importlib

import click

from bot.i18n import N_, _
from cli.common import CliState
from cli.failures import QuizbotGroup
from cli.help import TranslatedOption, examples

#: Each command's name, and the module and attribute of its click command.
COMMANDS: dict[str, tuple[str, str]] = {
    "play": ("cli.play", "play"),
    "review": ("cli.study", "review"),
    "flashcards": ("cli.study", "flashcards"),
    "stats": ("cli.study", "stats"),
    "leaderboard": ("cli.leaderboard", "leaderboard"),
    "import": ("cli.imports", "import_command"),
    "validate": ("cli.imports", "validate"),
    "export": ("cli.imports", "export"),
    "banks": ("cli.banks", "banks"),
    "questions": ("cli.questions", "questions"),
    "lint": ("cli.lint", "lint"),
    "players": ("cli.players", "players"),
    "tenants": ("cli.tenants", "tenants"),
    "channels": ("cli.channels", "channels"),
    "schedules": ("cli.schedules", "schedules"),
    "db": ("cli.db", "db"),
    "run": ("cli.run", "run_command"),
    "web": ("cli.web", "web"),
}


def load_command(name: str) -> click.Command:
    """The click command called ``name``, its module imported now."""
    module, attribute = COMMANDS[name]
    command = getattr(importlib.import_module(module), attribute)
    if name == "questions":
        from cli.item_stats import stats

        command.add_command(stats)
    return command


#: Commands whose every subcommand is one short, bounded piece of work (a few queries and a
#: table; at most the shipped banks loaded on a first run). Run by the console script, they
#: run without the cyclic garbage collector: such a process is mostly start-up, whose imports
#: make many long-lived objects and few cycles, and the collector walked them again and again
#: (10-15% of the process's CPU time). The process ends soon after, its memory with it.
QUICK_COMMANDS = frozenset({"banks", "leaderboard", "players", "questions", "stats"})


class LazyGroup(QuizbotGroup):
    """The top-level group, importing a subcommand's module when it is asked for. Its own
    help is marked with ``N_`` (this module is imported before the terminal's language is
    known) and translated as it is written."""

    #: Set by :func:`main` (the console script), so a quick command runs without the cyclic
    #: garbage collector; never for :data:`cli` invoked in another process (tests).
    quick_without_gc = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if self.quick_without_gc and cmd_name in QUICK_COMMANDS and not ctx.resilient_parsing:
            gc.disable()
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(load_command(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(_(HELP))

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(examples(*EXAMPLES))


def print_version(ctx: click.Context, asked: bool) -> None:
    """``quizbot --version``: the installed version, in the terminal's language."""
    if not asked or ctx.resilient_parsing:
        return
    from importlib.metadata import version

    click.echo(
        _("{program}, version {version}").format(
            program=ctx.find_root().info_name, version=version("quizbot")
        )
    )
    ctx.exit()


HELP = N_("quizbot: quizzes, trivia and flashcards for study groups.")
EXAMPLES = (
    "quizbot play --bank crm-podcast --count 5",
    "quizbot leaderboard --period week",
    "quizbot import my-questions.gift --bank biology",
    "DATABASE_URL=postgresql://user@host/db quizbot db upgrade",
)


@click.group(cls=LazyGroup, help=HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--database-url",
    cls=TranslatedOption,
    envvar="DATABASE_URL",
    metavar="URL",
    help=N_("Database to use (default: a SQLite file in your data folder). Env: DATABASE_URL."),
)
@click.option(
    "-v",
    "--verbose",
    cls=TranslatedOption,
    is_flag=True,
    help=N_("Print the full traceback of an unexpected error."),
)
@click.option(
    "--version",
    cls=TranslatedOption,
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: print_version(ctx, value),
    help=N_("Show the version and exit."),
)
@click.pass_context
def cli(ctx: click.Context, database_url: str | None, verbose: bool) -> None:
    ctx.obj = CliState(database_url=database_url, verbose=verbose)


def main() -> None:
    LazyGroup.quick_without_gc = True
    try:
        cli(prog_name="quizbot")
    finally:
        if not gc.isenabled():  # a quick command ran (see LazyGroup.get_command)
            # Out of the interpreter's last full collection as it exits: it walked every
            # object of start-up (about 5% of such a process's instructions) to find cycles
            # that the end of the process frees anyway. Nothing is skipped: atexit handlers,
            # flushing and freeing by reference counts happen as before.
            gc.freeze()


if __name__ == "__main__":
    main()
