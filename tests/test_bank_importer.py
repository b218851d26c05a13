"""The importer's batches: errors late in a big file, the parsing thread, the rows it writes.

A parser error in a later batch (after earlier batches were written) still comes out as the
same file:line error and leaves the database without the bank, on both backends (parsing
runs in a worker thread on PostgreSQL, inline on SQLite). The parsing thread stops and is
waited for when the import fails or stops early, and closes the stream. A duplicate within
a batch names both lines (after the bank name is checked, as before). The JSON text the
importer writes itself is what ``json.dumps`` gives, and reads back as the same lists.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.domain import Question, QuestionKind
from bot.errors import BankFormatError
from bot.formats import parse_path
from bot.importing.rows import json_text as _json_text
from bot.services import QuizApp
from bot.services.banks import bank_contents
from bot.services.importer import (
    BATCH_SIZE,
    BankImporter,
    CheckedItems,
    _Batches,
)
from bot.store.models import BankRow
from cli.main import cli

BAD_AT = 2_500  # the question with the error: several batches into the file


def _write_csv(path: Path, count: int, bad: int | None = None) -> int | None:
    """A CSV of ``count`` multiple-choice questions; question ``bad`` (from 1) names an option
    that is not there. Returns the line of the bad row."""
    rows = ["question,options,answer,topic"]
    for n in range(1, count + 1):
        answer = "E" if n == bad else "B"
        rows.append(f"Question {n}: which is right?,left {n}|right {n}|up {n},{answer},t{n % 9}")
    path.write_text("\n".join(rows) + "\n")
    return None if bad is None else bad + 1  # the header is line 1


def _write_gift(path: Path, count: int, bad: int | None = None) -> int | None:
    """A GIFT file of ``count`` questions; question ``bad`` has no right answer. Returns its
    line."""
    line, bad_line = 1, None
    with path.open("w", encoding="utf-8") as out:
        for n in range(1, count + 1):
            if n == bad:
                bad_line = line
            right = "~" if n == bad else "="
            out.write(f"::Q{n}:: Question {n}? {{{right}yes {n} ~no {n}}}\n\n")
            line += 2
    return bad_line


def _bank_count(url: str, name: str) -> int:
    async def count() -> int:
        app = await QuizApp.open(url, load_banks=False)
        try:
            async with app.db.sessions() as session:
                found = await session.scalar(
                    select(func.count()).select_from(BankRow).where(BankRow.name == name)
                )
                return int(found or 0)
        finally:
            await app.close()

    return asyncio.run(count())


def _parser_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "quizbot-import-parser"]


@pytest.mark.parametrize(
    ("suffix", "write", "message"),
    [
        (".csv", _write_csv, "option letter 'E' is not among the options A-C"),
        (".gift", _write_gift, "the multiple-choice question has no right answer"),
    ],
)
def test_a_parser_error_in_a_later_batch_is_file_line_and_writes_nothing(
    database_url: str, tmp_path: Path, suffix: str, write: Any, message: str
) -> None:
    assert BAD_AT > 2 * BATCH_SIZE  # batches before the error were written already
    path = tmp_path / f"late{suffix}"
    line = write(path, BAD_AT + 300, bad=BAD_AT)
    result = CliRunner().invoke(cli, ["--database-url", database_url, "import", str(path)])
    assert result.exit_code == 1, result.output
    assert f"{path}:{line}: {message}" in result.output
    assert _bank_count(database_url, "late") == 0
    assert _parser_threads() == []


def test_a_big_file_imports_in_batches_with_progress(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "big.gift"
    count = 3 * BATCH_SIZE + 7
    _write_gift(path, count)

    async def run() -> tuple[str, list[int], list[Question]]:
        app = await QuizApp.open(database_url, FakeClock(), load_banks=False)
        try:
            seen: list[int] = []
            async with app.db.transaction() as session:
                importer = BankImporter(session, app.clock, progress=seen.append)
                summary = await importer.run(parse_path(path), str(path))
            async with app.db.transaction() as session:
                again = await BankImporter(session, app.clock).run(parse_path(path), str(path))
                _info, questions = await bank_contents(session, "big")
            return f"{summary.describe()} / {again.describe()}", seen, questions
        finally:
            await app.close()

    described, progress, questions = asyncio.run(run())
    assert described == f"{count} new, 0 updated, 0 unchanged / 0 new, 0 updated, {count} unchanged"
    assert sum(progress) == count and len(progress) == 4
    assert [q.prompt for q in questions] == [f"Question {n}?" for n in range(1, count + 1)]
    assert questions[-1].options == (f"yes {count}", f"no {count}")
    assert questions[0].kind is QuestionKind.MULTIPLE_CHOICE and questions[0].correct == 0
    assert _parser_threads() == []


class _Stream:
    """Parsed questions without end, noting whether it was closed."""

    def __init__(self, bad_at: int | None = None) -> None:
        self.bad_at = bad_at
        self.closed = False
        self.read = 0

    def __iter__(self) -> Iterator[Question]:
        try:
            while True:
                self.read += 1
                if self.read == self.bad_at:
                    raise BankFormatError("stream", self.read, "bad question")
                yield Question(
                    kind=QuestionKind.TYPED,
                    prompt=f"Q{self.read}?",
                    accepted=("a",),
                    line=self.read,
                )
        finally:
            self.closed = True


@pytest.mark.parametrize("threaded", [True, False])
async def test_stopping_early_stops_the_thread_and_closes_the_stream(threaded: bool) -> None:
    stream = _Stream()
    batches = _Batches(CheckedItems(iter(stream), "stream"), "stream", threaded=threaded, size=10)
    first = await batches.next()
    assert list(first.lines.values()) == list(range(1, 11))
    await batches.close()  # what the importer does when writing a batch fails
    assert _parser_threads() == []
    assert stream.closed
    assert stream.read < 10 * 10  # the thread did not run on: the queue holds a few batches


@pytest.mark.parametrize("threaded", [True, False])
async def test_the_parsers_error_comes_after_the_batches_before_it(threaded: bool) -> None:
    stream = _Stream(bad_at=25)
    checked = CheckedItems(iter(stream), "stream")
    batches = _Batches(checked, "stream", threaded=threaded, size=10)
    try:
        assert len((await batches.next()).rows) == 10
        assert len((await batches.next()).rows) == 10
        last = await batches.next()  # the questions before the error, then the error
        assert last.last and list(last.lines.values()) == [21, 22, 23, 24]
        with pytest.raises(BankFormatError, match=r"^stream:25: bad question$"):
            checked.raise_errors()
    finally:
        await batches.close()
    assert _parser_threads() == []


def test_a_duplicate_within_a_batch_names_both_lines(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    _write_csv(path, 400)
    lines = path.read_text().splitlines()
    lines[300] = lines[7].replace(",B,", ",C,")  # question 300 (line 301) is question 7 again
    path.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(cli, ["--database-url", database_url, "import", str(path)])
    assert result.exit_code == 1
    assert f"{path}:301: the same question as line 8 with other answers or options" in result.output
    assert _bank_count(database_url, "dup") == 0
    # the bank is looked at before the batch's questions, as it always was
    named = CliRunner().invoke(
        cli, ["--database-url", database_url, "import", str(path), "--bank", "Not A Name"]
    )
    assert named.exit_code == 1
    assert "bank name 'Not A Name' must be lower-case" in named.output


@given(st.lists(st.text()))
def test_json_text_is_what_json_dumps_gives(items: list[str]) -> None:
    assert _json_text(items) == json.dumps(items)
    assert _json_text(tuple(items)) == json.dumps(items)


def test_json_text_of_other_values_falls_back_to_json_dumps() -> None:
    assert _json_text(["a", 1, None]) == json.dumps(["a", 1, None])
    assert _json_text(()) == "[]"


def test_lists_and_flags_read_back_as_written(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(
        "question,options,answer,tags,type\n"
        'Pick one,"é ☃|""quoted""|back\\\\slash|😀",C,"a|b ☃",multiple_choice\n'
        "Say it,,yes|oui|ja,,typed\n"
    )
    result = CliRunner().invoke(cli, ["--database-url", database_url, "import", str(path)])
    assert result.exit_code == 0, result.output

    async def contents() -> list[Question]:
        app = await QuizApp.open(database_url, load_banks=False)
        try:
            async with app.db.sessions() as session:
                return (await bank_contents(session, "odd"))[1]
        finally:
            await app.close()

    pick, say = asyncio.run(contents())
    assert pick.options == ("é ☃", '"quoted"', "back\\slash", "😀")
    assert pick.correct == 2 and pick.tags == ("a", "b ☃")
    assert say.accepted == ("yes", "oui", "ja") and say.options == () and say.tags == ()
