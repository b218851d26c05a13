"""Benchmark: one Discord worker process in 10,000 guilds (issue #22, part 1).

The real worker (``python -m cli.main run discord``) connects to the tests' fake Discord
(``tests/discord/fake_discord.py``, REST and gateway on 127.0.0.1), which answers IDENTIFY
with READY listing every guild as unavailable, then one GUILD_CREATE per guild: 4 text
channels and 5 roles each, no member list (only the bot's own member, as Discord sends).
The parent times the process from spawn to its "connected to Discord ... in N servers" line
(discord.py's ``on_ready``, which comes once ``guild_ready_timeout``, 2 s by default, passed
without another GUILD_CREATE) and reads the worker's VmRSS from ``/proc/PID/status`` then.
Then players post channel messages (MESSAGE_CREATE, what discord.py's message cache keeps),
a quiz is started by slash command, and players click an answer button one after another:
a click's latency is the time from the INTERACTION_CREATE being sent to the bot's
interaction callback reaching the fake (the button acknowledged), and to its private
receipt ("recorded"). RSS is read again after the messages and clicks.

The baseline is the same worker in 10 guilds, run alternately with the big one. The
"settings" table then runs the big worker with one discord.py setting changed at a time
(``--settings``), through a launcher that passes the options to ``QuizClient`` and then runs
the same ``cli.main``. Each worker gets a fresh SQLite database (a copy of one prepared at
the start, all in a temporary folder removed at the end); every wait is bounded.

    python -m bench.discord_guilds [--quick] [--guilds 10000] [--reps 2] [--settings]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import (
    BENCH_NOW,
    Table,
    bounded,
    fresh_database_sync,
    log,
    median,
    open_app,
    stop_cleanly_on_sigterm,
    vm_status,
)

ROOT = Path(__file__).resolve().parents[1]
TARGET_MB = 200.0
TARGET_READY_S = 30.0
BASELINE_GUILDS = 10
CHANNELS_PER_GUILD = 4
EXTRA_ROLES = 3  # besides @everyone and the moderator role the fake always has
MEMBERS_INTENT = 1 << 1
MEMBERS_PER_GUILD = 25  # sent only to a client with the members intent
PEOPLE = 8_000_000_000_000_000_000  # their user ids: a pool shared by the guilds
DISTINCT_PEOPLE = 100_000
READY_WITHIN = 180.0  # seconds a worker may take to be ready before the run is abandoned
EXIT_WITHIN = 15.0
READY_LINE = re.compile(r"connected to Discord as .* in (\d+) servers")
LAUNCHER = "bench.discord_guilds"
#: --quick: guilds, repetitions, messages, clicks.
QUICK = (500, 1, 100, 5)
MESSAGES_NOTE = "RSS after = after the channel messages (--messages) and the clicks"

#: The settings table: (label, QuizClient options, note). Each row is the shipped
#: configuration with one thing changed.
SETTINGS: list[tuple[str, dict[str, Any], str]] = [
    ("as shipped", {}, ""),
    ("max_messages=1000", {"max_messages": 1000}, "discord.py's default message cache"),
    (
        "members intent + member cache",
        {"intents": "members", "chunk_guilds_at_startup": False},
        f"privileged; Discord then sends each guild's members ({MEMBERS_PER_GUILD} here)",
    ),
    (
        "guild_ready_timeout=0.5",
        {"guild_ready_timeout": 0.5},
        "on_ready sooner after the last guild",
    ),
]


# -- the fake Discord with many guilds -------------------------------------------------------


def big_fake(guilds: int) -> Any:
    """A FakeDiscord in ``guilds`` guilds (its default one included), a few channels and
    roles each."""
    from tests.discord.fake_discord import FakeChannel, FakeDiscord, FakeGuild, FakeUser

    class ManyGuilds(FakeDiscord):
        def guild_payload(self, guild_id: int = 0) -> dict[str, Any]:
            payload = super().guild_payload(guild_id) if guild_id else super().guild_payload()
            base = payload["roles"][-1]
            payload["roles"] = payload["roles"] + [
                dict(base, id=str(int(payload["id"]) + 1 + n), name=f"role {n}", position=2 + n)
                for n in range(EXTRA_ROLES)
            ]
            if self.identifies and self.identifies[-1].get("intents", 0) & MEMBERS_INTENT:
                # With the members intent, Discord sends a small guild's whole member list.
                first = (int(payload["id"]) // 100) * MEMBERS_PER_GUILD
                payload["members"] = payload["members"] + [
                    FakeUser(PEOPLE + (first + n) % DISTINCT_PEOPLE, f"member{n}").member()
                    for n in range(MEMBERS_PER_GUILD)
                ]
                payload["member_count"] = len(payload["members"])
            return payload

    fake = ManyGuilds()
    first = 5_000_000_000_000_000_000
    for index in range(guilds - 1):
        gid = first + index * 100
        fake.guilds[gid] = FakeGuild(gid, f"Study group {index}")
        for c in range(CHANNELS_PER_GUILD):
            fake._add_channel(FakeChannel(gid + 10 + c, gid, name=f"channel-{c}"))
    return fake


# -- one worker ------------------------------------------------------------------------------


@dataclass
class Run:
    """What one worker process did."""

    guilds: int
    label: str
    identify_s: float = float("nan")  # spawn -> IDENTIFY reached the fake
    sent_s: float = float("nan")  # spawn -> the fake sent the last GUILD_CREATE
    ready_s: float = float("nan")  # spawn -> the on_ready line
    ready_rss_mb: float = float("nan")
    after_rss_mb: float = float("nan")  # after the messages and clicks
    peak_mb: float = float("nan")  # VmHWM then
    ack_ms: list[float] = field(default_factory=list)
    receipt_ms: list[float] = field(default_factory=list)
    servers: int = 0


def worker_env(fake: Any, url: str) -> dict[str, str]:
    from tests.discord.fake_discord import GOOD_TOKEN

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "QUIZBOT_", "SLACK_", "TELEGRAM_")) and k != "DATABASE_URL"
    }
    env.update(
        DISCORD_TOKEN=GOOD_TOKEN,
        DATABASE_URL=url,
        QUIZBOT_DISCORD_API_BASE=fake.api_base,
        QUIZBOT_DISCORD_GATEWAY=fake.gateway_url,
        QUIZBOT_LOBBY="off",  # the clicks land on question 1 at once: no join phase first
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),
    )
    return env


async def wait_line(
    lines: list[str], pattern: re.Pattern[str], process: Any, within: float
) -> re.Match[str]:
    """The first match of ``pattern`` in the worker's output (RuntimeError if it exits or
    ``within`` s pass first)."""
    seen = 0
    for _ in bounded(10**9, within):
        for line in lines[seen:]:
            match = pattern.search(line)
            if match:
                return match
        seen = len(lines)
        if process.returncode is not None:
            raise RuntimeError("the worker exited:\n" + "".join(lines[-30:]))
        await asyncio.sleep(0.005)
    raise RuntimeError(f"no {pattern.pattern!r} within {within:.0f} s:\n" + "".join(lines[-30:]))


async def poll(condition: Callable[[], object], process: Any) -> None:
    """Wait until ``condition()`` holds, the worker exits or READY_WITHIN passes."""
    for _ in bounded(10**9, READY_WITHIN):
        if condition() or process.returncode is not None:
            return
        await asyncio.sleep(0.005)


async def read_lines(stream: asyncio.StreamReader, lines: list[str]) -> None:
    while line := await stream.readline():
        lines.append(line.decode(errors="replace"))


async def run_worker(
    guilds: int,
    url: str,
    *,
    options: dict[str, Any] | None = None,
    label: str = "",
    messages: int = 1000,
    clicks: int = 20,
) -> Run:
    """Start a worker against a fake in ``guilds`` guilds; measure it; stop it."""
    from tests.discord.fake_discord import CHANNEL_ID, FakeUser
    from tests.discord.reading import ALICE, answer

    fake = big_fake(guilds)
    await fake.start()
    result = Run(guilds, label or "as shipped")
    if options is None:
        command = [sys.executable, "-m", "cli.main", "run", "discord"]
    else:
        command = [sys.executable, "-m", LAUNCHER, "--launch", json.dumps(options)]
    lines: list[str] = []
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=ROOT,
        env=worker_env(fake, url),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    reader = asyncio.create_task(read_lines(process.stdout, lines))  # type: ignore[arg-type]
    try:
        await poll(lambda: fake.identifies, process)
        result.identify_s = time.perf_counter() - started
        await poll(lambda: fake.sockets, process)  # added once every GUILD_CREATE is sent
        result.sent_s = time.perf_counter() - started
        ready = await wait_line(lines, READY_LINE, process, READY_WITHIN)
        result.ready_s = time.perf_counter() - started
        result.ready_rss_mb = vm_status("VmRSS", process.pid)
        result.servers = int(ready.group(1))

        # Channel messages, spread over the guilds' channels (what a message cache keeps).
        channels = list(fake.channels)
        for index in bounded(messages, 30.0):
            user = FakeUser(6_000_000_000_000_000_000 + index % 50, f"talker{index % 50}")
            await fake.say(user, f"message {index}", channels[index % len(channels)])

        # A quiz in the default channel, then one click after another by different players.
        start = await fake.slash(
            ALICE,
            "quiz",
            "start",
            bank="demo",
            topic="Space",
            questions=1,
            seconds=600,
            channel_id=CHANNEL_ID,
        )
        await fake.reply_to(start, within=30)
        question = fake.response_message(start)
        for index in bounded(clicks, 20.0):
            player = FakeUser(7_000_000_000_000_000_000 + index, f"player{index}")
            before = len(fake.calls)
            t0 = time.monotonic()
            sent = await answer(fake, player, question, right=index % 2 == 0)
            await fake.reply_to(sent, within=30)
            ack = receipt = None
            for call in fake.calls[before:]:
                if sent.token not in call.path or not call.ok:
                    continue
                if call.path.endswith("/callback") and ack is None:
                    ack = call.at
                elif call.path.startswith("/webhooks/") and receipt is None:
                    receipt = call.at
            if ack is not None:
                result.ack_ms.append((ack - t0) * 1000)
            if receipt is not None:
                result.receipt_ms.append((receipt - t0) * 1000)
        result.after_rss_mb = vm_status("VmRSS", process.pid)
        result.peak_mb = vm_status("VmHWM", process.pid)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), EXIT_WITHIN)
            except TimeoutError:
                process.kill()
                await process.wait()
        reader.cancel()
        await fake.stop()
    return result


# -- the run ---------------------------------------------------------------------------------


def prepare_database(folder: Path, url: str) -> Path:
    """Migrate ``url`` (a SQLite file) and load the shipped banks; its path."""
    from bot.clock import FakeClock

    async def prepare() -> None:
        app = await open_app(url, FakeClock(BENCH_NOW))
        await app.close()

    asyncio.run(prepare())
    return Path(url.split("///", 1)[1])


def copy_url(template: Path, name: str) -> str:
    path = template.with_name(f"{template.stem}-{name}.db")
    shutil.copyfile(template, path)
    return f"sqlite+aiosqlite:///{path}"


def headline(runs: list[Run], guilds: int) -> Table:
    base = [r for r in runs if r.guilds == BASELINE_GUILDS]
    big = [r for r in runs if r.guilds == guilds]
    table = Table(
        f"Discord worker in {guilds:,} guilds (baseline {BASELINE_GUILDS} guilds)",
        [
            "guilds",
            "runs",
            "RSS ready MB",
            "RSS after MB",
            "peak MB",
            "identify s",
            "guilds sent s",
            "ready s",
            "ack p50 ms",
            "receipt p50 ms",
            "target",
        ],
    )
    for rows, target in ((base, None), (big, True)):
        if not rows:
            continue
        rss = median([r.ready_rss_mb for r in rows])
        ready = median([r.ready_s for r in rows])
        met = rss < TARGET_MB and ready < TARGET_READY_S if target else "-"
        table.add(
            rows[0].guilds,
            len(rows),
            rss,
            median([r.after_rss_mb for r in rows]),
            median([r.peak_mb for r in rows]),
            median([r.identify_s for r in rows]),
            median([r.sent_s for r in rows]),
            ready,
            median([ms for r in rows for ms in r.ack_ms]),
            median([ms for r in rows for ms in r.receipt_ms]),
            met,
        )
    if base and big:
        rss_b, rss_n = (median([r.ready_rss_mb for r in rows]) for rows in (base, big))
        ready_b, ready_n = (median([r.ready_s for r in rows]) for rows in (base, big))
        ack_b, ack_n = (median([ms for r in rows for ms in r.ack_ms]) for rows in (base, big))
        table.note(
            f"{guilds:,} vs {BASELINE_GUILDS} guilds: RSS +{rss_n - rss_b:.0f} MB "
            f"(x{rss_n / rss_b:.2f}), ready x{ready_n / ready_b:.2f}, "
            f"click ack x{ack_n / ack_b:.2f}"
        )
    table.note(f"target: RSS under {TARGET_MB:.0f} MB and ready under {TARGET_READY_S:.0f} s")
    table.note(
        f"{CHANNELS_PER_GUILD} text channels and {EXTRA_ROLES + 2} roles per guild, no members; "
        "ready = spawn to on_ready (includes discord.py's guild_ready_timeout of 2 s); "
        f"{MESSAGES_NOTE}"
    )
    return table


def settings_table(runs: list[Run], guilds: int) -> Table:
    table = Table(
        f"discord.py settings in {guilds:,} guilds (one change from the shipped configuration)",
        [
            "setting",
            "runs",
            "RSS ready MB",
            "vs shipped MB",
            "RSS after MB",
            "ready s",
            "ack p50 ms",
        ],
    )
    shipped = median([r.ready_rss_mb for r in runs if r.label == SETTINGS[0][0]])
    for label, _options, note in SETTINGS:
        rows = [r for r in runs if r.label == label]
        if rows:
            rss = median([r.ready_rss_mb for r in rows])
            table.add(
                label,
                len(rows),
                rss,
                f"{rss - shipped:+.0f}",
                median([r.after_rss_mb for r in rows]),
                median([r.ready_s for r in rows]),
                median([ms for r in rows for ms in r.ack_ms]),
            )
            if note:
                table.note(f"{label}: {note}")
    table.note(
        "each setting is run through a launcher that passes it to QuizClient, then runs the "
        f"same cli.main; rounds of every setting alternate; {MESSAGES_NOTE}"
    )
    return table


def measured(guilds: int, url: str, messages: int, clicks: int, **options: Any) -> Run:
    done = asyncio.run(run_worker(guilds, url, messages=messages, clicks=clicks, **options))
    log(f"  ready in {done.ready_s:.1f} s, {done.ready_rss_mb:.0f} MB")
    return done


def run(guilds: int, reps: int, messages: int, clicks: int, with_settings: bool) -> list[Table]:
    tables = []
    with fresh_database_sync("sqlite") as url:
        template = prepare_database(Path(url.split("///", 1)[1]).parent, url)
        runs: list[Run] = []
        count = 0
        for rep in range(reps):
            for size in (BASELINE_GUILDS, guilds):
                count += 1
                log(f"worker in {size:,} guilds (repetition {rep + 1}/{reps})")
                runs.append(measured(size, copy_url(template, str(count)), messages, clicks))
        tables.append(headline(runs, guilds))
        if with_settings:
            setting_runs: list[Run] = []
            for rep in range(reps):
                for label, options, _note in SETTINGS:
                    count += 1
                    log(f"worker in {guilds:,} guilds with {label} ({rep + 1}/{reps})")
                    setting_runs.append(
                        measured(
                            guilds,
                            copy_url(template, str(count)),
                            messages,
                            clicks,
                            options=options,
                            label=label,
                        )
                    )
            tables.append(settings_table(setting_runs, guilds))
    return tables


# -- the launcher: the worker with other client options ---------------------------------------


def launch(options_json: str) -> None:
    """Run ``quizbot run discord`` with these QuizClient options (the settings table)."""
    import discord

    from adapters.discord import client as client_module

    options = json.loads(options_json)
    if options.pop("intents", None) == "members":
        shipped = client_module.quizbot_intents

        def with_members(message_content: bool) -> discord.Intents:
            intents = shipped(message_content)
            intents.members = True
            return intents

        client_module.quizbot_intents = with_members
        options.setdefault(
            "member_cache_flags", discord.MemberCacheFlags.from_intents(with_members(False))
        )
    original = client_module.QuizClient.__init__

    def patched(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **{**kwargs, **options})

    client_module.QuizClient.__init__ = patched  # type: ignore[method-assign]
    from cli.main import main

    sys.argv = ["quizbot", "run", "discord"]
    main()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    parser.add_argument("--guilds", type=int, default=10_000, help="guilds of the big worker")
    parser.add_argument("--reps", type=int, default=2, help="runs of each size, alternated")
    parser.add_argument("--messages", type=int, default=1000, help="channel messages sent")
    parser.add_argument("--clicks", type=int, default=20, help="clicks timed per worker")
    parser.add_argument("--settings", action="store_true", help="also the settings table")
    parser.add_argument("--launch", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.launch is not None:
        launch(args.launch)
        return
    stop_cleanly_on_sigterm()
    if args.quick:
        args.guilds, args.reps, args.messages, args.clicks = QUICK
    for table in run(args.guilds, args.reps, args.messages, args.clicks, args.settings):
        table.show()


def run_default(quick: bool) -> list[Table]:
    """The tables of a default run (``python -m bench``): no settings table."""
    guilds, reps, messages, clicks = QUICK if quick else (10_000, 2, 1000, 20)
    return run(guilds, reps, messages, clicks, with_settings=False)


if __name__ == "__main__":
    main()
