"""The messages this process is posting questions in, for a reveal that overtakes them.

A round can close moments after its question is posted (the last expected player clicks at
once, or a solo player does) and before the conductor has stored the question's message in
the core. The outcome then carries no message, and the reveal would go out as a new message
while the question stayed up with live buttons. So the conductor notes each question it is
posting here, and a reveal without a message waits (briefly) for the post to finish and
takes its message. A round closed by another process finds the message in the core as
before; only the process that posted it can be this quick.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict

#: How many rounds' messages are remembered (the oldest are forgotten first).
MEMORY = 1000
#: The longest a reveal waits for its question's post to finish.
WAIT_SECONDS = 10.0


class PostedMessages:
    """Round id -> the message its question was posted in (once the post is done)."""

    def __init__(self, memory: int = MEMORY) -> None:
        self._posts: OrderedDict[int, asyncio.Future[str | None]] = OrderedDict()
        self._memory = memory

    def posting(self, round_id: int) -> None:
        """A question of ``round_id`` is about to be posted."""
        self._posts[round_id] = asyncio.get_running_loop().create_future()
        while len(self._posts) > self._memory:
            _, oldest = self._posts.popitem(last=False)
            if not oldest.done():
                oldest.set_result(None)

    def posted(self, round_id: int, ref: str | None) -> None:
        """The post of ``round_id``'s question ended: in message ``ref`` (None: it failed)."""
        future = self._posts.get(round_id)
        if future is not None and not future.done():
            future.set_result(ref)

    def forget(self, round_id: int) -> None:
        """``round_id`` was revealed with its message: nothing to keep."""
        self._posts.pop(round_id, None)

    async def message_of(self, round_id: int, within: float = WAIT_SECONDS) -> str | None:
        """The message ``round_id``'s question is in, waiting for a post under way; None
        when this process did not post it (or the post failed or took too long)."""
        future = self._posts.get(round_id)
        if future is None:
            return None
        try:
            return await asyncio.wait_for(asyncio.shield(future), within)
        except TimeoutError:
            return None
        finally:
            self.forget(round_id)
