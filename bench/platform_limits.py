"""Benchmark: the conductor against a platform's rate limits (issue "Real platform rules").

A chat platform answers each call after some latency and limits how often one channel may
be posted to or edited (Discord: about 5 per 5 s per channel; its clients wait out a 429).
This models such a platform as a surface (:class:`LimitedSurface`: a latency per call and a
token bucket per channel that makes the call wait, as discord.py does) and drives the real
kit conductor and the real core (SQLite or PostgreSQL) through two scenes, each beside the
way quizbot worked before, as its baseline in the same run:

1. **Many channels closing at once**: N quizzes whose first rounds fall due together; one
   ticker pass closes them and each reveal (an edit) and next question (a post) goes out.
   Figure: how long after the pass started each channel's next question was out (p50, p99,
   max). Baseline: announcements one after another (``max_announcing=1``).
2. **Fifty clicks in one channel**: 50 players answer one question at once, and the round
   closes right after; each click may update the answer count on the question. Figures:
   count edits made, the most calls in any window of the channel's limit (it is never
   broken: the client waits), and how long the reveal took after the round closed.
   Baseline: an edit per click, in turn under the round's lock held across the call, and
   the reveal behind the same lock (as before).

The limits are Discord's scaled down tenfold (5 calls per 0.5 s per channel, 30 ms a call)
so a run takes seconds; the shape of the figures is what matters.

    python -m bench.platform_limits [--quick] [--backend sqlite|postgres|both] [--channels 100]
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

from adapters.kit.conductor import Conductor
from adapters.kit.surface import Capabilities
from bench.common import BENCH_NOW, Table, arguments, backends, fresh_database, log, open_app
from bench.common import percentile as pct
from bot.clock import FakeClock
from bot.services import QuizApp
from bot.views import ChannelRef, PlayerRef, QuestionView, QuizResults, RoundOutcome

LATENCY = 0.03
BUCKET = 5
WINDOW = 0.5
CLICKS = 50


@dataclass
class LimitedSurface:
    """A platform with a latency per call and a per-channel bucket that waits when empty."""

    capabilities: Capabilities = field(
        default_factory=lambda: Capabilities(live_counts=True, private_chats=False)
    )
    platform: str = "bench"
    calls: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    done: dict[str, float] = field(default_factory=dict)  # channel -> when its post went out
    locks: dict[str, asyncio.Lock] = field(default_factory=lambda: defaultdict(asyncio.Lock))
    edits: int = 0  # answer-count edits made

    async def _call(self, channel: str) -> None:
        async with self.locks[channel]:  # the client queues a channel's calls on its bucket
            recent = self.calls[channel]
            now = time.perf_counter()
            while len(recent) >= BUCKET and now - recent[-BUCKET] < WINDOW:
                await asyncio.sleep(WINDOW - (now - recent[-BUCKET]))
                now = time.perf_counter()
            recent.append(now)
        await asyncio.sleep(LATENCY)

    async def post_question(self, question: QuestionView) -> str:
        await self._call(question.channel.channel)
        self.done[question.channel.channel] = time.perf_counter()
        return f"{question.channel.channel}:{question.round_id}"

    async def reveal(self, outcome: RoundOutcome, *, stopped: bool = False) -> None:
        await self._call(outcome.channel.channel)

    async def edit(self, channel: str) -> None:
        self.edits += 1
        await self._call(channel)

    async def post_results(self, results: QuizResults) -> None:
        await self._call(results.channel.channel)
        self.done[results.channel.channel] = time.perf_counter()

    async def end_daily(self, outcome: RoundOutcome) -> None:
        return None

    async def open_private(self, where: ChannelRef, user: str) -> str:
        return user

    async def tell(self, where: ChannelRef, user: str, text: str) -> None:
        return None

    def owns(self, workspace: str) -> bool:
        return True

    def most_in_window(self, channel: str) -> int:
        times = list(self.calls[channel])
        return max(
            (sum(1 for t in times[i:] if t - start < WINDOW) for i, start in enumerate(times)),
            default=0,
        )


async def many_channels(
    app: QuizApp, clock: FakeClock, channels: int, slots: int
) -> dict[str, float]:
    surface = LimitedSurface(platform=f"bench-{slots}")  # its own ticker sees its own rounds
    conductor = Conductor(app, surface, max_announcing=slots)
    who = PlayerRef(surface.platform, "w", "starter", "Starter")
    for n in range(channels):
        where = ChannelRef(surface.platform, "w", f"c{n}")
        await conductor.start_quiz(where, who, bank="demo", count=2, seconds=30, seed=n)
    clock.advance(seconds=31)
    surface.done.clear()
    started = time.perf_counter()
    closed = 0
    while closed < channels:  # a pass takes at most 100 due rounds
        closed += await conductor.ticker.tick()
    delays = [t - started for t in surface.done.values()]
    assert closed == channels and len(delays) == channels, (closed, len(delays))
    return {"p50": pct(delays, 50), "p99": pct(delays, 99), "max": max(delays)}


async def fifty_clicks(app: QuizApp, clock: FakeClock, coalesced: bool) -> dict[str, float]:
    surface = LimitedSurface(platform=f"bench-{'coalesced' if coalesced else 'each'}")
    conductor = Conductor(app, surface)
    where = ChannelRef(surface.platform, "w", "busy")
    starter = PlayerRef(surface.platform, "w", "starter", "Starter")
    question = await conductor.start_quiz(where, starter, bank="demo", count=1, seconds=30, seed=1)
    surface.calls[where.channel].clear()
    lock = asyncio.Lock()
    edits: list[asyncio.Task[None]] = []

    async def locked_edit() -> None:
        async with lock:  # as before: every click edits, in turn, the round's lock held
            await surface.edit(where.channel)

    async def click(n: int) -> None:
        who = PlayerRef(surface.platform, "w", f"p{n}", f"P{n}")
        receipt = await app.answer(question.round_id, who, "A", where)
        if coalesced:
            await conductor.answered(receipt, lambda count: surface.edit(where.channel))
        else:
            edits.append(asyncio.create_task(locked_edit()))

    await asyncio.gather(*(click(n) for n in range(CLICKS)))
    # The round closes right after the last click, while the count edits are still going.
    clock.advance(seconds=31)
    started = time.perf_counter()
    if coalesced:
        await conductor.ticker.tick()
    else:
        async with lock:  # as before: the reveal took the same lock, behind every edit
            await conductor.ticker.tick()
    revealed = time.perf_counter() - started
    await asyncio.gather(*edits)
    return {
        "edits": surface.edits,
        "window": surface.most_in_window(where.channel),
        "reveal": revealed,
    }


async def run(backend: str, channels: int) -> list[Table]:
    clock = FakeClock(BENCH_NOW)
    async with fresh_database(backend) as url:
        app = await open_app(url, clock)
        try:
            log(f"{backend}: {channels} channels closing at once")
            now = await many_channels(app, clock, channels, 16)
            before = await many_channels(app, clock, channels, 1)
            log(f"{backend}: {CLICKS} clicks in one channel")
            coalesced = await fifty_clicks(app, clock, True)
            each = await fifty_clicks(app, clock, False)
        finally:
            await app.close()
    first = Table(
        f"{channels} channels closing at once ({backend}): next question out after the pass "
        f"started, s (limit {BUCKET} calls/{WINDOW} s per channel, {LATENCY * 1000:.0f} ms a call)",
        ["announcing", "p50", "p99", "max"],
    )
    first.add("side by side (16 at a time)", *(f"{now[k]:.2f}" for k in ("p50", "p99", "max")))
    first.add("one after another (baseline)", *(f"{before[k]:.2f}" for k in ("p50", "p99", "max")))
    second = Table(
        f"{CLICKS} clicks in one channel ({backend})",
        ["count edits", "edits", f"most in {WINDOW} s (limit {BUCKET})", "reveal after close, s"],
    )
    second.add("coalesced", coalesced["edits"], coalesced["window"], f"{coalesced['reveal']:.2f}")
    second.add("one per click (baseline)", each["edits"], each["window"], f"{each['reveal']:.2f}")
    return [first, second]


def run_all(backend: str, quick: bool, channels: int = 100) -> list[Table]:
    """Every table, for each backend chosen (``python -m bench`` shows them)."""
    return [
        table
        for chosen in backends(backend)
        for table in asyncio.run(run(chosen, 20 if quick else channels))
    ]


def main() -> None:
    def extra(parser: object) -> None:
        parser.add_argument("--channels", type=int, default=100)  # type: ignore[attr-defined]

    args = arguments(__doc__, extra)
    for table in run_all(args.backend, args.quick, args.channels):
        table.show()


if __name__ == "__main__":
    main()
