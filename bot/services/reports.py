"""A game's report, question by question (Kahoot's host report): for one quiz, each round's
question, how many answered, the share right, how many picked each option, who got it right
and how fast, and the quiz's final standings.

Every read is bound to the quiz's tenant: :func:`quiz_tenant` says whose a quiz is, and
:func:`game_report` returns None for a quiz outside the platform and workspace it is given.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.store.database import Database
from bot.store.models import ChannelRow, QuizRow


async def quiz_tenant(db: Database, quiz_id: int) -> tuple[str, str] | None:
    """The (platform, workspace) a quiz was played in, or None if there is no such quiz."""
    async with db.reads() as session:
        row = (
            await session.execute(
                select(ChannelRow.platform, ChannelRow.workspace)
                .join(QuizRow, QuizRow.channel_id == ChannelRow.id)
                .where(QuizRow.id == quiz_id)
            )
        ).first()
    return None if row is None else (row.platform, row.workspace)
