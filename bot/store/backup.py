"""Backing up the database to one file, and restoring it: ``quizbot db backup / restore``.

SQLite
  A backup is SQLite's online backup API (:meth:`sqlite3.Connection.backup`): a consistent
  copy taken inside one read transaction, safe while bots are playing (in WAL mode readers
  never hold up writers). It is written to a temporary file beside ``FILE`` and renamed into
  place, so ``FILE`` is either the whole backup or untouched; the copy is one self-contained
  file (rollback journal, not WAL).

  A restore first checks the backup (an SQLite file that passes ``PRAGMA integrity_check``
  and has quizbot's tables), copies it to a temporary file beside the database, and renames
  it over the database: all or nothing. It refuses while another connection has the database
  open (a running bot, a ``quizbot play``): a file renamed under a running process would
  leave that process writing to the old one. ``--force`` restores into the open database
  instead, through the backup API in one write transaction: every connection then sees the
  whole backup or none of it, but a running bot finds its quizzes replaced under it.

PostgreSQL
  A backup runs ``pg_dump --format=custom`` (its version must be at least the server's), to a
  temporary file renamed into place. A restore runs ``pg_restore --clean --if-exists
  --single-transaction --no-owner --no-privileges``: one transaction, all or nothing. It
  refuses while other sessions are connected to the database, unless forced.

Errors come out as :class:`BackupError`, one line saying what is wrong and what to do.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from bot.config import normalise_database_url
from bot.errors import QuizbotError

if TYPE_CHECKING:
    from bot.store.database import Database

#: What every quizbot database has, whatever its revision (Alembic's bookkeeping).
REVISION_TABLE = "alembic_version"
PG_DUMP_TIMEOUT = 3600  # seconds


class BackupError(QuizbotError):
    """A backup or restore that cannot be done, in one line."""


@dataclass(frozen=True)
class Copied:
    """A backup or restore that was done: the file, its size, the schema revision it holds."""

    path: Path
    size: int
    revision: str | None

    @property
    def megabytes(self) -> str:
        return f"{self.size / 1_000_000:.1f} MB"


# -- where the database is ---------------------------------------------------------------------


def is_sqlite(database_url: str) -> bool:
    return normalise_database_url(database_url).startswith("sqlite")


def sqlite_file(database_url: str) -> Path:
    """The file of a SQLite database URL."""
    return Path(str(make_url(normalise_database_url(database_url)).database)).expanduser()


def _writable_folder(path: Path, what: str) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise BackupError(f"the folder {folder} does not exist: create it, or pick another {what}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BackupError(f"the folder {folder} cannot be written: pick another {what}")


def _partial(path: Path) -> Path:
    """A temporary name beside ``path`` (same file system, so renaming it is atomic)."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.partial")


@contextlib.contextmanager
def _removed_on_failure(path: Path) -> Iterator[Path]:
    try:
        yield path
    except BaseException:
        for leftover in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        raise


def _replace(partial: Path, path: Path) -> None:
    """Rename ``partial`` over ``path`` after flushing it, and the folder after that."""
    with open(partial, "rb") as written:
        os.fsync(written.fileno())
    os.replace(partial, path)
    with contextlib.suppress(OSError):  # not every file system lets a folder be fsynced
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


# -- SQLite ------------------------------------------------------------------------------------


def _connect(path: Path, *, timeout: float = 30.0) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=timeout, isolation_level=None)


def _revision(conn: sqlite3.Connection) -> str | None:
    row = conn.execute(f"SELECT version_num FROM {REVISION_TABLE}").fetchone()  # noqa: S608
    return str(row[0]) if row else None


def _self_contained(conn: sqlite3.Connection) -> None:
    """One file, no -wal beside it (a backup must be copyable on its own)."""
    conn.execute("PRAGMA journal_mode=DELETE")


def backup_sqlite(database: Path, target: Path, *, overwrite: bool = False) -> Copied:
    """Copy the SQLite database ``database`` to ``target`` (see the module's docstring)."""
    if not database.is_file():
        raise BackupError(f"there is no database at {database}: nothing to back up")
    _check_target(target, overwrite)
    partial = _partial(target)
    with _removed_on_failure(partial):
        source = _connect(database)
        try:
            copy = _connect(partial)
            try:
                source.backup(copy)  # all pages in one step: one consistent snapshot
                _self_contained(copy)
                revision = _quizbot_revision(copy, database)
            finally:
                copy.close()
        finally:
            source.close()
        _replace(partial, target)
    return Copied(target, target.stat().st_size, revision)


def _check_target(target: Path, overwrite: bool) -> None:
    _writable_folder(target, "file")
    if target.is_dir():
        raise BackupError(f"{target} is a folder: name the backup file, e.g. {target}/quizbot.db")
    if target.exists() and not overwrite:
        raise BackupError(f"{target} exists: pick another name, or add --force to replace it")


def _quizbot_revision(conn: sqlite3.Connection, path: Path) -> str | None:
    try:
        return _revision(conn)
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            raise BackupError(
                f"{path} is not a quizbot database (it has no {REVISION_TABLE} table)"
            ) from None
        raise


def _checked_backup(source: Path) -> tuple[sqlite3.Connection, str | None]:
    """An open connection to the backup ``source``, after checking it is whole and quizbot's."""
    if not source.is_file():
        raise BackupError(f"there is no backup file {source}")
    conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    try:
        try:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} is not an SQLite database backup ({exc})") from None
        if verdict != "ok":
            raise BackupError(f"{source} is damaged ({verdict}): use another backup")
        revision = _quizbot_revision(conn, source)
    except BaseException:
        conn.close()
        raise
    return conn, revision


def sqlite_in_use(database: Path) -> bool:
    """Whether another connection has ``database`` open (a running bot keeps its pool open).

    In WAL mode (quizbot's), leaving WAL needs the only connection; that is the test. The
    database is then in rollback-journal mode, which quizbot turns back on connecting."""
    if not database.exists():
        return False
    conn = _connect(database, timeout=0)
    try:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                conn.execute("PRAGMA journal_mode=DELETE")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                return True
            raise
        return False
    finally:
        conn.close()


def restore_sqlite(source: Path, database: Path, *, force: bool = False) -> Copied:
    """Replace the SQLite database ``database`` by the backup ``source`` (see the module's
    docstring: refused while the database is open elsewhere, unless ``force``)."""
    if source.resolve() == database.resolve():
        raise BackupError(f"{source} is the database itself: restore another file")
    backup, revision = _checked_backup(source)
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
        _writable_folder(database, "DATABASE_URL")
        if sqlite_in_use(database):
            if not force:
                raise BackupError(
                    f"the database {database} is in use (a running bot or another quizbot "
                    "command): stop it and try again, or add --force to restore into the "
                    "open database"
                )
            live = _connect(database)
            try:
                backup.backup(live)  # one write transaction: all of the backup or none
            finally:
                live.close()
            return Copied(database, database.stat().st_size, revision)
        partial = _partial(database)
        with _removed_on_failure(partial):
            copy = _connect(partial)
            try:
                backup.backup(copy)
                _self_contained(copy)
            finally:
                copy.close()
            if database.exists():  # keep the database file's permissions
                shutil.copymode(database, partial)
            for stale in (Path(f"{database}-wal"), Path(f"{database}-shm")):
                stale.unlink(missing_ok=True)  # the old database's, and nobody has it open
            _replace(partial, database)
    finally:
        backup.close()
    return Copied(database, database.stat().st_size, revision)


# -- PostgreSQL --------------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not on PATH: install PostgreSQL's client tools (Debian/Ubuntu: "
            f"postgresql-client; the same major version as the server or newer), "
            f"or run it yourself (see docs/DEPLOY.md, Backups)"
        )
    return found


def libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URL for pg_dump / pg_restore, and the environment carrying its
    password (kept off the command line, which other users of the machine can read)."""
    url: URL = make_url(normalise_database_url(database_url))
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    query = dict(url.query)
    query.pop("pooler", None)  # quizbot's own (see bot.store.database), not libpq's
    if "ssl" in query and "sslmode" not in query:  # asyncpg's spelling of libpq's
        query["sslmode"] = query.pop("ssl")
    # URL.set(password=None) keeps the password ("no change"): build the URL without it.
    plain = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=query,
    )
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=PG_DUMP_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"{what} took over {PG_DUMP_TIMEOUT} s and was stopped") from None
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if "error" in line.lower()] or lines
        reason = errors[0] if errors else f"exit status {result.returncode}"
        reason = reason.removeprefix(f"{Path(command[0]).name}: ").removeprefix("error: ")
        raise BackupError(f"{what} failed: {reason}")


def backup_postgres(database_url: str, target: Path, *, overwrite: bool = False) -> Copied:
    """``pg_dump --format=custom`` of the database into ``target`` (whole, or not at all)."""
    pg_dump = _tool("pg_dump")
    _check_target(target, overwrite)
    url, env = libpq(database_url)
    partial = _partial(target)
    with _removed_on_failure(partial):
        _run(
            [pg_dump, "--format=custom", "--no-password", f"--file={partial}", f"--dbname={url}"],
            env,
            "pg_dump",
        )
        _replace(partial, target)
    return Copied(target, target.stat().st_size, None)


def check_dump(source: Path) -> None:
    """Fail unless ``source`` is a dump pg_restore can read."""
    if not source.is_file():
        raise BackupError(f"there is no backup file {source}")
    _run([_tool("pg_restore"), "--list", str(source)], dict(os.environ), f"reading {source}")


async def postgres_sessions(database: Database) -> int:
    """How many other sessions are connected to the database."""
    async with database.engine.connect() as conn:
        found = await conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        return int(found.scalar_one())


def restore_postgres(database_url: str, source: Path) -> None:
    """``pg_restore`` the dump ``source`` over the database, in one transaction."""
    url, env = libpq(database_url)
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "--no-password",
            f"--dbname={url}",
            str(source),
        ],
        env,
        "pg_restore",
    )
