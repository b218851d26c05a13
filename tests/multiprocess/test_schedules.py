"""Two real processes on one database, each with its clock stopped at the same moment: a
weekly quiz at 17:00 London time is started by exactly one of them, in summer (16:00 UTC)
and in winter (17:00 UTC), on PostgreSQL and SQLite."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.services import QuizApp
from bot.store.models import QuizRow
from bot.views import ChannelRef, PlayerRef

ROOT = Path(__file__).resolve().parents[2]
HERE = ChannelRef("slack", "T1", "game-night")
MODERATOR = PlayerRef("slack", "T1", "U1", "Ann")


async def schedule(url: str) -> None:
    app = await QuizApp.open(url, FakeClock(datetime(2026, 7, 1, tzinfo=UTC)), load_banks=False)
    try:
        await app.schedule_quiz(
            HERE,
            MODERATOR,
            "weekly",
            "17:00",
            "Europe/London",
            weekday="fri",
            bank="crm-podcast",
            questions=2,
            is_moderator=True,
        )
    finally:
        await app.close()


async def quizzes_and_stop(url: str) -> int:
    """How many quizzes the channel had; the running one is stopped for the next run."""
    app = await QuizApp.open(url, load_banks=False)
    try:
        async with app.db.reads() as session:
            count = await session.scalar(select(func.count()).select_from(QuizRow))
        await app.stop_quiz(HERE, MODERATOR)
        return count or 0
    finally:
        await app.close()


def run_two(url: str, at: datetime) -> list[int]:
    """Both processes at ``at``, let go together; the quiz ids they started."""
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.multiprocess.schedule_worker", url, at.isoformat()],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None
            assert json.loads(worker.stdout.readline() or "{}").get("ready"), worker.stderr
        for worker in workers:  # go, both at once
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        started = []
        for worker in workers:
            out, err = worker.communicate(timeout=120)
            assert worker.returncode == 0, err
            said = json.loads(out.strip().splitlines()[-1])
            # The claim kept the other process from even trying (a run found months late,
            # as when the clock jumps from July to December here, is skipped on purpose).
            assert [line for line in said["skipped"] if "run due at" not in line] == []
            started += said["started"]
        return started
    finally:
        for worker in workers:
            worker.kill()


@pytest.mark.parametrize("backend", ["postgres", "sqlite"])
def test_two_processes_start_a_weekly_quiz_once_summer_and_winter(
    backend: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue(f"prepared_{backend}_url")
    asyncio.run(schedule(url))
    # Friday 3 July 2026, BST: 17:00 in London is 16:00 UTC; at 15:59 nothing is due.
    assert run_two(url, datetime(2026, 7, 3, 15, 59, tzinfo=UTC)) == []
    assert len(run_two(url, datetime(2026, 7, 3, 16, 0, 1, tzinfo=UTC))) == 1
    assert asyncio.run(quizzes_and_stop(url)) == 1
    # Friday 4 December 2026, GMT: 17:00 in London is 17:00 UTC (16:00 is not it).
    assert run_two(url, datetime(2026, 12, 4, 16, 0, 1, tzinfo=UTC)) == []
    assert len(run_two(url, datetime(2026, 12, 4, 17, 0, 1, tzinfo=UTC))) == 1
    assert asyncio.run(quizzes_and_stop(url)) == 2
