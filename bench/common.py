"""Shared helpers of the benchmarks: fresh databases, bounded loops, percentiles, tables.

Every benchmark run makes its own databases and drops them at the end, never reusing one:
a SQLite file in a temporary folder, or a PostgreSQL database ``quizbot_bench_<random>``
created on the server in ``QUIZBOT_BENCH_POSTGRES`` (default: the CI server at
127.0.0.1:5432, trust auth, database ``test``) with ``CREATE DATABASE`` and dropped with
``DROP DATABASE ... WITH (FORCE)``, as tests/conftest.py does.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from bot.clock import Clock
    from bot.services import QuizApp

POSTGRES_ADMIN_URL = os.environ.get(
    "QUIZBOT_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgres")
#: The moment every benchmark's FakeClock starts at (a Thursday, so "this week" has 4 days).
BENCH_NOW = datetime(2026, 1, 8, 12, 0, tzinfo=UTC)
PLATFORM = "discord"


# -- command line -----------------------------------------------------------------------


def stop_cleanly_on_sigterm() -> None:
    """Make SIGTERM act like Ctrl-C, so a stopped run still drops its databases."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def arguments(description: str | None, extra: Any = None) -> argparse.Namespace:
    """The options every benchmark takes: --quick and --backend (plus ``extra(parser)``)."""
    stop_cleanly_on_sigterm()
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    parser.add_argument(
        "--backend", choices=["sqlite", "postgres", "both"], default="both", help="database"
    )
    if extra is not None:
        extra(parser)
    return parser.parse_args()


def backends(choice: str) -> list[str]:
    return list(BACKENDS) if choice == "both" else [choice]


# -- databases --------------------------------------------------------------------------


def postgres_url(name: str) -> str:
    base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


async def _admin(statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=10)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def create_database(backend: str, folder: Path) -> str:
    """A new empty database's URL: a file in ``folder``, or a new PostgreSQL database."""
    name = f"quizbot_bench_{uuid.uuid4().hex[:12]}"
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{folder / (name + '.db')}"
    await _admin(f'CREATE DATABASE "{name}"')
    return postgres_url(name)


def _remove_sqlite_files(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


async def drop_database(url: str) -> None:
    """Drop a database :func:`create_database` made (SQLite files go with their folder)."""
    if url.startswith("sqlite"):
        _remove_sqlite_files(url.split("///", 1)[1])
        return
    name = url.rsplit("/", 1)[1]
    assert name.startswith("quizbot_bench_")
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@asynccontextmanager
async def fresh_database(backend: str) -> AsyncIterator[str]:
    """A new empty database for one benchmark, dropped at the end whatever happens."""
    folder = Path(tempfile.mkdtemp(prefix="quizbot-bench-"))
    url = await create_database(backend, folder)
    try:
        yield url
    finally:
        await drop_database(url)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def fresh_database_sync(backend: str) -> Iterator[str]:
    """:func:`fresh_database` for code outside an event loop (parents of subprocesses)."""
    folder = Path(tempfile.mkdtemp(prefix="quizbot-bench-"))
    url = asyncio.run(create_database(backend, folder))
    try:
        yield url
    finally:
        asyncio.run(drop_database(url))
        shutil.rmtree(folder, ignore_errors=True)


async def open_app(url: str, clock: Clock, *, load_banks: bool = True) -> QuizApp:
    """The real services on ``url``, schema upgraded (both backends), shipped banks loaded."""
    from bot.services import QuizApp

    return await QuizApp.open(url, clock, upgrade=True, load_banks=load_banks)


async def insert_players(engine: AsyncEngine, workspace: str, users: Sequence[str]) -> list[int]:
    """Create players with a bulk Core insert; their ids in the order of ``users``."""
    from sqlalchemy import insert, select

    from bot.store.models import PlayerRow

    async with engine.begin() as conn:
        for start in range(0, len(users), 5000):
            await conn.execute(
                insert(PlayerRow),
                [
                    {"platform": PLATFORM, "workspace": workspace, "user_id": u, "name": u}
                    for u in users[start : start + 5000]
                ],
            )
        rows = await conn.execute(
            select(PlayerRow.user_id, PlayerRow.id).where(
                PlayerRow.platform == PLATFORM, PlayerRow.workspace == workspace
            )
        )
        ids = dict(rows.all())
    return [ids[u] for u in users]


async def bare_answer(engine: AsyncEngine, round_id: int, player_id: int, now: datetime) -> None:
    """The baseline click: one bare Core ``INSERT INTO answers`` and ``COMMIT``."""
    from bot.store.models import AnswerRow

    async with engine.begin() as conn:
        await conn.execute(
            AnswerRow.__table__.insert().values(
                round_id=round_id,
                player_id=player_id,
                choice="A",
                correct=True,
                answered_at=now,
                points=0,
            )
        )


# -- measuring --------------------------------------------------------------------------


def bounded(count: int, seconds: float) -> Iterator[int]:
    """0, 1, 2, ... until ``count`` items or ``seconds`` have passed, whichever is first."""
    deadline = time.perf_counter() + seconds
    for index in range(count):
        if index and time.perf_counter() >= deadline:
            return
        yield index


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank, 0-100) of ``values``; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def vm_status(field_name: str, pid: int | str = "self") -> float:
    """A field of /proc/PID/status in MB (VmRSS, VmHWM, ...); NaN where unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class PeakWatcher:
    """Watches a child's VmHWM (its own peak RSS) until it exits, and its children's.

    ``ru_maxrss`` from ``os.wait4`` is no good for a child of a big process: Linux keeps the
    pre-exec peak, i.e. the forking parent's RSS, so a bench run after others (``run_all``)
    would report the parent's size. VmHWM belongs to the process image after exec; it only
    rises, so the last reading before the child ends is its peak. The child's own children
    (an import's parsing process) are watched the same way: :attr:`children_peak` is the
    highest VmHWM any of them reached (NaN: it had none).
    """

    def __init__(self, pid: int, every: float = 0.02) -> None:
        self.pid = pid
        self.peak = float("nan")
        self.children_peak = float("nan")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, args=(every,), daemon=True)
        self._thread.start()

    def _watch(self, every: float) -> None:
        while not self._stop.is_set():
            reading = vm_status("VmHWM", self.pid)
            if reading == reading:  # not NaN: the child is still there
                self.peak = reading if self.peak != self.peak else max(self.peak, reading)
            for child in _children(self.pid):
                reading = vm_status("VmHWM", child)
                if reading == reading:
                    known = self.children_peak
                    self.children_peak = reading if known != known else max(known, reading)
            self._stop.wait(every)

    def stop(self) -> float:
        """Stop watching; the peak in MB (NaN where /proc cannot tell)."""
        self._stop.set()
        self._thread.join()
        return self.peak


def _children(pid: int) -> list[int]:
    """The pids of a process's children (none where /proc cannot tell)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(child) for child in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


# -- tables -----------------------------------------------------------------------------


@dataclass
class Table:
    """A table of figures, printed as aligned text (and kept for ``run_all --markdown``)."""

    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: Any) -> None:
        self.rows.append([fmt(cell) for cell in cells])

    def note(self, text: str) -> None:
        self.notes.append(text)

    def text(self) -> str:
        widths = [len(h) for h in self.headers]
        for row in self.rows:
            widths = [max(w, len(c)) for w, c in zip(widths, row, strict=False)]
        lines = [self.title, "=" * len(self.title)]
        lines.append("  ".join(h.ljust(w) for h, w in zip(self.headers, widths, strict=False)))
        lines.append("  ".join("-" * w for w in widths))
        for row in self.rows:
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)))
        lines.extend(f"  * {n}" for n in self.notes)
        return "\n".join(lines)

    def markdown(self) -> str:
        lines = [f"#### {self.title}", ""]
        lines.append("| " + " | ".join(self.headers) + " |")
        lines.append("|" + "---|" * len(self.headers))
        lines.extend("| " + " | ".join(row) + " |" for row in self.rows)
        if self.notes:
            lines.append("")
            lines.extend(f"- {n}" for n in self.notes)
        return "\n".join(lines)

    def show(self) -> None:
        PRINTED.append(self)
        print()
        print(self.text(), flush=True)


#: Every table shown in this process, in order (``run_all`` writes them as Markdown).
PRINTED: list[Table] = []


def fmt(value: Any) -> str:
    """A cell: floats with 3 significant-ish digits, booleans as met / MISSED."""
    if isinstance(value, bool):
        return "met" if value else "MISSED"
    if isinstance(value, float):
        if value != value:  # NaN
            return "-"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def log(message: str) -> None:
    """Progress on stderr, so stdout keeps only the tables."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- the machine ------------------------------------------------------------------------


def machine_info() -> dict[str, str]:
    """What the figures ran on: cores, CPU, memory, Python, SQLite, PostgreSQL."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = vm_meminfo("MemTotal")
    info = {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": f"{memory / 1024:.1f} GB" if memory == memory else "?",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "os": platform.platform(),
    }
    try:
        info["postgresql"] = asyncio.run(_postgres_version())
    except Exception as exc:  # no server: the SQLite figures still stand
        info["postgresql"] = f"unavailable ({type(exc).__name__})"
    return info


def vm_meminfo(field_name: str) -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


async def _postgres_version() -> str:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


def print_machine() -> None:
    table = Table("Machine", ["what", "value"])
    for key, value in machine_info().items():
        table.add(key, value)
    table.show()
