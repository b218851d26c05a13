"""The exporters: what each writes, and that parsing their output gives the questions back."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TextIO

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import BankInfo, Question, QuestionKind
from bot.formats import csv_format, detect_format, gift, moodle_xml, native, parser_for
from bot.formats.export import (
    EXPORTERS,
    EXTENSIONS,
    format_for_extension,
    gift_skip_reason,
    write_csv,
    write_gift,
    write_native,
)
from tests.formats.helpers import FIXTURES, Item, Parse, parse_fixture, parse_text, questions

INFO = BankInfo(name="demo", title="Demo: a bank", description="Two\nlines", source="tests")


def _moodle_xml(stream: TextIO, source: str) -> Iterator[Item]:
    """The Moodle XML reader over the text written (it reads bytes)."""
    return moodle_xml.parse(io.BytesIO(stream.read().encode()), source)


READERS: dict[str, Parse] = {
    "yaml": native.parse,
    "gift": gift.parse,
    "csv": csv_format.parse,
    "moodlexml": _moodle_xml,
}
AWKWARD = 'Colons: {braces} ~tilde =equals #hash "quotes", commas | pipes \\ back ünï ✓ 🎲'


def _all_kinds() -> list[Question]:
    return [
        Question(
            kind=QuestionKind.MULTIPLE_CHOICE,
            prompt=AWKWARD + "\nsecond line\n\nthird paragraph",
            options=("%50% off", "a|b", "[html]<b>not html</b>", "//c: d", "x -> y", "=4"),
            correct=0,
            explanation="Because: #1\nand {2}",
            topic="Maths/Algebra",
            tags=("t1", "two words", "ünï"),
            source="made up",
        ),
        Question.true_false("Is {this} = true?", False, explanation="No ~", topic="Maths/Algebra"),
        Question.true_false("$CATEGORY: not a category", True, tags=("tf",)),
        Question(
            kind=QuestionKind.TYPED,
            prompt="::not a title:: Type it",
            accepted=("x=y", "%5%", "a~b", "T", "pipe|d"),
            explanation="[html]kept",
        ),
        Question(
            kind=QuestionKind.MULTIPLE_CHOICE,
            prompt="// not a comment",
            options=("plain", "%100% right"),
            correct=1,
            topic="",
        ),
        Question(
            kind=QuestionKind.FLASHCARD, prompt="front: {x}", back="back\nmore | ~", topic="f"
        ),
    ]


def _export(name: str, items: Iterable[Question], info: BankInfo = INFO) -> str:
    stream = io.StringIO()
    EXPORTERS[name](info, items, stream)
    return stream.getvalue()


def _gift_carries(question: Question) -> bool:
    if question.kind is QuestionKind.FLASHCARD:
        return False
    return not (question.kind is QuestionKind.TYPED and all("->" in a for a in question.accepted))


def _topic_path(topic: str) -> str:
    """A topic as Moodle XML's categories give it back: a path without empty segments."""
    return "/".join(part.strip() for part in topic.split("/") if part.strip())


def _expected(name: str, originals: list[Question]) -> list[Question]:
    if name == "gift":
        return [q for q in originals if _gift_carries(q)]
    if name == "moodlexml":
        return [
            replace(q, topic=_topic_path(q.topic))
            for q in originals
            if q.kind is not QuestionKind.FLASHCARD
        ]
    return originals


@pytest.mark.parametrize("name", sorted(EXPORTERS))
def test_round_trip_of_every_kind_with_awkward_text(name: str) -> None:
    originals = _all_kinds()
    text = _export(name, originals)
    back = questions(parse_text(READERS[name], text, f"out.{name}"))
    assert back == _expected(name, originals)


@pytest.mark.parametrize("name", sorted(EXPORTERS))
@pytest.mark.parametrize(
    "fixture",
    ["moodle_sample.gift", "bank.csv", "bank.tsv", "anki_export.txt", "opentdb_response.json",
     "redtrivia_games.yaml", "aiken_sample.txt", "native_bank.json"],
)  # fmt: skip
def test_round_trip_of_the_fixtures(name: str, fixture: str) -> None:
    from bot.formats import detect_format

    originals = questions(parse_fixture(parser_for(detect_format(FIXTURES / fixture)), fixture))
    back = questions(parse_text(READERS[name], _export(name, originals), f"out.{name}"))
    assert back == _expected(name, originals)


def test_native_yaml_is_human_friendly_and_keeps_the_bank() -> None:
    text = _export("yaml", _all_kinds())
    assert text.startswith("bank: demo\ntitle: 'Demo: a bank'\ndescription: |-\n  Two\n  lines\n")
    assert "  question: |-\n    Colons: {braces}" in text
    assert "\n- type: multiple_choice\n" in text and "\n- type: flashcard\n" in text
    assert text.count("- type: ") == 6
    assert "tags: [t1, two words, ünï]" in text
    assert "\\u" not in text  # unicode written as itself
    items = parse_text(native.parse, text, "out.yaml")
    assert items[0] == INFO
    data = yaml.safe_load(text)
    assert [q["type"] for q in data["questions"]] == [q.kind.value for q in _all_kinds()]


def test_native_yaml_of_an_empty_bank() -> None:
    text = _export("yaml", [], BankInfo(name="empty"))
    assert text == "bank: empty\nquestions: []\n"
    assert parse_text(native.parse, text, "e.yaml") == [BankInfo(name="empty")]


def test_gift_skips_flashcards_with_a_note_and_writes_categories_and_tags() -> None:
    stream = io.StringIO()
    result = write_gift(INFO, _all_kinds(), stream)
    text = stream.getvalue()
    assert (result.written, result.skipped) == (5, 1)
    assert result.notes == ["'front: {x}': flashcard skipped (GIFT has no flashcards)"]
    assert text.startswith("// quizbot bank: demo\n// Demo: a bank\n// Two\n// lines\n")
    assert "\n$CATEGORY: Maths//Algebra\n" in text
    assert "\n$CATEGORY:\n" in text  # back to no topic
    assert "// [tag:t1] [tag:two words] [tag:ünï]\n" in text
    assert "// flashcard skipped: front\\: \\{x\\}" not in text
    assert "// flashcard skipped: front: {x}\n" in text


def test_gift_skips_typed_questions_that_would_read_as_matching() -> None:
    arrow = Question(kind=QuestionKind.TYPED, prompt="Q", accepted=("a -> b",))
    stream = io.StringIO()
    result = write_gift(INFO, [arrow], stream)
    assert result.skipped == 1 and "matching" in result.notes[0]
    assert questions(parse_text(gift.parse, stream.getvalue())) == []


def test_gift_skip_reason_is_what_write_gift_skips() -> None:
    items = [*_all_kinds(), Question(kind=QuestionKind.TYPED, prompt="Q", accepted=("a -> b",))]
    reasons = [gift_skip_reason(q) for q in items]
    result = write_gift(INFO, items, io.StringIO())
    assert result.written == reasons.count(None) == 5
    assert result.notes == [
        "'front: {x}': flashcard skipped (GIFT has no flashcards)",
        "'Q': typed question skipped (GIFT would read '->' as matching)",
    ]


@pytest.mark.parametrize("suffix", sorted(EXTENSIONS))
def test_an_export_named_by_its_extension_is_read_back_in_that_format(
    tmp_path: Path, suffix: str
) -> None:
    name = format_for_extension(suffix)
    assert name in EXPORTERS and format_for_extension(suffix.upper()) == name
    path = tmp_path / f"bank{suffix}"
    path.write_text(_export(name, _all_kinds()), encoding="utf-8")
    formats = {"yaml": "native", "gift": "gift", "csv": "csv", "moodlexml": "moodlexml"}
    assert detect_format(path) == formats[name]


def test_every_export_format_has_an_extension() -> None:
    assert set(EXTENSIONS.values()) == set(EXPORTERS)
    assert format_for_extension(".txt") is None  # GIFT, Aiken and Anki all use it


def test_csv_header_and_rows() -> None:
    stream = io.StringIO()
    result = write_csv(INFO, _all_kinds()[1:2], stream)
    assert result.written == 1
    assert stream.getvalue() == (
        "question,options,answer,explanation,topic,type,tags,source,image,image_alt\n"
        "Is {this} = true?,,false,No ~,Maths/Algebra,true_false,,,,\n"
    )


def test_writers_accept_a_lazy_iterable() -> None:
    lazy = (q for q in _all_kinds())
    assert write_native(INFO, lazy, io.StringIO()).written == 6


# --- property: random questions survive a round trip ------------------------------------

_CHARS = list("abcXYZ019 ü✓🎲:{}~=#\\|\"',;/%[]<>&-_$*.\n\t")
_text = st.text(alphabet=_CHARS, min_size=1, max_size=24).map(str.strip).filter(bool)
_tag = (
    st.text(alphabet=list("abcxyz01 -_:|,/#{}"), min_size=1, max_size=10)
    .map(str.strip)
    .filter(bool)
)
_common = {
    "explanation": st.one_of(st.just(""), _text),
    "topic": st.one_of(st.just(""), _text),
    "tags": st.lists(_tag, max_size=3).map(tuple),
    "source": st.one_of(st.just(""), _text),
}


@st.composite
def _questions(draw: st.DrawFn) -> Question:
    kind = draw(st.sampled_from(list(QuestionKind)))
    extra = {key: draw(strategy) for key, strategy in _common.items()}
    prompt = draw(_text)
    if kind is QuestionKind.MULTIPLE_CHOICE:
        options = tuple(draw(st.lists(_text, min_size=2, max_size=5)))
        correct = draw(st.integers(0, len(options) - 1))
        return Question(kind=kind, prompt=prompt, options=options, correct=correct, **extra)
    if kind is QuestionKind.TRUE_FALSE:
        return Question.true_false(prompt, draw(st.booleans()), **extra)
    if kind is QuestionKind.TYPED:
        accepted = tuple(draw(st.lists(_text, min_size=1, max_size=3)))
        return Question(kind=kind, prompt=prompt, accepted=accepted, **extra)
    return Question(kind=kind, prompt=prompt, back=draw(_text), **extra)


def _sound_and_distinct(items: list[Question]) -> bool:
    keys = [q.identity_key() for q in items]
    return len(set(keys)) == len(keys) and all(not q.problems() for q in items)


_banks = st.lists(_questions(), min_size=1, max_size=4).filter(_sound_and_distinct)


@pytest.mark.parametrize("name", sorted(EXPORTERS))
@settings(max_examples=100, deadline=None)
@given(originals=_banks)
def test_random_questions_round_trip(name: str, originals: list[Question]) -> None:
    back = questions(parse_text(READERS[name], _export(name, originals), f"out.{name}"))
    expected = _expected(name, originals)
    assert back == expected
