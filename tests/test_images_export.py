"""Exporting pictures: YAML, GIFT and CSV exports write each stored picture as a file beside the
bank (named by its digest) and refer to it; web addresses stay addresses; importing the
export gives equal questions, pictures included. The export hands exporters the pictures'
bytes (what Moodle XML embeds). On SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.services import QuizApp
from bot.services.banks import bank_contents
from bot.services.images import export_contents
from cli.main import cli
from tests.image_samples import GIF, JPEG, png

BANK = """bank: pictures
questions:
  - question: What is <this> & that?
    image: {file: dot.png, alt: A "grey" dot}
    options: [A dot, A <line>]
    answer: A
    explanation: It is round.
  - question: Which flag?
    image: {url: "https://example.org/flags/fr.png", alt: "Blue, white, red"}
    answers: [France]
  - question: Is this a pixel?
    image: pixel.gif
    answer: true
  - question: No picture here?
    answer: true
  - question: Same picture again
    image: dot.png
    answers: [dot]
"""


@pytest.mark.parametrize("fmt", ["yaml", "gift", "csv"])
def test_an_export_writes_pictures_beside_it_and_reimports_equal(
    tmp_path: Path, database_url: str, fmt: str
) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "dot.png").write_bytes(png(5))
    (source / "pixel.gif").write_bytes(GIF)
    (source / "bank.yaml").write_text(BANK, encoding="utf-8")
    runner = CliRunner()
    env = {"DATABASE_URL": database_url}
    imported = runner.invoke(cli, ["import", str(source / "bank.yaml")], env=env)
    assert imported.exit_code == 0, imported.output

    out = tmp_path / "out"
    out.mkdir()
    target = out / f"pictures.{fmt}"
    exported = runner.invoke(cli, ["export", "pictures", "-o", str(target)], env=env)
    assert exported.exit_code == 0, exported.output
    assert "wrote 2 picture(s)" in exported.output
    files = {p.name: p.read_bytes() for p in out.iterdir() if p != target}
    assert files == {
        f"{hashlib.sha256(png(5)).hexdigest()[:16]}.png": png(5),
        f"{hashlib.sha256(GIF).hexdigest()[:16]}.gif": GIF,
    }
    text = target.read_text(encoding="utf-8")
    assert "//example.org/flags/fr.png" in text  # GIFT escapes the colon
    if fmt == "csv":
        assert text.splitlines()[0].endswith(",source,image,image_alt")

    again = runner.invoke(
        cli, ["import", str(target), "--bank", "again", "--format", _import_format(fmt)], env=env
    )
    assert again.exit_code == 0, again.output
    assert _questions(database_url, "again") == _questions(database_url, "pictures", fmt)


def _import_format(fmt: str) -> str:
    return "native" if fmt == "yaml" else fmt


def _questions(database_url: str, bank: str, fmt: str = "yaml") -> list[object]:
    import asyncio

    async def read() -> list[object]:
        app = await QuizApp.open(database_url, load_banks=False)
        try:
            async with app.db.sessions() as session:
                questions = (await bank_contents(session, bank))[1]
        finally:
            await app.close()
        # GIFT has no flashcards and writes no source: every question here survives it
        # (and CSV, which writes everything).
        return [
            (q.kind, q.prompt, q.options, q.correct, q.accepted, q.explanation, q.image)
            for q in questions
        ]

    return asyncio.run(read())


async def test_exporters_are_handed_the_pictures_bytes(app: QuizApp, tmp_path: Path) -> None:
    (tmp_path / "photo.jpg").write_bytes(JPEG)
    bank = tmp_path / "b.yaml"
    bank.write_text(
        "bank: photos\nquestions:\n  - question: A photo?\n    image: photo.jpg\n"
        "    answer: true\n  - question: A web photo?\n    image: https://e.org/p.jpg\n"
        "    answer: false\n",
        encoding="utf-8",
    )
    from bot.formats import parse_path
    from bot.services.importer import BankImporter

    async with app.db.transaction() as session:
        await BankImporter(session, app.clock).run(parse_path(bank), str(bank))
    async with app.db.sessions() as session:
        _info, questions = await export_contents(session, "photos")
        _info, bare = await export_contents(session, "photos", pictures=False)
    stored, web = questions
    assert stored.image is not None and stored.image.data == JPEG
    assert web.image is not None and web.image.data is None and web.image.url
    assert bare[0].image is not None and bare[0].image.data is None
    assert questions == bare  # the bytes take no part in equality
