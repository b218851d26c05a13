"""Question banks in the database: finding and listing them, importing parsed questions.

An import reads parsed items as a stream and writes in batches inside the caller's
transaction, so the caller decides all-or-nothing (commit) or a dry run (rollback).
A question is identified by its kind and text (``identity_key``); importing the same
question again is "unchanged", with other content "updated".
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.domain import BankInfo, Question, QuestionKind, Skipped
from bot.errors import BankFormatError, UnknownBankError
from bot.formats.native import NAME_PATTERN
from bot.store.models import BankRow, QuestionRow
from bot.views import BankSummary

BATCH_SIZE = 500


def shipped_banks_dir() -> Path:
    """The folder of banks quizbot ships with (``questions/`` beside the ``bot`` package)."""
    return Path(__file__).resolve().parents[2] / "questions"


async def find_bank(session: AsyncSession, name: str) -> BankRow:
    """A bank by name, or UnknownBankError listing the ones there are."""
    bank = (await session.execute(select(BankRow).where(BankRow.name == name))).scalar()
    if bank is None:
        names = list((await session.execute(select(BankRow.name).order_by(BankRow.name))).scalars())
        known = ", ".join(names) if names else "none yet: import one with 'quizbot import FILE'"
        raise UnknownBankError(f"no bank called {name!r} (banks: {known})")
    return bank


async def bank_summaries(session: AsyncSession) -> list[BankSummary]:
    """Every bank with its counts of playable questions and flashcards."""
    flash = QuestionKind.FLASHCARD.value
    counts = (
        select(
            QuestionRow.bank_id,
            func.sum(case((QuestionRow.kind != flash, 1), else_=0)).label("q"),
            func.sum(case((QuestionRow.kind == flash, 1), else_=0)).label("f"),
        )
        .where(QuestionRow.active.is_(True))
        .group_by(QuestionRow.bank_id)
        .subquery()
    )
    rows = await session.execute(
        select(BankRow, counts.c.q, counts.c.f)
        .outerjoin(counts, counts.c.bank_id == BankRow.id)
        .order_by(BankRow.name)
    )
    summaries = []
    for bank, questions, flashcards in rows:
        topics = (
            await session.execute(
                select(QuestionRow.topic)
                .where(
                    QuestionRow.bank_id == bank.id,
                    QuestionRow.active.is_(True),
                    QuestionRow.topic != "",
                )
                .group_by(QuestionRow.topic)
                .order_by(func.min(QuestionRow.position))
            )
        ).scalars()
        summaries.append(
            BankSummary(
                name=bank.name,
                title=bank.title,
                description=bank.description,
                questions=int(questions or 0),
                flashcards=int(flashcards or 0),
                topics=tuple(topics),
            )
        )
    return summaries


def slug(text: str) -> str:
    """A bank name made from free text (a file name, a title)."""
    made = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")[:64]
    return made or "bank"


@dataclass
class ImportSummary:
    """What one import did to one bank."""

    source: str
    bank: str = ""
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    removed: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged

    def describe(self) -> str:
        text = f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged"
        if self.skipped:
            text += f", {self.skipped} skipped"
        if self.removed:
            text += f", {self.removed} removed"
        return text


def _row_values(question: Question) -> dict[str, Any]:
    return {
        "kind": question.kind.value,
        "prompt": question.prompt,
        "options": list(question.options),
        "correct": question.correct,
        "accepted": list(question.accepted),
        "back": question.back,
        "explanation": question.explanation,
        "topic": question.topic[:200],
        "tags": list(question.tags),
        "source": question.source,
        "identity_key": question.identity_key(),
        "content_hash": question.content_hash(),
        "active": True,
    }


class BankImporter:
    """Writes a stream of parsed items into one bank, in batches, in the caller's transaction."""

    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        *,
        bank_name: str | None = None,
        replace: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.session = session
        self.clock = clock
        self.bank_name = bank_name
        self.replace = replace
        self.progress = progress

    async def run(self, items: Iterable[Any], source: str) -> ImportSummary:
        """Import every question of ``items``; raises BankFormatError on bad input."""
        summary = ImportSummary(source=source)
        info: BankInfo | None = None
        bank: BankRow | None = None
        seen: dict[str, int | None] = {}
        batch: list[Question] = []
        for item in items:
            if isinstance(item, BankInfo):
                info = item
                continue
            if isinstance(item, Skipped):
                summary.skipped += 1
                where = f"{source}:{item.line}" if item.line else source
                summary.warnings.append(f"{where}: {item.reason}")
                continue
            key = item.identity_key()
            if key in seen:
                earlier = f" (same as line {seen[key]})" if seen[key] else ""
                raise BankFormatError(source, item.line, f"duplicate question{earlier}")
            seen[key] = item.line
            batch.append(item)
            if len(batch) >= BATCH_SIZE:
                bank = bank or await self._bank(info, source)
                await self._write(bank, batch, summary)
                batch = []
        bank = bank or await self._bank(info, source)
        await self._write(bank, batch, summary)
        if self.replace:
            summary.removed = await self._retire_unseen(bank, set(seen))
        summary.bank = bank.name
        return summary

    async def _bank(self, info: BankInfo | None, source: str) -> BankRow:
        name = self.bank_name or (info.name if info else slug(Path(source).stem))
        if not NAME_PATTERN.match(name):
            raise BankFormatError(
                source, None, f"bank name {name!r} must be lower-case letters, digits, '-' or '_'"
            )
        bank = (await self.session.execute(select(BankRow).where(BankRow.name == name))).scalar()
        if bank is None:
            bank = BankRow(
                name=name,
                title=(info.title if info else "") or name,
                description=info.description if info else "",
                source=(info.source if info else "") or Path(source).name,
                created_at=self.clock.now(),
            )
            self.session.add(bank)
            await self.session.flush()
        elif info is not None:
            bank.title = info.title or bank.title
            bank.description = info.description or bank.description
            bank.source = info.source or bank.source
        return bank

    async def _write(self, bank: BankRow, batch: list[Question], summary: ImportSummary) -> None:
        if not batch:
            return
        keys = [q.identity_key() for q in batch]
        existing = {
            row.identity_key: row
            for row in await self.session.execute(
                select(
                    QuestionRow.id,
                    QuestionRow.identity_key,
                    QuestionRow.content_hash,
                    QuestionRow.active,
                ).where(QuestionRow.bank_id == bank.id, QuestionRow.identity_key.in_(keys))
            )
        }
        next_position = (
            await self.session.execute(
                select(func.coalesce(func.max(QuestionRow.position), 0)).where(
                    QuestionRow.bank_id == bank.id
                )
            )
        ).scalar_one()
        new_rows: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for question in batch:
            values = _row_values(question)
            old = existing.get(values["identity_key"])
            if old is None:
                next_position += 1
                new_rows.append({**values, "bank_id": bank.id, "position": next_position})
            elif old.content_hash != values["content_hash"] or not old.active:
                changed.append({**values, "id": old.id})
            else:
                summary.unchanged += 1
        if new_rows:
            await self.session.execute(insert(QuestionRow), new_rows)
            summary.new += len(new_rows)
        if changed:
            await self.session.execute(update(QuestionRow), changed)
            summary.updated += len(changed)
        if self.progress:
            self.progress(len(batch))

    async def _retire_unseen(self, bank: BankRow, seen: set[str]) -> int:
        active = await self.session.execute(
            select(QuestionRow.id, QuestionRow.identity_key).where(
                QuestionRow.bank_id == bank.id, QuestionRow.active.is_(True)
            )
        )
        gone = [row.id for row in active if row.identity_key not in seen]
        for start in range(0, len(gone), BATCH_SIZE):
            chunk = gone[start : start + BATCH_SIZE]
            await self.session.execute(
                update(QuestionRow).where(QuestionRow.id.in_(chunk)).values(active=False)
            )
        return len(gone)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def load_shipped_banks(
    session: AsyncSession, clock: Clock, folder: Path | None = None
) -> list[ImportSummary]:
    """Import the shipped bank files whose current content is not loaded yet."""
    from bot.formats import parse_path

    folder = folder or shipped_banks_dir()
    loaded = set((await session.execute(select(BankRow.file_digest))).scalars())
    summaries = []
    for path in sorted(folder.glob("*.yaml")):
        digest = file_digest(path)
        if digest in loaded:
            continue
        importer = BankImporter(session, clock, replace=True)
        summary = await importer.run(parse_path(path, "native"), str(path))
        await session.execute(
            update(BankRow).where(BankRow.name == summary.bank).values(file_digest=digest)
        )
        summaries.append(summary)
    return summaries
