"""``quizbot db backup`` and ``quizbot db restore``, on SQLite and PostgreSQL.

A bank is imported and a quiz played; the database is backed up, then damaged (the bank's
questions and the answers deleted, another quiz played), and restored: the players'
answers, scores and the imported bank are back as they were. On SQLite a backup is taken
while another connection holds an open write transaction (as a running bot may), a restore
is refused while the database is in use, a broken backup changes nothing, and mistakes end
in one line. PostgreSQL runs when pg_dump and pg_restore are on PATH and no older than the
server.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from bot.clock import FakeClock
from bot.services import QuizApp
from bot.store.backup import libpq, sqlite_file
from bot.views import ChannelRef, PlayerRef
from cli.main import cli

BANK = """\
bank: backup-check
title: Backup check
questions:
  - type: multiple_choice
    question: "Which planet is largest?"
    options: ["Jupiter", "Mars", "Venus"]
    answer: A
  - type: true_false
    question: "Water boils at 100 C at sea level."
    answer: true
  - type: typed
    question: "Capital of France?"
    answers: ["Paris"]
"""
WHERE = ChannelRef("discord", "g1", "c1")
ALICE = PlayerRef("discord", "g1", "u1", "Alice")
BOB = PlayerRef("discord", "g1", "u2", "Bob")


def quizbot(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--database-url", url, *args])


def one_error_line(result: Result) -> str:
    """The one line a failed command printed (and that it printed no traceback)."""
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("quizbot: error: "), result.output
    return lines[0]


async def play(url: str, clock: FakeClock) -> None:
    """One quiz of one question: Alice answers right, Bob wrong; the round closes."""
    app = await QuizApp.open(url, clock)
    try:
        question = await app.start_quiz(WHERE, ALICE, bank="backup-check", count=1, seconds=20)
        if question.options:
            labels = {o.text: o.label for o in question.options}
            right = labels.get("Jupiter") or labels["True"]
            wrong = next(label for label in labels.values() if label != right)
        else:
            right, wrong = "Paris", "London"
        await app.answer(question.round_id, ALICE, right, WHERE)
        await app.answer(question.round_id, BOB, wrong, WHERE)
        clock.advance(seconds=30)
        await app.close_due_rounds()
    finally:
        await app.close()


async def snapshot(url: str) -> dict[str, Any]:
    """What must come back: answers, scores, the bank and its questions."""
    app = await QuizApp.open(url, FakeClock(), load_banks=False)
    try:
        async with app.db.sessions() as session:

            async def rows(sql: str) -> list[tuple[Any, ...]]:
                return [tuple(r) for r in (await session.execute(text(sql))).all()]

            return {
                "answers": await rows(
                    "SELECT p.name, a.choice, a.correct, a.points FROM answers a "
                    "JOIN players p ON p.id = a.player_id ORDER BY a.id"
                ),
                "scores": await rows(
                    "SELECT p.name, sum(s.points) FROM scores s JOIN players p "
                    "ON p.id = s.player_id GROUP BY p.name ORDER BY p.name"
                ),
                "banks": await rows("SELECT name, title FROM banks ORDER BY name"),
                "questions": await rows(
                    "SELECT q.prompt, q.active FROM questions q JOIN banks b ON b.id = q.bank_id "
                    "WHERE b.name = 'backup-check' ORDER BY q.prompt"
                ),
            }
    finally:
        await app.close()


async def damage(url: str, clock: FakeClock) -> None:
    """Lose every answer and score, play another quiz, then lose the bank's unasked
    questions."""
    app = await QuizApp.open(url, clock, load_banks=False)
    try:
        async with app.db.transaction() as session:
            await session.execute(text("DELETE FROM answers"))
            await session.execute(text("DELETE FROM scores"))
    finally:
        await app.close()
    await play(url, clock)
    app = await QuizApp.open(url, clock, load_banks=False)
    try:
        async with app.db.transaction() as session:
            await session.execute(
                text(
                    "DELETE FROM questions WHERE bank_id = "
                    "(SELECT id FROM banks WHERE name = 'backup-check') "
                    "AND id NOT IN (SELECT question_id FROM rounds)"
                )
            )
    finally:
        await app.close()


def prepared(url: str, tmp_path: Path, clock: FakeClock) -> dict[str, Any]:
    """Import the bank and play a quiz; what the database then holds."""
    bank = tmp_path / "backup-check.yaml"
    bank.write_text(BANK)
    imported = quizbot(url, "import", str(bank))
    assert imported.exit_code == 0, imported.output
    asyncio.run(play(url, clock))
    before = asyncio.run(snapshot(url))
    assert len(before["answers"]) == 2 and len(before["questions"]) == 3
    assert ("backup-check", "Backup check") in before["banks"]
    return before


def postgres_tools_problem(url: str) -> str | None:
    """Why pg_dump / pg_restore cannot back up this server, or None."""
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            return f"{tool} is not on PATH"
    version = subprocess.run(["pg_dump", "--version"], capture_output=True, text=True).stdout
    found = re.search(r"(\d+)\.", version)
    tools = int(found.group(1)) if found else 0

    async def server_version() -> int:
        app = await QuizApp.open(url, FakeClock(), load_banks=False)
        try:
            async with app.db.sessions() as session:
                number = (await session.execute(text("SHOW server_version_num"))).scalar_one()
                return int(number) // 10000
        finally:
            await app.close()

    server = asyncio.run(server_version())
    if tools < server:
        return f"pg_dump {tools} cannot dump PostgreSQL {server}"
    return None


# -- the round trip, on both databases ---------------------------------------------------------


def test_backup_then_restore_brings_back_answers_and_the_bank(
    database_url: str, tmp_path: Path
) -> None:
    if not database_url.startswith("sqlite") and (problem := postgres_tools_problem(database_url)):
        pytest.skip(problem)
    clock = FakeClock()
    before = prepared(database_url, tmp_path, clock)
    target = tmp_path / "backups" / "quizbot.backup"
    target.parent.mkdir()

    backed_up = quizbot(database_url, "db", "backup", str(target))
    assert backed_up.exit_code == 0, backed_up.output
    assert re.fullmatch(rf"backed up \d+\.\d MB to {re.escape(str(target))}\n", backed_up.output)
    assert target.is_file() and not list(target.parent.glob(".*partial"))

    asyncio.run(damage(database_url, clock))
    assert asyncio.run(snapshot(database_url)) != before

    restored = quizbot(database_url, "db", "restore", str(target))
    assert restored.exit_code == 0, restored.output
    assert restored.output.startswith("restored ") and "db upgrade" not in restored.output
    assert asyncio.run(snapshot(database_url)) == before
    asyncio.run(play(database_url, clock))  # the restored database plays on
    assert len(asyncio.run(snapshot(database_url))["answers"]) == 4


# -- SQLite: online, refused while in use, all or nothing, one-line errors ---------------------


def test_a_sqlite_backup_is_taken_while_a_writer_holds_a_transaction(
    prepared_sqlite_url: str, tmp_path: Path
) -> None:
    """The backup does not wait for the writer, and holds only what was committed."""
    before = prepared(prepared_sqlite_url, tmp_path, FakeClock())
    writer = sqlite3.connect(sqlite_file(prepared_sqlite_url), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM answers")  # not committed while the backup runs
        target = tmp_path / "online.db"
        result = quizbot(prepared_sqlite_url, "db", "backup", str(target))
        assert result.exit_code == 0, result.output
        writer.execute("COMMIT")
    finally:
        writer.close()
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("SELECT count(*) FROM answers").fetchone()[0] == 2
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        copy.close()
    assert not Path(f"{target}-wal").exists()
    restored = quizbot(prepared_sqlite_url, "db", "restore", str(target))
    assert restored.exit_code == 0, restored.output
    assert asyncio.run(snapshot(prepared_sqlite_url)) == before


def test_a_sqlite_restore_is_refused_while_the_database_is_open(
    prepared_sqlite_url: str, tmp_path: Path
) -> None:
    """A running bot keeps connections open: restoring under it is refused (the database
    is left as it was) unless forced; forced, the open connection sees the backup."""
    clock = FakeClock()
    before = prepared(prepared_sqlite_url, tmp_path, clock)
    target = tmp_path / "before.db"
    assert quizbot(prepared_sqlite_url, "db", "backup", str(target)).exit_code == 0
    asyncio.run(damage(prepared_sqlite_url, clock))
    damaged = asyncio.run(snapshot(prepared_sqlite_url))

    bot = sqlite3.connect(sqlite_file(prepared_sqlite_url), isolation_level=None)
    try:
        bot.execute("SELECT count(*) FROM answers").fetchone()  # as a bot's pool does
        line = one_error_line(quizbot(prepared_sqlite_url, "db", "restore", str(target)))
        assert "is in use" in line and "--force" in line
        assert asyncio.run(snapshot(prepared_sqlite_url)) == damaged

        forced = quizbot(prepared_sqlite_url, "db", "restore", "--force", str(target))
        assert forced.exit_code == 0, forced.output
        assert bot.execute("SELECT count(*) FROM answers").fetchone()[0] == 2
    finally:
        bot.close()
    assert asyncio.run(snapshot(prepared_sqlite_url)) == before


def test_a_broken_backup_is_refused_and_changes_nothing(
    prepared_sqlite_url: str, tmp_path: Path
) -> None:
    before = prepared(prepared_sqlite_url, tmp_path, FakeClock())
    good = tmp_path / "good.db"
    assert quizbot(prepared_sqlite_url, "db", "backup", str(good)).exit_code == 0

    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("these are not the pages you are looking for\n" * 100)
    line = one_error_line(quizbot(prepared_sqlite_url, "db", "restore", str(not_sqlite)))
    assert "is not an SQLite database backup" in line

    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    line = one_error_line(quizbot(prepared_sqlite_url, "db", "restore", str(truncated)))
    assert str(truncated) in line

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE notes (x)").connection.close()
    line = one_error_line(quizbot(prepared_sqlite_url, "db", "restore", str(other)))
    assert "not a quizbot database" in line

    line = one_error_line(quizbot(prepared_sqlite_url, "db", "restore", str(tmp_path / "nope")))
    assert "there is no backup file" in line
    assert asyncio.run(snapshot(prepared_sqlite_url)) == before
    assert not list(tmp_path.glob(".*partial*"))


def test_backup_mistakes_end_in_one_line(prepared_sqlite_url: str, tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "x.db"
    line = one_error_line(quizbot(prepared_sqlite_url, "db", "backup", str(missing)))
    assert f"the folder {missing.parent} does not exist" in line

    existing = tmp_path / "taken.db"
    existing.write_text("keep me")
    line = one_error_line(quizbot(prepared_sqlite_url, "db", "backup", str(existing)))
    assert "exists" in line and "--force" in line
    assert existing.read_text() == "keep me"
    replaced = quizbot(prepared_sqlite_url, "db", "backup", "--force", str(existing))
    assert replaced.exit_code == 0, replaced.output

    nothing = f"sqlite+aiosqlite:///{tmp_path / 'never-created.db'}"
    line = one_error_line(quizbot(nothing, "db", "backup", str(tmp_path / "y.db")))
    assert "there is no database at" in line


def test_a_postgres_backup_without_pg_dump_says_what_to_install(
    prepared_postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump there
    target = tmp_path / "quizbot.dump"
    line = one_error_line(quizbot(prepared_postgres_url, "db", "backup", str(target)))
    assert "pg_dump is not on PATH" in line and "postgresql-client" in line
    assert not target.exists()


def test_a_postgres_restore_is_refused_while_others_are_connected(
    prepared_postgres_url: str, tmp_path: Path
) -> None:
    if problem := postgres_tools_problem(prepared_postgres_url):
        pytest.skip(problem)
    not_a_dump = tmp_path / "notes.dump"
    not_a_dump.write_text("not a dump\n")
    line = one_error_line(quizbot(prepared_postgres_url, "db", "restore", str(not_a_dump)))
    assert f"reading {not_a_dump} failed" in line

    dump = tmp_path / "quizbot.dump"
    assert quizbot(prepared_postgres_url, "db", "backup", str(dump)).exit_code == 0

    async def restore_beside_a_bot() -> str:
        bot = await asyncpg.connect(prepared_postgres_url)
        try:
            return await asyncio.to_thread(
                lambda: one_error_line(quizbot(prepared_postgres_url, "db", "restore", str(dump)))
            )
        finally:
            await bot.close()

    line = asyncio.run(restore_beside_a_bot())
    assert "is in use (1 other connection(s)" in line and "--force" in line


def test_the_password_stays_off_pg_dumps_command_line() -> None:
    """Other users of the machine can read a command line; the password goes in PGPASSWORD."""
    url, env = libpq(
        "postgres://quizbot:s3cret@db.example:6543/quiz?ssl=require&pooler=transaction"
    )
    assert "s3cret" not in url
    assert url == "postgresql://quizbot@db.example:6543/quiz?sslmode=require"
    assert env["PGPASSWORD"] == "s3cret"
