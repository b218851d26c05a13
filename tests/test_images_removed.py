"""Pictures no question refers to any more are deleted with the bank that showed them.

Pictures are stored once per digest and shared between banks, so removing a bank
(``quizbot banks remove``) deletes, in the same transaction, only those pictures no question
of another bank (retired ones included) refers to. A ``--replace`` import keeps the pictures
of the questions it retires (their rows stay, for past games). On SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.errors import QuizbotError
from bot.formats import parse_path
from bot.services import QuizApp
from bot.services.banks import remove_bank
from bot.services.importer import BankImporter
from bot.store.models import ImageRow
from tests.image_samples import GIF, png


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _bank(folder: Path, name: str, pictures: list[str]) -> Path:
    body = "".join(
        f"  - question: Picture {i} of {name}?\n    image: {picture}\n    answer: true\n"
        for i, picture in enumerate(pictures)
    )
    path = folder / f"{name}.yaml"
    path.write_text(f"bank: {name}\nquestions:\n{body}", encoding="utf-8")
    return path


async def _import(app: QuizApp, path: Path, *, replace: bool = False) -> None:
    async with app.db.transaction() as session:
        await BankImporter(session, app.clock, replace=replace).run(parse_path(path), str(path))


async def _stored(app: QuizApp) -> set[str]:
    async with app.db.sessions() as session:
        return set((await session.execute(select(ImageRow.digest))).scalars())


async def test_removing_a_bank_deletes_the_pictures_only_it_showed(
    app: QuizApp, tmp_path: Path
) -> None:
    (tmp_path / "own.png").write_bytes(png(1))
    (tmp_path / "shared.png").write_bytes(png(2))
    (tmp_path / "other.gif").write_bytes(GIF)
    await _import(app, _bank(tmp_path, "first", ["own.png", "shared.png", "own.png"]))
    await _import(app, _bank(tmp_path, "second", ["shared.png", "other.gif"]))
    own, shared, other = _digest(png(1)), _digest(png(2)), _digest(GIF)
    assert await _stored(app) == {own, shared, other}

    async with app.db.transaction() as session:
        assert await remove_bank(session, "first") == 3
    assert await _stored(app) == {shared, other}  # the second bank still shows those

    async with app.db.transaction() as session:
        await remove_bank(session, "second")
    assert await _stored(app) == set()


async def test_a_retired_question_keeps_its_picture_until_its_bank_goes(
    app: QuizApp, tmp_path: Path
) -> None:
    (tmp_path / "old.png").write_bytes(png(3))
    (tmp_path / "new.png").write_bytes(png(4))
    await _import(app, _bank(tmp_path, "deck", ["old.png"]))
    await _import(app, _bank(tmp_path, "deck", ["new.png"]), replace=True)
    # The first question is retired, not deleted: past games still refer to it.
    assert await _stored(app) == {_digest(png(3)), _digest(png(4))}
    async with app.db.transaction() as session:
        assert await remove_bank(session, "deck") == 2
    assert await _stored(app) == set()


async def test_a_removal_rolled_back_keeps_its_pictures(app: QuizApp, tmp_path: Path) -> None:
    (tmp_path / "own.png").write_bytes(png(5))
    await _import(app, _bank(tmp_path, "kept", ["own.png"]))
    with pytest.raises(QuizbotError):
        async with app.db.transaction() as session:
            await remove_bank(session, "kept")
            raise QuizbotError("the caller fails after the removal")  # rolled back together
    assert await _stored(app) == {_digest(png(5))}


async def test_a_picture_an_import_is_using_is_not_deleted_under_it(
    app: QuizApp, tmp_path: Path
) -> None:
    """PostgreSQL: another bank's import, not yet committed, refers to the picture of the
    bank being removed; the removal skips it (no wait, no foreign-key failure), both commit."""
    if app.db.dialect != "postgresql":
        pytest.skip("SQLite's writers take turns: an import never overlaps a removal")
    (tmp_path / "shared.png").write_bytes(png(6))
    await _import(app, _bank(tmp_path, "leaving", ["shared.png"]))
    arriving = _bank(tmp_path, "arriving", ["shared.png"])
    async with app.db.transaction() as importing:
        await BankImporter(importing, app.clock).run(parse_path(arriving), str(arriving))

        async def remove() -> None:
            async with app.db.transaction() as session:
                await remove_bank(session, "leaving")

        await asyncio.wait_for(remove(), timeout=30)  # blocked on the import's lock: fails
    assert await _stored(app) == {_digest(png(6))}
