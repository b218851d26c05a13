"""An import runs the cyclic garbage collector less often, and puts its threshold back.

While the importer reads a file, the collector's first threshold is the importer's
(:data:`bot.services.importer.IMPORT_GC_THRESHOLD`); afterwards it is what it was, also
when the import fails. A collector turned off stays off. Both backends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from bot.domain import Question, QuestionKind
from bot.errors import BankFormatError
from bot.services import QuizApp
from bot.services.importer import IMPORT_GC_THRESHOLD, BankImporter


def _questions(count: int, seen: list[int], bad: int | None = None) -> Iterator[Any]:
    """``count`` questions; notes the collector's first threshold as each is read. Question
    ``bad`` (from 1) is the parser's error."""
    for n in range(1, count + 1):
        seen.append(gc.get_threshold()[0])
        if n == bad:
            raise BankFormatError("gc.txt", n, "a made-up error")
        yield Question(
            kind=QuestionKind.MULTIPLE_CHOICE,
            prompt=f"Question {n}?",
            options=("left", "right"),
            correct=1,
            line=n,
        )


@pytest.fixture
def threshold() -> Iterator[tuple[int, int, int]]:
    """Python's own thresholds for the test, whatever the process had; put back after."""
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*before)


async def test_the_threshold_is_raised_while_importing_and_put_back(
    app: QuizApp, threshold: tuple[int, int, int]
) -> None:
    seen: list[int] = []
    async with app.db.transaction() as session:
        summary = await BankImporter(session, app.clock, bank_name="gc").run(
            _questions(2_500, seen), "gc.txt"
        )
    assert summary.new == 2_500
    assert set(seen) == {IMPORT_GC_THRESHOLD}
    assert gc.get_threshold() == threshold


async def test_a_failed_import_puts_the_threshold_back(
    app: QuizApp, threshold: tuple[int, int, int]
) -> None:
    seen: list[int] = []
    with pytest.raises(BankFormatError, match="a made-up error"):
        async with app.db.transaction() as session:
            await BankImporter(session, app.clock, bank_name="gc").run(
                _questions(1_500, seen, bad=1_200), "gc.txt"
            )
    assert seen and set(seen) == {IMPORT_GC_THRESHOLD}
    assert gc.get_threshold() == threshold


async def test_a_collector_turned_off_stays_off(app: QuizApp) -> None:
    before = gc.get_threshold()
    gc.set_threshold(0)
    try:
        seen: list[int] = []
        async with app.db.transaction() as session:
            await BankImporter(session, app.clock, bank_name="gc").run(
                _questions(10, seen), "gc.txt"
            )
        assert set(seen) == {0}
        assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)
