"""Benchmark 1: the answer path, one click through the services against a bare insert.

A click is ``QuizApp.answer(round_id, player, "A")`` on an open round (its deadline an hour
away on an injected :class:`bot.clock.FakeClock`): lock and read the round, validate the
letter, find the player, insert the answer, count the round's answers, and (from round 2 on)
check whether everyone has answered. The baseline is a bare SQLAlchemy Core
``INSERT INTO answers ...`` and ``COMMIT`` of the same row on the same engine (same pool,
same SQLite ``BEGIN IMMEDIATE``). N clickers (1, 10, 100) click at once with
``asyncio.gather``, each click on a distinct (round, player) so every one is recorded.
Phases alternate (bare, service, bare, service, ...) so a noisy neighbour hurts both alike;
the table gives the median of the repetitions.

    python -m bench.answer_path [--quick] [--backend sqlite|postgres|both] [--clicks N] [--reps N]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

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
    median,
    open_app,
    percentile,
)

WORKSPACE = "bench-ws"
ROUNDS = 100  # open rounds clicked in turn (one quiz per channel); 10 with --quick
TARGET_RATIO = 2.0


@dataclass
class Phase:
    """What one timed phase did."""

    clicks: int
    seconds: float
    latencies: list[float]
    failures: int = 0

    @property
    def rate(self) -> float:
        return self.clicks / self.seconds if self.seconds else float("nan")


async def run_phase(
    click: Callable[[], Awaitable[bool]], clickers: int, count: int, seconds: float
) -> Phase:
    """``clickers`` tasks click until ``count`` clicks in all or ``seconds`` have passed."""
    started = time.perf_counter()
    deadline = started + seconds
    budget = itertools.count()
    latencies: list[float] = []
    failures = 0

    async def clicker() -> None:
        nonlocal failures
        while next(budget) < count and time.perf_counter() < deadline:
            t0 = time.perf_counter()
            ok = await click()
            latencies.append(time.perf_counter() - t0)
            failures += not ok

    await asyncio.gather(*(clicker() for _ in range(clickers)))
    return Phase(len(latencies), time.perf_counter() - started, latencies, failures)


async def open_rounds(app: object, prefix: str, later: bool, channels: int) -> list[int]:
    """Open one round in each of ``channels`` channels: round 1, or round 2 when ``later``.

    For round 2 a "regular" answers round 1 first, so every click on round 2 runs the
    everyone-answered check and finds the regular missing: the round stays open.
    """
    from bot.services import QuizApp
    from bot.views import ChannelRef, PlayerRef

    assert isinstance(app, QuizApp)
    starter = PlayerRef(PLATFORM, WORKSPACE, f"{prefix}-starter", "starter")
    ids = []
    for index in range(channels):
        where = ChannelRef(PLATFORM, WORKSPACE, f"{prefix}-{index}")
        view = await app.start_quiz(where, starter, count=5, seconds=3600, seed=index)
        round_id = view.round_id
        if later:
            await app.answer(round_id, starter, "A")
            outcome = await app.close_round(round_id)
            assert outcome is not None and outcome.next_question is not None
            round_id = outcome.next_question.round_id
        ids.append(round_id)
    return ids


async def bench_backend(
    backend: str, quick: bool, table: Table, clicks: int | None = None, reps: int | None = None
) -> None:
    from bot.clock import FakeClock
    from bot.services import QuizApp
    from bot.views import AnswerStatus, PlayerRef

    levels = (1, 10) if quick else (1, 10, 100)
    count, seconds, default_reps = (60, 0.5, 1) if quick else (3000, 8.0, 3)
    count, reps = clicks or count, reps or default_reps
    n_rounds = 10 if quick else ROUNDS
    async with fresh_database(backend) as url:
        clock = FakeClock(BENCH_NOW)
        app: QuizApp = await open_app(url, clock)
        try:
            most = len(levels) * reps * count
            players = most // n_rounds + 2
            service_users = [f"svc-{i}" for i in range(players)]
            refs = [PlayerRef(PLATFORM, WORKSPACE, u, u) for u in service_users]
            await insert_players(app.db.engine, WORKSPACE, service_users)
            bare_ids = await insert_players(
                app.db.engine, WORKSPACE, [f"bare-{i}" for i in range(players * 2)]
            )
            for variant, later in (("round 1", False), ("round 2+", True)):
                rounds = await open_rounds(app, variant.replace(" ", ""), later, n_rounds)
                service_seq = itertools.count()
                bare_seq = itertools.count()

                async def service_click(
                    seq: itertools.count[int] = service_seq, rounds: list[int] = rounds
                ) -> bool:
                    i = next(seq)
                    receipt = await app.answer(rounds[i % n_rounds], refs[i // n_rounds], "A")
                    return receipt.status == AnswerStatus.RECORDED

                async def bare_click(
                    seq: itertools.count[int] = bare_seq, rounds: list[int] = rounds
                ) -> bool:
                    i = next(seq)
                    await bare_answer(
                        app.db.engine, rounds[i % n_rounds], bare_ids[i // n_rounds], BENCH_NOW
                    )
                    return True

                for clickers in levels:
                    service: list[Phase] = []
                    bare: list[Phase] = []
                    for _ in range(reps):
                        bare.append(await run_phase(bare_click, clickers, count, seconds))
                        service.append(await run_phase(service_click, clickers, count, seconds))
                    s_rate = median([p.rate for p in service])
                    b_rate = median([p.rate for p in bare])
                    s_lat = [x for p in service for x in p.latencies]
                    b_lat = [x for p in bare for x in p.latencies]
                    ratio = b_rate / s_rate
                    failures = sum(p.failures for p in service)
                    log(f"{backend} {variant} x{clickers}: {s_rate:.0f}/s vs {b_rate:.0f}/s")
                    table.add(
                        backend,
                        variant,
                        clickers,
                        sum(p.clicks for p in service),
                        s_rate,
                        b_rate,
                        f"{ratio:.2f}x",
                        percentile(s_lat, 50) * 1000,
                        percentile(s_lat, 99) * 1000,
                        percentile(b_lat, 50) * 1000,
                        percentile(b_lat, 99) * 1000,
                        ratio <= TARGET_RATIO and failures == 0,
                    )
                    if failures:
                        table.note(
                            f"{backend} {variant} x{clickers}: {failures} clicks not recorded"
                        )
        finally:
            await app.close()


async def main_async(
    backend_choice: str, quick: bool, clicks: int | None = None, reps: int | None = None
) -> Table:
    table = Table(
        "1. Answer path: QuizApp.answer vs bare INSERT + COMMIT (answers/s, ms)",
        [
            "backend",
            "round",
            "clickers",
            "clicks",
            "service/s",
            "bare/s",
            "cost",
            "svc p50",
            "svc p99",
            "bare p50",
            "bare p99",
            "target <=2x",
        ],
    )
    for backend in backends(backend_choice):
        await bench_backend(backend, quick, table, clicks, reps)
    table.note("cost = bare answers/s / service answers/s (how many bare inserts one click costs)")
    table.note("median answers/s of the repetitions; latencies over all of them")
    return table


def extra(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clicks", type=int, help="clicks per phase (default 3000; 60 quick)")
    parser.add_argument("--reps", type=int, help="repetitions of each phase (default 3)")


def main() -> None:
    args = arguments(__doc__.splitlines()[0] if __doc__ else None, extra)
    asyncio.run(main_async(args.backend, args.quick, args.clicks, args.reps)).show()


if __name__ == "__main__":
    main()
