"""Bank file errors, skip notices and lint findings speak the moderator's language.

A message is written when it is made (the error raised, the finding found), in the language
current then; the ``file:line:`` prefix, format and key names, quoted bank text and the lint's
rule codes stay as they are in every language. Without a language everything is English.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.domain import Question, QuestionKind, Skipped
from bot.errors import BankFormatError, BankFormatErrors
from bot.formats import aiken, gift, moodle_xml, native
from bot.formats.hygiene import tidy
from bot.i18n import formatting as fmt
from bot.i18n import use_language
from bot.quality.files import lint_file
from bot.quality.items import DEFAULT_THRESHOLDS, describe_thresholds
from bot.quality.lint import RULES, lint

UNCLOSED_GIFT = "::T1:: Capital of France? {=Paris ~Lyon\n"
NOT_MOODLE = b'<?xml version="1.0" encoding="UTF-8"?>\n<questions>\n</questions>\n'


def _gift_error(text: str, source: str = "bank.gift") -> BankFormatError:
    with pytest.raises(BankFormatError) as caught:
        list(gift.parse(io.StringIO(text, newline=""), source))
    return caught.value


def _moodle_error(data: bytes, source: str = "bank.xml") -> BankFormatError:
    with pytest.raises(BankFormatError) as caught:
        list(moodle_xml.parse(io.BytesIO(data), source))
    return caught.value


def _aiken_errors(bad: int) -> BankFormatErrors:
    text = "\n".join(f"Bad {i}?\nA) one\nANSWER: A\n" for i in range(bad))
    with pytest.raises(BankFormatErrors) as caught:
        list(aiken.parse(io.StringIO(text, newline=""), "many.txt"))
    return caught.value


def _mc(prompt: str, options: list[str], correct: int = 0, explanation: str = "x") -> Question:
    return Question(
        kind=QuestionKind.MULTIPLE_CHOICE,
        prompt=prompt,
        options=tuple(options),
        correct=correct,
        explanation=explanation,
    )


# -- GIFT --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (None, "bank.gift:1: '{' is never closed with '}' (write \\{ for a literal brace)"),
        ("es", "bank.gift:1: '{' nunca se cierra con '}' (escribe \\{ para una llave literal)"),
        (
            "de",
            "bank.gift:1: '{' wird nie mit '}' geschlossen "
            "(schreib \\{ für eine wörtliche Klammer)",
        ),
    ],
)
def test_a_gift_error_keeps_its_place_and_speaks_the_language(
    language: str | None, expected: str
) -> None:
    with use_language(language):
        problem = _gift_error(UNCLOSED_GIFT)
    assert str(problem) == expected
    assert problem.line == 1


def test_a_gift_skip_notice_is_written_in_the_language_current_when_parsing() -> None:
    with use_language("de"):
        items = list(gift.parse(io.StringIO("Write an essay. {}\n"), "bank.gift"))
    (item,) = items
    assert isinstance(item, Skipped)
    assert item.reason == "Freitextfrage übersprungen"


# -- Moodle XML --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (None, "bank.xml:2: not a Moodle XML file: its root element is <questions>, not <quiz>"),
        (
            "es",
            "bank.xml:2: no es un archivo Moodle XML: su elemento raíz es <questions>, no <quiz>",
        ),
        (
            "de",
            "bank.xml:2: keine Moodle-XML-Datei: ihr Wurzelelement ist <questions>, nicht <quiz>",
        ),
    ],
)
def test_a_moodle_xml_error_keeps_its_place_and_the_format_name(
    language: str | None, expected: str
) -> None:
    with use_language(language):
        problem = _moodle_error(NOT_MOODLE)
    assert str(problem) == expected


def test_a_moodle_xml_question_error_quotes_the_bank_text_as_it_is() -> None:
    question = (
        '<question type="multichoice"><name><text>Café</text></name>'
        "<questiontext><text>Pick</text></questiontext>"
        '<answer fraction="0"><text>a</text></answer>'
        '<answer fraction="0"><text>b</text></answer></question>'
    )
    data = f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n{question}\n</quiz>\n'.encode()
    with use_language("es"):
        problem = _moodle_error(data)
    assert str(problem) == (
        "bank.xml:3: pregunta 'Café' no tiene respuesta correcta "
        "(ninguna respuesta con fraction 100)"
    )


# -- "and N more" ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "bad", "expected"),
    [
        (None, 21, "and 1 more error"),
        (None, 23, "and 3 more errors"),
        ("es", 21, "y 1 error más"),
        ("es", 23, "y 3 errores más"),
        ("de", 21, "und 1 weiterer Fehler"),
        ("de", 23, "und 3 weitere Fehler"),
    ],
)
def test_errors_beyond_the_cap_are_counted_with_the_right_plural(
    language: str | None, bad: int, expected: str
) -> None:
    with use_language(language):
        errors = _aiken_errors(bad)
    lines = str(errors).splitlines()
    assert lines[-1] == expected
    assert all(line.startswith("many.txt:") for line in lines[:-1])


def test_each_kept_error_is_in_the_language_with_its_line() -> None:
    with use_language("de"):
        errors = _aiken_errors(2)
    assert str(errors).splitlines() == [
        "many.txt:1: die Frage hat 1 Option; sie braucht mindestens 2 "
        "(Zeilen wie 'A) Text' oder 'A. Text')",
        "many.txt:5: die Frage hat 1 Option; sie braucht mindestens 2 "
        "(Zeilen wie 'A) Text' oder 'A. Text')",
    ]


# -- text limits and control characters (every format) ----------------------------------------


def test_a_text_over_its_limit_names_the_field_and_numbers_the_language_way() -> None:
    question = Question.true_false(answer=True, prompt="x" * 2345, line=7)
    with use_language("de"), pytest.raises(BankFormatError) as caught:
        tidy(question, "bank.yaml")
    assert str(caught.value) == "bank.yaml:7: der Fragetext hat 2.345 Zeichen (höchstens 2.000)"
    with pytest.raises(BankFormatError) as caught:
        tidy(question, "bank.yaml")
    assert str(caught.value) == (
        "bank.yaml:7: the question text is 2,345 characters (at most 2,000)"
    )


def test_control_characters_removed_are_listed_the_language_way() -> None:
    question = _mc("Pick\x07", ["a\x1b", "b\x1b", "c"], explanation="why\x07")
    with use_language("es"):
        _tidied, note = tidy(question, "bank.yaml")
    assert note == (
        "se quitaron caracteres de control en el texto de la pregunta, la opción A, "
        "la opción B y la explicación"
    )
    _tidied, note = tidy(question, "bank.yaml")
    assert note == (
        "control characters removed from the question text, option A, option B and the explanation"
    )


# -- lint --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (None, "options A and C are the same"),
        ("es", "las opciones A y C son iguales"),
        ("de", "die Optionen A und C sind gleich"),
    ],
)
def test_a_lint_finding_speaks_the_language_and_keeps_its_rule_code(
    language: str | None, expected: str
) -> None:
    question = _mc("Which one?", ["Paris", "Lyon", "paris."])
    with use_language(language):
        report = lint([question])
    (finding,) = [f for f in report.findings if f.severity == "error"]
    assert finding.rule == "duplicate-options"
    assert finding.message == expected


def test_lint_percentages_follow_the_language() -> None:
    near = _mc("Which one?", ["the big red house", "the big red houses", "a cat"])
    with use_language("de"):
        found = [f.message for f in lint([near]).findings if f.rule == "near-duplicate-options"]
        share = fmt.percent(0.97)
    assert found == [f"die Optionen A und B sind fast Duplikate ({share} gleicher Text)"]


def test_rule_summaries_are_translated_but_names_are_not() -> None:
    rule = RULES["long-back"]
    assert rule.summary == "a flashcard's back is over 400 characters"
    with use_language("es"):
        assert rule.summary == "el reverso de una tarjeta tiene más de 400 caracteres"
        assert rule.name == "long-back"


def test_item_flag_thresholds_are_described_in_the_language() -> None:
    with use_language("es"):
        described = describe_thresholds(DEFAULT_THRESHOLDS)
        share = fmt.percent(0.95)
    assert set(described) == {"key-may-be-wrong", "dead-distractor", "too-easy", "too-hard"}
    assert described["too-easy"] == f"más del {share} de aciertos, a partir de 20 respuestas"
    assert describe_thresholds(DEFAULT_THRESHOLDS)["too-easy"] == (
        "over 95% right, from 20 answers"
    )


def test_a_file_lint_keeps_the_line_of_each_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.gift"
    path.write_text(UNCLOSED_GIFT + "\nQ2? {~a ~b}\n", encoding="utf-8")
    with use_language("es"):
        _info, report = lint_file(path)
    assert [(f.rule, f.line, f.message) for f in report.findings] == [
        ("parse", 1, "'{' nunca se cierra con '}' (escribe \\{ para una llave literal)"),
        (
            "parse",
            3,
            "la pregunta de opción múltiple no tiene respuesta correcta (márcala con '=')",
        ),
    ]


# -- the CLI, in the terminal's language -------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es_ES.UTF-8", "'{' nunca se cierra con '}'"),
        ("de_DE.UTF-8", "'{' wird nie mit '}' geschlossen"),
        ("C.UTF-8", "'{' is never closed with '}'"),
    ],
)
def test_validate_prints_file_line_and_the_terminals_language(
    tmp_path: Path, language: str, expected: str
) -> None:
    # A process of its own: the CLI reads the terminal's language once, when it starts.
    path = tmp_path / "bad.gift"
    path.write_text(UNCLOSED_GIFT, encoding="utf-8")
    env = {**os.environ, "LANG": language}
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "validate", str(path)],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert f"{path}:1: {expected}" in result.stdout + result.stderr


# -- native YAML -------------------------------------------------------------------------------

NATIVE_BAD_ANSWER = "bank: x\nquestions:\n  - question: Q?\n    options: [a, b]\n    answer: C\n"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (None, "b.yaml:5: answer 'C' but there are only 2 options"),
        ("es", "b.yaml:5: respuesta 'C', pero solo hay 2 opciones"),
        ("de", "b.yaml:5: Antwort 'C', aber es gibt nur 2 Optionen"),
    ],
)
def test_a_native_error_keeps_the_key_names_and_the_line(
    language: str | None, expected: str
) -> None:
    with use_language(language), pytest.raises(BankFormatError) as caught:
        list(native.parse(io.StringIO(NATIVE_BAD_ANSWER), "b.yaml"))
    assert str(caught.value) == expected
