"""Benchmark 5: start-up: ``quizbot --help``, and a Discord worker until it is ready.

``quizbot --help`` is timed over repeated fresh processes (the console script's own code:
``from cli.main import main; main()``), beside the floor of a bare ``python -c pass``.
The worker is a fresh process that imports the Discord adapter, opens the services on an
already prepared database (``QuizApp.open``: connect, SQLite's schema upgrade check, shipped
banks' digests) and builds the ``QuizClient`` without connecting to Discord; the parent
times it from spawn to its "ready" line, which carries its VmRSS and VmHWM. The baseline
worker imports SQLAlchemy and the driver and runs ``SELECT 1`` on the same database.
``python -X importtime`` names the slowest imports of each.

    python -m bench.startup [--quick] [--backend ...]
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import (
    BENCH_NOW,
    Table,
    arguments,
    backends,
    fresh_database_sync,
    log,
    median,
    open_app,
    vm_status,
)

ROOT = Path(__file__).resolve().parents[1]
HELP_CODE = "import sys; sys.argv[0] = 'quizbot'; from cli.main import main; main()"
TARGET_HELP_S = 0.3
TARGET_WORKER_MB = 120.0


def child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def time_command(args: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(args, cwd=ROOT, env=child_env(), check=True, capture_output=True, timeout=60)
        times.append(time.perf_counter() - t0)
    return times


def slowest_imports(code: str, top: int = 4) -> str:
    """The top-level imports with the largest cumulative time under ``-X importtime``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    found: list[tuple[int, str]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        if cumulative.isdigit() and not name.startswith(" ") and "." not in name.strip():
            found.append((int(cumulative), name.strip()))
    found.sort(reverse=True)
    return ", ".join(f"{name} {us / 1000:.0f}ms" for us, name in found[:top])


# -- the worker child -------------------------------------------------------------------


async def worker(url: str) -> None:
    from adapters.discord.client import QuizClient
    from adapters.discord.settings import DiscordSettings
    from bot.services import QuizApp

    app = await QuizApp.open(url)
    client = QuizClient(app, DiscordSettings(token="not-used"))
    print(json.dumps({"rss": vm_status("VmRSS"), "hwm": vm_status("VmHWM")}), flush=True)
    await client.close()
    await app.close()


async def bare_worker(url: str) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    from bot.config import normalise_database_url

    engine = create_async_engine(normalise_database_url(url))
    async with engine.connect() as conn:
        await conn.exec_driver_sql("SELECT 1")
    print(json.dumps({"rss": vm_status("VmRSS"), "hwm": vm_status("VmHWM")}), flush=True)
    await engine.dispose()


def time_worker(mode: str, url: str, runs: int) -> tuple[list[float], list[float]]:
    """Seconds from spawn to ready, and the RSS (MB) at ready, of ``runs`` fresh workers."""
    times, rss = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.startup", "--child", mode, url],
            cwd=ROOT,
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()
        times.append(time.perf_counter() - t0)
        _, err = proc.communicate(timeout=60)
        if not line:
            raise RuntimeError(f"worker {mode} failed:\n{err[-3000:]}")
        rss.append(float(json.loads(line)["rss"]))
    return times, rss


def run(backend_choice: str, quick: bool) -> Table:
    runs = 2 if quick else 15
    table = Table(
        "5. Start-up: time (s) and resident memory (MB)",
        ["what", "backend", "runs", "median s", "min s", "RSS MB", "baseline", "base s",
         "base MB", "target", "met", "slowest imports"],
    )  # fmt: skip
    floor = time_command([sys.executable, "-c", "pass"], runs)
    help_times = time_command([sys.executable, "-c", HELP_CODE, "--help"], runs)
    table.add(
        "quizbot --help",
        "-",
        runs,
        median(help_times),
        min(help_times),
        float("nan"),
        "python -c pass",
        median(floor),
        float("nan"),
        f"< {TARGET_HELP_S} s",
        median(help_times) < TARGET_HELP_S,
        "-" if quick else slowest_imports(HELP_CODE),
    )
    for backend in backends(backend_choice):
        with fresh_database_sync(backend) as url:
            from bot.clock import FakeClock

            async def prepare(url: str = url) -> None:
                app = await open_app(url, FakeClock(BENCH_NOW))
                await app.close()

            asyncio.run(prepare())
            log(f"{backend}: timing workers")
            times, rss = time_worker("worker", url, runs)
            base_times, base_rss = time_worker("bare", url, runs)
        table.add(
            "worker ready",
            backend,
            runs,
            median(times),
            min(times),
            max(rss),
            "SQLAlchemy + SELECT 1",
            median(base_times),
            max(base_rss),
            f"< {TARGET_WORKER_MB:.0f} MB",
            max(rss) < TARGET_WORKER_MB,
            "-" if quick else slowest_imports("import adapters.discord.client, bot.services"),
        )
    table.note("worker ready = import the Discord adapter, QuizApp.open, build QuizClient")
    table.note("RSS = the largest VmRSS at ready over the runs")
    return table


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        asyncio.run((worker if sys.argv[2] == "worker" else bare_worker)(sys.argv[3]))
        return
    args = arguments(__doc__.splitlines()[0] if __doc__ else None)
    run(args.backend, args.quick).show()


if __name__ == "__main__":
    main()
