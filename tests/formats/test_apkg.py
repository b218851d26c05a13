"""Anki packages (.apkg/.colpkg) written by genanki, in both schemas: cards, sides, decks as
topics, tags, pictures from the media, what is left out, and clear errors for bad packages."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from bot.domain import BankInfo, Notice, Question, QuestionKind, Skipped
from bot.errors import BankFormatError, BankFormatErrors
from bot.formats import detect_format, parse_path
from bot.formats._anki_templates import render_card
from tests.formats.anki_packages import (
    PLACEHOLDER,
    as_anki21,
    basic_package,
    collection_of,
    execute,
    rezip,
    sample_package,
    with_collection,
)
from tests.image_samples import png

Item = BankInfo | Question | Skipped | Notice


def read(path: Path) -> list[Item]:
    return list(parse_path(path))


def cards(items: list[Item]) -> list[Question]:
    return [item for item in items if isinstance(item, Question)]


def notices(items: list[Item]) -> list[str]:
    return [item.reason for item in items if isinstance(item, Notice)]


def failure(path: Path) -> BankFormatError:
    with pytest.raises(BankFormatError) as caught:
        read(path)
    return caught.value


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return sample_package(tmp_path / "geography.apkg")


EXPECTED = [  # (front, back, topic) in note order, a note's cards together
    ("What is the capital of France?", "Paris\n(on the Seine)", "Geography"),
    ("Which country has this flag?", "Mali", "Geography"),
    ("Germany", "Berlin", "Geography/Europe"),
    ("Berlin", "Germany", "Geography/Europe"),
    ("Spain", "Madrid", "Geography/Europe"),
    ("Madrid", "Spain", "Geography/Europe"),
    ("Italy", "Rome", "Geography/Europe"),
    (
        "[...] is the capital of Austria; the Danube flows through it",
        "Vienna is the capital of Austria; the Danube flows through it\nBack extra: since 1918",
        "Geography/Europe",
    ),
    (
        "Vienna is the capital of [a country]; the Danube flows through it",
        "Vienna is the capital of Austria; the Danube flows through it\nBack extra: since 1918",
        "Geography/Europe",
    ),
    (
        "Vienna is the capital of Austria; the [...] flows through it",
        "Vienna is the capital of Austria; the Danube flows through it\nBack extra: since 1918",
        "Geography/Europe",
    ),
    ("la mer", "the sea (no example)", "Geography/Europe"),
]


def test_genanki_package_basic_reversed_cloze_and_custom_notes(sample: Path) -> None:
    items = read(sample)
    assert items[0] == BankInfo(
        name="geography", title="Geography", description="Capitals and flags"
    )
    found = cards(items)
    assert [(q.prompt, q.back, q.topic) for q in found] == EXPECTED
    assert all(q.kind is QuestionKind.FLASHCARD and q.problems() == [] for q in found)
    assert found[0].tags == ("capitals", "europe::west")
    assert found[7].tags == ("cloze",) and found[2].tags == ()
    assert not [item for item in items if isinstance(item, Skipped)]


def test_the_picture_on_a_front_comes_from_the_media(sample: Path) -> None:
    found = cards(read(sample))
    flag = found[1]
    assert flag.image is not None
    assert flag.image.data == png(7)
    assert flag.image.digest == hashlib.sha256(png(7)).hexdigest()
    assert (flag.image.alt, flag.image.media_type, flag.image.name) == (
        "a flag",
        "image/png",
        "flag_mali.png",
    )
    assert [index for index, q in enumerate(found) if q.image] == [1]


def test_scheduling_is_said_to_be_left_out_once(sample: Path) -> None:
    (note,) = notices(read(sample))
    assert "scheduling" in note and "not imported" in note


def test_the_newer_schema_is_read_and_its_placeholder_ignored(sample: Path, tmp_path: Path) -> None:
    newer = as_anki21(sample, tmp_path / "newer.apkg")
    with zipfile.ZipFile(newer) as archive:
        assert {"collection.anki21", "collection.anki2", "meta"} <= set(archive.namelist())
    items = read(newer)
    assert items[1:] == read(sample)[1:]
    assert not any(PLACEHOLDER in q.prompt for q in cards(items))


def test_a_collection_package_reads_the_same(sample: Path, tmp_path: Path) -> None:
    collection = tmp_path / "collection.colpkg"
    collection.write_bytes(sample.read_bytes())
    assert detect_format(collection) == "apkg" == detect_format(sample)
    assert cards(read(collection)) == cards(read(sample))


@pytest.mark.parametrize(
    ("members", "meta"),
    [
        ({"collection.anki21b": b"\x28\xb5\x2f\xfd", "collection.anki2": b""}, None),
        ({"collection.anki21b": b"\x28\xb5\x2f\xfd"}, None),
        ({}, b"\x08\x03"),
    ],
)
def test_the_newest_package_format_asks_for_an_older_export(
    sample: Path, tmp_path: Path, members: dict[str, bytes], meta: bytes | None
) -> None:
    newest = tmp_path / "newest.apkg"
    with zipfile.ZipFile(newest, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if meta is not None:
            with zipfile.ZipFile(sample) as old:
                archive.writestr("collection.anki2", old.read("collection.anki2"))
            archive.writestr("meta", meta)
    error = failure(newest)
    assert str(error).startswith(f"{newest}: ")
    assert "Support older Anki versions" in error.message


def test_not_a_zip_or_no_collection_or_a_broken_database(tmp_path: Path) -> None:
    text = tmp_path / "notes.apkg"
    text.write_text("front\tback\n")
    assert "not an Anki package" in failure(text).message
    empty = tmp_path / "empty.apkg"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("media", "{}")
    assert "no collection.anki21 or collection.anki2" in failure(empty).message
    broken = tmp_path / "broken.apkg"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("collection.anki2", b"SQLite format 3\x00" + b"\x07" * 3000)
    error = failure(broken)
    assert str(error).startswith(f"{broken}: ") and "collection" in error.message


def test_a_missing_or_unacceptable_picture_names_its_note(tmp_path: Path) -> None:
    package = basic_package(
        tmp_path / "pics.apkg",
        [
            ('Where? <img src="gone.png">', "nowhere"),
            ('What? <img src="drawing.svg">', "a drawing"),
            ("Fine", "yes"),
        ],
        {"drawing.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>"},
    )
    error = failure(package)
    assert isinstance(error, BankFormatErrors) and error.count == 2
    first, second = (str(each) for each in error.errors)
    assert first.startswith(f"{package}: note ") and "'gone.png' is not in the package" in first
    assert "Check Media" in first
    assert "'drawing.svg' is not a PNG, JPEG, GIF or WebP picture" in second


def test_picture_only_fronts_sounds_and_back_pictures(tmp_path: Path) -> None:
    package = basic_package(
        tmp_path / "media.apkg",
        [
            ('<img src="a.png" alt="Flag of Peru">', "Peru"),
            ('<img src="b.png">', "Chile"),
            ("Hola [sound:hola.mp3]", "Hello"),
            ("Which animal?", '<img src="cat.png"> a cat'),
            ("[sound:only.mp3]", "nothing to read"),
        ],
        {"a.png": png(1), "b.png": png(2), "cat.png": png(3), "hola.mp3": b"ID3"},
    )
    items = read(package)
    found = cards(items)
    assert [(q.prompt, q.back) for q in found] == [
        ("Flag of Peru", "Peru"),
        ("(picture)", "Chile"),
        ("Hola", "Hello"),
        ("Which animal?", "a cat"),
    ]
    assert found[0].image.data == png(1) and found[1].image.data == png(2)
    assert found[3].image is None  # a picture on the back would give the answer away
    (skipped,) = [item for item in items if isinstance(item, Skipped)]
    assert skipped.line is None and skipped.reason.startswith("note ")
    assert "nothing on its front" in skipped.reason
    said = notices(items)
    assert any("sounds left out of 2 card(s)" in note for note in said)
    assert any("pictures on the back left out of 1 card(s)" in note for note in said)


def test_notes_without_a_note_type_and_long_tags(sample: Path, tmp_path: Path) -> None:
    collection = collection_of(sample, tmp_path)
    execute(collection, "UPDATE notes SET mid = 42 WHERE flds LIKE 'Germany%'")
    execute(
        collection,
        "UPDATE notes SET tags = ? WHERE flds LIKE 'What is%'",
        " " + " ".join([f"t{n}" for n in range(60)] + ["x" * 101]) + " ",
    )
    changed = with_collection(sample, collection, tmp_path / "changed.apkg")
    items = read(changed)
    skipped = [item.reason for item in items if isinstance(item, Skipped)]
    assert len(skipped) == 2 and all("note type is missing" in reason for reason in skipped)
    first = cards(items)[0]
    assert first.tags == tuple(f"t{n}" for n in range(50))


def test_text_over_the_limits_names_the_note(tmp_path: Path) -> None:
    package = basic_package(tmp_path / "long.apkg", [("Long?", "x" * 5000)], {})
    error = failure(package)
    assert str(error).startswith(f"{package}: note ") and "back" in error.message


def test_cards_in_a_filtered_deck_keep_their_home_deck(sample: Path, tmp_path: Path) -> None:
    collection = collection_of(sample, tmp_path)
    execute(collection, "UPDATE cards SET odid = did, did = 99 WHERE ord = 0")
    moved = with_collection(sample, collection, tmp_path / "filtered.apkg")
    assert [q.topic for q in cards(read(moved))] == [topic for _f, _b, topic in EXPECTED]


def test_an_empty_package_is_a_bank_without_cards(tmp_path: Path) -> None:
    package = basic_package(tmp_path / "empty.apkg", [], {})
    items = read(package)
    assert isinstance(items[0], BankInfo) and cards(items) == []


def test_rezipped_with_the_media_list_broken(sample: Path, tmp_path: Path) -> None:
    broken = rezip(sample, tmp_path / "media.apkg", rename={"media": "old-media"})
    with zipfile.ZipFile(broken, "a") as archive:
        archive.writestr("media", b"\x0a\x05proto")
    assert "media list is not readable JSON" in failure(broken).message


# Templates, rendered directly.

BASIC_BACK = "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}"


def test_the_back_is_what_follows_the_answer_rule() -> None:
    card = render_card("{{Front}}", BASIC_BACK, {"Front": "Q", "Back": "A"})
    assert (card.front, card.back.strip()) == ("Q", "A")
    quoted = render_card(
        "{{Front}}", '{{FrontSide}}<HR ID="answer">{{Back}}', {"Front": "Q", "Back": "A"}
    )
    assert quoted.back == "A"


def test_sections_filters_and_special_fields() -> None:
    fields = {"Word": "gato", "Meaning": "cat", "Extra": ""}
    card = render_card(
        "{{#Extra}}hidden{{/Extra}}{{^Extra}}[{{Word}}]{{/Extra}}{{type:Meaning}}"
        "{{tts en_US:Word}}{{Missing}}",
        "{{Deck}}|{{Subdeck}}|{{Tags}}|{{Type}}|{{Card}}|{{type:Meaning}}|{{hint:word}}",
        fields,
        tags=" a b ",
        note_type="Vocab",
        deck="Spanish::Animals",
        template_name="Card 1",
    )
    assert card.front == "[gato]"
    assert card.back == "Spanish::Animals|Animals|a b|Vocab|Card 1|cat|gato"


def test_nested_clozes_and_a_cloze_number_the_note_lacks() -> None:
    text = {"Text": "{{c1::Paris {{c2::France}}}} and {{c3::x::hint}}"}
    one = render_card("{{cloze:Text}}", "{{cloze:Text}}", text, cloze=1)
    two = render_card("{{cloze:Text}}", "{{cloze:Text}}", text, cloze=2)
    three = render_card("{{cloze:Text}}", "{{type:cloze:Text}}", text, cloze=3)
    assert (one.front, one.back) == ("[...] and x", "Paris France and x")
    assert two.front == "Paris [...] and x"
    assert (three.front, three.back) == ("Paris France and [hint]", "x")
    assert render_card("{{cloze:Text}}", "", text, cloze=4).asked is False
