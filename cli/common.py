"""What every command shares: settings from options and environment, running async code,
turning quizbot's errors into one line and a non-zero exit, and table-or-JSON output.

Heavy imports (SQLAlchemy, the services) happen inside functions so ``quizbot --help``
stays fast.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.services import QuizApp

T = TypeVar("T")


@dataclass
class CliState:
    """Options of the top-level ``quizbot`` command, handed to every subcommand."""

    database_url: str | None = None

    def settings(self) -> Settings:
        from bot.config import Settings

        return Settings.from_env(database_url=self.database_url)


pass_state = click.make_pass_decorator(CliState, ensure=True)


def fail(message: str, code: int = 1) -> None:
    """Print one line to stderr and exit non-zero."""
    click.echo(f"quizbot: error: {message}", err=True)
    sys.exit(code)


def run(coro_factory: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine; quizbot's own errors become a one-line message and exit code 1."""
    from bot.errors import QuizbotError

    try:
        return asyncio.run(coro_factory())  # type: ignore[arg-type]
    except QuizbotError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted", 130)
    raise AssertionError("unreachable")


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


def print_table(title: str | None, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A readable table on a terminal (rich), plain tab-separated text when piped."""
    if not sys.stdout.isatty():
        if title:
            click.echo(title)
        click.echo("\t".join(headers))
        for row in rows:
            click.echo("\t".join(str(cell) for cell in row))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    Console().print(table)
