"""A bot process for the scheduled-quiz test: at an injected time, start what is due.

Run as ``python -m tests.multiprocess.schedule_worker URL ISO-TIME``. It opens the
database with a clock stopped at ISO-TIME, says ``ready`` on standard output, waits for a
line on standard input (so both processes look at the same moment), asks for due scheduled quizzes
a few times as its ticker would, and prints the ids of the quizzes it started as JSON, with
the runs it skipped (a run it claimed but could not start: the other process was first).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from datetime import datetime

from bot.clock import FakeClock
from bot.services import QuizApp


class Skips(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


async def main(url: str, at: str) -> None:
    skips = Skips()
    schedules_log = logging.getLogger("bot.services.quiz_schedules")
    schedules_log.setLevel(logging.INFO)
    schedules_log.addHandler(skips)
    app = await QuizApp.open(url, FakeClock(datetime.fromisoformat(at)), load_banks=False)
    try:
        print(json.dumps({"ready": True}), flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        started = []
        for _ in range(5):
            started += [q.quiz_id for q in await app.start_due_quizzes("slack")]
        print(json.dumps({"started": started, "skipped": skips.lines}), flush=True)
    finally:
        await app.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
