"""Pictures in the database: storing a question's image once per digest, loading the bytes.

Questions refer to a stored picture by its digest (``questions.image_digest``); the bytes live
once in ``images``, whatever number of questions and banks use them. Reading questions back
gives :class:`bot.domain.Image` values without their bytes; :func:`load_image` and
:func:`with_image_data` fetch them when something needs them (a platform sending a file, an
export writing one).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.domain import BankInfo, Image, Question
from bot.errors import BankFormatError
from bot.i18n import _
from bot.images import file_name
from bot.store.models import ImageRow, QuestionRow


@dataclasses.dataclass(frozen=True, slots=True)
class StoredImage:
    """A stored picture's bytes and media type."""

    digest: str
    media_type: str
    data: bytes


async def load_image(session: AsyncSession, digest: str) -> StoredImage | None:
    """The stored picture with ``digest``; None when there is none."""
    row = (
        await session.execute(
            select(ImageRow.media_type, ImageRow.data).where(ImageRow.digest == digest)
        )
    ).first()
    if row is None:
        return None
    return StoredImage(digest, row.media_type, bytes(row.data))


async def with_image_data(session: AsyncSession, questions: Sequence[Question]) -> list[Question]:
    """``questions`` with the bytes of their stored pictures loaded (``Image.data``), for
    an exporter that writes or embeds them; URL pictures stay as they are."""
    digests = {q.image.digest for q in questions if q.image is not None and q.image.digest}
    if not digests:
        return list(questions)
    data: dict[str, bytes] = {}
    for digest in digests:
        stored = await load_image(session, digest)
        if stored is not None:
            data[digest] = stored.data
    out = []
    for question in questions:
        image = question.image
        if image is not None and image.digest in data:
            image = dataclasses.replace(image, data=data[image.digest])
            question = dataclasses.replace(question, image=image)
        out.append(question)
    return out


async def store_images(
    session: AsyncSession, questions: Iterable[Question], clock: Clock, source: str = ""
) -> None:
    """Store the pictures of ``questions`` that the database does not hold yet, once per
    digest, in the caller's transaction (before the questions that refer to them).

    A picture named by digest alone (no bytes) must be stored already, else it is an error
    at its question's line.
    """
    found: dict[str, tuple[Image, int | None]] = {}  # digest -> the image (with data), line
    for question in questions:
        image = question.image
        if image is None or not image.digest:
            continue
        if image.digest not in found or found[image.digest][0].data is None:
            found[image.digest] = (image, question.line)
    if not found:
        return
    # FOR KEY SHARE (PostgreSQL; nothing on SQLite, whose writers take turns): a picture
    # this import relies on is not deleted as unused (delete_unused_images) meanwhile.
    stored = set(
        (
            await session.execute(
                select(ImageRow.digest)
                .where(ImageRow.digest.in_(list(found)))
                .with_for_update(key_share=True)
            )
        ).scalars()
    )
    rows: list[dict[str, Any]] = []
    for digest, (image, line) in found.items():
        if digest in stored:
            continue
        if image.data is None:
            raise BankFormatError(
                source,
                line,
                _("image {digest} is not stored and has no data").format(digest=digest[:16]),
            )
        rows.append(
            {
                "digest": digest,
                "media_type": image.media_type,
                "size": len(image.data),
                "data": image.data,
                "created_at": clock.now(),
            }
        )
    if rows:  # another import may store the same picture meanwhile: that one is as good
        dialect = session.get_bind().dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        await session.execute(
            dialect_insert(ImageRow).on_conflict_do_nothing(index_elements=["digest"]), rows
        )


async def image_digests(session: AsyncSession, bank_id: int) -> set[str]:
    """The digests of the stored pictures a bank's questions (retired ones too) refer to."""
    rows = await session.execute(
        select(QuestionRow.image_digest)
        .where(QuestionRow.bank_id == bank_id, QuestionRow.image_digest.is_not(None))
        .distinct()
    )
    return {digest for digest in rows.scalars() if digest}


async def delete_unused_images(session: AsyncSession, digests: Iterable[str]) -> int:
    """Delete the pictures among ``digests`` that no question of any bank refers to any
    more, in the caller's transaction; returns how many were deleted.

    Pictures are content-addressed and shared, so one goes only when its last question
    went (a retired question still refers to its picture). On PostgreSQL a picture that a
    running import is about to use (locked FOR KEY SHARE by it, or by the foreign key of a
    question it inserted) is skipped, not waited for: a later removal deletes it.
    """
    candidates = sorted(set(digests))
    if not candidates:
        return 0
    used = select(QuestionRow.id).where(QuestionRow.image_digest == ImageRow.digest).exists()
    unused = list(
        (
            await session.execute(
                select(ImageRow.digest)
                .where(ImageRow.digest.in_(candidates), ~used)
                .with_for_update(skip_locked=True)
            )
        ).scalars()
    )
    if not unused:
        return 0
    deleted = await session.execute(
        delete(ImageRow)
        .where(ImageRow.digest.in_(unused), ~used)
        .execution_options(synchronize_session=False)
    )
    return int(deleted.rowcount or 0)


async def export_contents(
    session: AsyncSession, name: str, pictures: bool = True
) -> tuple[BankInfo, list[Question]]:
    """A bank's description and active questions for an exporter; with ``pictures``, the
    stored pictures' bytes loaded (``Image.data``) to embed or write beside the export."""
    from bot.services.banks import bank_contents

    info, questions = await bank_contents(session, name)
    if pictures:
        questions = await with_image_data(session, questions)
    return info, questions


def write_image_files(questions: Iterable[Question], folder: Path) -> int:
    """Write each stored picture of ``questions`` (with its bytes loaded) into ``folder``
    under :func:`bot.images.file_name`, as an export refers to it; returns how many files
    were written (one already there with the same bytes is left as it is)."""
    written: set[str] = set()
    for question in questions:
        image = question.image
        if image is None or not image.digest or image.data is None:
            continue
        name = file_name(image)
        if name in written:
            continue
        path = folder / name
        if not (path.is_file() and path.read_bytes() == image.data):
            temporary = path.with_name(path.name + ".part")
            temporary.write_bytes(image.data)
            temporary.replace(path)
        written.add(name)
    return len(written)
