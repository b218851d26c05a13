"""The Aiken parser: both option styles, multi-line questions and errors with lines."""

from __future__ import annotations

import io

import pytest

from bot.domain import Question, QuestionKind
from bot.errors import BankFormatErrors
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


def test_options_without_a_space_after_the_letter_as_in_moodle() -> None:
    text = "Which is a prime?\nA)4\nB)6\nC.7\nANSWER: C\n"
    [question] = parse_text(aiken.parse, text)
    assert question == Question(
        kind=MC, prompt="Which is a prime?", options=("4", "6", "7"), correct=2
    )


def test_a_file_shaped_like_moodles_aiken_errors_reports_every_error_and_keeps_the_good() -> None:
    """The shape of Moodle's aiken_errors.txt fixture: too few options, options before any
    question, a question never finished, and good questions (one with ``A)text``)."""
    text = (
        "A question with one option\n"  # 1
        "A) The only one\n"
        "ANSWER: A\n"
        "\n"
        "A) An option before any question\n"  # 5
        "\n"
        "ANSWER: An option before any question\n"
        "\n"
        "A good question\n"  # 9
        "A) Right\n"
        "B) Wrong\n"
        "ANSWER: A\n"
        "\n"
        "A question begun but never finished\n"  # 14
        "A) Nearly right\n"
        "B) Nearly wrong\n"
        "\n"
        "Another good question\n"  # 18
        "A)Wrong, with no space\n"
        "B)Right, with no space\n"
        "ANSWER: B\n"
    )
    with pytest.raises(BankFormatErrors) as caught:
        parse_text(aiken.parse, text, "errors.txt")
    assert caught.value.lines() == [
        "errors.txt:1: the question has 1 option(s); it needs at least 2 "
        "(lines like 'A) text' or 'A. text')",
        "errors.txt:5: the question has 0 option(s); it needs at least 2 "
        "(lines like 'A) text' or 'A. text')",
        "errors.txt:14: the question has no 'ANSWER: <letter>' line "
        "(line 18 starts something else)",
    ]


def test_the_good_questions_come_out_before_the_errors() -> None:
    text = "Bad\nA) one\nANSWER: A\n\nGood?\nA) yes\nB) no\nANSWER: A\n\nBad again\nANSWER: Q\n"
    seen: list[str] = []
    with pytest.raises(BankFormatErrors) as caught:
        for item in aiken.parse(io.StringIO(text), "f.txt"):
            seen.append(item.prompt)
    assert seen == ["Good?"]
    assert [error.line for error in caught.value.errors] == [1, 10]


def test_errors_beyond_the_cap_are_counted() -> None:
    text = "\n".join(f"Bad {i}?\nA) one\nANSWER: A\n" for i in range(23))
    with pytest.raises(BankFormatErrors) as caught:
        parse_text(aiken.parse, text, "many.txt")
    assert len(caught.value.errors) == 20 and caught.value.more == 3
    assert caught.value.count == 23
    assert str(caught.value).splitlines()[-1] == "and 3 more errors"
