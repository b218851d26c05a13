"""Benchmark 3b: whole ``quizbot import`` processes on a rich GIFT file, against a bare insert.

The generated file is what a Moodle export looks like, not the lean file of
:mod:`bench.imports`: a ``$CATEGORY`` line every 100 questions (escaped characters in its
path), a ``::title::`` and ``// comment`` on every question, feedback ``#...`` on every
option, general feedback ``####...``, and GIFT escapes (``\\:``, ``\\=``, ``\\~``, ``\\#``,
``\\{``, ``\\}``) in the question text, the options and the feedback. 80% multiple choice (4
options), 10% true/false, 10% short answer; every question unique. 100,000 questions make
about 27 MB.

Measured, for 10,000 and 100,000 questions (1,000 and 2,000 with --quick), on each backend:

- "import": ``quizbot import FILE --bank rich`` as a whole process (``python -m cli.main``,
  the console script's code), timed from spawn to exit, on a fresh database that is migrated
  and has the shipped banks loaded, as a user's database has. Its peak resident memory is
  the child's own VmHWM (watched in /proc; ``ru_maxrss`` would keep the forking parent's),
  so a 10,000 and a 100,000 file compare; the process parsing the file beside it
  (:mod:`bot.importing.parse_process`, for files of 2 MB or more) is watched the same way
  ("parser RSS"), and its CPU time is in the import's.
- "bare": the baseline of :mod:`bench.imports`, the same file's question rows (the
  importer's own row values, built before the clock starts) inserted by a bare Core
  ``insert(questions)`` in chunks of 5,000 and committed, on a fresh migrated database.
- "parse only": the file read and turned into row values in one process, no database
  (where the import's Python time goes).

Each is run ``--reps`` times (fresh databases every time) and the median is shown; the
ratio is the median import over the median bare insert of the same run.

    python -m bench.rich_imports [--quick] [--backend ...] [--reps 3] [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.common import (
    BENCH_NOW,
    PeakWatcher,
    Table,
    arguments,
    backends,
    fresh_database_sync,
    log,
    open_app,
)
from bench.imports import measure

TARGET_RATIO = 3.0
FLAT_MB = 25.0  # growth of peak RSS from the smaller to the larger file still called flat
TIMEOUT = 1800  # s, one child process at most
ROOT = Path(__file__).resolve().parents[1]


# -- the generated file -----------------------------------------------------------------


def write_rich_gift(path: Path, count: int) -> None:
    """``count`` unique questions in GIFT with categories, feedback everywhere and escapes."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            if i % 100 == 0:
                unit, part = divmod(i // 100, 10)
                out.write(
                    f"$CATEGORY: $course$/top/Unit {unit}\\: revision/Part {part} \\{{core\\}}\n\n"
                )
            out.write(f"// q{i}\n")
            kind = i % 10
            if kind == 3:
                out.write(
                    f"::TF{i}::[moodle]Case {i}\\: 2 \\= 1 + 1 \\{{sum\\}}. {{TRUE"
                    f"#No\\: it holds.#Right\\: 2 \\= 1 + 1."
                    f"####Case {i}\\: a sum \\~ no more.}}\n\n"
                )
            elif kind == 7:
                out.write(
                    f"::SA{i}::[moodle]Name element {i} \\{{one word\\}}\\: {{\n"
                    f"  =element {i} #Right\\: its name\n"
                    f"  =elem-{i} #Right\\: short \\#{i}\n"
                    f"  =%50%elem {i} #Half\\: in full\n"
                    f"  ####Element {i} \\= its name.\n}}\n\n"
                )
            else:
                out.write(
                    f"::MC{i}::[moodle]Question {i}\\: x \\= {i}, y \\~ {i % 97} "
                    f"\\{{set {i % 13}\\}}? {{\n"
                    f"  =answer {i} \\: x \\= {i} #Right\\! x \\= {i}.\n"
                    f"  ~first {i} \\# a #No\\: distractor \\{{a\\}}.\n"
                    f"  ~second {i} \\~ b #No\\: \\= not it.\n"
                    f"  ~third {i} #No\\: \\# never.\n"
                    f"  ####Because x \\= {i}\\: see \\{{page {i % 300}\\}}.\n}}\n\n"
                )


# -- measurements -----------------------------------------------------------------------


def run_import(path: Path, backend: str) -> dict[str, float]:
    """``quizbot import PATH`` as a whole process on a fresh, prepared database."""
    from bot.clock import FakeClock

    with fresh_database_sync(backend) as url:

        async def prepare() -> None:
            app = await open_app(url, FakeClock(BENCH_NOW), load_banks=True)
            await app.close()

        asyncio.run(prepare())
        env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "cli.main", "import", str(path), "--bank", "rich"]
        command += ["--json"]
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            started = time.perf_counter()
            child = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=ROOT)
            watcher = PeakWatcher(child.pid)
            killer = threading.Timer(TIMEOUT, child.kill)  # the bound on the wait below
            killer.start()
            try:
                _pid, status, usage = os.wait4(child.pid, 0)  # the child's own rusage
            finally:
                killer.cancel()
                peak = watcher.stop()
            seconds = time.perf_counter() - started
            child.returncode = os.waitstatus_to_exitcode(status)
            if child.returncode != 0:
                err.seek(0)
                raise RuntimeError(f"import {path.name} failed:\n{err.read()[-3000:].decode()}")
            out.seek(0)
            summary = json.loads(out.read())
    return {
        "seconds": seconds,
        "count": summary[0]["new"],
        "hwm": peak if peak == peak else usage.ru_maxrss / 1024,  # VmHWM, else ru_maxrss
        "parser_hwm": watcher.children_peak,  # NaN: parsed in the importing process
        "cpu": usage.ru_utime + usage.ru_stime,  # its parsing process's included (waited for)
    }


def run_parse(path: Path) -> float:
    """Seconds to read the file and build its row values in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.imports", "--child", "parse", str(path), "-"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
        cwd=ROOT,
    )
    return float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])


def run(backend_choice: str, quick: bool, reps: int, only: list[int] | None = None) -> Table:
    table = Table(
        "3b. Whole `quizbot import` of a rich GIFT file vs bare bulk insert (s, MB; medians)",
        [
            "backend",
            "questions",
            "MB",
            "import s",
            "import CPU s",
            "bare s",
            "ratio",
            "parse only s",
            "q/s",
            "peak RSS",
            "parser RSS",
            "target <=3x",
            "flat",
        ],
    )
    sizes = only or ([1_000, 2_000] if quick else [10_000, 100_000])
    with tempfile.TemporaryDirectory(prefix="quizbot-bench-rich-") as folder:
        files: dict[int, Path] = {}
        for size in sizes:
            files[size] = Path(folder) / f"rich-{size}.gift"
            write_rich_gift(files[size], size)
        parse = {
            size: statistics.median(run_parse(files[size]) for _ in range(reps)) for size in sizes
        }
        for backend in backends(backend_choice):
            peaks: list[float] = []
            for size in sizes:
                path = files[size]
                imports, bares, hwms, cpus, parser_hwms = [], [], [], [], []
                for rep in range(reps):  # interleaved, so both see the same machine
                    imported = run_import(path, backend)
                    bare = measure("bare", backend, path)
                    assert imported["count"] == bare["count"] == size, (imported, bare)
                    imports.append(imported["seconds"])
                    bares.append(bare["seconds"])
                    hwms.append(imported["hwm"])
                    parser_hwms.append(imported["parser_hwm"])
                    cpus.append(imported["cpu"])
                    log(
                        f"{backend} {size} rep {rep + 1}: import {imported['seconds']:.2f}s "
                        f"(CPU {imported['cpu']:.2f}s), "
                        f"bare {bare['seconds']:.2f}s, peak {imported['hwm']:.0f} MB "
                        f"(parser {imported['parser_hwm']:.0f} MB)"
                    )
                took, base, peak = map(statistics.median, (imports, bares, hwms))
                parser_peak = max(parser_hwms)  # NaN when the file was parsed in-process
                peaks.append(peak + (parser_peak if parser_peak == parser_peak else 0.0))
                table.add(
                    backend,
                    size,
                    path.stat().st_size / 2**20,
                    took,
                    statistics.median(cpus),
                    base,
                    f"{took / base:.2f}x",
                    parse[size],
                    size / took,
                    peak,
                    parser_peak if parser_peak == parser_peak else "-",
                    took / base <= TARGET_RATIO,
                    peak - peaks[0] < FLAT_MB,
                )
    table.note("import = `python -m cli.main import FILE` from spawn to exit (start-up included)")
    table.note("bare = Core insert of the prebuilt rows in chunks of 5,000, committed (in-process)")
    table.note("import CPU = the import process's user + system time (os.wait4)")
    table.note("peak RSS = the import process's own VmHWM (ru_maxrss keeps the forking parent's)")
    table.note(
        "parser RSS = the VmHWM of the process parsing the file beside the importer "
        "(bot.importing.parse_process, for files of 2 MB or more on 2+ CPUs; '-' where none); "
        "import CPU includes it"
    )
    table.note(f"flat = peak RSS + parser RSS at most {FLAT_MB:.0f} MB above the smallest file's")
    return table


def main() -> None:
    args = arguments(__doc__.splitlines()[0] if __doc__ else None, _options)
    reps = args.reps or (1 if args.quick else 3)
    run(args.backend, args.quick, reps, args.sizes).show()


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        metavar="N",
        help="numbers of questions (default 10000 100000; 1000 2000 with --quick)",
    )
    parser.add_argument("--reps", type=int, help="runs of each measurement (default 3; 1 quick)")


if __name__ == "__main__":
    main()
