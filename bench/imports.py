"""Benchmark 3: importing a large GIFT file and a large CSV, time and peak memory.

Generated files (mostly multiple choice, some true/false and short answer, categories and
tags; unique questions) of 10,000, 50,000 and 100,000 questions are imported the way
``quizbot import`` does (``parse_path`` into ``BankImporter`` in one transaction, committed).
The baseline is a bare bulk insert of the same rows (the importer's own row values, built
before the clock starts) with Core ``insert(questions)`` in chunks of 5,000, committed.
"parse only" (not in --quick) reads the file and builds the row values without a database.

Each measurement runs in a fresh subprocess on a fresh database, so peak resident memory
(``VmHWM``) belongs to that one import: comparing sizes shows whether memory is flat in the
file size. A second subprocess per size measures the peak of Python allocations with
``tracemalloc`` (too slow to share the timed run).

    python -m bench.imports [--quick] [--backend ...] [--sizes 100000 ...]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import (
    BENCH_NOW,
    Table,
    arguments,
    backends,
    fresh_database_sync,
    log,
    open_app,
    vm_status,
)

TARGET_RATIO = 2.0
TARGET_MB = 200.0
FLAT_MB = 25.0  # growth of peak RSS from the smallest to the largest file still called flat


# -- generated files --------------------------------------------------------------------


def write_gift(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            if i % 1000 == 0:
                out.write(f"$CATEGORY: bench/section {i // 1000}\n\n")
            out.write(f"// [tag:bench] [tag:set-{i % 7}]\n")
            if i % 10 == 3:
                out.write(f"::T{i}:: Statement number {i} is true. {{T#right}}\n\n")
            elif i % 10 == 7:
                out.write(f"::S{i}:: Name the item numbered {i}. {{=item {i} =item-{i}}}\n\n")
            else:
                out.write(
                    f"::Q{i}:: Question {i}: which option is right for case {i}? {{\n"
                    f"  =right answer {i} #well done\n  ~wrong one {i}\n  ~wrong two {i}\n"
                    f"  ~wrong three {i}\n  ####Because case {i} says so.\n}}\n\n"
                )


def write_csv(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["question", "options", "answer", "explanation", "topic", "type", "tags"])
        for i in range(count):
            topic = f"section {i // 1000}"
            if i % 10 == 3:
                writer.writerow([f"Statement number {i} is true.", "", "true", "", topic, "", "x"])
            elif i % 10 == 7:
                writer.writerow(
                    [f"Name the item numbered {i}.", "", f"item {i}|item-{i}", "", topic, "", ""]
                )
            else:
                writer.writerow(
                    [
                        f"Question {i}: which option is right for case {i}?",
                        f"right answer {i}|wrong one {i}|wrong two {i}|wrong three {i}",
                        "A",
                        f"Because case {i} says so.",
                        topic,
                        "multiple_choice",
                        f"bench|set-{i % 7}",
                    ]
                )


# -- the child process: one measurement -------------------------------------------------


async def child_import(path: Path, url: str) -> int:
    from bot.clock import FakeClock
    from bot.formats import parse_path
    from bot.services.importer import BankImporter
    from bot.store.database import Database

    db = Database(url)
    try:
        async with db.transaction() as session:
            summary = await BankImporter(session, FakeClock(BENCH_NOW), bank_name="bench").run(
                parse_path(path), str(path)
            )
    finally:
        await db.dispose()
    return summary.new


def row_values(path: Path) -> list[dict[str, Any]]:
    from bot.domain import Question
    from bot.formats import parse_path
    from bot.importing.rows import row_values as _row_values

    rows = []
    for item in parse_path(path):
        if isinstance(item, Question):
            rows.append({**_row_values(item), "position": len(rows) + 1})
    return rows


async def child_bare(rows: list[dict[str, Any]], url: str) -> float:
    from sqlalchemy import insert

    from bot.store.database import Database
    from bot.store.models import BankRow, QuestionRow

    db = Database(url)
    try:
        started = time.perf_counter()
        async with db.engine.begin() as conn:
            bank_id = (
                await conn.execute(
                    insert(BankRow)
                    .values(name="bench", title="bench", created_at=BENCH_NOW)
                    .returning(BankRow.id)
                )
            ).scalar_one()
            for start in range(0, len(rows), 5000):
                chunk = [{**row, "bank_id": bank_id} for row in rows[start : start + 5000]]
                await conn.execute(insert(QuestionRow), chunk)
        return time.perf_counter() - started
    finally:
        await db.dispose()


def child(mode: str, path: Path, url: str) -> dict[str, float]:
    """Run one measurement in this (fresh) process; the figures as a dict."""
    import bot.formats.csv_format
    import bot.formats.gift
    import bot.services.banks  # noqa: F401  (imports are not part of the figures)

    if mode == "trace":
        import tracemalloc

        tracemalloc.start()
    before = vm_status("VmRSS")
    started = time.perf_counter()
    if mode in ("import", "trace"):
        count = asyncio.run(child_import(path, url))
        seconds = time.perf_counter() - started
    elif mode == "parse":
        count = len(row_values(path))
        seconds = time.perf_counter() - started
    else:  # bare
        rows = row_values(path)
        count = len(rows)
        seconds = asyncio.run(child_bare(rows, url))
    figures = {"seconds": seconds, "count": count, "rss_before": before, "hwm": vm_status("VmHWM")}
    if mode == "trace":
        figures["traced_peak"] = tracemalloc.get_traced_memory()[1] / 2**20
    return figures


def measure(mode: str, backend: str, path: Path) -> dict[str, float]:
    """Run :func:`child` in a fresh subprocess on a fresh, migrated database."""
    from bot.clock import FakeClock

    with fresh_database_sync(backend) as url:

        async def prepare() -> None:
            app = await open_app(url, FakeClock(BENCH_NOW), load_banks=False)
            await app.close()

        asyncio.run(prepare())
        done = subprocess.run(
            [sys.executable, "-m", "bench.imports", "--child", mode, str(path), url],
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        )
    if done.returncode != 0:
        raise RuntimeError(f"{mode} {path.name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run(backend_choice: str, quick: bool, only: list[int] | None = None) -> Table:
    table = Table(
        "3. Import: BankImporter vs bare bulk insert (s, MB)",
        [
            "backend",
            "format",
            "questions",
            "import s",
            "bare s",
            "ratio",
            "parse only s",
            "q/s",
            "peak RSS",
            "RSS growth",
            "py peak",
            "target <=2x",
            "target <200MB flat",
        ],
    )
    sizes = only or ([1_000] if quick else [10_000, 50_000, 100_000])
    with tempfile.TemporaryDirectory(prefix="quizbot-bench-files-") as folder:
        files: dict[tuple[str, int], Path] = {}
        for fmt, writer in (("gift", write_gift), ("csv", write_csv)):
            for size in sizes:
                path = Path(folder) / f"bench-{size}.{fmt}"
                writer(path, size)
                files[fmt, size] = path
        parse_times = {
            key: float("nan") if quick else measure_parse(path) for key, path in files.items()
        }
        for backend in backends(backend_choice):
            for fmt in ("gift", "csv"):
                peaks: list[float] = []
                for size in sizes:
                    path = files[fmt, size]
                    imported = measure("import", backend, path)
                    bare = measure("bare", backend, path)
                    traced = {"traced_peak": float("nan")}
                    # tracemalloc for the smallest and largest file (not 50k: time), unless the
                    # import itself took minutes (tracing runs it 2-3 times slower)
                    if not quick and size != sizes[len(sizes) // 2]:
                        if imported["seconds"] < 120:
                            traced = measure("trace", backend, path)
                        else:
                            table.note(f"{backend} {fmt} {size}: no tracemalloc run (too slow)")
                    assert imported["count"] == bare["count"] == size, (imported, bare)
                    ratio = imported["seconds"] / bare["seconds"]
                    peaks.append(imported["hwm"])
                    flat = imported["hwm"] - peaks[0] < FLAT_MB
                    took = f"{imported['seconds']:.1f}s vs {bare['seconds']:.1f}s"
                    log(f"{backend} {fmt} {size}: {took}")
                    table.add(
                        backend,
                        fmt,
                        size,
                        imported["seconds"],
                        bare["seconds"],
                        f"{ratio:.2f}x",
                        parse_times[fmt, size],
                        size / imported["seconds"],
                        imported["hwm"],
                        imported["hwm"] - imported["rss_before"],
                        traced["traced_peak"],
                        ratio <= TARGET_RATIO,
                        imported["hwm"] < TARGET_MB and flat,
                    )
    table.note("peak RSS = VmHWM of the import's own process; RSS growth = VmHWM - VmRSS before")
    table.note("py peak = tracemalloc peak of Python allocations (separate run; not in --quick)")
    table.note(f"flat = peak RSS at most {FLAT_MB:.0f} MB above the smallest file's")
    return table


def measure_parse(path: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-m", "bench.imports", "--child", "parse", str(path), "-"],
        capture_output=True,
        text=True,
        timeout=1800,
        check=True,
    )
    return float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], Path(sys.argv[3]), sys.argv[4])))
        return
    args = arguments(__doc__.splitlines()[0] if __doc__ else None, _size_option)
    run(args.backend, args.quick, args.sizes).show()


def _size_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        metavar="N",
        help="numbers of questions to measure (default 10000 50000 100000; 1000 with --quick)",
    )


if __name__ == "__main__":
    main()
