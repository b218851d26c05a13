"""Pictures on questions, from bank files to the database and back.

Each text format names a picture its own way (native ``image:``, CSV ``image``/``image_alt``
columns, GIFT's ``<img>`` in ``[html]`` text, Anki's ``<img>`` with a ``collection.media``
folder); the file beside the bank is checked by its bytes, stored once per digest in the
import's transaction, and read back with the question. A missing file, a file that is not
a PNG/JPEG/GIF/WebP, or one over the size limit is an error at the bank's file:line, on
import (nothing written) and on validate.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.domain import Image, Question, QuestionKind
from bot.errors import BankFormatError
from bot.formats import parse_path
from bot.images import MAX_IMAGE_BYTES
from bot.services import QuizApp
from bot.services.banks import bank_contents
from bot.services.images import load_image, with_image_data
from bot.services.importer import BankImporter
from bot.store.models import BankRow, ImageRow
from cli.main import cli
from tests.image_samples import GIF, JPEG, SAMPLES, WEBP, png


def _native(folder: Path, body: str) -> Path:
    path = folder / "bank.yaml"
    path.write_text("bank: pictures\nquestions:\n" + body, encoding="utf-8")
    return path


async def _import(
    app: QuizApp, path: Path, format_name: str | None = None, *, process: bool = False
) -> None:
    """Import ``path``, parsed here or, with ``process``, in a second process (whose
    pictures cross to the importer with their questions)."""
    async with app.db.transaction() as session:
        await BankImporter(session, app.clock).run_file(path, format_name, process=process)


async def _questions(app: QuizApp, bank: str = "pictures") -> list[Question]:
    async with app.db.sessions() as session:
        return (await bank_contents(session, bank))[1]


async def _image_count(app: QuizApp) -> int:
    async with app.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(ImageRow)) or 0)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
async def test_each_kind_of_picture_is_stored_by_digest_and_read_back(
    app: QuizApp, tmp_path: Path, kind: str
) -> None:
    data = SAMPLES[kind]
    (tmp_path / f"pic.{kind}").write_bytes(data)
    path = _native(
        tmp_path,
        f"  - question: What is shown?\n    image: {{file: pic.{kind}, alt: A tiny {kind}}}\n"
        "    answer: a dot\n",
    )
    await _import(app, path)
    [question] = await _questions(app)
    digest = hashlib.sha256(data).hexdigest()
    expected_type = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif"}.get(
        kind, "image/webp"
    )
    assert question.image == Image(digest=digest, alt=f"A tiny {kind}", media_type=expected_type)
    assert question.image.data is None  # read back without its bytes
    async with app.db.sessions() as session:
        stored = await load_image(session, digest)
        assert stored is not None and stored.data == data and stored.media_type == expected_type
        [loaded] = await with_image_data(session, [question])
    assert loaded.image is not None and loaded.image.data == data


@pytest.mark.parametrize("process", [False, True], ids=["here", "parse-process"])
async def test_one_picture_is_stored_once_for_many_questions_and_imports(
    app: QuizApp, tmp_path: Path, process: bool
) -> None:
    (tmp_path / "same.png").write_bytes(png(7))
    (tmp_path / "other.gif").write_bytes(GIF)
    body = "".join(
        f"  - question: Question {n}?\n    image: same.png\n    answer: yes\n" for n in range(5)
    )
    body += "  - question: And this one?\n    image: other.gif\n    answer: no\n"
    path = _native(tmp_path, body)
    await _import(app, path, process=process)
    await _import(app, path, process=process)  # again: unchanged, nothing stored twice
    csv = tmp_path / "more.csv"
    csv.write_text("question,answer,image,image_alt\nSame picture?,yes,same.png,Grey\n")
    await _import(app, csv, process=process)
    assert await _image_count(app) == 2
    questions = await _questions(app)
    assert len(questions) == 6
    assert {q.image.digest for q in questions if q.image} == {
        hashlib.sha256(png(7)).hexdigest(),
        hashlib.sha256(GIF).hexdigest(),
    }


async def test_web_addresses_are_kept_as_addresses(app: QuizApp, tmp_path: Path) -> None:
    path = _native(
        tmp_path,
        "  - question: Which flag?\n    image: https://example.org/flags/fr.png\n"
        "    answer: France\n"
        "  - question: Which flag is this one?\n"
        "    image: {url: 'https://example.org/flags/de.png', alt: Three stripes}\n"
        "    answer: Germany\n",
    )
    await _import(app, path)
    first, second = await _questions(app)
    assert first.image == Image(url="https://example.org/flags/fr.png")
    assert second.image == Image(url="https://example.org/flags/de.png", alt="Three stripes")
    assert await _image_count(app) == 0


async def test_changing_the_picture_of_a_question_updates_it(app: QuizApp, tmp_path: Path) -> None:
    """The alt text is content (an update); a new picture is another question's identity
    only when the picture itself changes (so many pictures can share one text)."""
    (tmp_path / "a.png").write_bytes(png(1))
    path = _native(
        tmp_path, "  - question: What?\n    image: {file: a.png, alt: one}\n    answer: x\n"
    )
    await _import(app, path)
    path = _native(
        tmp_path, "  - question: What?\n    image: {file: a.png, alt: two}\n    answer: x\n"
    )
    await _import(app, path)
    [question] = await _questions(app)
    assert question.image is not None and question.image.alt == "two"


async def test_same_text_with_different_pictures_is_different_questions(
    app: QuizApp, tmp_path: Path
) -> None:
    for n in range(3):
        (tmp_path / f"flag{n}.png").write_bytes(png(n))
    body = "".join(
        f"  - question: Which country's flag is this?\n    image: flag{n}.png\n    answer: c{n}\n"
        for n in range(3)
    )
    await _import(app, _native(tmp_path, body))
    assert [q.accepted for q in await _questions(app)] == [("c0",), ("c1",), ("c2",)]


@pytest.mark.parametrize("process", [False, True], ids=["here", "parse-process"])
async def test_gift_and_anki_pictures(app: QuizApp, tmp_path: Path, process: bool) -> None:
    (tmp_path / "dot.png").write_bytes(png(3))
    gift = tmp_path / "pictures.gift"
    gift.write_text(
        '::Q1::[html]<p>What is <b>this</b>?</p><img src\\="dot.png" alt\\="A dot"> '
        "{=a dot ~a line}\n\n"
        '::Q2::[html]<img src\\="@@PLUGINFILE@@/dot.png">Name the picture {=dot}\n\n'
        '::Q3::[html]Flag?<img src\\="https\\://example.org/f.png"> {T}\n',
        encoding="utf-8",
    )
    await _import(app, gift, process=process)
    q1, q2, q3 = await _questions(app)
    digest = hashlib.sha256(png(3)).hexdigest()
    assert (q1.prompt, q1.image.digest, q1.image.alt) == ("What is this?", digest, "A dot")  # type: ignore[union-attr]
    assert q2.image is not None and q2.image.digest == digest
    assert q3.image == Image(url="https://example.org/f.png")

    # [markdown] text: the first ![alt](src) is the picture, a file beside the bank too.
    (tmp_path / "my dot.png").write_bytes(png(3))
    markdown = tmp_path / "markdown.gift"
    markdown.write_text(
        "[markdown]What is *this*? ![A dot](<my dot.png>) {=a dot ~a line}\n", encoding="utf-8"
    )
    async with app.db.transaction() as session:
        await BankImporter(session, app.clock, bank_name="markdown").run(
            parse_path(markdown), str(markdown)
        )
    [md] = await _questions(app, "markdown")
    assert md.prompt == "What is *this*?"
    assert md.image == Image(digest=digest, alt="A dot", media_type="image/png")

    media = tmp_path / "deck" / "collection.media"
    media.mkdir(parents=True)
    (media / "flag.webp").write_bytes(WEBP)
    anki = tmp_path / "deck" / "cards.txt"
    anki.write_text(
        '#separator:tab\n#html:true\n<img src="flag.webp">\tFrance\n'
        'Capital of <i>Spain</i> <img src="not-exported.png">\tMadrid\n',
        encoding="utf-8",
    )
    async with app.db.transaction() as session:
        await BankImporter(session, app.clock, bank_name="cards").run(
            parse_path(anki, "anki"), str(anki)
        )
    flag, spain = await _questions(app, "cards")
    assert flag.kind is QuestionKind.FLASHCARD and flag.prompt == "(picture)"
    assert flag.image is not None and flag.image.media_type == "image/webp"
    assert spain.prompt == "Capital of Spain" and spain.image is None


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (None, "image file not found"),
        (b"%PDF-1.4 not a picture", "is not a PNG, JPEG, GIF or WebP picture"),
        (png() + b"\0" * MAX_IMAGE_BYTES, "the limit is 2 MB"),
    ],
    ids=["missing", "not-an-image", "too-big"],
)
@pytest.mark.parametrize("process", [False, True], ids=["here", "parse-process"])
async def test_a_bad_picture_is_an_error_at_its_line_and_nothing_is_written(
    app: QuizApp, tmp_path: Path, make: bytes | None, message: str, process: bool
) -> None:
    if make is not None:
        (tmp_path / "pic.png").write_bytes(make)
    (tmp_path / "good.jpg").write_bytes(JPEG)
    path = _native(
        tmp_path,
        "  - question: Fine?\n    image: good.jpg\n    answer: yes\n"
        "  - question: Broken?\n    answer: yes\n    image: pic.png\n",
    )
    with pytest.raises(BankFormatError) as raised:
        await _import(app, path, process=process)
    assert str(raised.value).startswith(f"{path}:8: ")
    assert message in str(raised.value)
    async with app.db.sessions() as session:
        assert await session.scalar(select(BankRow).where(BankRow.name == "pictures")) is None
    assert await _image_count(app) == 0  # the good picture was not kept either


def test_validate_and_import_report_a_missing_picture_with_its_line(
    tmp_path: Path, prepared_sqlite_url: str
) -> None:
    csv = tmp_path / "bank.csv"
    csv.write_text("question,answer,image\nOne?,yes,\nTwo?,no,gone.png\n", encoding="utf-8")
    runner = CliRunner()
    env = {"DATABASE_URL": prepared_sqlite_url}
    for command in (["validate", str(csv)], ["import", str(csv)]):
        result = runner.invoke(cli, command, env=env)
        assert result.exit_code != 0, result.output
        assert f"{csv}:3: image file not found" in result.output


async def test_a_question_naming_a_picture_not_stored_and_without_bytes_is_refused(
    app: QuizApp, tmp_path: Path
) -> None:
    question = Question(
        kind=QuestionKind.TYPED,
        prompt="Where is it?",
        accepted=("nowhere",),
        image=Image(digest="ab" * 32, media_type="image/png"),
        line=4,
    )
    with pytest.raises(BankFormatError, match="not stored"):
        async with app.db.transaction() as session:
            await BankImporter(session, app.clock, bank_name="x").run([question], "made.yaml")


def test_parsers_report_pictures_where_they_are_named(tmp_path: Path) -> None:
    gift = tmp_path / "bad.gift"
    gift.write_text('::A::[html]Fine {T}\n\n::B::[html]\nBroken\n<img src\\="gone.png"> {T}\n')
    with pytest.raises(BankFormatError, match=r"bad\.gift:5: image file not found"):
        list(parse_path(gift))
    (tmp_path / "not.png").write_text("hello")
    csv = tmp_path / "bad.csv"
    csv.write_text("question,answer,image\nOne?,yes,not.png\n")
    with pytest.raises(BankFormatError, match=r"bad\.csv:2: image 'not\.png' is not a PNG"):
        list(parse_path(csv))
