"""Property tests: on any input every parser yields items or raises BankFormatError, nothing else.

Two kinds of input per parser: random text made of the characters formats care about (and
any unicode), and the parser's valid fixtures mutated (truncated, with special characters
inserted, slices deleted, lines repeated).
"""

from __future__ import annotations

import functools
import io
import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import genanki
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import BankInfo, Notice, Question, Skipped
from bot.errors import BankFormatError, BankFormatErrors
from bot.formats import BINARY_FORMATS, FORMAT_MODULES, parser_for
from bot.formats.errors import MAX_ERRORS
from tests.formats.anki_packages import sample_package
from tests.formats.helpers import FIXTURES

#: Our Moodle XML fixtures, shaped like Moodle's exports (tests/fixtures/moodlexml).
MOODLE = FIXTURES.parents[1] / "fixtures" / "moodlexml"
#: The valid files each parser's mutations start from, and the name they are parsed as.
SEEDS = {
    "native": ["native_bank.yaml", "native_bank.json"],
    "csv": ["bank.csv", "bank.tsv"],
    "gift": ["moodle_sample.gift", "moodle_examples_shaped.gift"],
    "aiken": ["aiken_sample.txt"],
    "anki": ["anki_export.txt", "quizlet_export.txt", "quizlet_comma.txt"],
    "redtrivia": ["redtrivia_games.yaml"],
    "opentdb": ["opentdb_response.json"],
    "moodlexml": [
        str(MOODLE / name)
        for name in (
            "nested_geography_categories.xml",
            "tf_study_skills_with_pictures.xml",
            "mc_listening_with_flags.xml",
        )
    ],  # our Moodle-shaped fixtures, read as bytes
    "apkg": [],  # binary: packages written by genanki, see test_apkg_survives_*
}
SPECIAL = [
    *"{}=~#:\\\"',\t\n\r|[]-%&<>;/$*!?`@ \x00\ufeff\u2028\x85",
    "::",
    "->",
    "####",
    "\r\n",
    "\n\n",
    "ANSWER: ",
    "A) ",
    "$CATEGORY: ",
    "#separator:",
    "#html:true\n",
    "{T}",
    "&amp;",
    "<br>",
    '"results": [',
    "- ",
    "? ",
    "!!",
    "%50%",
    "[markdown]",
    "![a](b.png)",
]
_letters = st.sampled_from([*SPECIAL, "a", "B", "x", "1", "é", "答"])
_structured = st.lists(_letters, max_size=120).map("".join)
_anything = st.text(max_size=300)


def _run(format_name: str, text: str, source: str) -> None:
    parse = parser_for(format_name)
    stream = (
        io.BytesIO(text.encode())
        if format_name in BINARY_FORMATS
        else io.StringIO(text, newline="")
    )
    try:
        for item in parse(stream, source):  # type: ignore[arg-type]
            assert isinstance(item, BankInfo | Question | Skipped | Notice)
            if isinstance(item, Question):
                assert item.problems() == []
                assert item.line is None or item.line >= 1
    except BankFormatError as error:
        assert str(error).startswith(source)
        assert error.line is None or error.line >= 1
        if isinstance(error, BankFormatErrors):  # several at once: each one located
            assert 2 <= len(error.errors) <= MAX_ERRORS
            for each in error.errors:
                assert not isinstance(each, BankFormatErrors)
                assert str(each).startswith(source)
                assert each.line is None or each.line >= 1


@st.composite
def _mutated(draw: st.DrawFn, format_name: str) -> tuple[str, str]:
    name = draw(st.sampled_from(SEEDS[format_name]))
    text = (FIXTURES / name).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["truncate", "insert", "delete", "repeat"]))
        if how == "truncate":
            text = text[:at]
        elif how == "insert":
            text = text[:at] + draw(_letters) + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        else:
            lines = text.splitlines(keepends=True)
            if lines:
                index = draw(st.integers(0, len(lines) - 1))
                lines.insert(index, lines[index])
            text = "".join(lines)
    return text, name


def test_every_format_has_seeds() -> None:
    assert set(SEEDS) == set(FORMAT_MODULES)


@pytest.mark.parametrize("format_name", sorted(name for name, seeds in SEEDS.items() if seeds))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_parser_survives_any_input(format_name: str, data: st.DataObject) -> None:
    if data.draw(st.booleans(), label="mutate a fixture"):
        text, source = data.draw(_mutated(format_name), label="mutated")
    else:
        text = data.draw(st.one_of(_structured, _anything), label="text")
        source = SEEDS[format_name][0]
    _run(format_name, text, source)


# Anki packages: a genanki package's bytes mutated (mostly caught by the zip's checksums), its
# collection's bytes mutated and zipped again (SQLite's own damage checks), and packages of
# notes whose fields, tags and templates are made of cloze and template syntax.


@functools.cache
def _apkg_seed() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return sample_package(Path(folder) / "seed.apkg").read_bytes()


def _mutate_bytes(draw: st.DrawFn, data: bytes, start: int = 0) -> bytes:
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(min(start, len(data)), len(data)))
        how = draw(st.sampled_from(["truncate", "flip", "insert", "delete"]))
        if how == "truncate":
            data = data[:at]
        elif how == "flip" and at < len(data):
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
        elif how == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        else:
            data = data[:at] + data[at + draw(st.integers(1, 64)) :]
    return data


def _rezipped(seed: bytes, member: str, change: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(seed)) as old, zipfile.ZipFile(out, "w") as new:
        for name in old.namelist():
            new.writestr(name, change if name == member else old.read(name))
    return out.getvalue()


@st.composite
def _mutated_package(draw: st.DrawFn) -> bytes:
    seed = _apkg_seed()
    where = draw(st.sampled_from(["package", "collection", "media"]))
    if where == "package":
        return _mutate_bytes(draw, seed)
    member = "collection.anki2" if where == "collection" else "media"
    with zipfile.ZipFile(io.BytesIO(seed)) as archive:
        data = archive.read(member)
    start = 100 if where == "collection" else 0  # past SQLite's header, into its pages
    return _rezipped(seed, member, _mutate_bytes(draw, data, start))


_SYNTAX = st.sampled_from(
    ["{{c1::", "{{c2::", "::", "}}", "{{", "<img src=x.png>", "<hr id=answer>", "[sound:a]",
     "<br>", "&nbsp;", "{{#F}}", "{{/F}}", "{{^B}}", "{{F}}", "{{cloze:F}}", "{{type:B}}",
     "{{FrontSide}}", "\x1f", "a", "é", " "]
)  # fmt: skip
_syntax_text = st.lists(_SYNTAX, max_size=12).map("".join)


@st.composite
def _odd_package(draw: st.DrawFn) -> bytes:
    cloze = draw(st.booleans())
    model = genanki.CLOZE_MODEL if cloze else genanki.BASIC_AND_REVERSED_CARD_MODEL
    deck = genanki.Deck(5678, draw(st.sampled_from(["D", "A::B", "::", "x::::y"])))
    for _ in range(draw(st.integers(0, 3))):
        fields = [draw(_syntax_text), draw(_syntax_text)]
        tags = draw(st.lists(st.sampled_from(["t", "a::b", "x" * 120]), max_size=3))
        deck.add_note(genanki.Note(model=model, fields=fields, tags=tags))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "odd.apkg"
        genanki.Package(deck).write_to_file(str(path), timestamp=1_700_000_000)
        collection = Path(folder) / "collection.anki2"
        with zipfile.ZipFile(path) as archive:
            collection.write_bytes(archive.read("collection.anki2"))
        database = sqlite3.connect(collection)
        (models,) = database.execute("SELECT models FROM col").fetchone()
        types = json.loads(models)
        for note_type in types.values():  # templates genanki itself would not write
            for template in note_type["tmpls"]:
                template["qfmt"], template["afmt"] = draw(_syntax_text), draw(_syntax_text)
        database.execute("UPDATE col SET models = ?", (json.dumps(types),))
        database.commit()
        database.close()
        return _rezipped(path.read_bytes(), "collection.anki2", collection.read_bytes())


def _run_binary(format_name: str, data: bytes, source: str) -> None:
    try:
        for item in parser_for(format_name)(io.BytesIO(data), source):  # type: ignore[arg-type]
            assert isinstance(item, BankInfo | Question | Skipped | Notice)
            if isinstance(item, Question):
                assert item.problems() == []
    except BankFormatError as error:
        assert str(error).startswith(source)
        assert error.line is None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_mutated_package())
def test_apkg_survives_mutated_packages(data: bytes) -> None:
    _run_binary("apkg", data, "seed.apkg")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_odd_package())
def test_apkg_survives_odd_notes_and_templates(data: bytes) -> None:
    _run_binary("apkg", data, "odd.apkg")
