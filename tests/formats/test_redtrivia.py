"""The Red-DiscordBot trivia parser: AUTHOR/CONFIG, answers of any scalar type, errors."""

from __future__ import annotations

import pytest

from bot.domain import BankInfo, Question, QuestionKind
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
        ("Q1?:\n- a\nQ1?:\n- b\n", 3, "is there twice (also line 1)"),
        ("Q1?:\n- a\nQ2?: []\n", 3, "needs at least one accepted answer"),
        ("Q1?:\n- a\nQ2?: [\n", 4, "not valid YAML"),
        ("AUTHOR: [a, b]\nQ?: [x]\n", 1, "AUTHOR must be a text"),
        ("? [a, b]\n: x\n", 1, "each question must be a text"),
        ("Q?: ~\n", 1, "must be a list"),
    ],
)
def test_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    assert_error(redtrivia.parse, text, line, fragment, source="trivia.yaml")
