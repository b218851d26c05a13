"""Moodle XML through the CLI, on SQLite and PostgreSQL: our fixtures shaped like Moodle's
exports imported (pictures stored, nested categories as topics, skips as warnings), an
invalid grade or broken XML refused with file:line and nothing written, and an export
imported back unchanged (stored pictures embedded and read back with the same bytes)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from click.testing import CliRunner, Result

from bot.domain import QuestionKind
from bot.services import QuizApp
from bot.services.banks import bank_contents
from bot.services.images import with_image_data
from cli.main import cli
from tests.image_samples import JPEG, png

MOODLE = Path(__file__).parent / "fixtures" / "moodlexml"
run = asyncio.run


def quizbot(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--database-url", url, *args])


async def contents(url: str, bank: str, *, with_data: bool = False):
    app = await QuizApp.open(url, load_banks=False)
    try:
        async with app.db.sessions() as session:
            info, questions = await bank_contents(session, bank)
            if with_data:
                questions = await with_image_data(session, questions)
            return info, questions
    finally:
        await app.close()


async def bank_names(url: str) -> set[str]:
    app = await QuizApp.open(url, load_banks=False)
    try:
        async with app.db.sessions() as session:
            from sqlalchemy import select

            from bot.store.models import BankRow

            return set((await session.scalars(select(BankRow.name))).all())
    finally:
        await app.close()


def test_moodle_fixtures_import_with_pictures_and_topics(database_url: str) -> None:
    files = [
        MOODLE / "tf_study_skills_with_pictures.xml",
        MOODLE / "nested_geography_categories.xml",
        MOODLE / "old_image_tags.xml",
        MOODLE / "mc_listening_with_flags.xml",
    ]
    result = quizbot(database_url, "import", *map(str, files), "--bank", "moodle", "--json")
    assert result.exit_code == 0, result.output
    summaries = json.loads(result.stdout)
    assert [s["new"] for s in summaries] == [2, 4, 1, 1]
    assert [s["skipped"] for s in summaries] == [0, 1, 1, 0]
    warnings = summaries[1]["warnings"]
    assert any("nested_geography_categories.xml:55:" in w and "essay" in w for w in warnings)

    _info, questions = run(contents(database_url, "moodle", with_data=True))
    assert len(questions) == 8
    topics = [q.topic for q in questions]
    assert "Geography/Europe/Rivers" in topics and "Study skills/Memory" in topics
    first, second = questions[0], questions[1]
    assert first.kind is QuestionKind.TRUE_FALSE and first.correct_option == "False"
    assert first.image is not None and first.image.alt == "Alarm clock"
    assert first.image.data == JPEG  # tests/image_samples.py's JPEG, embedded as base64
    assert second.image is not None and second.image.digest == first.image.digest
    old = next(q for q in questions if q.kind is QuestionKind.MULTIPLE_CHOICE and q.image)
    assert old.image is not None and old.image.media_type == "image/png"
    assert old.image.data == png(90)  # from the old <image_base64> tag

    again = quizbot(database_url, "import", *map(str, files), "--bank", "moodle")
    assert again.exit_code == 0, again.output
    assert again.output.count("0 new, 0 updated") == len(files)


def test_invalid_grade_or_broken_xml_writes_nothing(database_url: str, tmp_path: Path) -> None:
    before = run(bank_names(database_url))
    bad = MOODLE / "invalid_grade.xml"
    result = quizbot(
        database_url,
        "import",
        str(MOODLE / "tf_study_skills_with_pictures.xml"),
        str(bad),
        "--bank",
        "x",
    )
    assert result.exit_code == 1
    assert f"{bad}:38: invalid grade fraction='33'" in result.output
    assert run(bank_names(database_url)) == before

    broken = tmp_path / "broken.xml"
    text = (MOODLE / "nested_geography_categories.xml").read_text()
    broken.write_text(text.replace("</idnumber>\n  </question>\n\n<!-- question: 702", "", 1))
    result = quizbot(database_url, "import", str(broken))
    assert result.exit_code == 1
    assert f"{broken}:" in result.output and "broken XML: mismatched tag" in result.output
    assert run(bank_names(database_url)) == before


def test_a_file_of_only_cloze_questions_is_refused_unless_allowed(database_url: str) -> None:
    """cloze_only.xml holds one cloze question, which quizbot cannot ask: skipped
    with a warning naming it, so the file has no questions (an error unless --allow-empty)."""
    cloze = MOODLE / "cloze_only.xml"
    refused = quizbot(database_url, "import", str(cloze), "--bank", "cloze")
    assert refused.exit_code == 1
    assert f"{cloze}: no questions in this file" in refused.output
    assert "cloze" not in run(bank_names(database_url))
    allowed = quizbot(database_url, "import", str(cloze), "--bank", "cloze", "--allow-empty")
    assert allowed.exit_code == 0, allowed.output
    assert f"{cloze}:12: cloze (embedded answers) question 'cloze lakes and mountains' skipped" in (
        allowed.output
    )
    assert "-> cloze: 0 new, 0 updated, 0 unchanged, 1 skipped" in allowed.output


def test_export_imports_back_unchanged(database_url: str, tmp_path: Path) -> None:
    files = [MOODLE / "nested_geography_categories.xml", MOODLE / "mc_listening_with_flags.xml"]
    assert quizbot(database_url, "import", *map(str, files), "--bank", "m").exit_code == 0
    out = tmp_path / "m.xml"
    exported = quizbot(database_url, "export", "m", "-o", str(out))
    assert exported.exit_code == 0, exported.output
    assert "wrote 5 questions of m" in exported.output
    result = quizbot(database_url, "import", str(out), "--bank", "copy")
    assert result.exit_code == 0, result.output
    _, original = run(contents(database_url, "m"))
    _, copy = run(contents(database_url, "copy"))
    assert copy == original

    demo = tmp_path / "demo.xml"  # the shipped demo bank: typed answers and explanations
    exported = quizbot(database_url, "export", "demo", "--format", "moodlexml", "-o", str(demo))
    assert exported.exit_code == 0, exported.output
    assert quizbot(database_url, "import", str(demo), "--bank", "demo-copy").exit_code == 0
    _, demo_original = run(contents(database_url, "demo"))
    _, demo_copy = run(contents(database_url, "demo-copy"))
    playable = [q for q in demo_original if q.kind is not QuestionKind.FLASHCARD]
    assert demo_copy == playable


def test_a_bank_of_only_flashcards_is_not_exported(database_url: str, tmp_path: Path) -> None:
    cards = tmp_path / "cards.yaml"
    cards.write_text("bank: cards\nquestions:\n  - type: flashcard\n    front: F\n    back: B\n")
    assert quizbot(database_url, "import", str(cards)).exit_code == 0
    out = tmp_path / "cards.xml"
    result = quizbot(database_url, "export", "cards", "-o", str(out))
    assert result.exit_code == 1
    assert "Moodle XML cannot hold flashcards" in result.output
    assert not out.exists()


def test_export_embeds_stored_pictures(database_url: str, tmp_path: Path) -> None:
    files = [MOODLE / "tf_study_skills_with_pictures.xml", MOODLE / "old_image_tags.xml"]
    assert quizbot(database_url, "import", *map(str, files), "--bank", "pics").exit_code == 0
    out = tmp_path / "pics.xml"
    exported = quizbot(database_url, "export", "pics", "-o", str(out))
    assert exported.exit_code == 0, exported.output
    assert out.read_text().count('encoding="base64"') == 3
    assert quizbot(database_url, "import", str(out), "--bank", "pics-copy").exit_code == 0
    _, original = run(contents(database_url, "pics", with_data=True))
    _, copy = run(contents(database_url, "pics-copy", with_data=True))
    assert copy == original
    assert [q.image.data for q in copy if q.image] == [q.image.data for q in original if q.image]
    assert all(q.image is not None and q.image.data for q in copy)
