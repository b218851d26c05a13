"""The CSV/TSV parser: header handling, every kind, quoted multi-line cells, errors."""

from __future__ import annotations

import pytest

from bot.domain import Question, QuestionKind
from bot.formats import csv_format
from tests.formats.helpers import assert_error, parse_fixture, parse_text

HEADER = "question,options,answer,explanation,topic,type,tags\n"


def test_csv_fixture() -> None:
    found = parse_fixture(csv_format.parse, "bank.csv")
    assert found == [
        Question(
            kind=QuestionKind.MULTIPLE_CHOICE,
            prompt="What is 2 + 2?",
            options=("3", "4", "5", "22"),
            correct=1,
            explanation="Basic arithmetic.",
            topic="math",
            tags=("easy", "arithmetic"),
        ),
        Question(
            kind=QuestionKind.MULTIPLE_CHOICE,
            prompt='Which of these is a "prime" number,\ncounting from 1?',
            options=("4", "6", "7", "9"),
            correct=2,
            explanation="7 has no divisors\nother than 1 and itself.",
            topic="math",
            tags=("primes",),
        ),
        Question.true_false("Water boils at 100 °C at sea level.", True, topic="physics"),
        Question(
            kind=QuestionKind.TYPED,
            prompt="What is the capital of France?",
            accepted=("Paris", "paris city"),
            topic="geography",
        ),
        Question(
            kind=QuestionKind.MULTIPLE_CHOICE,
            prompt="Which option contains a pipe?",
            options=("a|b", "c"),
            correct=0,
        ),
        Question(
            kind=QuestionKind.FLASHCARD,
            prompt="Mitochondria",
            back="The powerhouse of the cell, which makes ATP",
            topic="biology",
            tags=("cells",),
        ),
    ]
    # The second row's quoted cells span lines 3-5: the next row starts on line 6.
    assert [q.line for q in found] == [2, 3, 6, 7, 8, 9]  # type: ignore[union-attr]


def test_tsv_fixture() -> None:
    found = parse_fixture(csv_format.parse, "bank.tsv")
    assert found == [
        Question(
            kind=QuestionKind.MULTIPLE_CHOICE,
            prompt="Largest ocean?",
            options=("Atlantic", "Pacific", "Indian"),
            correct=1,
            explanation="Covers about\n46% of the water surface",
            topic="geography",
        ),
        Question(
            kind=QuestionKind.TYPED,
            prompt="Speed of light, roughly?",
            accepted=("300000 km/s", "300,000 km/s"),
            topic="physics",
        ),
        Question.true_false("Is a tomato\na fruit?", True, explanation="Botanically, yes."),
    ]
    assert [q.line for q in found] == [2, 4, 5]  # type: ignore[union-attr]


def test_header_is_case_insensitive_in_any_order_and_optional_columns_may_go() -> None:
    text = "ANSWER , Question\nParis,Capital of France?\n"
    (q,) = parse_text(csv_format.parse, text, "x.csv")
    assert q == Question(kind=QuestionKind.TYPED, prompt="Capital of France?", accepted=("Paris",))


def test_delimiter_is_sniffed_from_the_header() -> None:
    text = "question;options;answer\nPick;a|b;B\n"
    (q,) = parse_text(csv_format.parse, text, "export.txt")
    assert q.correct == 1  # type: ignore[union-attr]
    (q,) = parse_text(csv_format.parse, "question\tanswer\nQ, with comma\tA\n", "x.csv")
    assert q.prompt == "Q, with comma"  # type: ignore[union-attr]


def test_kinds_inferred_and_type_aliases() -> None:
    text = (
        HEADER
        + "Pick,a|b,a,,,,\n"
        + "Sky is green,,False,,,,\n"
        + "Name it,,x|y,,,,\n"
        + "Front,,Back|with pipe,,,Flashcard,\n"
        + "Yes?,,yes,,,TF,\n"
        + "Say hi,,hi,,,short answer,\n"
    )
    kinds = [q.kind for q in parse_text(csv_format.parse, text, "x.csv")]  # type: ignore[union-attr]
    assert kinds == [
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.TRUE_FALSE,
        QuestionKind.TYPED,
        QuestionKind.FLASHCARD,
        QuestionKind.TRUE_FALSE,
        QuestionKind.TYPED,
    ]
    flashcard = parse_text(csv_format.parse, text, "x.csv")[3]
    assert flashcard.back == "Back|with pipe"  # type: ignore[union-attr]


def test_blank_rows_and_leading_blank_lines_are_ignored() -> None:
    text = "\n\nquestion,answer\n\n,\nQ,A\n"
    (q,) = parse_text(csv_format.parse, text, "x.csv")
    assert q.line == 6  # type: ignore[union-attr]


def test_split_and_join_cell_are_inverse() -> None:
    items = ["a|b", "back\\slash", "c\\|d", " e ", "\\"]
    joined = csv_format.join_cell(items)
    assert csv_format.split_cell(joined) == [item.strip() for item in items]
    assert csv_format.split_cell("C:\\path|x") == ["C:\\path", "x"]
    assert csv_format.split_cell("a||b| ") == ["a", "b"]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("question,options,explanation\nQ,a|b,x\n", 1, "no 'answer' column"),
        ("options,explanation\nQ,a|b\n", 1, "no 'question' and 'answer' column"),
        ("question,answer,anwser\nQ,A,B\n", 1, "unknown column 'anwser'"),
        ("question,answer,Answer\nQ,A,B\n", 1, "names the column 'answer' twice"),
        ("", 1, "the file is empty"),
        (
            HEADER + "Q1,a|b,A,,,,\n" + '"Q2\nspans",a|b|c|d,E,,,,\n',
            3,
            "option letter 'E' is not among the options A-D",
        ),
        (HEADER + "Q1,a|b,zebra,,,,\n", 2, "answer 'zebra' is neither an option letter"),
        (HEADER + "Q1,,maybe,,,true_false,\n", 2, "true or false, not 'maybe'"),
        (HEADER + "Q1,,x,,,essay,\n", 2, "unknown type 'essay'"),
        (HEADER + "Q1,,,,,multiple_choice,\n", 2, "needs options"),
        (HEADER + "Q1,,,,,typed,\n", 2, "needs at least one accepted answer"),
        (HEADER + "Q1,,,,,flashcard,\n", 2, "the flashcard has no back"),
        (HEADER + ",a|b,A,,,,\n", 2, "the question text is empty"),
        (HEADER + "Q1,a|b,A,,,,,extra\n", 2, "the row has 8 cells"),
        (HEADER + 'Q1,a|b,A\nQ2,"a|b"x,A\n', 3, "bad CSV quoting"),
        (HEADER + 'Q1,a|b,A\nQ2,"never closed\n\n', 3, "bad CSV quoting"),
        (HEADER + "Q1," + "|".join("abcdefghijk") + ",A,,,,\n", 2, "at most 10 options"),
    ],
)
def test_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    assert_error(csv_format.parse, text, line, fragment, source="bank.csv")
