"""Benchmark 4: many channels at once, through the services, with the deadline ticker running.

Each of N channels (1,000; 100 for a lighter load) starts a quiz of 2 rounds of 30 seconds
(the default) at a random moment of the first 30 seconds. Its 10 players (known players,
created beforehand) each click one letter at a random moment between 1 s and 24 s after the
round is shown, through ``QuizApp.answer``. Round 1 closes at its deadline by the deadline
:class:`bot.ticker.Ticker` (interval 1 s, as the Discord and Slack processes run it), whose
announcement shows round 2; round 2 closes with its tenth answer. Everything runs in one
process and one event loop, as in a bot worker, on the real clock.

The latency of every click is recorded (p50, p99, max), with how many were recorded, came too
late, or failed (e.g. no pooled connection within 30 s), and the lag from a round's deadline
to the ticker's announcement. The baseline replays the very same click times as bare Core
``INSERT INTO answers`` + ``COMMIT`` on the same engine (open loop, same offered load).

    python -m bench.channels [--quick] [--backend ...] [--channels 100,1000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bench.common import (
    BENCH_NOW,
    PLATFORM,
    Table,
    arguments,
    backends,
    bare_answer,
    fresh_database,
    insert_players,
    log,
    open_app,
    percentile,
)

PLAYERS = 10
TARGET_P99_MS = 50.0


class ScaledClock:
    """The real clock run ``speed`` times faster from BENCH_NOW (1 = real time).

    --quick uses speed 10 so 5-second rounds last half a real second; the logic is unchanged.
    """

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self.origin = time.perf_counter()

    def now(self) -> datetime:
        return BENCH_NOW + timedelta(seconds=(time.perf_counter() - self.origin) * self.speed)


@dataclass
class Run:
    """What one load run saw."""

    sent: list[float] = field(default_factory=list)  # seconds since the run's start
    latencies: list[float] = field(default_factory=list)
    closing: list[float] = field(default_factory=list)  # clicks that closed their round
    statuses: Counter[str] = field(default_factory=Counter)
    close_lags: list[float] = field(default_factory=list)
    rounds: list[int] = field(default_factory=list)
    seconds: float = 0.0


async def service_run(
    app: object, clock: ScaledClock, channels: int, rounds: int, seconds: int, limit: float
) -> Run:
    """The load through the services, the ticker running beside it."""
    from bot.services import QuizApp
    from bot.ticker import Ticker
    from bot.views import ChannelRef, PlayerRef, RoundOutcome

    assert isinstance(app, QuizApp)
    run = Run()
    rng = random.Random(4)
    waiting: dict[int, asyncio.Future[RoundOutcome]] = {}
    deadlines: dict[int, datetime] = {}
    speed = clock.speed
    loop = asyncio.get_running_loop()
    started = time.perf_counter()

    async def announce(outcome: RoundOutcome) -> None:
        future = waiting.get(outcome.round_id)
        if future is not None and not future.done():
            future.set_result(outcome)

    async def ticker_announce(outcome: RoundOutcome) -> None:
        """The ticker closed a round at its deadline: how late was the announcement."""
        if outcome.round_id in deadlines:
            lag = (clock.now() - deadlines[outcome.round_id]).total_seconds() / speed
            run.close_lags.append(lag)
        await announce(outcome)

    async def channel(index: int) -> None:
        workspace = f"ws-{index // 100}"
        where = ChannelRef(PLATFORM, workspace, f"ch-{index}")
        players = [
            PlayerRef(PLATFORM, workspace, f"u-{index}-{j}", f"u-{index}-{j}")
            for j in range(PLAYERS)
        ]
        await asyncio.sleep(rng.uniform(0, seconds) / speed)
        view = await app.start_quiz(where, players[0], count=rounds, seconds=seconds, seed=index)
        for _ in range(rounds):
            round_id = view.round_id
            run.rounds.append(round_id)
            deadlines[round_id] = view.deadline
            future: asyncio.Future[RoundOutcome] = loop.create_future()
            waiting[round_id] = future
            delays = [rng.uniform(1.0, 0.8 * seconds) / speed for _ in players]

            async def click(player: PlayerRef, delay: float, round_id: int = round_id) -> None:
                await asyncio.sleep(delay)
                t0 = time.perf_counter()
                run.sent.append(t0 - started)
                try:
                    receipt = await app.answer(round_id, player, "A")
                except Exception as exc:
                    run.statuses[f"error {type(exc).__name__}"] += 1
                else:
                    run.statuses[receipt.status.value] += 1
                    if receipt.outcome is not None:
                        await announce(receipt.outcome)
                        run.closing.append(time.perf_counter() - t0)
                run.latencies.append(time.perf_counter() - t0)

            await asyncio.gather(*(click(p, d) for p, d in zip(players, delays, strict=True)))
            outcome = await future
            if outcome.next_question is None:
                return
            view = outcome.next_question

    ticker = Ticker(app, PLATFORM, ticker_announce, interval=1.0 / speed)
    await ticker.start()
    tasks = [asyncio.create_task(channel(i)) for i in range(channels)]
    done, pending = await asyncio.wait(tasks, timeout=limit)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if task.exception() is not None:
            run.statuses[f"channel failed: {type(task.exception()).__name__}"] += 1
    if pending:
        run.statuses[f"channels unfinished after {limit:.0f}s"] += len(pending)
    await ticker.stop()
    run.seconds = time.perf_counter() - started
    return run


async def bare_run(app: object, schedule: list[float], rounds: list[int], limit: float) -> Run:
    """The same click times replayed as bare inserts (distinct baseline players)."""
    from bot.services import QuizApp

    assert isinstance(app, QuizApp)
    run = Run()
    per_round = len(schedule) // max(1, len(rounds)) + 1
    player_ids = await insert_players(
        app.db.engine, "bare", [f"bare-{i}" for i in range(per_round)]
    )
    started = time.perf_counter()

    async def click(index: int, at: float) -> None:
        await asyncio.sleep(max(0.0, at - (time.perf_counter() - started)))
        t0 = time.perf_counter()
        try:
            await bare_answer(
                app.db.engine,
                rounds[index % len(rounds)],
                player_ids[index // len(rounds)],
                BENCH_NOW,
            )
        except Exception as exc:
            run.statuses[f"error {type(exc).__name__}"] += 1
        else:
            run.statuses["recorded"] += 1
        run.latencies.append(time.perf_counter() - t0)

    tasks = [asyncio.create_task(click(i, at)) for i, at in enumerate(sorted(schedule))]
    _, pending = await asyncio.wait(tasks, timeout=limit)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    run.seconds = time.perf_counter() - started
    return run


async def bench_backend(
    backend: str, channel_counts: list[int], rounds: int, seconds: int, speed: float, table: Table
) -> None:
    for channels in channel_counts:
        async with fresh_database(backend) as url:
            clock = ScaledClock(speed)
            app = await open_app(url, clock)
            try:
                for w in range((channels + 99) // 100):
                    users = [
                        f"u-{i}-{j}" for i in range(w * 100, min(channels, w * 100 + 100))
                        for j in range(PLAYERS)
                    ]  # fmt: skip
                    await insert_players(app.db.engine, f"ws-{w}", users)
                limit = seconds / speed * (rounds + 1) * 4 + 60
                log(f"{backend}: {channels} channels, {rounds} rounds of {seconds}s")
                service = await service_run(app, clock, channels, rounds, seconds, limit)
                log(f"{backend}: service {dict(service.statuses)}; baseline replay")
                bare = await bare_run(app, service.sent, service.rounds, limit)
            finally:
                await app.close()
        offered = len(service.sent) / (max(service.sent) - min(service.sent) or 1)
        peak = peak_rate(service.sent, 10.0 / speed)
        p99 = percentile(service.latencies, 99) * 1000
        for name, run in (("service", service), ("bare insert", bare)):
            table.add(
                backend,
                channels,
                name,
                len(run.latencies),
                offered,
                peak,
                percentile(run.latencies, 50) * 1000,
                percentile(run.latencies, 99) * 1000,
                max(run.latencies, default=float("nan")) * 1000,
                percentile(run.closing, 50) * 1000 if name == "service" else float("nan"),
                ", ".join(f"{k} {v}" for k, v in sorted(run.statuses.items())),
                percentile(run.close_lags, 50) if name == "service" else float("nan"),
                percentile(run.close_lags, 99) if name == "service" else float("nan"),
                (p99 < TARGET_P99_MS) if name == "service" else "",
            )


def peak_rate(sent: list[float], window: float) -> float:
    """The most clicks sent within any ``window`` seconds, per second."""
    times = sorted(sent)
    best = start = 0
    for end, at in enumerate(times):
        while at - times[start] > window:
            start += 1
        best = max(best, end - start + 1)
    return best / window if times else float("nan")


def extra(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--channels", help="channel counts, comma-separated (default 100,1000)")


async def main_async(backend_choice: str, quick: bool, counts: list[int] | None = None) -> Table:
    table = Table(
        "4. Many channels: clicks through QuizApp.answer with the ticker running (ms)",
        [
            "backend",
            "channels",
            "path",
            "clicks",
            "offered/s",
            "peak/s",
            "p50",
            "p99",
            "max",
            "closing p50",
            "receipts",
            "close lag p50 s",
            "close lag p99 s",
            "target p99<50ms",
        ],
    )
    rounds, seconds, speed = (2, 5, 10.0) if quick else (2, 30, 1.0)
    for backend in backends(backend_choice):
        counts = counts or ([20] if quick else [100, 1000])
        await bench_backend(backend, counts, rounds, seconds, speed, table)
    table.note(
        f"{PLAYERS} players a channel, {rounds} rounds of {seconds} s; quizzes start in the first "
        f"{seconds} s; clicks 1 s to {0.8 * seconds:.0f} s after a round is shown"
    )
    if speed != 1:
        table.note(
            f"--quick: the clock runs {speed:.0f}x faster (rounds last {seconds / speed:.1f} s)"
        )
    table.note("offered/s = clicks sent per second over the span of the run (same for baseline)")
    table.note("peak/s = most clicks sent in any 10 s (of the clock), per second")
    table.note("close lag = from a deadline to the ticker's announcement of the round it closed")
    table.note("closing p50 = median latency of the clicks that closed their round (round 2)")
    return table


def main() -> None:
    args = arguments(__doc__.splitlines()[0] if __doc__ else None, extra)
    counts = [int(c) for c in args.channels.split(",")] if args.channels else None
    asyncio.run(main_async(args.backend, args.quick, counts)).show()


if __name__ == "__main__":
    main()
