"""The Anki/Quizlet parser: Anki headers, HTML, quoting, Quizlet exports, skips, errors."""

from __future__ import annotations

import pytest

from bot.domain import Question, QuestionKind, Skipped
from bot.errors import BankFormatErrors
from bot.formats import anki
from tests.formats.helpers import assert_error, parse_fixture, parse_text, questions, skipped


def card(front: str, back: str, **extra: object) -> Question:
    return Question(kind=QuestionKind.FLASHCARD, prompt=front, back=back, **extra)  # type: ignore[arg-type]


def test_anki_export_fixture() -> None:
    items = parse_fixture(anki.parse, "anki_export.txt")
    found = questions(items)
    assert found == [
        card("el perro", "the dog", topic="Spanish", tags=("spanish", "animals")),
        card("la casa", "the house\n(la = feminine)", topic="Spanish", tags=("spanish",)),
        # a quoted field spanning two lines, with "" quotes, a separator and entities
        card('"Buenos días" said twice', "good morning; good day", topic="Spanish"),
        card("le chat & la souris", "the cat & the mouse", topic="French", tags=("french",)),
    ]
    assert [q.line for q in found] == [7, 8, 9, 11]
    assert skipped(items) == [
        Skipped(12, "cloze note skipped"),
        Skipped(13, "card with no text on the front (images or sounds only?) skipped"),
    ]


def test_quizlet_tab_export_fixture() -> None:
    found = parse_fixture(anki.parse, "quizlet_export.txt")
    assert [(q.prompt, q.back, q.line) for q in found] == [  # type: ignore[union-attr]
        ("mitochondria", "the powerhouse of the cell", 1),
        (
            "photosynthesis",
            "process by which plants turn light, water and CO2 into sugar",
            2,
        ),
        ("osmosis", "diffusion of water through a semi-permeable membrane", 3),
        ("ribosome", "site of protein synthesis", 5),
    ]


def test_quizlet_comma_export_keeps_later_commas_in_the_definition() -> None:
    found = parse_fixture(anki.parse, "quizlet_comma.txt")
    assert [(q.prompt, q.back) for q in found] == [  # type: ignore[union-attr]
        ("hola", "hello"),
        ("adiós", "goodbye, see you"),
        ("gracias", "thank you"),
    ]


@pytest.mark.parametrize(
    ("header", "separator"),
    [
        ("#separator:Semicolon", ";"),
        ("#separator: comma", ","),
        ("#separator:Pipe", "|"),
        ("#separator:colon", ":"),
        ("#separator:space", " "),
        ("#separator:/", "/"),
    ],
)
def test_separator_header(header: str, separator: str) -> None:
    text = f"{header}\nfront{separator}back\n"
    (q,) = parse_text(anki.parse, text)
    assert (q.prompt, q.back, q.line) == ("front", "back", 2)  # type: ignore[union-attr]


def test_html_false_keeps_markup_and_html_detection_without_header() -> None:
    (q,) = parse_text(anki.parse, "#html:false\n<b>x</b>\ty &amp; z\n")
    assert (q.prompt, q.back) == ("<b>x</b>", "y &amp; z")  # type: ignore[union-attr]
    (q,) = parse_text(anki.parse, "a <b>bold</b> word\tline<br/>break &lt;3\n")
    assert (q.prompt, q.back) == ("a bold word", "line\nbreak <3")  # type: ignore[union-attr]
    (q,) = parse_text(anki.parse, "x < y\tif x > y is false\n")
    assert (q.prompt, q.back) == ("x < y", "if x > y is false")  # type: ignore[union-attr]


def test_columns_header_finds_front_back_and_tags_by_name() -> None:
    text = "#separator:tab\n#columns:Tags\tBack\tFront\nmath easy\t4\t2+2?\n"
    (q,) = parse_text(anki.parse, text)
    assert q == card("2+2?", "4", tags=("math", "easy"))


def test_global_tags_deck_and_sound_references() -> None:
    text = "#tags:vocab\n#deck:Lang::German\nHund [sound:hund.mp3]\tdog\n"
    (q,) = parse_text(anki.parse, text)
    assert q == card("Hund", "dog", topic="German", tags=("vocab",))


def test_old_style_tags_first_line() -> None:
    (q,) = parse_text(anki.parse, "tags:old style\nf\tb\n")
    assert q.tags == ("old", "style")  # type: ignore[union-attr]


def test_hash_lines_after_the_first_card_are_cards() -> None:
    text = "#separator:tab\nfirst\tcard\n#hashtag\tsecond card\n"
    assert [q.prompt for q in parse_text(anki.parse, text)] == ["first", "#hashtag"]  # type: ignore[union-attr]


def test_notetype_header_cloze_and_empty_back_are_skipped() -> None:
    text = "#notetype:Cloze\nsome {{c1::text}}\textra\n"
    assert parse_text(anki.parse, text) == [Skipped(2, "cloze note skipped")]
    assert parse_text(anki.parse, "front\t  \n") == [
        Skipped(1, "card with no text on the back skipped")
    ]


def test_empty_file_yields_nothing() -> None:
    assert parse_text(anki.parse, "") == []
    assert parse_text(anki.parse, "#separator:tab\n#html:true\n\n") == []


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("#separator:tab\n#separator:weird\nf\tb\n", 2, "unknown separator 'weird'"),
        ("#html:maybe\nf\tb\n", 1, "must be true or false"),
        ('#separator:"\nf"b\n', 1, "cannot be '\"'"),
        ("#tags column:zero\nf\tb\n", 1, "needs a column number"),
        ("just one field\nand another\n", 1, "cannot find the separator"),
        ("front\tback\nno separator here\n", 2, "expected a front and a back separated by tab"),
        ("#separator:comma\na,b\n\nc\n", 4, "expected a front and a back separated by comma"),
    ],
)
def test_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    assert_error(anki.parse, text, line, fragment, source="deck.txt")


def test_a_cards_export_keeps_only_the_answer_side_on_the_back() -> None:
    """A *cards* export (Anki's "Cards in Plain Text", HTML kept) holds each card's rendered
    sides: the back repeats the front ({{FrontSide}}) up to <hr id=answer>, in its
    spellings; only what follows it is the back, and the card's CSS is not text."""
    items = parse_fixture(anki.parse, "anki_cards_export.txt")
    assert questions(items) == [
        card("el perro", "the dog"),
        card("la casa", "the house\n(la = feminine)"),
        card("¿Qué hora es?", "What time is it?"),
        card("the dog", "el perro"),
    ]
    assert [q.line for q in questions(items)] == [3, 22, 41, 60]
    assert skipped(items) == [Skipped(79, "card with no text on the back skipped")]


@pytest.mark.parametrize(
    "rule",
    [
        "<hr id=answer>",
        '<hr id="answer">',
        "<hr id='answer'>",
        "<HR ID=answer />",
        "<hr  id = answer>",
    ],
)
def test_every_spelling_of_the_answer_rule_is_split_off(rule: str) -> None:
    quoted = rule.replace('"', '""')
    text = f"#html:true\nFront side\tFront side\n{quoted}\nBack side\n"
    text = text.replace("Front side\n", '"Front side\n', 1).replace("Back side\n", 'Back side"\n')
    assert questions(parse_text(anki.parse, text)) == [card("Front side", "Back side")]


def test_a_back_without_the_rule_is_kept_whole() -> None:
    text = "#html:true\nQ\t<hr>A<hr id=answers>B\n"
    assert questions(parse_text(anki.parse, text)) == [card("Q", "A\nB")]


def test_every_bad_card_is_reported_at_once() -> None:
    text = "#separator:tab\none\tuno\ntwo\nthree\ttres\nfour\n"
    with pytest.raises(BankFormatErrors) as caught:
        parse_text(anki.parse, text, "cards.txt")
    assert [error.line for error in caught.value.errors] == [3, 5]
    assert "expected a front and a back separated by tab" in str(caught.value)
