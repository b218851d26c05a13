"""Several real processes on one PostgreSQL database: nothing lost, nothing counted twice.

Each worker process (``tests/multiprocess/worker.py``) clicks for players in many channels
(every player is clicked for by two processes: double clicks across processes) and runs its
own deadline ticker. Afterwards the database must hold exactly the answers the processes were
told were recorded, one per (round, player), and every round must have been closed and
announced by exactly one process, including when one process is killed mid-round.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.services import QuizApp
from bot.store.models import AnswerRow, QuizRow, RoundRow
from bot.views import ChannelRef, PlayerRef

ROOT = Path(__file__).resolve().parents[2]
CHANNELS = [f"C{n}" for n in range(10)]
PLAYERS_PER_CHANNEL = 20
ROUNDS = 2
SECONDS = 6


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


def spawn(tmp_path: Path, name: str, url: str, seed: int, max_seconds: float) -> subprocess.Popen:
    config = tmp_path / f"{name}.json"
    config.write_text(
        json.dumps(
            {
                "url": url,
                "seed": seed,
                "channels": CHANNELS,
                "players": players(),
                "max_seconds": max_seconds,
            }
        )
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.multiprocess.worker",
            str(config),
            str(tmp_path / f"{name}.out"),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(process: subprocess.Popen, timeout: float = 60) -> str:
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        pytest.fail(f"worker did not finish in {timeout} s:\n{output}")
    return output


def test_three_processes_hammering_one_database(prepared_postgres_url: str, tmp_path: Path) -> None:
    url = prepared_postgres_url
    asyncio.run(start_quizzes(url))
    workers = [spawn(tmp_path, f"w{n}", url, seed=n, max_seconds=45) for n in range(3)]
    outputs = [finish(w) for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    seen = [json.loads((tmp_path / f"w{n}.out").read_text()) for n in range(3)]
    facts = asyncio.run(database_facts(url))

    recorded = Counter((r, u) for s in seen for r, u in s["recorded"])
    assert recorded and max(recorded.values()) == 1  # no click was acknowledged twice
    assert len(facts["answers"]) == len(recorded)  # every acknowledged answer is stored
    assert len(recorded) >= len(CHANNELS) * PLAYERS_PER_CHANNEL  # hundreds of players answered
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
    asyncio.run(start_quizzes(url))
    doomed = spawn(tmp_path, "doomed", url, seed=1, max_seconds=45)
    survivor = spawn(tmp_path, "survivor", url, seed=2, max_seconds=45)
    time.sleep(2.5)  # mid-round: the first rounds are open for 6 s
    doomed.send_signal(signal.SIGKILL)
    doomed.communicate(timeout=10)
    started = time.monotonic()
    output = finish(survivor)
    assert survivor.returncode == 0, output
    assert time.monotonic() - started < 40
    survived = json.loads((tmp_path / "survivor.out").read_text())
    facts = asyncio.run(database_facts(url))
    assert facts["unfinished"] == 0
    assert set(facts["rounds"].values()) == {"closed"}
    # The killed process announced nothing it could report; the survivor closed every round.
    assert Counter(survived["closed"]) == Counter(set(facts["rounds"]))
    recorded = {(r, u) for r, u in survived["recorded"]}
    stored = len(facts["answers"])
    assert stored >= len(recorded)  # what the killed process recorded is kept too
