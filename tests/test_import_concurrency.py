"""Imports into one bank at the same time take turns, on PostgreSQL as on SQLite.

Each import runs on its own engine (as separate ``quizbot import`` processes would), all
started together. Afterwards the bank must be what some serial order of the imports gives,
and each import's summary must say what it really did in that order: a new bank created by
three imports at once is created once, by the first; an ``--replace`` import beside
another on the same bank is all before or all after it, never half and half.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
from pathlib import Path

from sqlalchemy import select

from bot.clock import FakeClock
from bot.formats import parse_path
from bot.services import QuizApp
from bot.services.importer import BATCH_SIZE, BankImporter, ImportSummary
from bot.store.models import BankRow, QuestionRow

#: Enough questions for several batches, so an import's reads spread over time.
COUNT = BATCH_SIZE * 2 + 500


def bank_file(path: Path, numbers: range, explanation: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["question", "answer", "explanation"])
        for n in numbers:
            writer.writerow([f"What is {n} plus one?", str(n + 1), explanation])
    return path


async def import_file(
    url: str, path: Path, bank: str, *, replace: bool = False, start: asyncio.Event
) -> ImportSummary:
    app = await QuizApp.open(url, FakeClock(), load_banks=False)
    try:
        await start.wait()
        async with app.db.transaction() as session:
            importer = BankImporter(session, app.clock, bank_name=bank, replace=replace)
            return await importer.run(parse_path(path, "csv"), str(path))
    finally:
        await app.close()


async def active_explanations(url: str, bank: str) -> dict[str, str]:
    app = await QuizApp.open(url, FakeClock(), load_banks=False)
    try:
        async with app.db.sessions() as session:
            rows = await session.execute(
                select(QuestionRow.prompt, QuestionRow.explanation)
                .join(BankRow, BankRow.id == QuestionRow.bank_id)
                .where(BankRow.name == bank, QuestionRow.active.is_(True))
            )
            return dict(rows.all())
    finally:
        await app.close()


async def together(*imports) -> list[ImportSummary]:
    start = asyncio.Event()
    tasks = [asyncio.ensure_future(make(start)) for make in imports]
    await asyncio.sleep(0.5)  # every engine connected and waiting
    start.set()
    return list(await asyncio.gather(*tasks))


async def test_three_imports_into_a_new_bank_create_it_once(
    database_url: str, tmp_path: Path
) -> None:
    path = bank_file(tmp_path / "q.csv", range(COUNT), "same")
    summaries = await together(
        *[lambda start: import_file(database_url, path, "fresh", start=start)] * 3
    )
    assert sorted((s.new, s.unchanged) for s in summaries) == [
        (0, COUNT),
        (0, COUNT),
        (COUNT, 0),
    ]
    assert len(await active_explanations(database_url, "fresh")) == COUNT


async def test_a_replace_beside_another_import_is_all_before_or_all_after_it(
    database_url: str, tmp_path: Path
) -> None:
    """B was imported earlier; A changes every question and adds 100, and commits while B
    is imported again with --replace. B must wait for A and then undo it all (every
    question B's again, A's extras retired), not keep A's text in the batches it read before
    A committed and call them unchanged."""
    path_b = bank_file(tmp_path / "b.csv", range(COUNT), "from B")
    path_a = bank_file(tmp_path / "a.csv", range(COUNT + 100), "from A")
    go = asyncio.Event()
    go.set()
    await import_file(database_url, path_b, "shared", start=go)

    a_written, b_read_some = asyncio.Event(), asyncio.Event()

    async def import_a() -> ImportSummary:
        app = await QuizApp.open(database_url, FakeClock(), load_banks=False)
        try:
            async with app.db.transaction() as session:
                importer = BankImporter(session, app.clock, bank_name="shared")
                summary = await importer.run(parse_path(path_a, "csv"), str(path_a))
                a_written.set()
                # Commit in the middle of B's import, if B gets that far before A commits
                # (with the bank's lock B cannot: it waits, and A commits after this wait).
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(b_read_some.wait(), 3)
            return summary
        finally:
            await app.close()

    async def import_b() -> ImportSummary:
        await a_written.wait()
        app = await QuizApp.open(database_url, FakeClock(), load_banks=False)
        try:
            async with app.db.transaction() as session:
                importer = BankImporter(
                    session,
                    app.clock,
                    bank_name="shared",
                    replace=True,
                    progress=lambda _count: b_read_some.set(),
                )
                return await importer.run(parse_path(path_b, "csv"), str(path_b))
        finally:
            await app.close()

    summary_a, summary_b = await asyncio.gather(import_a(), import_b())
    final = await active_explanations(database_url, "shared")
    assert (summary_a.new, summary_a.updated) == (100, COUNT)
    assert set(final.values()) == {"from B"}, "B kept some of A's text"
    assert len(final) == COUNT
    assert (summary_b.updated, summary_b.unchanged, summary_b.removed) == (COUNT, 0, 100)
