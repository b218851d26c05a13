"""A big file parsed in a second process imports exactly as it does in one, on both backends.

:meth:`BankImporter.run_file` hands a big file to ``python -m bot.importing.parse_process``
(:mod:`bot.importing.parse_process`), a real child process, and writes its batches as they
come. Checked here: the same rows, counts, warnings and repeats as the same file parsed in
the importing process, across several batches; every error of a bad file, at its file:line,
and nothing written; messages in the importer's language; a child that dies fails the import
(nothing written) and one that is no longer wanted is stopped; and when the process is
used at all (:func:`~bot.importing.parse_process.worth_a_process`).
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bench.rich_imports import write_rich_gift
from bot.errors import BankFormatError, ConfigError
from bot.i18n import use_language
from bot.importing.parse_process import (
    MIN_BYTES,
    SETTING,
    ParseProcess,
    ParseProcessError,
    usable_cpus,
    worth_a_process,
)
from bot.services import QuizApp
from bot.services.importer import BATCH_SIZE, BankImporter, ImportSummary
from bot.store.models import BankRow, QuestionRow

QUESTIONS = 2 * BATCH_SIZE + 300  # three batches


def _children() -> set[int]:
    """The pids of this process's running parse processes."""
    found = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        for pid in (task / "children").read_text().split():
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"bot.importing.parse_process" in command:
                found.add(int(pid))
    return found


def _rich_file(folder: Path) -> Path:
    """A rich GIFT file over three batches with, besides, an essay (skipped), a control
    character (removed, with a warning), a word-for-word repeat within a batch and one
    across batches, and a repeat with other feedback (same answers)."""
    path = folder / "rich.gift"
    write_rich_gift(path, QUESTIONS)
    with path.open("a", encoding="utf-8") as out:
        out.write("::Essay::Write about CRM. {}\n\n")
        out.write("::Bell::Ring\x07 the bell? {T}\n\n")
        out.write(
            "::Again::Repeated in this batch? {T}\n\n::Again::Repeated in this batch? {T}\n\n"
        )
    text = path.read_text(encoding="utf-8")
    first = text.split("\n\n")[2]  # question 1, a multiple choice (after the category)
    with path.open("a", encoding="utf-8") as out:
        out.write(first + "\n\n")  # word for word, two batches later
        out.write(first.replace("#Right", "#Quite right") + "\n\n")  # other feedback
    return path


async def _import(app: QuizApp, path: Path, bank: str, *, process: bool) -> ImportSummary:
    async with app.db.transaction() as session:
        return await BankImporter(session, app.clock, bank_name=bank).run_file(
            path, process=process
        )


async def _rows(app: QuizApp, bank: str) -> list[tuple[Any, ...]]:
    async with app.db.sessions() as session:
        bank_id = await session.scalar(select(BankRow.id).where(BankRow.name == bank))
        rows = await session.execute(
            select(QuestionRow).where(QuestionRow.bank_id == bank_id).order_by(QuestionRow.position)
        )
        skip = {"id", "bank_id"}
        return [
            tuple(getattr(row, c.key) for c in QuestionRow.__table__.columns if c.key not in skip)
            for row in rows.scalars()
        ]


async def _bank_exists(app: QuizApp, bank: str) -> bool:
    async with app.db.sessions() as session:
        return await session.scalar(select(BankRow.id).where(BankRow.name == bank)) is not None


async def test_a_file_imports_the_same_in_a_parsing_process(app: QuizApp, tmp_path: Path) -> None:
    path = _rich_file(tmp_path)
    here = await _import(app, path, "here", process=False)
    there = await _import(app, path, "there", process=True)
    assert _children() == set()  # the child has ended
    assert (there.new, there.skipped, there.repeats) == (here.new, here.skipped, here.repeats)
    assert there.new == QUESTIONS + 2 and there.skipped == 1 and there.repeats == 3
    assert there.warnings == here.warnings
    assert any("control characters removed" in warning for warning in there.warnings)
    assert any("essay question skipped" in warning for warning in there.warnings)
    assert await _rows(app, "there") == await _rows(app, "here")
    # again through the process: everything unchanged, as in one process
    again = await _import(app, path, "there", process=True)
    assert (again.new, again.unchanged, again.updated) == (0, QUESTIONS + 2, 0)


async def test_on_duplicate_last_across_batches_in_a_parsing_process(
    app: QuizApp, tmp_path: Path
) -> None:
    path = tmp_path / "conflict.gift"
    write_rich_gift(path, QUESTIONS)
    first = path.read_text(encoding="utf-8").split("\n\n")[2]
    changed = first.replace("~first 1 ", "~other 1 ")  # other options: a conflict
    with path.open("a", encoding="utf-8") as out:
        out.write(changed + "\n\n")
    with pytest.raises(BankFormatError, match="the same question as line 13 with other answers"):
        await _import(app, path, "conflict", process=True)
    assert not await _bank_exists(app, "conflict")
    for where, process in (("here", False), ("there", True)):
        async with app.db.transaction() as session:
            summary = await BankImporter(
                session, app.clock, bank_name=f"last-{where}", on_duplicate="last"
            ).run_file(path, process=process)
        assert summary.new == QUESTIONS and summary.repeats == 1
    assert await _rows(app, "last-there") == await _rows(app, "last-here")
    assert any("other 1" in str(row) for row in await _rows(app, "last-there"))


async def test_every_error_of_a_bad_file_comes_back_and_nothing_is_written(
    app: QuizApp, tmp_path: Path
) -> None:
    path = tmp_path / "bad.gift"
    write_rich_gift(path, QUESTIONS)
    with path.open("a", encoding="utf-8") as out:
        out.write("::Open::Never closed {=yes ~no\n\n")
        out.write("::Nothing::No right answer {~a ~b}\n\n")
    errors = []
    for process in (False, True):
        with pytest.raises(BankFormatError) as raised:
            await _import(app, path, "bad", process=process)
        errors.append(str(raised.value))
        assert not await _bank_exists(app, "bad")
    assert errors[0] == errors[1]
    assert "is never closed" in errors[1] and "has no right answer" in errors[1]
    assert f"{path}:" in errors[1]


async def test_the_parsing_process_speaks_the_importers_language(
    app: QuizApp, tmp_path: Path
) -> None:
    path = tmp_path / "es.gift"
    path.write_text("::Essay::Write. {}\n\n::Q::Yes? {T}\n", encoding="utf-8")
    with use_language("es"):
        here = await _import(app, path, "es-here", process=False)
        there = await _import(app, path, "es-there", process=True)
    assert there.warnings == here.warnings
    assert "pregunta de ensayo omitida" in there.warnings[0]


async def test_a_parsing_process_that_dies_fails_the_import(app: QuizApp, tmp_path: Path) -> None:
    path = tmp_path / "killed.gift"
    write_rich_gift(path, 20 * BATCH_SIZE)

    def kill_the_parser(count: int) -> None:
        for pid in _children():
            os.kill(pid, signal.SIGKILL)

    with pytest.raises(ParseProcessError, match=r"ended early \(exit code -9\)"):
        async with app.db.transaction() as session:
            await BankImporter(
                session, app.clock, bank_name="killed", progress=kill_the_parser
            ).run_file(path, process=True)
    assert not await _bank_exists(app, "killed")
    assert _children() == set()


async def test_an_import_that_stops_stops_its_parsing_process(app: QuizApp, tmp_path: Path) -> None:
    path = tmp_path / "stopped.gift"
    write_rich_gift(path, 20 * BATCH_SIZE)
    seen: list[set[int]] = []

    def stop(count: int) -> None:
        seen.append(_children())
        raise KeyboardInterrupt  # as Ctrl-C would, while the child is still parsing

    with pytest.raises(KeyboardInterrupt):
        async with app.db.transaction() as session:
            await BankImporter(session, app.clock, bank_name="stopped", progress=stop).run_file(
                path, process=True
            )
    assert len(seen) == 1 and len(seen[0]) == 1  # it was running
    assert _children() == set()  # and is no more
    with pytest.raises(ProcessLookupError):
        os.kill(seen[0].pop(), 0)


def test_when_a_parsing_process_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small, big = tmp_path / "small.gift", tmp_path / "big.gift"
    small.write_text("Yes? {T}\n", encoding="utf-8")
    big.write_bytes(b"Yes? {T}\n\n" * (MIN_BYTES // 10 + 1))
    no_quota = tmp_path / "cgroup"  # no CPU quota here, whatever this machine has

    def worth(path: Path) -> bool:
        return worth_a_process(path, no_quota)

    monkeypatch.delenv(SETTING, raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    assert worth(big) and not worth(small)
    assert not worth(tmp_path / "missing.gift")  # reported by the parser, here
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})  # one CPU: no gain
    assert not worth(big)
    monkeypatch.setenv(SETTING, "on")
    assert worth(small)
    monkeypatch.setenv(SETTING, "off")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    assert not worth(big)
    monkeypatch.setenv(SETTING, "auto")
    assert worth(big)
    monkeypatch.setenv(SETTING, "sometimes")
    with pytest.raises(
        ConfigError, match="QUIZBOT_IMPORT_PROCESS must be on, off or auto, not 'sometimes'"
    ):
        worth(big)


async def test_a_bug_in_the_parsing_process_comes_back_with_its_traceback(
    app: QuizApp, tmp_path: Path
) -> None:
    path = tmp_path / "any.gift"
    path.write_text("Yes? {T}\n", encoding="utf-8")
    stream = ParseProcess(path, None, source=str(path), language="en")
    stream._spec.pop("size")  # a child that cannot know its batch size: a bug, not the file
    await stream.start()
    try:
        with pytest.raises(ParseProcessError) as raised:
            await stream.next()
    finally:
        await stream.close()
    first, *rest = str(raised.value).splitlines()
    assert first == f"the process parsing {path} failed: KeyError: 'size'"
    assert rest[0] == "Traceback (most recent call last):"
    assert _children() == set()


async def test_an_unknown_format_is_the_same_error_in_a_parsing_process(
    app: QuizApp, tmp_path: Path
) -> None:
    path = tmp_path / "any.gift"
    path.write_text("Yes? {T}\n", encoding="utf-8")
    errors = []
    for process in (False, True):
        with pytest.raises(BankFormatError) as raised:
            async with app.db.transaction() as session:
                await BankImporter(session, app.clock, bank_name="any").run_file(
                    path, "nope", process=process
                )
        errors.append(str(raised.value))
    assert errors[0] == errors[1] and "unknown format" in errors[1]


def test_a_containers_cpu_quota_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    assert usable_cpus(tmp_path) == 4  # no cgroup files: the affinity
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert usable_cpus(tmp_path) == 4
    (tmp_path / "cpu.max").write_text("150000 100000\n")  # one and a half CPUs
    assert usable_cpus(tmp_path) == 1.5
    (tmp_path / "cpu.max").unlink()
    v1 = tmp_path / "cpu,cpuacct"
    v1.mkdir()
    (v1 / "cpu.cfs_quota_us").write_text("100000\n")
    (v1 / "cpu.cfs_period_us").write_text("100000\n")
    assert usable_cpus(tmp_path) == 1  # a one-CPU dyno on a big host: no parsing process
    (v1 / "cpu.cfs_quota_us").write_text("-1\n")  # v1's "no quota"
    assert usable_cpus(tmp_path) == 4


async def test_the_parsing_process_runs_only_a_few_batches_ahead(tmp_path: Path) -> None:
    path = tmp_path / "ahead.gift"
    write_rich_gift(path, 30 * BATCH_SIZE)  # ~12 MB of frames: far more than pipe and buffer
    stream = ParseProcess(path, None, source=str(path), language="en")
    await stream.start()
    try:
        rows = [len((await stream.next()).rows)]
        await asyncio.sleep(2)  # time to parse it all (~1 s here), were it not held back
        assert _children() == {stream.pid}  # still there, waiting for room in the pipe
        while True:
            batch = await stream.next()
            rows.append(len(batch.rows))
            if batch.last:
                break
        assert rows == [BATCH_SIZE] * 30 + [0]  # every batch, then the last (empty): none lost
    finally:
        await stream.close()
