"""The line-based parsers stream: a 100,000-question file is never held in memory whole.

tracemalloc watches the parser from its first step through the first questions. A parser
that read the whole file (about 10 MB) or kept every question would go far past the limit,
which is set well below the file's size; a streaming one stays at a few kilobytes. The rest
of the file is then parsed untraced (tracing is slow) to check every question arrives.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import TextIO

import pytest

from bot.domain import Question
from bot.formats import csv_format, gift

COUNT = 100_000
TRACED = 3_000
LIMIT = 1024 * 1024


def _write_gift(path: Path) -> list[int]:
    """A GIFT file cycling multiple choice, true/false and short answer; returns start lines."""
    lines: list[int] = []
    line = 1
    with path.open("w", encoding="utf-8") as out:
        for n in range(COUNT):
            if n % 1000 == 0:
                out.write(f"$CATEGORY: $course$/top/Part {n // 1000}\n\n")
                line += 2
            lines.append(line)
            if n % 3 == 0:
                block = (
                    f"// [tag:q{n % 7}]\n::Q{n}::Question {n}\\: what is {n} + 1? {{\n"
                    f"\t={n + 1}#right\n\t~{n + 2}\n\t~%50%{n + 3}\n"
                    f"\t####Because {n} + 1 \\= {n + 1}.\n}}\n"
                )
                lines[-1] += 1  # the question starts after its tag comment
            elif n % 3 == 1:
                answer = "T" if n % 2 else "F"  # "n is odd": true for odd n
                block = f"::Q{n}::{n} is odd.{{{answer}}}\n"
            else:
                block = f"::Q{n}::Type the number after {n}. {{={n + 1} =%100%n{n + 1}}}\n"
            out.write(block + "\n")
            line += block.count("\n") + 1
    return lines


def _write_csv(path: Path) -> list[int]:
    """A CSV file with a quoted two-line explanation in every other row; returns start lines."""
    lines: list[int] = []
    line = 2
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("question,options,answer,explanation,topic,type,tags\n")
        for n in range(COUNT):
            lines.append(line)
            if n % 2 == 0:
                out.write(
                    f'"Question {n}, what is {n} + 1?",{n + 1}|{n + 2}|{n + 3},A,'
                    f'"Because\n{n} + 1 = {n + 1}.",maths,,q{n % 7}|big\n'
                )
                line += 2
            else:
                out.write(f"Type the number after {n},,{n + 1}|n{n + 1},,maths,typed,\n")
                line += 1
    return lines


Writer = Callable[[Path], list[int]]
Parser = Callable[[TextIO, str], object]


@pytest.mark.parametrize(
    ("parse", "write", "suffix"),
    [(gift.parse, _write_gift, ".gift"), (csv_format.parse, _write_csv, ".csv")],
    ids=["gift", "csv"],
)
def test_a_big_file_is_parsed_in_little_memory(
    parse: Callable, write: Writer, suffix: str, tmp_path: Path
) -> None:
    path = tmp_path / f"big{suffix}"
    starts = write(path)
    assert path.stat().st_size > 4 * LIMIT  # else the limit would prove nothing

    with path.open(encoding="utf-8", newline="") as stream:
        items = iter(parse(stream, str(path)))
        count = 0
        tracemalloc.start()
        try:
            for item in islice(items, TRACED):
                assert isinstance(item, Question)
                assert item.line == starts[count]
                count += 1
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        last: Question | None = None
        for item in items:
            assert isinstance(item, Question)
            count += 1
            last = item

    assert peak < LIMIT, f"peak {peak / 1e6:.1f} MB while parsing the first {TRACED} questions"
    assert count == COUNT
    assert last is not None and last.line == starts[-1]
    assert f"{COUNT - 1}" in last.prompt
