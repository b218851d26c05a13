"""The GIFT parser: every supported feature, the skipped kinds, and errors with lines."""

from __future__ import annotations

import io

import pytest

from bot.domain import Question, QuestionKind, Skipped
from bot.errors import BankFormatErrors
from bot.formats import gift
from bot.formats.hygiene import tidy
from tests.formats.helpers import (
    assert_error,
    parse_fixture,
    parse_text,
    questions,
    skipped,
)

MC = QuestionKind.MULTIPLE_CHOICE


def test_moodle_sample_fixture_questions() -> None:
    items = parse_fixture(gift.parse, "moodle_sample.gift")
    found = questions(items)
    assert len(found) == 8
    assert found == [
        Question(
            kind=MC,
            prompt="Which planet is the largest?",
            options=("Jupiter", "Saturn", "Neptune", "Earth"),
            correct=0,
            explanation="Yes, more than twice the mass of all the others together.",
            topic="Solar system",
            tags=("planets", "easy"),
        ),
        Question.true_false(
            "Grant is buried in Grant's tomb.",
            False,
            explanation="Right: they are entombed above ground.",
            topic="Solar system",
        ),
        Question.true_false("The Sun is a star.", True, topic="Solar system"),
        Question(
            kind=MC,
            prompt="The Moon orbits the Earth about once every _____ days.",
            options=("7", "14", "27"),
            correct=2,
            topic="Solar system",
        ),
        Question(
            kind=QuestionKind.TYPED,
            prompt="Who was the first person to walk on the Moon?",
            accepted=("Neil Armstrong", "Armstrong"),
            explanation="Apollo 11 landed on 20 July 1969.",
            topic="Solar system",
        ),
        Question(
            kind=MC,
            prompt="In set notation, what does {x : x = 1} describe?",
            options=("The set containing 1 \\ nothing else", "A ~rough~ guess", "A #hashtag"),
            correct=0,
            explanation='Read { } as braces and : as "such that".',
            topic="Notation",
        ),
        Question(
            kind=MC,
            prompt="What is the chemical formula of water?",
            options=("H2O", "CO2", "O<3"),
            correct=0,
            topic="Notation",
        ),
        Question(
            kind=MC,
            prompt="Which is a gas giant?",
            options=("Saturn", "Mars", "Venus"),
            correct=0,
            topic="Notation",
        ),
    ]
    assert [q.line for q in found] == [7, 14, 16, 18, 20, 30, 37, 43]


def test_moodle_sample_fixture_skips_what_cannot_be_played() -> None:
    items = parse_fixture(gift.parse, "moodle_sample.gift")
    assert skipped(items) == [
        Skipped(46, "numeric question skipped"),
        Skipped(48, "matching question skipped"),
        Skipped(54, "essay question skipped"),
        Skipped(56, "description (text without answers) skipped"),
        Skipped(58, "multiple-answer question (partial credit only) skipped"),
    ]


def test_items_come_in_file_order() -> None:
    items = parse_fixture(gift.parse, "moodle_sample.gift")
    lines = [item.line for item in items]
    assert lines == sorted(lines)


def test_one_line_multiple_choice_and_partial_weights_count_as_wrong() -> None:
    (q,) = parse_text(gift.parse, "Pick {~%50%half =%100%full ~%-25%minus ~none}")
    assert isinstance(q, Question)
    assert q.options == ("half", "full", "minus", "none")
    assert q.correct == 1
    assert q.line == 1


@pytest.mark.parametrize(
    ("block", "answer"),
    [("{T}", True), ("{TRUE}", True), ("{F}", False), ("{FALSE}", False), ("{ true }", True)],
)
def test_true_false_spellings(block: str, answer: bool) -> None:
    (q,) = parse_text(gift.parse, f"Statement. {block}")
    assert q == Question.true_false("Statement.", answer)


def test_true_false_feedback_uses_the_right_answers_feedback_unless_general() -> None:
    text = "A {TRUE#wrong fb#right fb}\n\nB {F#wrong#right####general}\n"
    first, second = questions(parse_text(gift.parse, text))
    assert first.explanation == "right fb"
    assert second.explanation == "general"
    assert second.line == 3


def test_short_answer_keeps_only_full_credit_answers() -> None:
    (q,) = parse_text(gift.parse, "Capital of France? {=Paris =%100%paris city =%50%Lyon}")
    assert q.kind is QuestionKind.TYPED
    assert q.accepted == ("Paris", "paris city")


def test_short_answer_without_equals_sign_like_moodle() -> None:
    (q,) = parse_text(gift.parse, "Capital of Italy? {Rome}")
    assert q.accepted == ("Rome",)


def test_multi_line_question_text_keeps_its_lines() -> None:
    text = "// a comment\n::T::First line\nsecond line {\n=yes\n~no\n}\n"
    (q,) = parse_text(gift.parse, text)
    assert q.prompt == "First line\nsecond line"
    assert q.line == 2


def test_backslash_n_is_a_new_line_and_escaped_backslash_stays() -> None:
    (q,) = parse_text(gift.parse, r"One\ntwo \\ three {=a\\b ~c}")
    assert q.prompt == "One\ntwo \\ three"
    assert q.options == ("a\\b", "c")


@pytest.mark.parametrize("escape", ["", r" \: \~ \= \# \{ \} \\ \n."])
def test_control_characters_in_a_block_stay_for_the_hygiene_to_remove(escape: str) -> None:
    """The escapes are swapped for marks while a block is read: control characters of the
    file itself, those marks' look-alikes, reach the hygiene as they are (it removes them
    with a warning), and the escapes beside them come out right."""
    unescaped = " : ~ = # { } \\ \n." if escape else ""
    controls = "".join(map(chr, range(1, 9)))
    text = f"// [tag:t]\nAsk\x01{escape} {{=yes\x02{escape} ~no#why\x08 ####Why\x07{escape}}}\n"
    (q,) = parse_text(gift.parse, text)
    assert q.prompt == f"Ask\x01{unescaped}"
    assert q.options == (f"yes\x02{unescaped}", "no")
    assert q.explanation == f"Why\x07{unescaped}"
    (q,) = parse_text(gift.parse, f"Ask{controls}{escape} {{=yes ~no}}\n")
    assert q.prompt == f"Ask{controls}{unescaped}".strip()
    tidied, note = tidy(q, "bank.txt")
    assert isinstance(tidied, Question)
    assert tidied.prompt == f"Ask{unescaped}".strip()
    assert note == "control characters removed from the question text"


@pytest.mark.parametrize("control", ["", "\x01"])
def test_escapes_in_text_beyond_ascii(control: str) -> None:
    text = f"Qué\\: ¿{control}\\n bien? {{=sí\\= ✓ ~no\\~ \U0001f600 #\\#1}}\n"
    (q,) = parse_text(gift.parse, text)
    assert q.prompt == f"Qué: ¿{control}\n bien?"
    assert q.options == ("sí= ✓", "no~ \U0001f600")


def test_category_slash_can_be_escaped_by_doubling() -> None:
    text = "$CATEGORY: top/Input//Output\n\nQ {T}\n"
    (q,) = parse_text(gift.parse, text)
    assert q.topic == "Input/Output"


def test_category_and_question_in_one_block() -> None:
    (q,) = parse_text(gift.parse, "$CATEGORY: a/b\nQ? {T}\n")
    assert q.topic == "b"
    assert q.line == 2


def test_html_format_is_stripped_in_answers_and_feedback_too() -> None:
    text = "[html]<p>Pick&nbsp;one</p>{=<b>bold</b>#<i>yes</i> ~plain}"
    (q,) = parse_text(gift.parse, text)
    assert q.prompt == "Pick one"
    assert q.options == ("bold", "plain")
    assert q.explanation == "yes"


def test_other_formats_are_kept_as_text() -> None:
    (q,) = parse_text(gift.parse, "[markdown]**Bold** question {T}")
    assert q.prompt == "**Bold** question"
    (q,) = parse_text(gift.parse, "[moodle][html]literally {T}")
    assert q.prompt == "[html]literally"


def test_tags_from_comments_in_the_block() -> None:
    text = "// [id:42] [tag:alpha]  [tag: beta ]\n// [tag:gamma]\nQ? {T}\n"
    (q,) = parse_text(gift.parse, text)
    assert q.tags == ("alpha", "beta", "gamma")


def test_several_right_answers_are_skipped() -> None:
    (item,) = parse_text(gift.parse, "\n\nQ {=a =b ~c}")
    assert item == Skipped(3, "multiple-choice question with several right answers skipped")


def test_comment_only_blocks_and_windows_line_endings() -> None:
    text = "// only a comment\r\n\r\n// another\r\nQ1 {T}\r\n\r\nQ2 {F}\r\n"
    found = questions(parse_text(gift.parse, text))
    assert [(q.prompt, q.line) for q in found] == [("Q1", 4), ("Q2", 6)]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("Q1 {T}\n\nQ2 {\n=a\n~b\n", 3, "'{' is never closed"),
        ("Q1 {T}\n\nQ2\nsecond } line {=a}", 4, "'}' without a '{'"),
        ("::Title\nQ {T}", 1, "title starting with '::' is never closed"),
        ("Q {=a\n{ ~b}", 2, "'{' inside an answer block"),
        ("Q {=a ~b} more {T}", 1, "only one answer block"),
        ("Q\n{=a ~b}\nand\n{T}", 4, "only one answer block"),
        ("\nQ {~a ~b ~c}", 2, "no right answer"),
        ("Q {=a ~}", 1, "an option is empty"),
        ("Q {=same ~Same}", 1, "two options are the same"),
        ("{=a ~b}", 1, "the question text is empty"),
    ],
)
def test_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    assert_error(gift.parse, text, line, fragment, source="quiz.gift")


def test_escape_round_trips_awkward_text() -> None:
    awkward = "a: {b} ~c =d #e \\f\nnew line"
    (q,) = parse_text(gift.parse, f"{gift.escape(awkward)} {{={gift.escape(awkward)} ~x}}")
    assert q.prompt == awkward
    assert q.options == (awkward, "x")


def test_every_bad_question_is_reported_and_the_good_ones_still_come() -> None:
    text = (
        "Good?{=yes ~no}\n"  # 1
        "\n"
        "Never closed {=a ~b\n"  # 3
        "\n"
        "No right answer?{~a ~b}\n"  # 5
        "\n"
        "Also good?{T}\n"  # 7
        "\n"
        "::Title never closed {=x}\n"  # 9
    )
    seen: list[str] = []
    with pytest.raises(BankFormatErrors) as caught:
        for item in gift.parse(io.StringIO(text, newline=""), "q.gift"):
            seen.append(item.prompt)  # type: ignore[union-attr]
    assert seen == ["Good?", "Also good?"]
    assert [error.line for error in caught.value.errors] == [3, 5, 9]
    assert "q.gift:5: the multiple-choice question has no right answer" in str(caught.value)


def test_a_markdown_picture_is_the_question_image() -> None:
    """``![alt](src)`` in ``[markdown]`` text is the question's picture, as ``<img>`` is in
    ``[html]`` text: a web address, or a file beside the bank (missing: an error at its line)."""
    text = (
        "::Q1::[markdown]What is **this**? ![A *grey* \\] dot](https\\://e.org/dot.png) "
        "{=a dot ~a line}\n\n"
        '[markdown]Which flag\n![French flag](<https\\://e.org/flag.png> "title")\n'
        "is it? {=France}\n\n"
        "[markdown]No picture ![](data\\:image/png;base64,AAAA) here {T}\n"
    )
    first, second, third = questions(parse_text(gift.parse, text))
    assert first.prompt == "What is **this**?"
    assert first.image is not None and first.image.url == "https://e.org/dot.png"
    assert first.image.alt == "A *grey* ] dot"
    assert second.prompt == "Which flag\n\nis it?"
    assert second.image is not None and second.image.url == "https://e.org/flag.png"
    assert second.image.alt == "French flag"
    assert third.image is None and "![](data:image/png" in third.prompt
    # A file beside the bank that is not there: an error at the picture's line.
    assert_error(
        gift.parse,
        "// a comment\n[markdown]Which cell?\n![](cell.png) {=a cell}\n",
        3,
        "image file not found",
    )
