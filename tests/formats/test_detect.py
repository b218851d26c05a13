"""Format detection by extension and content, and parse_path over the fixtures."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from bot.domain import Question
from bot.errors import BankFormatError
from bot.formats import (
    BINARY_FORMATS,
    EXTENSIONS,
    FORMAT_MODULES,
    detect_format,
    parse_path,
    parser_for,
)
from tests.formats.helpers import FIXTURES, parse_fixture, parse_text

FIXTURE_FORMATS = {
    "moodle_sample.gift": "gift",
    "moodle_examples_shaped.gift": "gift",
    "anki_cards_export.txt": "anki",
    "redtrivia_elements.yaml": "redtrivia",
    "aiken_sample.txt": "aiken",
    "anki_export.txt": "anki",
    "quizlet_export.txt": "anki",
    "quizlet_comma.txt": "anki",
    "redtrivia_games.yaml": "redtrivia",
    "opentdb_response.json": "opentdb",
    "bank.csv": "csv",
    "bank.tsv": "csv",
    "native_bank.json": "native",
    "native_bank.yaml": "native",
}


def test_every_fixture_is_listed() -> None:
    assert {p.name for p in FIXTURES.iterdir()} == set(FIXTURE_FORMATS)


@pytest.mark.parametrize(("name", "fmt"), sorted(FIXTURE_FORMATS.items()))
def test_fixture_detected_and_parsed_by_path(name: str, fmt: str) -> None:
    path = FIXTURES / name
    assert detect_format(path) == fmt
    items = list(parse_path(path))
    assert items == parse_fixture(parser_for(fmt), name)
    assert any(isinstance(item, Question) for item in items)


def test_every_format_is_registered_and_importable() -> None:
    assert set(FORMAT_MODULES) == {
        "native", "csv", "gift", "aiken", "anki", "redtrivia", "opentdb", "moodlexml", "apkg"
    }  # fmt: skip
    for name in FORMAT_MODULES:
        assert callable(parser_for(name))
    assert set(EXTENSIONS.values()) <= set(FORMAT_MODULES)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.gift", "gift"),
        ("A.GIFT", "gift"),
        ("deck.yml", "native"),
        ("x.yaml", "native"),
        ("quiz.xml", "moodlexml"),
        ("Export.XML", "moodlexml"),
    ],
)
def test_by_extension_alone(name: str, fmt: str, tmp_path: Path) -> None:
    path = tmp_path / name
    text = {"native": "bank: x\nquestions: []\n", "moodlexml": "<quiz></quiz>\n"}.get(
        fmt, "Q {T}\n"
    )
    path.write_text(text)
    assert detect_format(path) == fmt


GIFT_EXPORT = (
    "// question: 1  name: Q1\n::Q1::What is 2+2?{\n\t=4\n\t~3\n\t~5\n}\n\n"
    "// question: 2  name: Q2\n::Q2::Sky is blue.{TRUE}\n"
)


@pytest.mark.parametrize(
    ("name", "head", "fmt"),
    [
        ("q.txt", GIFT_EXPORT, "gift"),
        ("q.txt", "$CATEGORY: a/b\n\nQ {T}\n", "gift"),
        ("q.txt", "Q?\nA. a\nB. b\nANSWER: B\n", "aiken"),
        (
            "q.txt",
            "Formula {x = 1}?\nA) yes\nB) no\nANSWER: A\n\nQ2\nA) c\nB) d\nANSWER: B\n",
            "aiken",
        ),
        ("q.txt", "#separator:Comma\n#html:false\na,b\n", "anki"),
        ("q.txt", "#html:true\n{{c1::x}}\ty\n", "anki"),
        ("q.txt", "set\t{x | x = 1}\nterm\tdefinition\nother\tthing\n", "anki"),
        ("q.txt", "uno;one\ndos;two\n", "anki"),
        ("b.json", '{"response_code": 0, "results": []}', "opentdb"),
        ("b.json", '{"results": [{"type": "boolean"}]}', "opentdb"),
        ("b.json", '{"bank": "x", "questions": []}', "native"),
        ("b.json", '{"questions": [], "bank": "x", "results": "ignored"}', "native"),
        ("b.json", "", "native"),
        ("b.yaml", "# comment\ntitle: T\nbank: x\nquestions: []\n", "native"),
        ("b.yaml", "AUTHOR: me\nQ?:\n- a\n", "redtrivia"),
        ("b.yaml", "What is 2+2?:\n- 4\n- four\n", "redtrivia"),
        ("b.yml", "CONFIG:\n  delay: 10\n", "redtrivia"),
        ("b.yaml", "{bank: x, questions: []}", "native"),
        ("b.csv", "Question,Answer\nQ,A\n", "csv"),
        ("b.csv", "front,back\n", "anki"),
        ("b.csv", "#separator:comma\nfront,back\n", "anki"),
        ("b.tsv", "question\toptions\tanswer\nQ\ta|b\tA\n", "csv"),
        ("b.tsv", "Hund\tdog\n", "anki"),
    ],
)
def test_by_content(name: str, head: str, fmt: str) -> None:
    assert detect_format(Path(name), head) == fmt


def test_undecidable_txt_and_unknown_extension() -> None:
    with pytest.raises(BankFormatError, match="use --format"):
        detect_format(Path("notes.txt"), "just some words\nand more words\n")
    with pytest.raises(BankFormatError, match=r"^bank\.pdf: cannot tell the format"):
        detect_format(Path("bank.pdf"))


def test_parse_path_with_explicit_format_and_errors_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cards.dat"
    path.write_text("front\tback\n", encoding="utf-8")
    (card,) = parse_path(path, "anki")
    assert card.back == "back"  # type: ignore[union-attr]

    bad = tmp_path / "bad.gift"
    bad.write_text("Q1 {T}\n\nQ2 {=a ~b\n", encoding="utf-8")
    with pytest.raises(BankFormatError) as caught:
        list(parse_path(bad))
    assert str(caught.value).startswith(f"{bad}:3:")

    latin = tmp_path / "latin.gift"
    latin.write_bytes("Caf\xe9 {T}\n".encode("latin-1"))
    with pytest.raises(BankFormatError, match="not UTF-8"):
        list(parse_path(latin))

    with pytest.raises(BankFormatError, match="cannot read the file"):
        list(parse_path(tmp_path / "missing.txt"))
    with pytest.raises(BankFormatError, match="unknown format"):
        list(parse_path(path, "xml"))


def test_parse_path_reads_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffquestion,answer\r\nQ,A\r\n".encode())
    (q,) = parse_path(path)
    assert (q.prompt, q.accepted, q.line) == ("Q", ("A",), 2)  # type: ignore[union-attr]


DOCS = Path(__file__).resolve().parents[2] / "docs" / "FORMATS.md"
DOC_EXTENSIONS = {"csv": "csv", "text": "txt", "yaml": "yaml", "json": "json", "xml": "xml"}


def test_the_examples_in_the_format_docs_are_detected_and_read() -> None:
    blocks = re.findall(r"^```(\w+)\n(.*?)^```$", DOCS.read_text(encoding="utf-8"), re.M | re.S)
    found = []
    for language, body in blocks:
        fmt = detect_format(Path(f"example.{DOC_EXTENSIONS[language]}"), body)
        name = f"example.{DOC_EXTENSIONS[language]}"
        if fmt in BINARY_FORMATS:
            items = list(parser_for(fmt)(io.BytesIO(body.encode()), name))  # type: ignore[arg-type]
        else:
            items = parse_text(parser_for(fmt), body, name)
        assert any(isinstance(item, Question) for item in items), body
        found.append(fmt)
    assert found == ["csv", "gift", "aiken", "anki", "anki", "redtrivia", "opentdb", "moodlexml"]
