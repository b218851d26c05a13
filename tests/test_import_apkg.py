"""``quizbot import deck.apkg``: an Anki package written by genanki, on SQLite and PostgreSQL.

The cards land as flashcards (Basic, reversed and cloze cards, with decks as topics and the
picture stored), the flashcard review and ``quizbot flashcards`` see them, a second import
(also of the package re-laid out in the newer schema) changes nothing, and a package with
a missing picture writes nothing.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from click.testing import CliRunner, Result

from bot.domain import QuestionKind
from bot.services import QuizApp
from bot.services.banks import bank_contents
from bot.views import PlayerRef
from cli.main import cli
from tests.formats.anki_packages import as_anki21, basic_package, sample_package
from tests.image_samples import png

run = asyncio.run
KIM = PlayerRef("slack", "T1", "U1", "Kim")


def quizbot(url: str, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--database-url", url, *args], input=input)


async def contents(url: str, bank: str):
    app = await QuizApp.open(url, load_banks=False)
    try:
        async with app.db.sessions() as session:
            return await bank_contents(session, bank)
    finally:
        await app.close()


async def first_card(url: str, bank: str):
    app = await QuizApp.open(url, load_banks=False)
    try:
        return await app.next_flashcard(KIM, bank)
    finally:
        await app.close()


def test_a_genanki_package_imports_as_flashcards(database_url: str, tmp_path: Path) -> None:
    package = sample_package(tmp_path / "geography.apkg")
    first = quizbot(database_url, "import", str(package), "--json")
    assert first.exit_code == 0, first.output
    (summary,) = json.loads(first.output)
    assert (summary["bank"], summary["new"], summary["skipped"]) == ("geography", 11, 0)
    assert any("scheduling" in warning for warning in summary["warnings"])

    info, questions = run(contents(database_url, "geography"))
    assert info.title == "Geography"
    assert len(questions) == 11 and {q.kind for q in questions} == {QuestionKind.FLASHCARD}
    by_front = {q.prompt: q for q in questions}
    assert by_front["Berlin"].back == "Germany"  # the reversed card
    assert by_front["Vienna is the capital of [a country]; the Danube flows through it"]
    flag = by_front["Which country has this flag?"]
    assert flag.image is not None and flag.image.media_type == "image/png"
    assert flag.image.alt == "a flag" and flag.topic == "Geography"
    assert by_front["Germany"].topic == "Geography/Europe"

    card = run(first_card(database_url, "geography"))
    assert (card.front, card.new) == ("What is the capital of France?", 11)
    review = quizbot(
        database_url, "flashcards", "-b", "geography", "--name", "Kim", input="\neasy\n"
    )
    assert review.exit_code == 0, review.output
    assert "geography: 0 due, 11 new." in review.output and "(on the Seine)" in review.output

    again = quizbot(database_url, "import", str(package))
    assert again.exit_code == 0, again.output
    assert "-> geography: 0 new, 0 updated, 11 unchanged" in again.output
    newer = as_anki21(package, tmp_path / "newer.apkg")
    same = quizbot(database_url, "import", str(newer), "--bank", "geography")
    assert same.exit_code == 0, same.output
    assert "-> geography: 0 new, 0 updated, 11 unchanged" in same.output


def test_a_package_missing_a_picture_writes_nothing(database_url: str, tmp_path: Path) -> None:
    package = basic_package(
        tmp_path / "broken.apkg",
        [("Fine?", "yes"), ('Where? <img src="gone.png">', "nowhere")],
        {"other.png": png(1)},
    )
    result = quizbot(database_url, "import", str(package))
    assert result.exit_code == 1
    assert f"{package}: note " in result.output
    assert "'gone.png' is not in the package" in result.output
    assert quizbot(database_url, "banks", "show", "broken").exit_code != 0


def test_import_help_lists_anki_packages() -> None:
    result = CliRunner().invoke(cli, ["import", "--help"])
    assert result.exit_code == 0
    assert "Anki packages (.apkg/.colpkg)" in " ".join(result.output.split())
