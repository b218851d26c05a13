"""Read-only commands stay cheap, and still upgrade the schema and load banks when needed.

Opening the services on an up-to-date database imports neither Alembic nor the importer
(``QuizApp.open``: the stored revision against the migration files, the shipped banks'
digests against the stored ones). These tests check that the shortcut never skips work
that is due: a new database is created and upgraded by a read-only command, an old one is
upgraded, and a changed shipped bank file is loaded again. No timings are asserted.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.clock import FakeClock
from bot.services import QuizApp, banks, importer
from bot.store import migrate
from bot.store.database import Database
from cli.main import COMMANDS, cli, load_command

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ["crm-flashcards", "crm-podcast", "demo"]

#: Heavy modules a read-only command on an up-to-date database must not import (on SQLite:
#: PostgreSQL's dialect too; aiohttp comes with the web server and the pictures).
NOT_NEEDED = [
    "alembic",
    "bot.services.importer",
    "bot.formats",
    "yaml",
    "rich",
    "sqlalchemy.dialects.postgresql",
    "aiohttp",
]


def run_cli(url: str, *args: str) -> object:
    result = CliRunner().invoke(cli, ["--database-url", url, *args])
    assert result.exit_code == 0, result.output
    return result.output


def revisions(url: str) -> list[str]:
    async def read() -> list[str]:
        db = Database(url)
        try:
            return await migrate.stored_revisions(db)
        finally:
            await db.dispose()

    return asyncio.run(read())


# -- the newest revision, read without Alembic --------------------------------------------


def test_the_newest_revision_read_from_the_files_is_alembics_head() -> None:
    assert migrate.newest_revision() == migrate.head_revision()
    assert migrate.newest_revision() is not None


def _write_migration(folder: Path, revision: str, down: str | None) -> None:
    parent = f'"{down}"' if down else "None"
    (folder / f"{revision}_x.py").write_text(
        f'"""x"""\n\nrevision: str = "{revision}"\ndown_revision: str | None = {parent}\n'
    )


def test_a_branch_or_an_unreadable_file_leaves_the_newest_revision_to_alembic(
    tmp_path: Path,
) -> None:
    _write_migration(tmp_path, "0001", None)
    _write_migration(tmp_path, "0002", "0001")
    assert migrate.newest_revision(tmp_path) == "0002"
    _write_migration(tmp_path, "0003", "0001")  # two heads
    assert migrate.newest_revision(tmp_path) is None
    (tmp_path / "0003_x.py").unlink()
    (tmp_path / "0004_x.py").write_text('revision = "0004"\ndown_revision = ("0002", "0001")\n')
    assert migrate.newest_revision(tmp_path) is None  # a merge: not read here


# -- the schema is still upgraded by read-only commands -----------------------------------


def test_a_read_only_command_creates_and_upgrades_a_new_sqlite_database(tmp_path: Path) -> None:
    database = tmp_path / "new" / "quizbot.db"
    url = f"sqlite:///{database}"
    listed = json.loads(str(run_cli(url, "banks", "list", "--json")))
    assert database.exists()
    assert revisions(url) == [migrate.head_revision()]
    assert [b["name"] for b in listed] == SHIPPED


def test_a_read_only_command_upgrades_an_old_sqlite_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"

    async def make_old() -> None:
        db = Database(url)
        try:
            await migrate.upgrade(db, "0005")
        finally:
            await db.dispose()

    asyncio.run(make_old())
    assert revisions(url) == ["0005"]
    run_cli(url, "leaderboard")
    assert revisions(url) == [migrate.head_revision()]


async def test_an_up_to_date_database_needs_no_upgrade(empty_database_url: str) -> None:
    db = Database(empty_database_url)
    try:
        assert await migrate.stored_revisions(db) == []
        assert await migrate.needs_upgrade(db)
        assert await migrate.upgrade_if_needed(db)
        assert not await migrate.needs_upgrade(db)
        assert not await migrate.upgrade_if_needed(db)
        await migrate.downgrade(db, "0006")
        assert await migrate.needs_upgrade(db)
    finally:
        await db.dispose()


# -- shipped banks: compared cheaply, loaded again when a file changes --------------------


def test_the_cheap_digest_is_the_one_the_importer_stores() -> None:
    digests = banks.shipped_bank_digests()
    assert sorted(digests) == [f"{name}.yaml" for name in SHIPPED]
    for path in banks.shipped_banks_dir().glob("*.yaml"):
        assert digests[path.name] == importer.file_digest(path)


async def test_a_changed_shipped_bank_file_is_loaded_again(
    empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = await QuizApp.open(empty_database_url, FakeClock(), upgrade=True)
    try:
        async with app.db.reads() as session:
            assert await banks.shipped_banks_current(session)
        folder = tmp_path / "shipped"
        shutil.copytree(banks.shipped_banks_dir(), folder)
        (folder / "demo.yaml").write_text(
            "bank: demo\ntitle: Demo bank\nquestions:\n  - question: New?\n    answer: true\n"
        )
        monkeypatch.setattr(banks, "shipped_banks_dir", lambda: folder)
        monkeypatch.setattr(importer, "shipped_banks_dir", lambda: folder)
        async with app.db.reads() as session:
            assert not await banks.shipped_banks_current(session)
    finally:
        await app.close()

    reopened = await QuizApp.open(empty_database_url, FakeClock(), upgrade=True)
    try:
        demo = next(b for b in await reopened.list_banks() if b.name == "demo")
        assert (demo.questions, demo.flashcards) == (1, 0)
        async with reopened.db.reads() as session:
            assert await banks.shipped_banks_current(session)
    finally:
        await reopened.close()


def test_a_read_only_command_loads_a_changed_shipped_bank(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'quizbot.db'}"
    run_cli(url, "banks", "list")
    folder = tmp_path / "shipped"
    shutil.copytree(banks.shipped_banks_dir(), folder)
    (folder / "demo.yaml").write_text(
        "bank: demo\nquestions:\n  - question: New?\n    answer: no\n"
    )
    monkeypatch.setattr(banks, "shipped_banks_dir", lambda: folder)
    monkeypatch.setattr(importer, "shipped_banks_dir", lambda: folder)
    listed = json.loads(str(run_cli(url, "banks", "list", "--json")))
    assert next(b for b in listed if b["name"] == "demo")["questions"] == 1


# -- what a read-only command imports -------------------------------------------------------

PROBE = """
import json, sys
sys.argv = ["quizbot", *sys.argv[1:]]
from cli.main import main
try:
    main()
finally:
    print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""

READ_ONLY = [
    ["banks", "list"],
    ["banks", "show", "demo"],
    ["leaderboard"],
    ["players", "show", "nobody"],
    ["questions", "search", "customer"],
    ["stats", "--name", "nobody"],
]


def test_read_only_commands_on_an_up_to_date_database_skip_the_heavy_imports(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)

    def modules(args: list[str]) -> set[str]:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return set(json.loads(done.stderr.strip().splitlines()[-1]))

    first = modules(["banks", "list"])  # creates the database: Alembic and the importer run
    assert {"alembic", "bot.services.importer"} <= first
    for args in READ_ONLY:
        loaded = modules(args)
        assert "cli.main" in loaded
        heavy = [m for m in NOT_NEEDED if m in loaded]
        assert heavy == [], f"quizbot {' '.join(args)} imported {heavy}"


def test_every_command_is_found_by_name() -> None:
    for name in COMMANDS:
        assert load_command(name).name == name
    assert "stats" in load_command("questions").commands  # item statistics


GC_PROBE = """
import gc, sys
sys.argv = ["quizbot", *sys.argv[1:]]
from cli.main import main
try:
    main()
finally:
    print("gc enabled:", gc.isenabled(), file=sys.stderr)
"""


def test_quick_commands_alone_run_without_the_cyclic_garbage_collector(tmp_path: Path) -> None:
    """The console script turns the collector off for the quick commands only (their process
    is mostly start-up); a command with unbounded work keeps it, and so does a process that
    invokes the click group itself."""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)

    def collector_on(args: list[str]) -> bool:
        done = subprocess.run(
            [sys.executable, "-c", GC_PROBE, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stderr.strip().splitlines()[-1] == "gc enabled: True"

    assert not collector_on(["banks", "list"])
    assert not collector_on(["leaderboard"])
    assert collector_on(["validate", str(banks.shipped_banks_dir() / "demo.yaml")])
    run_cli(f"sqlite:///{tmp_path / 'in-process.db'}", "banks", "list")
    import gc

    assert gc.isenabled()
