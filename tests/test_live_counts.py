"""The kit's live answer counts: one edit in flight per message, the latest count wins, and
none once the round has closed (so a count can never land on top of a reveal)."""

from __future__ import annotations

import asyncio

from adapters.kit.counts import LiveCounts


class SlowMessage:
    """A message whose edits take a while (a platform's rate limit), recording each."""

    def __init__(self, seconds: float = 0.05) -> None:
        self.seconds = seconds
        self.edits: list[int] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def edit(self, count: int) -> None:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(self.seconds)
        self.edits.append(count)
        self.in_flight -= 1


async def test_fifty_clicks_make_two_edits_and_the_last_shows_them_all() -> None:
    counts, message = LiveCounts(), SlowMessage()
    released = asyncio.Event()

    async def held_edit(count: int) -> None:  # the platform holds each edit until released
        await released.wait()
        await message.edit(count)

    for answered in range(1, 51):  # all fifty while the first edit is under way
        counts.note(7, answered, held_edit)
        await asyncio.sleep(0)
    released.set()
    await counts.settled()
    assert message.most_in_flight == 1
    assert message.edits == [1, 50] and counts.shown(7) == 50  # coalesced, not fifty


async def test_an_older_count_arriving_late_is_ignored() -> None:
    counts, message = LiveCounts(), SlowMessage(0)
    counts.note(1, 5, message.edit)
    counts.note(1, 3, message.edit)  # a slower click's count, overtaken
    await counts.settled()
    assert message.edits == [5]


async def test_closing_waits_for_the_edit_in_flight_and_starts_no_more() -> None:
    counts, message = LiveCounts(), SlowMessage(0.1)
    counts.note(3, 1, message.edit)
    await asyncio.sleep(0.01)  # the first edit is under way
    counts.note(3, 2, message.edit)  # would need a second edit...
    await counts.close(3)  # ...but the round closes first
    assert message.edits == [1] and message.in_flight == 0
    counts.note(3, 3, message.edit)  # a click after the close
    await counts.settled()
    assert message.edits == [1]


async def test_a_failing_edit_is_logged_and_does_not_block_the_close() -> None:
    counts = LiveCounts()

    async def refused(count: int) -> None:
        raise RuntimeError("403 Missing Permissions")

    counts.note(9, 1, refused)
    await asyncio.wait_for(counts.close(9), 1)
    assert counts.shown(9) == 0
