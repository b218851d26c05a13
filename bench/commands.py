"""Benchmark 7: read-only admin commands as whole processes, against a bare import.

Each read-only command (``banks list``, ``banks show crm-podcast``, ``leaderboard``,
``players show Ann``, ``questions search customer``, ``stats --name Ann``) runs as a fresh
process, the console script's own code (``from cli.main import main; main()``), beside the
baseline ``python -c "import sqlalchemy.ext.asyncio, click"``: the libraries any command
needs, doing nothing. Every round times each command once, each right after a run of the
baseline, so a pair sees the same machine; the table gives each command's median over the
rounds and the median of its ratios to the baseline run beside it (issue #22: within 1.3x).

The database is one the commands have already opened: on SQLite the default file in a
temporary ``XDG_DATA_HOME`` (``DATABASE_URL`` unset), created, upgraded and given the
shipped banks by a first ``quizbot banks list`` (timed apart: the work a fresh database
needs), then a two-question quiz played by "Ann"; on PostgreSQL a fresh database, upgraded
(``quizbot db upgrade``), the same first run and quiz. Children write and reuse their
bytecode in a temporary folder (``PYTHONPYCACHEPREFIX``), as an installed package has it
(a scratch database is made first to write it); one untimed run of each command comes
before the rounds.

    python -m bench.commands [--quick] [--backend sqlite|postgres|both] [--runs N]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.common import Table, arguments, backends, bounded, fresh_database_sync, log, median
from bench.startup import HELP_CODE

ROOT = Path(__file__).resolve().parents[1]
#: The console script's own code.
QUIZBOT = [sys.executable, "-c", HELP_CODE]
BASELINE = [sys.executable, "-c", "import sqlalchemy.ext.asyncio, click"]
BASELINE_NAME = 'python -c "import sqlalchemy.ext.asyncio, click"'
COMMANDS = [
    ["banks", "list"],
    ["banks", "show", "crm-podcast"],
    ["leaderboard"],
    ["players", "show", "Ann"],
    ["questions", "search", "customer"],
    ["stats", "--name", "Ann"],
]
TARGET_RATIO = 1.3
#: Most seconds the timed rounds of one backend may take (the rounds stop early past it).
ROUNDS_BUDGET_S = 600.0


@contextmanager
def database(backend: str, folder: Path) -> Iterator[dict[str, str]]:
    """The environment of the commands: where the database is, and the bytecode folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTHONPATH")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env |= {"PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": str(folder / "pycache")}
    if backend == "sqlite":
        yield env | {"XDG_DATA_HOME": str(folder / "data")}
        return
    with fresh_database_sync(backend) as url:
        yield env | {"DATABASE_URL": url}


def quizbot(env: dict[str, str], args: list[str], stdin: str = "") -> float:
    """Run ``quizbot ARGS`` to its end; its seconds from spawn to exit."""
    t0 = time.perf_counter()
    done = subprocess.run(
        [*QUIZBOT, *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"quizbot {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return seconds


def baseline(env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(BASELINE, cwd=ROOT, env=env, capture_output=True, timeout=120, check=True)
    return time.perf_counter() - t0


def prepare(backend: str, env: dict[str, str], folder: Path) -> float:
    """Make the database what the commands find (see the module's docstring); the seconds
    of the first ``banks list``, which creates or upgrades it and loads the shipped banks.
    A ``banks list`` on a scratch SQLite file comes first, so the bytecode of everything
    that creates a database (Alembic, the migrations, the importer) is cached already."""
    scratch = {k: v for k, v in env.items() if k != "DATABASE_URL"}
    quizbot(scratch | {"XDG_DATA_HOME": str(folder / "scratch")}, ["banks", "list"])
    if backend != "sqlite":
        quizbot(env, ["db", "upgrade"])
    first = quizbot(env, ["banks", "list"])
    play = ["play", "--bank", "demo", "--count", "2", "--seed", "1", "--name", "Ann"]
    quizbot(env, play, "A\nB\n")
    return first


def run(backend_choice: str, quick: bool, runs: int | None = None) -> Table:
    runs = runs or (3 if quick else 15)
    table = Table(
        "7. Read-only commands: whole processes vs a bare import (s)",
        ["command", "backend", "runs", "median s", "min s", "bare median s", "ratio",
         f"target <={TARGET_RATIO}x", "met"],
    )  # fmt: skip
    for backend in backends(backend_choice):
        folder = Path(tempfile.mkdtemp(prefix="quizbot-bench-commands-"))
        try:
            with database(backend, folder) as env:
                log(f"{backend}: preparing the database")
                first = prepare(backend, env, folder)
                for args in COMMANDS:  # untimed: bytecode written, files cached
                    quizbot(env, args)
                baseline(env)
                bare: list[float] = []
                times: dict[str, list[float]] = {" ".join(a): [] for a in COMMANDS}
                ratios: dict[str, list[float]] = {" ".join(a): [] for a in COMMANDS}
                log(f"{backend}: timing {runs} rounds of {len(COMMANDS)} commands and the baseline")
                for _ in bounded(runs, ROUNDS_BUDGET_S):
                    for args in COMMANDS:  # each command right after its own baseline run
                        name = " ".join(args)
                        bare.append(baseline(env))
                        times[name].append(quizbot(env, args))
                        ratios[name].append(times[name][-1] / bare[-1])
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        base = median(bare)
        table.add(BASELINE_NAME, backend, len(bare), base, min(bare), base, "1.00x", "-", "-")
        for name, seconds in times.items():
            ratio = median(ratios[name])
            table.add(
                f"quizbot {name}", backend, len(seconds), median(seconds), min(seconds), base,
                f"{ratio:.2f}x", f"<= {TARGET_RATIO}x", ratio <= TARGET_RATIO,
            )  # fmt: skip
        table.add(
            "first banks list (creates the database)" if backend == "sqlite"
            else "first banks list (loads the banks)",
            backend, 1, first, first, base, f"{first / base:.2f}x (of the median)", "-", "-",
        )  # fmt: skip
    table.note("ratio = the median of (command / the baseline run just before it), pair by pair")
    table.note("bytecode cached in a temporary PYTHONPYCACHEPREFIX, as an installed package has")
    return table


def main() -> None:
    args = arguments(
        __doc__.splitlines()[0] if __doc__ else None,
        lambda parser: parser.add_argument("--runs", type=int, help="rounds (default 15, 3 quick)"),
    )
    run(args.backend, args.quick, args.runs).show()


if __name__ == "__main__":
    main()
