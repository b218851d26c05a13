"""Taking turns on one named thing (a bank) across processes, for one transaction.

On PostgreSQL this is a transaction-level advisory lock (``pg_advisory_xact_lock``): it is
released when the transaction ends, whatever happens, and it works behind a pooler in
transaction mode, unlike a session-level lock. On SQLite every writing transaction already
holds the database's single write lock (``BEGIN IMMEDIATE``), so there is nothing to add.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")


async def hold_until_commit(session: AsyncSession, kind: str, name: str) -> None:
    """Wait until no other transaction holds ``kind``/``name``, then hold it until this
    transaction ends. Statements after it see what the previous holder committed."""
    if session.get_bind().dialect.name != "postgresql":
        return
    await session.execute(_LOCK, {"key": f"quizbot:{kind}:{name}"})
