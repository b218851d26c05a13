"""What every command shares: settings from options and environment, running async code,
and table-or-JSON output. How a failed command ends is :mod:`cli.failures`.

Heavy imports (SQLAlchemy, the services) happen inside functions so ``quizbot --help``
stays fast.
"""

from __future__ import annotations

import asyncio
import functools
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.services import QuizApp

T = TypeVar("T")


@dataclass
class CliState:
    """Options of the top-level ``quizbot`` command, handed to every subcommand."""

    database_url: str | None = None
    #: ``quizbot -v``: print the traceback of an unexpected error.
    verbose: bool = False
    #: The running command was given ``--json``: its error, too, is JSON.
    json_output: bool = False

    def settings(self) -> Settings:
        from bot.config import Settings

        return Settings.from_env(database_url=self.database_url)


def pass_state(command: Callable[..., T]) -> Callable[..., T]:
    """Hand the command the :class:`CliState`, noting whether it was asked for ``--json``."""

    @functools.wraps(command)
    def with_state(*args: Any, **kwargs: Any) -> T:
        ctx = click.get_current_context()
        state = ctx.ensure_object(CliState)
        state.json_output = bool(kwargs.get("as_json", False))
        return ctx.invoke(command, state, *args, **kwargs)

    return with_state


def fail(message: str, code: int = 1) -> NoReturn:
    """End the command with one error line (JSON under ``--json``) and exit ``code``."""
    from cli.failures import report

    state = click.get_current_context(silent=True)
    as_json = bool(state and getattr(state.find_object(CliState), "json_output", False))
    report(message, code, as_json=as_json)


def require_input(command: str) -> None:
    """End ``command`` in one line when standard input is closed: it reads answers there."""
    if sys.stdin is None or sys.stdin.closed:
        from bot.i18n import _

        fail(
            _(
                "standard input is closed, and {command} reads your answers from it: "
                "run it in a terminal, or pipe the answers in (printf 'A\\nB\\n' | {command})"
            ).format(command=command)
        )


def run(coro_factory: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to its end; failures are ended in one line by :mod:`cli.failures`."""
    return asyncio.run(coro_factory())  # type: ignore[arg-type]


async def open_app(state: CliState, *, load_banks: bool = True) -> QuizApp:
    """The services on the configured database."""
    from bot.services import QuizApp

    return await QuizApp.open(state.settings().database_url, load_banks=load_banks)


def with_app(
    state: CliState, work: Callable[[QuizApp], Awaitable[T]], *, load_banks: bool = True
) -> T:
    """Run ``work(app)`` on the configured database, closing it afterwards."""

    async def go() -> T:
        app = await open_app(state, load_banks=load_banks)
        try:
            return await work(app)
        finally:
            await app.close()

    return run(go)


def in_session(
    state: CliState,
    function: Callable[..., Awaitable[T]],
    *args: Any,
    write: bool = False,
    load_banks: bool = True,
) -> T:
    """Run ``function(session, *args)`` in one session (one transaction when ``write``)."""

    async def work(app: QuizApp) -> T:
        context = app.db.transaction() if write else app.db.reads()
        async with context as session:
            return await function(session, *args)

    return with_app(state, work, load_banks=load_banks)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))


def shown(value: Any) -> str:
    """Stored text (names from chats, bank text) as printed: without control characters or
    escape sequences, so nothing in the database can drive the terminal."""
    from bot.text import without_controls

    return without_controls(str(value))


def number(value: int | float, *, grouped: bool = False) -> str:
    """A count or figure for people: as Python writes it in English (``1234``, ``1,234`` when
    ``grouped``; as before, and without importing Babel: quick commands stay quick), the
    language's way otherwise (``1.234``)."""
    from bot.i18n import current_language

    if current_language() == "en" or isinstance(value, bool):
        return f"{value:,}" if grouped and not isinstance(value, bool) else str(value)
    from bot.i18n import formatting

    return formatting.number(value)


def share(fraction: float) -> str:
    """A fraction as a whole percentage: ``75%`` in English, ``75 %`` in Spanish and German."""
    from bot.i18n import current_language

    if current_language() == "en":
        return f"{fraction:.0%}"
    from bot.i18n import formatting

    return formatting.percent(fraction)


def day(value: Any) -> str:
    """A date for people: ISO in English (``2026-09-01``, as before), the language's
    way otherwise (``1 sept 2026``, ``01.09.2026``)."""
    from bot.i18n import current_language

    if current_language() == "en":
        return str(value)
    from bot.i18n import formatting

    return formatting.date(value)


def print_table(title: str | None, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A readable table on a terminal (rich), plain tab-separated text when piped. Cells are
    plain text: no control characters, and no rich markup (a name like ``[red]x`` stays)."""
    if not sys.stdout.isatty():
        if title:
            click.echo(title)
        click.echo("\t".join(headers))
        for row in rows:
            click.echo("\t".join(shown(cell).replace("\t", " ") for cell in row))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title)
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(*(Text(shown(cell)) for cell in row))
    Console().print(table)
