"""Benchmark 2: leaderboards over a large play history, against a naive GROUP BY.

A history of 1,000,000 answers by 10,000 players in 1,000 channels is seeded straight into
the real tables (see bench/seed.py; the ``scores`` aggregate is consistent with the answers,
and the benchmark checks that the services' leaderboards equal the naive ones before timing).
Then ``QuizApp.leaderboard`` is timed for the channel, the workspace and everyone, all time
and this week, from random channels; the baseline is the naive query a bot without the
aggregate would run: ``SUM`` over every answer joined to its round, quiz, channel and player,
``GROUP BY`` player. Each size runs on its own fresh database, so the table shows whether the
time follows the answer table's size.

    python -m bench.leaderboards [--quick] [--backend ...] [--sizes 100000,1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import UTC, datetime

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

CASES = [
    ("channel", "all"),
    ("channel", "week"),
    ("workspace", "all"),
    ("workspace", "week"),
    ("all", "all"),
    ("all", "week"),
]
TARGET_MS = 5.0


def naive_query(scope: str, period: str, channel: int, limit: int = 10) -> object:
    """The leaderboard computed from every answer, as a bot without ``scores`` would."""
    from sqlalchemy import Integer, cast, func, select

    from bot.services.leaderboards import period_start
    from bot.store.models import AnswerRow, ChannelRow, PlayerRow, QuizRow, RoundRow

    points = func.sum(AnswerRow.points).label("points")
    correct = func.sum(cast(AnswerRow.correct, Integer)).label("correct")
    query = (
        select(PlayerRow.user_id, PlayerRow.name, points, correct, func.count(AnswerRow.id))
        .join(AnswerRow, AnswerRow.player_id == PlayerRow.id)
        .join(RoundRow, RoundRow.id == AnswerRow.round_id)
        .join(QuizRow, QuizRow.id == RoundRow.quiz_id)
        .join(ChannelRow, ChannelRow.id == QuizRow.channel_id)
        .where(RoundRow.status == "closed")
    )
    if scope != "all":
        query = query.where(
            ChannelRow.platform == PLATFORM,
            ChannelRow.workspace == workspace_name(Layout.workspace_of_channel(channel)),
        )
    if scope == "channel":
        query = query.where(ChannelRow.channel_id == channel_name(channel))
    since = period_start(period, BENCH_NOW.date())
    if since is not None:
        query = query.where(RoundRow.closed_at >= datetime.combine(since, datetime.min.time(), UTC))
    return (
        query.group_by(PlayerRow.id, PlayerRow.user_id, PlayerRow.name)
        .order_by(points.desc(), correct.desc(), PlayerRow.id)
        .limit(limit)
    )


async def time_case(
    app: object, scope: str, period: str, count: int, seconds: float, naive: bool
) -> tuple[list[float], object]:
    """Latencies (s) of ``count`` leaderboards (or ``seconds``), from random channels."""
    from bot.services import QuizApp
    from bot.services.records import rank
    from bot.views import ChannelRef

    assert isinstance(app, QuizApp)
    rng = random.Random(f"{scope}{period}")
    layout = Layout()
    times: list[float] = []
    last: object = None
    for _ in bounded(count, seconds):
        channel = rng.randrange(layout.channels)
        where = ChannelRef(
            PLATFORM, workspace_name(layout.workspace_of_channel(channel)), channel_name(channel)
        )
        t0 = time.perf_counter()
        if naive:
            async with app.db.sessions() as session:
                rows = await session.execute(naive_query(scope, period, channel))  # type: ignore[arg-type]
                last = rank(rows.all())
        else:
            last = (await app.leaderboard(where, scope, period)).rows
        times.append(time.perf_counter() - t0)
    return times, last


async def check_consistent(app: object) -> None:
    """The services' leaderboards equal the naive ones over the answers (seed is consistent)."""
    from bot.services import QuizApp
    from bot.services.records import rank
    from bot.views import ChannelRef

    assert isinstance(app, QuizApp)
    for channel in (0, 517):
        where = ChannelRef(
            PLATFORM, workspace_name(Layout.workspace_of_channel(channel)), channel_name(channel)
        )
        for scope, period in CASES:
            service = (await app.leaderboard(where, scope, period)).rows
            async with app.db.sessions() as session:
                naive = rank(
                    (await session.execute(naive_query(scope, period, channel))).all()  # type: ignore[arg-type]
                )
            if service != naive:
                raise AssertionError(f"seeded scores disagree with answers: {scope}/{period}")


async def bench_size(backend: str, answers: int, quick: bool, table: Table) -> None:
    from sqlalchemy import func, select

    from bot.clock import FakeClock
    from bot.store.models import AnswerRow, ScoreRow

    count, seconds = (30, 1.5) if quick else (300, 15.0)
    naive_count, naive_seconds = (5, 1.5) if quick else (30, 15.0)
    async with fresh_database(backend) as url:
        app = await open_app(url, FakeClock(BENCH_NOW))
        try:
            t0 = time.perf_counter()
            counts = await seed(url, answers, BENCH_NOW.date())
            seeded = time.perf_counter() - t0
            log(f"{backend}: seeded {counts} in {seeded:.1f}s")
            async with app.db.sessions() as session:
                n_answers = await session.scalar(select(func.count()).select_from(AnswerRow))
                n_scores = await session.scalar(select(func.count()).select_from(ScoreRow))
            await check_consistent(app)
            for scope, period in CASES:
                await time_case(app, scope, period, 3, 5.0, naive=False)  # warm up
                service, _ = await time_case(app, scope, period, count, seconds, naive=False)
                naive, _ = await time_case(app, scope, period, naive_count, naive_seconds, True)
                s_med, n_med = median(service) * 1000, median(naive) * 1000
                log(f"{backend} {answers} {scope}/{period}: {s_med:.2f} ms vs {n_med:.1f} ms")
                table.add(
                    backend,
                    n_answers,
                    n_scores,
                    f"{scope} / {period}",
                    s_med,
                    percentile(service, 99) * 1000,
                    n_med,
                    percentile(naive, 99) * 1000,
                    f"{n_med / s_med:.1f}x",
                    (s_med < TARGET_MS) if backend == "postgres" else "(PG only)",
                )
            table.note(f"{backend}, {n_answers:,} answers: seeded in {seeded:.0f} s")
        finally:
            await app.close()


def extra(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", help="answers to seed, comma-separated (default 100000,1000000)")


async def main_async(backend_choice: str, quick: bool, sizes: list[int] | None = None) -> Table:
    table = Table(
        "2. Leaderboards: QuizApp.leaderboard vs naive GROUP BY over answers (ms)",
        [
            "backend",
            "answers",
            "score rows",
            "scope / period",
            "median",
            "p99",
            "naive median",
            "naive p99",
            "speed-up",
            "target <5 ms",
        ],
    )
    for backend in backends(backend_choice):
        for answers in sizes or ([20_000] if quick else [100_000, 1_000_000]):
            await bench_size(backend, answers, quick, table)
    table.note("10,000 players, 1,000 channels in 10 workspaces, 90 days; 'week' = Mon-Thu")
    return table


def main() -> None:
    args = arguments(__doc__.splitlines()[0] if __doc__ else None, extra)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else None
    asyncio.run(main_async(args.backend, args.quick, sizes)).show()


if __name__ == "__main__":
    main()
