"""The Aiken parser: both option styles, multi-line questions and errors with lines."""

from __future__ import annotations

import pytest

from bot.domain import Question, QuestionKind
from bot.formats import aiken
from tests.formats.helpers import assert_error, parse_fixture, parse_text

MC = QuestionKind.MULTIPLE_CHOICE


def test_fixture_with_both_option_styles() -> None:
    found = parse_fixture(aiken.parse, "aiken_sample.txt")
    assert found == [
        Question(
            kind=MC,
            prompt="What is the correct answer to this question?",
            options=(
                "Is it this one?",
                "Maybe this answer?",
                "Possibly this one?",
                "Must be this one!",
            ),
            correct=3,
        ),
        Question(
            kind=MC,
            prompt="Which LMS has the most users?",
            options=("Moodle", "ATutor", "Claroline", "Blackboard", "WebCT", "Ilias"),
            correct=0,
        ),
        Question(
            kind=MC,
            prompt="What does HTML stand for?",
            options=("HyperText Markup Language", "Home Tool Markup Language"),
            correct=0,
        ),
    ]
    assert [q.line for q in found] == [1, 8, 17]  # type: ignore[union-attr]


def test_mixed_styles_lowercase_answer_and_no_blank_line_between_questions() -> None:
    text = "Q1?\nA) one\nB. two\nanswer: b\nQ2?\nA. x\nB. y\nANSWER: A\n"
    first, second = parse_text(aiken.parse, text)
    assert isinstance(first, Question) and isinstance(second, Question)
    assert (first.options, first.correct, first.line) == (("one", "two"), 1, 1)
    assert (second.prompt, second.line) == ("Q2?", 5)


def test_question_text_may_span_lines_and_start_like_an_option() -> None:
    text = "A. Lincoln was president\nin which century?\n\nA) 18th\nB) 19th\nANSWER: B\n"
    (q,) = parse_text(aiken.parse, text)
    assert q.prompt == "A. Lincoln was president\nin which century?"  # type: ignore[union-attr]
    assert q.options == ("18th", "19th")  # type: ignore[union-attr]


def test_windows_line_endings() -> None:
    (q,) = parse_text(aiken.parse, "Q?\r\nA. a\r\nB. b\r\nANSWER: A\r\n")
    assert q.options == ("a", "b")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (
            "Q1?\nA. a\nB. b\nANSWER: A\n\nQ2?\nA) w\nB) x\nC) y\nD) z\nANSWER: E\n",
            11,
            "option letter 'E' is not among the options A-D",
        ),
        ("Q1?\nA. a\nB. b\n", 1, "has no 'ANSWER: <letter>' line (the file ends first)"),
        ("Q1?\nA. a\nB. b\n\nQ2?\nA. c\nB. d\nANSWER: A", 1, "line 5 starts something else"),
        ("\n\nQ?\nA. only\nANSWER: A\n", 3, "it needs at least 2"),
        ("Q?\nA. a\nC. c\nANSWER: A\n", 3, "expected option 'B' here but found 'C'"),
        ("Q?\nA. a\nB. b\nANSWER: maybe\n", 4, "must be followed by an option letter"),
        ("ANSWER: A\n", 1, "without a question"),
        ("Q?\nA. a\nB. b\nB. c\nANSWER: A\n", 4, "expected option 'C'"),
        ("Q?\nA. a\nB. A\nANSWER: A\n", 1, "two options are the same"),
    ],
)
def test_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    assert_error(aiken.parse, text, line, fragment, source="quiz.txt")


def test_at_most_ten_options() -> None:
    letters = "ABCDEFGHIJK"
    text = "Q?\n" + "".join(f"{c}. option {c}\n" for c in letters) + "ANSWER: A\n"
    assert_error(aiken.parse, text, 12, "at most 10 options")
