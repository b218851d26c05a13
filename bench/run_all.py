"""Run every benchmark and print their tables (optionally write them as Markdown).

    python -m bench [--quick] [--backend sqlite|postgres|both] [--only NAME,...]
                    [--markdown FILE]

``--quick`` uses small sizes for a smoke run; without it the full sizes of issue #10 run
(about half an hour on a 2-core machine, most of it the channel load and the 1M-answer seeds).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import time
from pathlib import Path

from bench import (
    answer_path,
    apkg_import,
    channels,
    commands,
    discord_guilds,
    imports,
    leaderboards,
    platform_limits,
    rich_imports,
    slack_web,
    startup,
    web_pages,
)
from bench.common import PRINTED, Table, backends, log, machine_info, stop_cleanly_on_sigterm

NAMES = (
    "answer_path",
    "leaderboards",
    "imports",
    "channels",
    "platform_limits",
    "startup",
    "discord_guilds",
    "web_pages",
    "slack_web",
    "commands",
    "rich_imports",
    "apkg_import",
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run quizbot's benchmarks.")
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(NAMES)}")
    parser.add_argument("--markdown", type=Path, help="also write every table to this file")
    return parser.parse_args()


def commit() -> str:
    try:
        done = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=Path(__file__).resolve().parents[1],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"


def main() -> None:
    args = parse_args()
    stop_cleanly_on_sigterm()
    chosen = args.only.split(",") if args.only else list(NAMES)
    unknown = set(chosen) - set(NAMES)
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    machine = Table("Machine", ["what", "value"])
    for key, value in {**machine_info(), "code": commit()}.items():
        machine.add(key, value)
    machine.show()
    started = time.perf_counter()
    for name in chosen:
        log(f"--- {name} ({', '.join(backends(args.backend))})")
        t0 = time.perf_counter()
        if name == "answer_path":
            table = asyncio.run(answer_path.main_async(args.backend, args.quick))
        elif name == "leaderboards":
            table = asyncio.run(leaderboards.main_async(args.backend, args.quick))
        elif name == "imports":
            table = imports.run(args.backend, args.quick)
        elif name == "apkg_import":
            table = apkg_import.run(args.backend, args.quick)
        elif name == "channels":
            table = asyncio.run(channels.main_async(args.backend, args.quick))
        elif name == "platform_limits":
            *shown, table = platform_limits.run_all(args.backend, args.quick)
            for each in shown:
                each.show()
        elif name == "web_pages":
            table = asyncio.run(web_pages.main_async(args.backend, args.quick))
        elif name == "discord_guilds":  # SQLite only: the worker's caches are measured
            (table,) = discord_guilds.run_default(args.quick)
        elif name == "slack_web":  # PostgreSQL only: the web process of issue #22
            table = slack_web.run_default(args.quick)
        elif name == "commands":
            table = commands.run(args.backend, args.quick)
        elif name == "rich_imports":
            table = rich_imports.run(args.backend, args.quick, 1 if args.quick else 3)
        else:
            table = startup.run(args.backend, args.quick)
        table.note(f"took {time.perf_counter() - t0:.0f} s")
        table.show()
    log(f"all done in {time.perf_counter() - started:.0f} s")
    if args.markdown:
        args.markdown.write_text("\n\n".join(t.markdown() for t in PRINTED) + "\n")


if __name__ == "__main__":
    main()
