"""``quizbot db``: schema migrations (Alembic) for the configured database."""

from __future__ import annotations

import click

from cli.common import CliState, pass_state, run


@click.group()
def db() -> None:
    """Manage the database schema.

    \b
    Examples:
      quizbot db upgrade
      DATABASE_URL=postgres://user:pw@host/db quizbot db current
    """


@db.command()
@click.option("--revision", default="head", show_default=True, help="Revision to upgrade to.")
@pass_state
def upgrade(state: CliState, revision: str) -> None:
    """Create or upgrade the tables (run by the PaaS release phase), and what the configured
    chat platforms keep in the database (Slack's installation tables, for OAuth)."""
    import os

    from adapters.kit import registry
    from bot.store import migrate
    from bot.store.database import Database

    async def go() -> None:
        database = Database(state.settings().database_url)
        notes: list[str] = []
        try:
            await database.check()
            before = await migrate.current_revision(database)
            await migrate.upgrade(database, revision)
            after = await migrate.current_revision(database)
            for chosen in registry.configured(os.environ):
                notes += await chosen.platform.prepare_database(database, chosen.settings)
        finally:
            await database.dispose()
        if before == after:
            click.echo(f"{database.display_url}: already at revision {after}")
        else:
            click.echo(f"{database.display_url}: upgraded from {before or 'empty'} to {after}")
        for note in notes:
            click.echo(note)

    run(go)


@db.command()
@pass_state
def current(state: CliState) -> None:
    """Show the database's schema revision and the newest one available."""
    from bot.store import migrate
    from bot.store.database import Database

    async def go() -> None:
        database = Database(state.settings().database_url)
        try:
            await database.check()
            revision = await migrate.current_revision(database)
        finally:
            await database.dispose()
        head = migrate.head_revision()
        status = "up to date" if revision == head else "needs 'quizbot db upgrade'"
        click.echo(
            f"{database.display_url}: revision {revision or 'none (empty)'}, "
            f"newest {head} ({status})"
        )

    run(go)
