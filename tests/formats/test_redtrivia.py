"""The Red-DiscordBot trivia parser: AUTHOR/CONFIG, answers of any scalar type, errors."""

from __future__ import annotations

import pytest

from bot.domain import BankInfo, Question, QuestionKind
from bot.errors import BankFormatErrors
from bot.formats import redtrivia
from tests.formats.helpers import FIXTURES, assert_error, parse_fixture, parse_text


def typed(prompt: str, *accepted: str) -> Question:
    return Question(kind=QuestionKind.TYPED, prompt=prompt, accepted=accepted)


def test_fixture() -> None:
    info, *found = parse_fixture(redtrivia.parse, "redtrivia_games.yaml")
    assert info == BankInfo(name="redtrivia_games", source="Twentysix and contributors")
    assert found == [
        typed("What year was the first Super Mario Bros. released?", "1985", "'85"),
        typed("Which company makes the PlayStation?", "Sony", "Sony Interactive Entertainment"),
        typed("Is Pac-Man yellow?", "yes", "true"),
        typed("What is the name of Link's horse in Ocarina of Time?", "Epona"),
        typed("How many Chaos Emeralds are there in Sonic 2?", "7", "seven"),
    ]
    assert [q.line for q in found] == [6, 9, 12, 15, 17]  # type: ignore[union-attr]
    assert (FIXTURES / "redtrivia_games.yaml").exists()


def test_without_author_the_name_comes_from_the_file() -> None:
    info, q = parse_text(redtrivia.parse, "Q?:\n- 1.50\n- on\n", "lists/World Capitals.yaml")
    assert info == BankInfo(name="world-capitals")
    assert q == typed("Q?", "1.50", "on")


def test_a_single_answer_may_be_written_without_a_list() -> None:
    _, q = parse_text(redtrivia.parse, "2+2?: 4\n", "math.yaml")
    assert q == typed("2+2?", "4")


def test_numeric_question_keys_are_text() -> None:
    _, q = parse_text(redtrivia.parse, "1984:\n- Orwell\n", "books.yaml")
    assert q == typed("1984", "Orwell")


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", 1, "the file is empty"),
        ("- a\n- b\n", 1, "must be a mapping"),
        ("AUTHOR: me\nQ?:\n  a: b\n", 3, "must be a list"),
        ("Q1?:\n- a\nQ2?:\n- [nested]\n", 4, "each answer must be a text"),
        ("Q1?:\n- a\nQ2?: []\n", 3, "needs at least one accepted answer"),
        ("Q1?:\n- a\nQ2?: [\n", 4, "not valid YAML"),
        ("AUTHOR: [a, b]\nQ?: [x]\n", 1, "AUTHOR must be a text"),
        ("? [a, b]\n: x\n", 1, "each question must be a text"),
        ("Q?: ~\n", 1, "must be a list"),
    ],
)
def test_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    assert_error(redtrivia.parse, text, line, fragment, source="trivia.yaml")


def test_a_real_list_with_schema_description_and_config() -> None:
    """Red's lists as its schema has them: $schema, AUTHOR, DESCRIPTION and CONFIG are the
    list's own keys, not questions; the description becomes the bank's."""
    info, *found = parse_fixture(redtrivia.parse, "redtrivia_elements.yaml")
    assert info == BankInfo(
        name="redtrivia_elements",
        description="Name the chemical symbol of each element.",
        source="Mamalus",
    )
    assert [q.prompt for q in found] == [  # type: ignore[union-attr]
        f'What is the element symbol of "{name}"?'
        for name in ("Actinium", "Aluminum", "Boron", "Nobelium", "Tin")
    ]
    assert found[3] == typed('What is the element symbol of "Nobelium"?', "No")
    assert [q.line for q in found] == [8, 10, 12, 14, 16]  # type: ignore[union-attr]


def test_a_description_that_is_not_text_is_an_error() -> None:
    assert_error(
        redtrivia.parse, "DESCRIPTION: [a]\nQ?: [x]\n", 1, "DESCRIPTION must be a text", "t.yaml"
    )


def test_every_bad_question_is_reported_at_once() -> None:
    text = "AUTHOR: me\nQ1?: [a]\nQ2?:\n  a: b\nQ3?: []\nQ4?: [d]\n? [x]\n: y\n"
    with pytest.raises(BankFormatErrors) as caught:
        parse_text(redtrivia.parse, text, "t.yaml")
    assert caught.value.lines() == [
        "t.yaml:4: the answers must be a list of texts",
        "t.yaml:5: a typed-answer question needs at least one accepted answer",
        "t.yaml:7: each question must be a text",
    ]
