"""Benchmark: the web pages (issue 19) at 1,000,000 answers, against the leaderboard query.

A history of ``--answers`` answers (default 1,000,000: 10,000 players in 1,000 channels,
see bench/seed.py) is seeded into a fresh database. The real aiohttp application the web
process serves (``adapters.kit.web.web_application`` with the signed pages) runs in this
process on a local port; each page is requested through a signed link, over HTTP, by an
aiohttp client, one request at a time, from random channels, players, quizzes: the time
is from sending the request to reading the whole body. The baseline is the leaderboard
service call alone (``QuizApp.leaderboard`` for a channel, all time: no link, no HTML, no
HTTP). Each case runs at most ``--count`` requests or ``--seconds`` seconds, after 3
warm-up requests. The target: every page's p95 under 50 ms on PostgreSQL.

    python -m bench.web_pages [--quick] [--backend postgres|sqlite|both]
                              [--answers 1000000] [--count 200] [--seconds 10]
                              [--pages leaderboard,report,player,bank]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bench.common import (
    BENCH_NOW,
    PLATFORM,
    Table,
    arguments,
    backends,
    bounded,
    fresh_database,
    log,
    median,
    open_app,
    percentile,
)
from bench.seed import Layout, channel_name, seed, workspace_name

TARGET_MS = 50.0
SECRET = "bench-web-pages-secret-key-0123456789"

#: (label, kind, query) of every page timed; the scope is drawn at random per request.
CASES: list[tuple[str, str, str]] = [
    ("leaderboard: channel, all time", "leaderboard", ""),
    ("leaderboard: channel, this week", "leaderboard", "period=week"),
    ("leaderboard: workspace, all time", "workspace", ""),
    ("leaderboard: workspace, this month, one bank", "workspace", "period=month&bank=crm-podcast"),
    ("game report", "report", ""),
    ("my progress", "player", ""),
    ("bank", "bank", ""),
    ("bank: search", "bank", "q=customer"),
    ("bank: one workspace's answers", "bank-workspace", ""),
]


#: The page (link kind) of each case's ``kind``.
KIND_OF = {"workspace": "leaderboard", "bank-workspace": "bank"}


def scope_fields(kind: str, rng: random.Random, layout: Layout, quizzes: int) -> dict[str, object]:
    """A random link scope of ``kind`` inside the seeded history."""
    channel = rng.randrange(layout.channels)
    workspace = workspace_name(layout.workspace_of_channel(channel))
    if kind == "leaderboard":
        return {
            "kind": "leaderboard",
            "platform": PLATFORM,
            "workspace": workspace,
            "channel": channel_name(channel),
        }
    if kind == "workspace":
        return {"kind": "leaderboard", "platform": PLATFORM, "workspace": workspace}
    if kind == "report":
        quiz = rng.randrange(quizzes)  # quiz q + 1 is in channel q % channels (bench/seed.py)
        ws = workspace_name(layout.workspace_of_channel(quiz % layout.channels))
        return {"kind": "report", "platform": PLATFORM, "workspace": ws, "quiz": quiz + 1}
    if kind == "player":
        player = rng.choice(layout.roster(channel))
        return {"kind": "player", "platform": PLATFORM, "workspace": workspace,
                "user": f"user-{player}"}  # fmt: skip
    if kind == "bank-workspace":
        return {"kind": "bank", "platform": PLATFORM, "workspace": workspace,
                "bank": "crm-podcast"}  # fmt: skip
    return {"kind": "bank", "bank": "crm-podcast"}


async def timed(
    call: Callable[[], Awaitable[object]], count: int, seconds: float
) -> tuple[list[float], object]:
    """Latencies (s) of ``call`` (up to 3 warm-ups first), bounded by ``count`` and
    ``seconds`` (the warm-ups by ``seconds`` too: a page of seconds is warmed once)."""
    last: object = None
    for _ in bounded(3, seconds / 4):
        last = await call()
    times: list[float] = []
    for _ in bounded(count, seconds):
        t0 = time.perf_counter()
        last = await call()
        times.append(time.perf_counter() - t0)
    return times, last


async def bench_backend(
    backend: str,
    answers: int,
    count: int,
    seconds: float,
    table: Table,
    kinds: set[str] | None = None,
) -> None:
    import aiohttp
    from aiohttp import web

    from adapters.kit.web import web_application
    from adapters.web.routes import add_pages
    from bot.clock import FakeClock
    from bot.links import LinkSigner
    from bot.views import ChannelRef

    async with fresh_database(backend) as url:
        app = await open_app(url, FakeClock(BENCH_NOW))
        runner: web.AppRunner | None = None
        try:
            t0 = time.perf_counter()
            counts = await seed(url, answers, BENCH_NOW.date())
            log(f"{backend}: seeded {counts} in {time.perf_counter() - t0:.0f} s")
            application = web_application(app)
            signer = LinkSigner(SECRET, "http://127.0.0.1")
            add_pages(application, signer)
            runner = web.AppRunner(application, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = runner.addresses[0][1]
            layout = Layout()
            rng = random.Random(19)

            async def leaderboard_alone() -> object:
                channel = rng.randrange(layout.channels)
                where = ChannelRef(
                    PLATFORM,
                    workspace_name(layout.workspace_of_channel(channel)),
                    channel_name(channel),
                )
                return await app.leaderboard(where, "channel", "all")

            base, _ = await timed(leaderboard_alone, count, seconds)
            base_p50, base_p95 = median(base) * 1000, percentile(base, 95) * 1000
            table.add(backend, "baseline: QuizApp.leaderboard (channel, all)", len(base),
                      base_p50, base_p95, "-", "1.0x", "-", "-")  # fmt: skip
            log(f"{backend} baseline: p50 {base_p50:.2f} ms, p95 {base_p95:.2f} ms")
            async with aiohttp.ClientSession() as client:
                for label, kind, query in CASES:
                    if kinds and not kinds & {kind, kind.split("-")[0], KIND_OF.get(kind)}:
                        continue
                    sizes: list[int] = []
                    statuses: set[int] = set()

                    async def page(
                        kind: str = kind,
                        query: str = query,
                        sizes: list[int] = sizes,
                        statuses: set[int] = statuses,
                    ) -> object:
                        fields = scope_fields(kind, rng, layout, counts["quizzes"])
                        link = signer.make(str(fields.pop("kind")), BENCH_NOW, timedelta(days=1),
                                           **fields)  # fmt: skip
                        path = link.removeprefix("http://127.0.0.1")
                        target = f"http://127.0.0.1:{port}{path}" + (f"?{query}" if query else "")
                        async with client.get(target) as response:
                            body = await response.read()
                        statuses.add(response.status)
                        sizes.append(len(body))
                        return response.status

                    times, _ = await timed(page, count, seconds)
                    p50, p95 = median(times) * 1000, percentile(times, 95) * 1000
                    ok = statuses == {200}
                    log(f"{backend} {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms {sorted(statuses)}")
                    table.add(
                        backend,
                        label,
                        len(times),
                        p50,
                        p95,
                        f"{max(sizes) / 1024:.0f} KB" if sizes else "-",
                        f"{p95 / base_p95:.1f}x",
                        ",".join(str(s) for s in sorted(statuses)),
                        (ok and p95 < TARGET_MS) if backend == "postgres" else "(PG only)",
                    )
            table.note(f"{backend}: {counts['answers']:,} answers, {counts['quizzes']:,} quizzes")
        finally:
            if runner is not None:
                await runner.cleanup()
            await app.close()


def extra(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--answers", type=int, help="answers to seed (default 1000000)")
    parser.add_argument("--count", type=int, help="requests per page at most (default 200)")
    parser.add_argument("--seconds", type=float, help="seconds per page at most (default 10)")
    parser.add_argument("--pages", help="only these pages: leaderboard,report,player,bank")


async def main_async(
    backend_choice: str,
    quick: bool,
    answers: int | None = None,
    count: int | None = None,
    seconds: float | None = None,
    pages: str | None = None,
) -> Table:
    table = Table(
        "Web pages (issue 19): p50 / p95 of whole HTTP requests vs the leaderboard query (ms)",
        ["backend", "page", "requests", "p50", "p95", "largest", "p95 / baseline p95",
         "status", "target p95 <50 ms"],
    )  # fmt: skip
    answers = answers or (20_000 if quick else 1_000_000)
    count = count or (30 if quick else 200)
    seconds = seconds or (2.0 if quick else 10.0)
    for backend in backends(backend_choice):
        kinds = set(pages.split(",")) if pages else None
        await bench_backend(backend, answers, count, seconds, table, kinds)
    table.note("one request at a time through the real aiohttp application, in-process")
    table.note("baseline: the leaderboard service call alone (no link, no HTML, no HTTP)")
    return table


def main() -> None:
    args = arguments(__doc__.splitlines()[0] if __doc__ else None, extra)
    table = asyncio.run(
        main_async(args.backend, args.quick, args.answers, args.count, args.seconds, args.pages)
    )
    table.show()


if __name__ == "__main__":
    main()
