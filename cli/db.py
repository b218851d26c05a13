"""``quizbot db``: schema migrations (Alembic), backups and restores of the configured
database (the work is in :mod:`bot.store.backup`)."""

from __future__ import annotations

from pathlib import Path

import click

from bot.i18n import _, ngettext
from cli.common import CliState, pass_state, run
from cli.help import with_examples


@click.group(
    help=with_examples(
        _("Manage the database: its schema (upgrade, current) and backups (backup, restore)."),
        "quizbot db upgrade",
        "DATABASE_URL=postgres://user:pw@host/db quizbot db current",
        "quizbot db backup backups/quizbot-2026-05-01.db",
        "quizbot db restore backups/quizbot-2026-05-01.db",
    )
)
def db() -> None:
    """The database's schema and backups."""


@db.command(
    help=_(
        "Create or upgrade the tables (run by the PaaS release phase), and what the configured "
        "chat platforms keep in the database (Slack's installation tables, for OAuth)."
    )
)
@click.option("--revision", default="head", show_default=True, help=_("Revision to upgrade to."))
@pass_state
def upgrade(state: CliState, revision: str) -> None:
    """Create or upgrade the tables."""
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
            click.echo(
                _("{database}: already at revision {revision}").format(
                    database=database.display_url, revision=after
                )
            )
        elif before is None:
            click.echo(
                _("{database}: upgraded from empty to {revision}").format(
                    database=database.display_url, revision=after
                )
            )
        else:
            click.echo(
                _("{database}: upgraded from {before} to {revision}").format(
                    database=database.display_url, before=before, revision=after
                )
            )
        for note in notes:
            click.echo(note)

    run(go)


@db.command(help=_("Show the database's schema revision and the newest one available."))
@pass_state
def current(state: CliState) -> None:
    """The database's schema revision."""
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
        if revision is None:
            line = _("{database}: revision none (empty), newest {head} ({status})")
        else:
            line = _("{database}: revision {revision}, newest {head} ({status})")
        status = _("up to date") if revision == head else _("needs 'quizbot db upgrade'")
        click.echo(
            line.format(database=database.display_url, revision=revision, head=head, status=status)
        )

    run(go)


def _upgrade_note(revision: str | None) -> str:
    from bot.store import migrate

    head = migrate.head_revision()
    if revision is None or revision == head:
        return ""
    return _(
        " (schema revision {revision}: run 'quizbot db upgrade' before starting the bot)"
    ).format(revision=revision)


@db.command(
    help=_("Back up the database to FILE, while bots keep running.")
    + "\n\n"
    + _(
        "SQLite: a consistent copy through SQLite's online backup API. PostgreSQL: pg_dump's "
        "custom format (pg_dump must be on PATH, of the server's major version or newer). "
        "FILE appears only when the backup is complete."
    )
)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help=_("Replace FILE if it exists."))
@pass_state
def backup(state: CliState, file: Path, force: bool) -> None:
    """Back up the database to FILE."""
    from bot.store import backup as backups

    url = state.settings().database_url
    if backups.is_sqlite(url):
        copied = backups.backup_sqlite(backups.sqlite_file(url), file, overwrite=force)
    else:
        copied = backups.backup_postgres(url, file, overwrite=force)
    click.echo(_("backed up {size} to {file}").format(size=copied.megabytes, file=file))


@db.command(
    help=_("Replace the database's contents by the backup FILE (all or nothing).")
    + "\n\n"
    + _(
        "Refused while the database is in use: stop the bot first. SQLite: the backup must be "
        "a quizbot database. PostgreSQL: a pg_dump custom-format file, restored with "
        "pg_restore in one transaction (pg_restore must be on PATH)."
    )
)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--force",
    is_flag=True,
    help=_("Restore even while the database is in use (a running bot sees its data replaced)."),
)
@pass_state
def restore(state: CliState, file: Path, force: bool) -> None:
    """Replace the database's contents by a backup."""
    from bot.store import backup as backups

    url = state.settings().database_url
    if backups.is_sqlite(url):
        copied = backups.restore_sqlite(file, backups.sqlite_file(url), force=force)
        restored = _("restored {size} from {file}").format(size=copied.megabytes, file=file)
        click.echo(restored + _upgrade_note(copied.revision))
        return
    backups.check_dump(file)
    revision = run(lambda: _restore_postgres(url, file, force))
    click.echo(_("restored {file} into the database").format(file=file) + _upgrade_note(revision))


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
                ngettext(
                    "the database {database} is in use ({count} other connection(s): a running "
                    "bot?): stop it and try again, or add --force",
                    "the database {database} is in use ({count} other connection(s): a running "
                    "bot?): stop it and try again, or add --force",
                    others,
                ).format(database=database.display_url, count=others)
            )
        await asyncio.to_thread(backups.restore_postgres, url, file)
        return await migrate.current_revision(database)
    finally:
        await database.dispose()
