"""Several real processes on one PostgreSQL database: nothing lost, nothing counted twice.

Each worker process (``tests/multiprocess/worker.py``) clicks for players in many channels
(every player is clicked for by two processes: double clicks across processes) and runs its
own deadline ticker. Afterwards the database must hold exactly the answers the processes were
told were recorded, one per (round, player), and every round must have been closed and
announced by exactly one process, including when one process is killed mid-round.

The test, not the clock, ends each round: it moves a round's deadline into the past once
every live worker reports having clicked for all its players in it, so a slow or busy
machine gives the same result, only later.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from bot.services import QuizApp
from bot.store.models import AnswerRow, QuizRow, RoundRow
from bot.views import ChannelRef, PlayerRef

ROOT = Path(__file__).resolve().parents[2]
CHANNELS = [f"C{n}" for n in range(10)]
PLAYERS_PER_CHANNEL = 20
ROUNDS = 2
#: Rounds end when the test moves their deadlines, never by themselves.
SECONDS = 3600
#: A bound for a stuck run only (generous for a busy machine); nothing is timed.
SAFETY_SECONDS = 240


def players() -> dict[str, list[str]]:
    return {c: [f"{c}-U{i}" for i in range(PLAYERS_PER_CHANNEL)] for c in CHANNELS}


async def start_quizzes(url: str) -> None:
    app = await QuizApp.open(url, load_banks=False)
    try:
        for channel in CHANNELS:
            await app.start_quiz(
                ChannelRef("slack", "T1", channel),
                PlayerRef("slack", "T1", "starter", "Starter"),
                "crm-podcast",
                ROUNDS,
                SECONDS,
            )
    finally:
        await app.close()


async def database_facts(url: str) -> dict:
    app = await QuizApp.open(url, load_banks=False)
    try:
        async with app.db.sessions() as session:
            answers = (await session.execute(select(AnswerRow.round_id, AnswerRow.player_id))).all()
            rounds = (await session.execute(select(RoundRow.id, RoundRow.status))).all()
            unfinished = await session.scalar(
                select(func.count()).select_from(QuizRow).where(QuizRow.status == "running")
            )
        return {"answers": answers, "rounds": dict(rounds), "unfinished": unfinished}
    finally:
        await app.close()


class Worker:
    """One worker process, and what it has reported on its standard output."""

    def __init__(self, tmp_path: Path, name: str, url: str, seed: int) -> None:
        config = tmp_path / f"{name}.json"
        config.write_text(
            json.dumps(
                {
                    "url": url,
                    "seed": seed,
                    "channels": CHANNELS,
                    "players": players(),
                    "max_seconds": SAFETY_SECONDS,
                }
            )
        )
        self.out = tmp_path / f"{name}.out"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.multiprocess.worker", str(config), str(self.out)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.ready = threading.Event()
        self.answered: set[int] = set()
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            with contextlib.suppress(ValueError):
                progress = json.loads(line)
                self.ready.set() if progress.get("ready") else None
                self.answered.update(progress.get("answered", []))

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def finish(self) -> dict:
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            pytest.fail(f"worker did not finish:\n{''.join(self.lines)}")
        assert self.process.returncode == 0, "".join(self.lines)
        return json.loads(self.out.read_text())


async def open_round_ids(url: str) -> set[int]:
    app = await QuizApp.open(url, load_banks=False)
    try:
        async with app.db.sessions() as session:
            ids = await session.scalars(select(RoundRow.id).where(RoundRow.status == "open"))
            return set(ids)
    finally:
        await app.close()


async def expire(url: str, round_ids: set[int]) -> None:
    """Move the rounds' deadlines into the past: the workers' tickers close them."""
    app = await QuizApp.open(url, load_banks=False)
    try:
        async with app.db.transaction() as session:
            await session.execute(
                update(RoundRow)
                .where(RoundRow.id.in_(round_ids))
                .values(deadline=datetime.now(UTC) - timedelta(seconds=1))
            )
    finally:
        await app.close()


def play_out(url: str, workers: list[Worker]) -> None:
    """Start the quizzes once every worker is ready, and run them to their end."""
    for worker in workers:
        assert worker.ready.wait(60), "".join(worker.lines)
    asyncio.run(start_quizzes(url))
    drive(url, workers)


def drive(url: str, workers: list[Worker]) -> None:
    """End each round (move its deadline) only once every live worker has clicked for all
    its players in it: the machine's speed decides nothing."""
    give_up = time.monotonic() + SAFETY_SECONDS
    expired: set[int] = set()
    while any(w.alive for w in workers):
        assert time.monotonic() < give_up, "the quizzes did not finish"
        live = [w for w in workers if w.alive]
        waiting = asyncio.run(open_round_ids(url)) - expired
        if waiting and all(waiting <= w.answered for w in live):
            asyncio.run(expire(url, waiting))
            expired |= waiting
        time.sleep(0.2)


def test_three_processes_hammering_one_database(prepared_postgres_url: str, tmp_path: Path) -> None:
    url = prepared_postgres_url
    workers = [Worker(tmp_path, f"w{n}", url, seed=n) for n in range(3)]
    try:
        play_out(url, workers)
        seen = [w.finish() for w in workers]
    finally:
        for worker in workers:
            worker.process.kill()
    facts = asyncio.run(database_facts(url))

    recorded = Counter((r, u) for s in seen for r, u in s["recorded"])
    assert recorded and max(recorded.values()) == 1  # no click was acknowledged twice
    assert len(facts["answers"]) == len(recorded)  # every acknowledged answer is stored
    # every player answered every round, each once, though three processes clicked for them
    assert len(recorded) == len(CHANNELS) * PLAYERS_PER_CHANNEL * ROUNDS
    closed = Counter(r for s in seen for r in s["closed"])
    assert set(closed) == set(facts["rounds"])  # every round was announced...
    assert set(closed.values()) == {1}  # ...by exactly one process
    assert set(facts["rounds"].values()) == {"closed"}
    assert len(facts["rounds"]) == len(CHANNELS) * ROUNDS
    assert facts["unfinished"] == 0


def test_a_killed_process_leaves_its_rounds_to_the_other(
    prepared_postgres_url: str, tmp_path: Path
) -> None:
    url = prepared_postgres_url
    doomed = Worker(tmp_path, "doomed", url, seed=1)
    survivor = Worker(tmp_path, "survivor", url, seed=2)
    try:
        for worker in (doomed, survivor):
            assert worker.ready.wait(60), "".join(worker.lines)
        asyncio.run(start_quizzes(url))
        give_up = time.monotonic() + SAFETY_SECONDS
        while not doomed.answered:  # mid-round: it has clicked, the round is still open
            assert time.monotonic() < give_up and doomed.alive, "".join(doomed.lines)
            time.sleep(0.1)
        doomed.process.send_signal(signal.SIGKILL)
        doomed.process.wait(timeout=10)
        drive(url, [survivor])
        survived = survivor.finish()
    finally:
        for worker in (doomed, survivor):
            worker.process.kill()
    facts = asyncio.run(database_facts(url))
    assert facts["unfinished"] == 0
    assert set(facts["rounds"].values()) == {"closed"}
    # The killed process announced nothing it could report; the survivor closed every round.
    assert Counter(survived["closed"]) == Counter(set(facts["rounds"]))
    recorded = {(r, u) for r, u in survived["recorded"]}
    stored = len(facts["answers"])
    assert stored >= len(recorded)  # what the killed process recorded is kept too
