"""Benchmark: a busy Slack web process (issue #22, part 2).

Signed clicks per second that one ``quizbot run web`` process serves on PostgreSQL with the
p99 of what the player sees under 100 ms, against a bare aiohttp handler that verifies the
signature and does the same insert, measured the same way in the same run.

- **quizbot**: the real web process (``python -m cli.main run web``, a subprocess) with
  ``SLACK_SIGNING_SECRET``, ``SLACK_BOT_TOKEN``, ``SLACK_API_URL`` pointing at the tests' stub
  Web API (``tests/slack/stub_slack_api.py``, its rules off, run in this process) and
  ``DATABASE_URL`` a fresh PostgreSQL database. Every click is a real Bolt request through
  the HTTP server: acknowledged at once, answered in the background (``QuizApp.answer``),
  its receipt posted to the click's ``response_url`` at the stub.
- **bare**: this module run as ``--bare-server`` in a process of its own: one aiohttp
  handler that verifies the signature (slack_sdk's ``SignatureVerifier``), reads the
  payload, does a bare Core ``INSERT INTO answers`` + ``COMMIT`` of the same row (same
  engine settings and pool as quizbot's ``Database``; the players exist and their ids are
  known), answers 200 and posts the receipt to the ``response_url``.

Both serve at once; quizzes are started (``/quiz start``, through quizbot) in several
channels for each. Then, at each offered rate (open loop: a click every 1/rate s, sent
whether or not the earlier ones were answered), bare then quizbot get the same number of
signed ``block_actions`` clicks, each from a distinct player, so each is recorded. For each
click: the time to its HTTP response, and to its receipt at the stub (what the player
sees; a receipt still missing after the drain counts as infinitely late). A server's served
rate is the highest offered rate whose receipt p99 stays under 100 ms; once a server has
missed two rates in a row it is not offered higher ones (one miss on a shared machine can be
a neighbour's burst). Every step is bounded by a count and a time.

    python -m bench.slack_web [--quick] [--rates 50,100,200,400] [--seconds 4]
                              [--channels 10] [--profile FILE]

``--profile FILE`` runs the web process under cProfile (written when it stops).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import aiohttp
from aiohttp import web

from bench.common import (
    Table,
    fresh_database,
    log,
    median,
    percentile,
    print_machine,
    stop_cleanly_on_sigterm,
)

ROOT = Path(__file__).resolve().parents[1]
#: The signing secret and bot token of the tests (tests/slack/conftest.py).
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-bot-token"
TEAM = "T0ONE"
APP_ID = "A0QUIZ"
BANK = "crm-podcast"
RATES = (25, 50, 75, 100, 150, 200, 300, 400, 600, 800, 1200)
QUICK_RATES = (50, 100, 200)
STEP_SECONDS, QUICK_STEP_SECONDS = 4.0, 1.5
#: Each rate is offered this many times to each server, alternating which goes first; the
#: median of the repetitions' percentiles decides (the machine is shared: one bad step is
#: noise, not capacity).
REPS = 3
#: How long answers and receipts still missing when a step's last click went out may take.
DRAIN_SECONDS = 10.0
START_WITHIN = 60.0
STOP_WITHIN = 20.0
P99_LIMIT_MS = 100.0
SIDES = ("bare", "quizbot")
#: A server is offered higher rates until it has missed this many rates in a row (one
#: missed rate on a shared machine can be a neighbour's burst, not the server's capacity).
MISSES_IN_A_ROW = 2
#: Clicks each server gets at 20/s before the measured steps (recorded, not counted).
WARM_CLICKS = 40


# -- the bare handler (its own process) --------------------------------------------------


async def serve_bare(port: int, url: str, secret: str) -> None:
    """The baseline server: verify, insert, answer 200, post the receipt."""
    from slack_sdk.signature import SignatureVerifier
    from sqlalchemy import select

    from bench.common import bare_answer
    from bot.store.database import Database
    from bot.store.models import PlayerRow

    database = Database(url)
    verifier = SignatureVerifier(secret)
    async with database.engine.connect() as conn:
        rows = await conn.execute(
            select(PlayerRow.user_id, PlayerRow.id).where(
                PlayerRow.platform == "slack", PlayerRow.workspace == TEAM
            )
        )
        players: dict[str, int] = dict(rows.all())  # type: ignore[arg-type]
    client = aiohttp.ClientSession()
    pending: set[asyncio.Task[None]] = set()

    async def receipt(response_url: str, choice: str) -> None:
        text = f"Recorded: *{choice}*"
        body = {"response_type": "ephemeral", "replace_original": False, "text": text}
        async with client.post(response_url, json=body) as response:
            await response.read()

    async def events(request: web.Request) -> web.Response:
        raw = await request.read()
        if not verifier.is_valid_request(raw, dict(request.headers)):
            return web.json_response({"error": "invalid request"}, status=401)
        payload = json.loads(parse_qs(raw.decode())["payload"][0])
        action = payload["actions"][0]
        round_text, _, rest = str(action["value"]).partition(":")
        choice = rest.partition(":")[0]
        player = players[payload["user"]["id"]]
        await bare_answer(database.engine, int(round_text), player, datetime.now(UTC))
        task = asyncio.create_task(receipt(payload["response_url"], choice))
        pending.add(task)
        task.add_done_callback(pending.discard)
        return web.Response()

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    application = web.Application()
    application.router.add_post("/slack/events", events)
    application.router.add_get("/health", health)
    runner = web.AppRunner(application)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    import signal

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()
    await client.close()
    await database.dispose()


# -- the stub that times receipts --------------------------------------------------------


def timed_stub() -> Any:
    """The tests' stub Web API, rules off, noting when each response_url post arrives."""
    from tests.slack.stub_rules import SlackRules
    from tests.slack.stub_slack_api import Call, StubSlackApi

    @dataclass
    class TimedStub(StubSlackApi):
        #: response_url key -> time.perf_counter() when its first post arrived
        arrivals: dict[str, float] = field(default_factory=dict)

        def record(self, call: Call) -> None:
            if call.method == "response_url":
                self.arrivals.setdefault(call.path.rsplit("/", 1)[1], time.perf_counter())
            super().record(call)

    return TimedStub(tokens={BOT_TOKEN: TEAM}, rules=SlackRules.lenient())


# -- the processes -----------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    name: str
    process: asyncio.subprocess.Process
    url: str
    log_path: Path

    async def wait_healthy(self, session: aiohttp.ClientSession) -> None:
        deadline = time.monotonic() + START_WITHIN
        while True:
            if self.process.returncode is not None:
                raise SystemExit(f"{self.name} exited:\n{self.log_path.read_text()[-3000:]}")
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(self.url + "/health") as response:
                    if response.status == 200:
                        return
            if time.monotonic() > deadline:
                raise SystemExit(f"{self.name}: no /health within {START_WITHIN} s")
            await asyncio.sleep(0.1)

    async def stop(self) -> int | None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), STOP_WITHIN)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        return self.process.returncode


async def start_server(
    name: str, args: Sequence[str], env: dict[str, str], folder: Path, port: int
) -> Server:
    log_path = folder / f"{name}.log"
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *args,
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=asyncio.subprocess.STDOUT,
        )
    return Server(name, process, f"http://127.0.0.1:{port}", log_path)


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    # the clicks land on question 1 at once: no join phase first
    env.update(PYTHONUNBUFFERED="1", PYTHONPATH=str(ROOT), QUIZBOT_LOBBY="off", **extra)
    return env


# -- clicks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A question message a click lands on."""

    channel: str
    ts: str
    buttons: list[dict[str, Any]]


def click_body(stub: Any, target: Target, user: str, n: int) -> tuple[str, str]:
    """A signed-to-be ``block_actions`` body for ``user`` clicking ``target``, and the key
    of its response_url (shaped as tests/slack/conftest.py's ``SlackDriver.click``)."""
    from tests.slack import slack_signing as signing
    from tests.slack.stub_slack_api import BOT_USER_ID

    button = target.buttons[n % len(target.buttons)]
    response_url = stub.response_url(user, target.channel, "action")
    now = time.time()
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": target.ts,
            "channel_id": target.channel,
            "is_ephemeral": False,
        },
        "trigger_id": f"{n}.{int(now)}.abcdef",
        "team": {"id": TEAM, "domain": "quizbot-bench"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": target.channel, "name": "quiz"},
        "message": {"type": "message", "ts": target.ts, "text": "", "user": BOT_USER_ID},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "action_id": button["action_id"],
                "block_id": "b",
                "text": button["text"],
                "value": button.get("value", ""),
                "type": "button",
                "action_ts": f"{now:.6f}",
            }
        ],
    }
    return signing.interactive_body(payload), response_url.rsplit("/", 1)[1]


@dataclass
class Step:
    """One server at one offered rate."""

    side: str
    rate: int
    clicks: int
    sent_seconds: float
    statuses: list[int]
    http_ms: list[float]
    receipt_ms: list[float]
    #: CPU seconds the server's process used during the step (user + system), per click
    cpu_ms: float = math.nan

    @property
    def ok(self) -> int:
        return sum(1 for s in self.statuses if s == 200)

    @property
    def lost(self) -> int:
        return sum(1 for v in self.receipt_ms if math.isinf(v))

    @property
    def served(self) -> bool:
        return (
            self.ok == self.clicks
            and percentile(self.receipt_ms, 99) < P99_LIMIT_MS
            and percentile(self.http_ms, 99) < P99_LIMIT_MS
        )


@dataclass(frozen=True)
class Result:
    """One server at one offered rate: the medians over its repetitions."""

    side: str
    rate: int
    steps: list[Step]

    @classmethod
    def of(cls, steps: Sequence[Step], side: str, rate: int) -> Result:
        return cls(side, rate, [s for s in steps if s.side == side and s.rate == rate])

    def _median(self, values: Sequence[float]) -> float:
        return median(values) if values else math.nan

    def pct(self, which: str, pct: float) -> float:
        return self._median([percentile(getattr(s, which), pct) for s in self.steps])

    @property
    def clicks(self) -> int:
        return sum(s.clicks for s in self.steps)

    @property
    def lost(self) -> int:
        return sum(s.lost for s in self.steps)

    @property
    def sent_rate(self) -> float:
        return self._median([s.clicks / s.sent_seconds for s in self.steps if s.sent_seconds])

    @property
    def cpu_ms(self) -> float:
        return self._median([s.cpu_ms for s in self.steps if math.isfinite(s.cpu_ms)])

    @property
    def served(self) -> bool:
        """Every click answered 200 and both median p99s under the limit."""
        return (
            bool(self.steps)
            and all(s.ok == s.clicks for s in self.steps)
            and self.pct("receipt_ms", 99) < P99_LIMIT_MS
            and self.pct("http_ms", 99) < P99_LIMIT_MS
        )


async def offer(
    session: aiohttp.ClientSession,
    stub: Any,
    side: str,
    url: str,
    targets: Sequence[Target],
    users: Sequence[str],
    rate: int,
    seconds: float,
) -> Step:
    """Send ``rate * seconds`` clicks at ``rate`` a second (open loop), one per user."""
    from tests.slack import slack_signing as signing

    count = min(len(users), max(1, round(rate * seconds)))
    bodies = [click_body(stub, targets[n % len(targets)], users[n], n) for n in range(count)]
    sent = [math.nan] * count
    answered = [math.inf] * count
    statuses = [0] * count

    async def click(n: int) -> None:
        body, _key = bodies[n]
        headers = signing.signed_headers(SIGNING_SECRET, body, signing.FORM)
        sent[n] = time.perf_counter()
        try:
            async with session.post(url + "/slack/events", data=body, headers=headers) as reply:
                await reply.read()
                statuses[n] = reply.status
        except aiohttp.ClientError:
            statuses[n] = -1
            return
        answered[n] = time.perf_counter()

    tasks: list[asyncio.Task[None]] = []
    started = time.perf_counter()
    for n in range(count):  # bounded by count; the time bound is the schedule itself
        due = started + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if time.perf_counter() - started > seconds * 2 + 1:
            break  # far behind schedule: the generator cannot keep up; stop offering
        tasks.append(asyncio.create_task(click(n)))
    sent_seconds = time.perf_counter() - started
    deadline = time.perf_counter() + DRAIN_SECONDS
    if tasks:
        await asyncio.wait(tasks, timeout=DRAIN_SECONDS)
    for task in tasks:
        task.cancel()
    keys = [key for _body, key in bodies[: len(tasks)]]
    for _ in range(int(DRAIN_SECONDS / 0.05)):  # receipts still on their way
        if time.perf_counter() >= deadline or all(k in stub.arrivals for k in keys):
            break
        await asyncio.sleep(0.05)
    http_ms = [(answered[n] - sent[n]) * 1000 for n in range(len(tasks))]
    receipt_ms = [
        (stub.arrivals[k] - sent[n]) * 1000 if k in stub.arrivals else math.inf
        for n, k in enumerate(keys)
    ]
    http_ms = [v if not math.isnan(v) else math.inf for v in http_ms]
    return Step(side, rate, len(tasks), sent_seconds, statuses[: len(tasks)], http_ms, receipt_ms)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (NaN if unknown)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the run -----------------------------------------------------------------------------


async def prepare(url: str, users: Sequence[str]) -> None:
    """Schema, shipped banks and the players (they exist, as in a busy minute)."""
    from sqlalchemy import insert

    from bot.services import QuizApp
    from bot.store.models import PlayerRow

    app = await QuizApp.open(url, upgrade=True, load_banks=True)
    try:
        async with app.db.engine.begin() as conn:
            for start in range(0, len(users), 5000):
                await conn.execute(
                    insert(PlayerRow),
                    [
                        {"platform": "slack", "workspace": TEAM, "user_id": u, "name": u.lower()}
                        for u in users[start : start + 5000]
                    ],
                )
    finally:
        await app.close()


async def start_quizzes(
    session: aiohttp.ClientSession, stub: Any, quizbot: Server, channels: Sequence[str]
) -> dict[str, Target]:
    """A one-question quiz (an hour per question) in each channel, started with /quiz."""
    from tests.slack.conftest import SlackDriver

    driver = SlackDriver(quizbot.url, stub, None, session)  # type: ignore[arg-type]
    for channel in channels:
        reply = await driver.command(f"start {BANK} 1 3600", "UHOST", "host", channel)
        if reply.status != 200:
            raise SystemExit(f"/quiz start in {channel}: {reply.status} {reply.text}")
    posted = await stub.wait_for(
        "chat.postMessage", lambda c: bool(c.buttons()), count=len(channels), within=60
    )
    return {
        str(c.params["channel"]): Target(str(c.params["channel"]), c.ts, c.buttons())
        for c in posted
    }


async def recorded_answers(url: str, channels: Sequence[str]) -> int:
    from sqlalchemy import text

    from bot.store.database import Database

    database = Database(url)
    try:
        async with database.engine.connect() as conn:
            return int(
                await conn.scalar(
                    text(
                        "SELECT count(*) FROM answers a JOIN rounds r ON r.id = a.round_id "
                        "JOIN quizzes q ON q.id = r.quiz_id JOIN channels c ON c.id = q.channel_id "
                        "WHERE c.channel_id = ANY(:channels)"
                    ),
                    {"channels": list(channels)},
                )
                or 0
            )
    finally:
        await database.dispose()


async def run(args: argparse.Namespace) -> Table:
    """Measure both servers (see the module's docstring); show the detailed table and
    return the summary (the served rates and their ratio)."""
    rates = [int(r) for r in args.rates.split(",")] if args.rates else None
    rates = rates or list(QUICK_RATES if args.quick else RATES)
    seconds = args.seconds or (QUICK_STEP_SECONDS if args.quick else STEP_SECONDS)
    reps = args.reps or (1 if args.quick else REPS)
    per_side = sum(round(r * seconds) for r in rates) * reps
    users = [f"U{n:06d}" for n in range(per_side)]
    warm = {side: [f"W{side[0].upper()}{n:04d}" for n in range(WARM_CLICKS)] for side in SIDES}
    channels = {
        side: [f"C{side[0].upper()}{n:03d}" for n in range(args.channels)] for side in SIDES
    }
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"quizbot-slack-web-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    stub = timed_stub()
    stub_runner = web.AppRunner(stub.web_app())
    await stub_runner.setup()
    await web.TCPSite(stub_runner, "127.0.0.1", 0).start()
    stub.url = f"http://127.0.0.1:{stub_runner.addresses[0][1]}"
    steps: list[Step] = []
    async with fresh_database("postgres") as url:
        log(f"preparing the database: schema, banks, {len(users):,} players")
        await prepare(url, [*users, *warm["bare"], *warm["quizbot"]])
        ports = {side: free_port() for side in SIDES}
        env = child_env(
            PORT=str(ports["quizbot"]),
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_API_URL=f"{stub.url}/api/",
            DATABASE_URL=url,
        )
        profile = ["-m", "cProfile", "-o", str(args.profile)] if args.profile else []
        servers = {
            "quizbot": await start_server(
                "quizbot", [*profile, "-m", "cli.main", "run", "web"], env, folder, ports["quizbot"]
            ),
            "bare": await start_server(
                "bare",
                ["-m", "bench.slack_web", "--bare-server", str(ports["bare"]), url],
                child_env(SLACK_SIGNING_SECRET=SIGNING_SECRET),
                folder,
                ports["bare"],
            ),
        }
        connector = aiohttp.TCPConnector(limit=1000)
        try:
            async with aiohttp.ClientSession(connector=connector) as session:
                for server in servers.values():
                    await server.wait_healthy(session)
                log(f"starting {2 * args.channels} quizzes")
                targets = await start_quizzes(
                    session, stub, servers["quizbot"], channels["bare"] + channels["quizbot"]
                )
                for side in SIDES:  # connections opened, code paths warm: not measured
                    side_targets = [targets[c] for c in channels[side]]
                    await offer(
                        session, stub, side, servers[side].url, side_targets, warm[side], 20, 2
                    )
                used = dict.fromkeys(SIDES, 0)
                misses = dict.fromkeys(SIDES, 0)  # rates missed in a row
                missed: set[str] = set()  # the sides no longer offered higher rates
                for rate in rates:
                    for rep in range(reps):
                        order = SIDES if rep % 2 == 0 else SIDES[::-1]
                        for side in (s for s in order if s not in missed):
                            count = round(rate * seconds)
                            cpu_before = cpu_seconds(servers[side].process.pid)
                            step = await offer(
                                session,
                                stub,
                                side,
                                servers[side].url,
                                [targets[c] for c in channels[side]],
                                users[used[side] : used[side] + count],
                                rate,
                                seconds,
                            )
                            used[side] += step.clicks
                            cpu = cpu_seconds(servers[side].process.pid) - cpu_before
                            step.cpu_ms = cpu * 1000 / step.clicks if step.clicks else math.nan
                            steps.append(step)
                            log(
                                f"{side:8s} {rate:5d}/s rep {rep + 1}: {step.clicks} clicks, "
                                f"receipt p50 {percentile(step.receipt_ms, 50):.1f} ms "
                                f"p99 {percentile(step.receipt_ms, 99):.1f} ms, "
                                f"lost {step.lost}, cpu {step.cpu_ms:.2f} ms/click"
                            )
                            await asyncio.sleep(0.5)  # let the server settle between steps
                    for side in SIDES:
                        if side in missed:
                            continue
                        served = Result.of(steps, side, rate).served
                        misses[side] = 0 if served else misses[side] + 1
                        if misses[side] >= MISSES_IN_A_ROW:
                            missed.add(side)
                    if missed == set(SIDES):
                        break
                recorded = {side: await recorded_answers(url, channels[side]) for side in SIDES}
        finally:
            codes = {side: await server.stop() for side, server in servers.items()}
            await stub_runner.cleanup()
    summary = show(steps, rates, seconds, reps, args.channels, recorded, used)
    log(f"exit codes {codes}; logs in {folder}")
    return summary


def show(
    steps: list[Step],
    rates: Sequence[int],
    seconds: float,
    reps: int,
    channels: int,
    recorded: dict[str, int],
    used: dict[str, int],
) -> Table:
    """Show the table of every step; the summary table, not shown yet."""
    table = Table(
        "Slack web process: signed clicks at an offered rate (ms from send, median of reps)",
        [
            "offered/s",
            "server",
            "reps",
            "clicks",
            "sent/s",
            "http p50",
            "http p99",
            "receipt p50",
            "receipt p99",
            "lost",
            "cpu ms/click",
            f"p99 < {P99_LIMIT_MS:.0f} ms",
        ],
    )
    results = [Result.of(steps, side, rate) for rate in rates for side in SIDES]
    results = [r for r in results if r.steps]
    for result in results:
        table.add(
            result.rate,
            result.side,
            len(result.steps),
            result.clicks,
            result.sent_rate,
            result.pct("http_ms", 50),
            result.pct("http_ms", 99),
            result.pct("receipt_ms", 50),
            result.pct("receipt_ms", 99),
            result.lost,
            result.cpu_ms,
            result.served,
        )
    table.note(
        f"PostgreSQL; {channels} channels a server, each click a distinct player; steps of "
        f"{seconds:g} s (open loop), {reps} a rate and server, bare and quizbot alternating "
        "which goes first; receipt = its response_url post arriving at the stub; cpu = the "
        "server process's user + system time over the step (and drain) per click"
    )
    table.note(
        f"answers recorded: bare {recorded['bare']:,} of {used['bare'] + WARM_CLICKS:,} clicks, "
        f"quizbot {recorded['quizbot']:,} of {used['quizbot'] + WARM_CLICKS:,} "
        f"({WARM_CLICKS} warm-up clicks each)"
    )
    table.show()

    served = dict.fromkeys(SIDES, 0)  # the highest rate served
    for side in SIDES:
        for result in (r for r in results if r.side == side and r.served):
            served[side] = max(served[side], result.rate)
    summary = Table(
        f"Slack web process: served rate (receipt and HTTP p99 < {P99_LIMIT_MS:.0f} ms)",
        ["bare clicks/s", "quizbot clicks/s", "ratio", "target", "met", "cpu ratio"],
    )
    ratio = served["quizbot"] / served["bare"] if served["bare"] else math.nan
    cpu = {side: median([r.cpu_ms for r in results if r.side == side]) for side in SIDES}
    summary.add(
        served["bare"],
        served["quizbot"],
        ratio,
        ">= 0.5x",
        ratio >= 0.5,
        cpu["quizbot"] / cpu["bare"],
    )
    if any(served[side] == max(rates) for side in SIDES):
        summary.note("a server served the highest rate offered: its rate is at least that")
    summary.note(
        "cpu ratio: quizbot's CPU per click over the bare handler's (medians of all steps)"
    )
    return summary


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    parser.add_argument("--rates", help="comma-separated offered rates (clicks/s)")
    parser.add_argument("--seconds", type=float, help="seconds of clicks per step")
    parser.add_argument("--reps", type=int, help=f"repetitions of each step (default {REPS})")
    parser.add_argument("--channels", type=int, default=10, help="channels per server")
    parser.add_argument("--profile", type=Path, help="run the web process under cProfile")
    parser.add_argument("--bare-server", nargs=2, metavar=("PORT", "URL"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run_default(quick: bool) -> Table:
    """The default run (``python -m bench.slack_web [--quick]``), for ``python -m bench``."""
    return asyncio.run(run(parse_args(["--quick"] if quick else [])))


def main() -> None:
    args = parse_args()
    if args.bare_server:
        port, url = args.bare_server
        asyncio.run(serve_bare(int(port), url, os.environ["SLACK_SIGNING_SECRET"]))
        return
    stop_cleanly_on_sigterm()
    print_machine()
    asyncio.run(run(args)).show()


if __name__ == "__main__":
    main()
