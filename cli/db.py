"""``quizbot db``: schema migrations (Alembic), backups and restores of the configured
database (the work is in :mod:`bot.store.backup`)."""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import CliState, pass_state, run


@click.group()
def db() -> None:
    """Manage the database: its schema (upgrade, current) and backups (backup, restore).

    \b
    Examples:
      quizbot db upgrade
      DATABASE_URL=postgres://user:pw@host/db quizbot db current
      quizbot db backup backups/quizbot-2026-05-01.db
      quizbot db restore backups/quizbot-2026-05-01.db
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


def _upgrade_note(revision: str | None) -> str:
    from bot.store import migrate

    head = migrate.head_revision()
    if revision is None or revision == head:
        return ""
    return f" (schema revision {revision}: run 'quizbot db upgrade' before starting the bot)"


@db.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@pass_state
def backup(state: CliState, file: Path, force: bool) -> None:
    """Back up the database to FILE, while bots keep running.

    SQLite: a consistent copy through SQLite's online backup API. PostgreSQL: pg_dump's
    custom format (pg_dump must be on PATH, of the server's major version or newer).
    FILE appears only when the backup is complete.
    """
    from bot.store import backup as backups

    url = state.settings().database_url
    if backups.is_sqlite(url):
        copied = backups.backup_sqlite(backups.sqlite_file(url), file, overwrite=force)
    else:
        copied = backups.backup_postgres(url, file, overwrite=force)
    click.echo(f"backed up {copied.megabytes} to {file}")


@db.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--force",
    is_flag=True,
    help="Restore even while the database is in use (a running bot sees its data replaced).",
)
@pass_state
def restore(state: CliState, file: Path, force: bool) -> None:
    """Replace the database's contents by the backup FILE (all or nothing).

    Refused while the database is in use: stop the bot first. SQLite: the backup must be a
    quizbot database. PostgreSQL: a pg_dump custom-format file, restored with pg_restore in
    one transaction (pg_restore must be on PATH).
    """
    from bot.store import backup as backups

    url = state.settings().database_url
    if backups.is_sqlite(url):
        copied = backups.restore_sqlite(file, backups.sqlite_file(url), force=force)
        click.echo(f"restored {copied.megabytes} from {file}{_upgrade_note(copied.revision)}")
        return
    backups.check_dump(file)
    revision = run(lambda: _restore_postgres(url, file, force))
    click.echo(f"restored {file} into the database{_upgrade_note(revision)}")


async def _restore_postgres(url: str, file: Path, force: bool) -> str | None:
    import asyncio

    from bot.store import backup as backups
    from bot.store import migrate
    from bot.store.database import Database

    database = Database(url)
    try:
        await database.check()
        others = await backups.postgres_sessions(database)
        await database.dispose()  # our own connections must not stand in pg_restore's way
        if others and not force:
            raise backups.BackupError(
                f"the database {database.display_url} is in use ({others} other "
                "connection(s): a running bot?): stop it and try again, or add --force"
            )
        await asyncio.to_thread(backups.restore_postgres, url, file)
        return await migrate.current_revision(database)
    finally:
        await database.dispose()
