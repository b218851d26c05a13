"""A round that closes while its question is still being posted is revealed in that message.

The core learns a question's message only once the post is done; a round can close first
(the last expected player clicks at once, or the deadline of a slow post passes). The reveal
must then edit the question's message, not post a new one beside a question that keeps its
live buttons. Here the post is held open while the round closes.
"""

from __future__ import annotations

import asyncio

from adapters.kit.conductor import Conductor
from adapters.kit.surface import Capabilities
from bot.clock import FakeClock
from bot.services import QuizApp
from bot.views import ChannelRef, PlayerRef, QuestionView, QuizResults, RoundOutcome

WHERE = ChannelRef("test", "w1", "c1")
ALICE = PlayerRef("test", "w1", "u1", "Alice")


class HeldSurface:
    """A platform whose question posts wait until the test lets them finish."""

    platform = "test"
    capabilities = Capabilities(private_chats=False, live_counts=False)

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.posting: asyncio.Queue[QuestionView] = asyncio.Queue()
        self.revealed: list[RoundOutcome] = []

    async def post_question(self, question: QuestionView) -> str:
        await self.posting.put(question)
        await self.release.wait()
        return f"message-{question.round_id}"

    async def reveal(self, outcome: RoundOutcome, *, stopped: bool = False) -> None:
        self.revealed.append(outcome)

    async def post_results(self, results: QuizResults) -> None:
        return None

    async def end_daily(self, outcome: RoundOutcome) -> None:
        return None

    async def open_private(self, where: ChannelRef, user: str) -> str:
        return where.channel

    async def tell(self, where: ChannelRef, user: str, text: str) -> None:
        return None

    def owns(self, workspace: str) -> bool:
        return True


async def test_a_reveal_that_overtakes_its_post_edits_the_posted_message(
    app: QuizApp, clock: FakeClock
) -> None:
    surface = HeldSurface()
    conductor = Conductor(app, surface)
    starting = asyncio.create_task(
        conductor.start_quiz(WHERE, ALICE, bank="demo", count=2, seconds=30, seed=1)
    )
    question = await asyncio.wait_for(surface.posting.get(), 30)
    clock.advance(seconds=31)
    outcome = await app.close_round(question.round_id)  # closed while still being posted
    assert outcome is not None and outcome.message_ref is None
    announcing = asyncio.create_task(conductor.announce(outcome))
    await asyncio.sleep(0.05)
    assert surface.revealed == []  # the reveal waits for the post
    surface.release.set()
    await asyncio.wait_for(asyncio.gather(starting, announcing), 30)
    [revealed] = surface.revealed
    assert revealed.message_ref == f"message-{question.round_id}"


async def test_a_reveal_of_a_question_posted_elsewhere_does_not_wait(
    app: QuizApp, clock: FakeClock
) -> None:
    """Another process posted it (nothing noted here): the reveal goes on at once."""
    surface = HeldSurface()
    surface.release.set()  # the next question's post
    question = await app.start_quiz(WHERE, ALICE, "demo", 2, 30, seed=1)
    clock.advance(seconds=31)
    outcome = await app.close_round(question.round_id)
    assert outcome is not None
    await asyncio.wait_for(Conductor(app, surface).announce(outcome), 5)
    assert [o.round_id for o in surface.revealed] == [question.round_id]
