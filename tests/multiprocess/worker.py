"""A bot process for the multi-process tests: clicks for its players and runs a ticker.

Run as ``python -m tests.multiprocess.worker CONFIG.json OUT.json``. It answers every open
round of the configured channels for its players (the same players are also clicked for by
another worker: double clicks across processes), closes due rounds with a ticker, and at
the end writes what it saw: each recorded receipt and each round it closed.

It reports on standard output, one JSON object per line, when it is ready and each time it
has clicked for all its players in every channel's open round (``{"answered": [ids]}``), so
the test decides when rounds end (it moves their deadlines), not the machine's speed.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from pathlib import Path

from bot.services import QuizApp
from bot.ticker import Ticker
from bot.views import AnswerStatus, ChannelRef, PlayerRef, RoundOutcome


async def main(config: dict, out_path: Path) -> None:
    app = await QuizApp.open(config["url"], load_banks=False)
    rng = random.Random(config["seed"])
    recorded: list[list] = []
    closed: list[int] = []
    answered: set[tuple[int, str]] = set()

    async def announce(outcome: RoundOutcome) -> None:
        closed.append(outcome.round_id)

    ticker = Ticker(app, "slack", announce, interval=0.2)
    await ticker.start()
    report({"ready": True})
    channels = [ChannelRef("slack", "T1", c) for c in config["channels"]]
    deadline = time.monotonic() + config["max_seconds"]
    seen_any = False  # the test starts the quizzes once every worker is ready
    try:
        while time.monotonic() < deadline:
            pending = []
            running = 0
            open_rounds = []
            for where in channels:
                view = await app.open_round(where)
                if view is None:
                    continue
                running += 1
                open_rounds.append(view.round_id)
                for user in config["players"][where.channel]:
                    if (view.round_id, user) not in answered:
                        answered.add((view.round_id, user))
                        who = PlayerRef("slack", "T1", user, user)
                        pending.append((view.round_id, who, rng.choice("ABCD")))
            if not running and seen_any:
                break  # every quiz is over
            seen_any = seen_any or running > 0
            rng.shuffle(pending)

            async def click(round_id: int, who: PlayerRef, letter: str) -> None:
                receipt = await app.answer(round_id, who, letter)
                if receipt.status is AnswerStatus.RECORDED:
                    recorded.append([round_id, who.user])
                if receipt.outcome is not None:
                    closed.append(receipt.outcome.round_id)

            for start in range(0, len(pending), 50):
                await asyncio.gather(*(click(*p) for p in pending[start : start + 50]))
            if len(open_rounds) == len(channels) and pending:
                report({"answered": sorted(open_rounds)})
            await asyncio.sleep(0.1)
    finally:
        await ticker.stop()
        await app.close()
        await asyncio.to_thread(
            out_path.write_text, json.dumps({"recorded": recorded, "closed": closed})
        )


def report(progress: dict) -> None:
    print(json.dumps(progress), flush=True)


if __name__ == "__main__":
    asyncio.run(main(json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2])))
