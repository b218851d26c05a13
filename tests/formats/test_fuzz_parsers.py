"""Property tests: on any input every parser yields items or raises BankFormatError, nothing else.

Two kinds of input per parser: random text made of the characters formats care about (and
any unicode), and the parser's valid fixtures mutated (truncated, with special characters
inserted, slices deleted, lines repeated).
"""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import BankInfo, Question, Skipped
from bot.errors import BankFormatError
from bot.formats import BINARY_FORMATS, FORMAT_MODULES, parser_for
from tests.formats.helpers import FIXTURES

#: Moodle's XML fixtures (tests/fixtures/moodlexml).
MOODLE = FIXTURES.parents[1] / "fixtures" / "moodlexml"
#: The valid files each parser's mutations start from, and the name they are parsed as.
SEEDS = {
    "native": ["native_bank.yaml", "native_bank.json"],
    "csv": ["bank.csv", "bank.tsv"],
    "gift": ["moodle_sample.gift"],
    "aiken": ["aiken_sample.txt"],
    "anki": ["anki_export.txt", "quizlet_export.txt", "quizlet_comma.txt"],
    "redtrivia": ["redtrivia_games.yaml"],
    "opentdb": ["opentdb_response.json"],
    "moodlexml": [
        str(MOODLE / name)
        for name in ("nested_categories_with_questions.xml", "truefalse.xml", "multichoice.xml")
    ],  # Moodle's own fixtures, read as bytes
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
            assert isinstance(item, BankInfo | Question | Skipped)
            if isinstance(item, Question):
                assert item.problems() == []
                assert item.line is None or item.line >= 1
    except BankFormatError as error:
        assert str(error).startswith(source)
        assert error.line is None or error.line >= 1


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


@pytest.mark.parametrize("format_name", sorted(SEEDS))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_parser_survives_any_input(format_name: str, data: st.DataObject) -> None:
    if data.draw(st.booleans(), label="mutate a fixture"):
        text, source = data.draw(_mutated(format_name), label="mutated")
    else:
        text = data.draw(st.one_of(_structured, _anything), label="text")
        source = SEEDS[format_name][0]
    _run(format_name, text, source)
