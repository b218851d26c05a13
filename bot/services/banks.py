"""Question banks in the database: finding, listing, exporting, searching and removing them.

Importing parsed questions into a bank is :mod:`bot.services.importer`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import BankInfo, Image, Question, QuestionKind
from bot.errors import QuizbotError, UnknownBankError
from bot.i18n import _, ngettext
from bot.i18n.languages import content_tag
from bot.store.models import BankRow, QuestionRow, ShippedBankRow
from bot.views import BankSummary


def shipped_banks_dir() -> Path:
    """The folder of banks quizbot ships with (``questions/`` beside the ``bot`` package)."""
    return Path(__file__).resolve().parents[2] / "questions"


def shipped_bank_digests(folder: Path | None = None) -> dict[str, str]:
    """Each shipped bank file's name and the SHA-256 of its bytes (the digest the importer
    stores in ``shipped_banks`` when it loads the file)."""
    folder = folder or shipped_banks_dir()
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.glob("*.yaml"))
    }


async def shipped_banks_current(session: AsyncSession, folder: Path | None = None) -> bool:
    """Whether every shipped bank file was loaded as it is now (its digest is the stored
    one): then there is nothing to load, and the importer need not even be imported."""
    stored = dict(
        (await session.execute(select(ShippedBankRow.file_name, ShippedBankRow.digest))).all()
    )
    return all(stored.get(name) == digest for name, digest in shipped_bank_digests(folder).items())


async def find_bank(session: AsyncSession, name: str) -> BankRow:
    """A bank by name, or UnknownBankError listing the ones there are."""
    bank = (await session.execute(select(BankRow).where(BankRow.name == name))).scalar()
    if bank is None:
        names = list((await session.execute(select(BankRow.name).order_by(BankRow.name))).scalars())
        if not names:
            raise UnknownBankError(
                _(
                    "no bank called {name} (banks: none yet: import one with 'quizbot import FILE')"
                ).format(name=repr(name))
            )
        raise UnknownBankError(
            _("no bank called {name} (banks: {banks})").format(
                name=repr(name), banks=", ".join(names)
            )
        )
    return bank


async def bank_summaries(
    session: AsyncSession, *, language: str | None = None
) -> list[BankSummary]:
    """Every bank with its counts of playable questions and flashcards (``language``: only
    the banks in that language, ``es`` matching ``es-mx`` too)."""
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
        .where(*_in_language(language))
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
                language=bank.language,
            )
        )
    return summaries


def _in_language(language: str | None) -> list[ColumnElement[bool]]:
    if not language:
        return []
    try:
        tag = content_tag(language)
    except ValueError:
        raise QuizbotError(
            _("{tag} is not a language tag (use a code such as en, es, de or pt-br)").format(
                tag=repr(language)
            )
        ) from None
    if "-" in tag:
        return [BankRow.language == tag]
    return [or_(BankRow.language == tag, BankRow.language.startswith(tag + "-"))]


def question_from_row(row: QuestionRow) -> Question:
    """The domain question stored in a row."""
    return Question(
        kind=QuestionKind(row.kind),
        prompt=row.prompt,
        options=tuple(row.options),
        correct=row.correct,
        accepted=tuple(row.accepted),
        back=row.back,
        explanation=row.explanation,
        topic=row.topic,
        tags=tuple(row.tags),
        source=row.source,
        image=image_from_row(row),
    )


def image_from_row(row: QuestionRow) -> Image | None:
    """A stored question's picture, without its bytes (see :mod:`bot.services.images`)."""
    if row.image_digest:
        return Image(digest=row.image_digest, media_type=row.image_type, alt=row.image_alt)
    if row.image_url:
        return Image(url=row.image_url, alt=row.image_alt)
    return None


async def bank_contents(session: AsyncSession, name: str) -> tuple[BankInfo, list[Question]]:
    """A bank's description and its active questions in order (for export)."""
    bank = await find_bank(session, name)
    rows = await session.execute(
        select(QuestionRow)
        .where(QuestionRow.bank_id == bank.id, QuestionRow.active.is_(True))
        .order_by(QuestionRow.position, QuestionRow.id)
    )
    info = BankInfo(bank.name, bank.title, bank.description, bank.source, bank.language)
    return info, [question_from_row(row) for row in rows.scalars()]


async def remove_bank(session: AsyncSession, name: str) -> int:
    """Delete a bank with its questions, quizzes and scores, and the pictures only its
    questions showed; refuses while it is being played."""
    # Here, not at the top: the read-only commands import this module, and the pictures
    # module brings bot.images and its HTML parser (about 8 ms of every such process).
    from bot.services.images import delete_unused_images, image_digests
    from bot.store.models import QuizRow

    bank = await find_bank(session, name)
    running = await session.scalar(
        select(func.count())
        .select_from(QuizRow)
        .where(QuizRow.bank_id == bank.id, QuizRow.status == "running")
    )
    if running:
        raise QuizbotError(
            ngettext(
                "the bank {name} is being played in {count} channel; stop it first",
                "the bank {name} is being played in {count} channels; stop them first",
                running,
            ).format(name=repr(name), count=running)
        )
    questions = await session.scalar(
        select(func.count()).select_from(QuestionRow).where(QuestionRow.bank_id == bank.id)
    )
    pictures = await image_digests(session, bank.id)
    await session.delete(bank)
    await session.flush()
    await delete_unused_images(session, pictures)  # those no other bank's questions show
    return int(questions or 0)


async def search_questions(
    session: AsyncSession, text: str, bank: str | None = None, limit: int = 20
) -> list[tuple[str, int, Question]]:
    """Active questions whose text, options, answers or back contain ``text`` (any case)."""
    needle = text.strip().lower()
    if not needle:
        raise QuizbotError(_("give some text to search for"))
    query = (
        select(BankRow.name, QuestionRow)
        .join(BankRow, BankRow.id == QuestionRow.bank_id)
        .where(
            QuestionRow.active.is_(True),
            func.lower(QuestionRow.prompt).contains(needle, autoescape=True)
            | func.lower(QuestionRow.back).contains(needle, autoescape=True),
        )
        .order_by(BankRow.name, QuestionRow.position)
        .limit(limit)
    )
    if bank is not None:
        await find_bank(session, bank)
        query = query.where(BankRow.name == bank)
    rows = await session.execute(query)
    return [(name, row.id, question_from_row(row)) for name, row in rows]
