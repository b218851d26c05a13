"""The Open Trivia DB parser: entities, boolean, answer placement, encodings, lines."""

from __future__ import annotations

import base64
import json
import urllib.parse

import pytest

from bot.domain import Question
from bot.errors import BankFormatErrors
from bot.formats import opentdb
from tests.formats.helpers import assert_error, parse_fixture, parse_text


def test_fixture() -> None:
    found = parse_fixture(opentdb.parse, "opentdb_response.json")
    assert [q.line for q in found] == [4, 12, 20, 28]  # type: ignore[union-attr]
    portal, sun, wall, spain = found
    assert isinstance(portal, Question)
    assert portal.prompt == 'In the game "Portal", what\'s the name of the AI that guides you?'
    assert sorted(portal.options) == ["Cortana", "GLaDOS", "HAL 9000", "SHODAN"]
    assert portal.correct_option == "GLaDOS"
    assert (portal.topic, portal.tags) == ("Entertainment: Video Games", ("medium",))
    assert sun == Question.true_false(
        "The Sun is a star.", True, topic="Science & Nature", tags=("easy",)
    )
    assert wall == Question.true_false(
        "The Great Wall of China is visible from the Moon with the naked eye.",
        False,
        topic="History",
        tags=("hard",),
    )
    assert spain.prompt == "What is the capital of España?"  # type: ignore[union-attr]
    assert spain.correct_option == "Madrid"  # type: ignore[union-attr]
    # The wrong answers keep their order around the right one.
    assert [o for o in spain.options if o != "Madrid"] == ["Barcelona", "Sevilla", "Valencia"]  # type: ignore[union-attr]


def _response(*results: dict[str, object], code: int = 0) -> str:
    return json.dumps({"response_code": code, "results": list(results)}, indent=2)


def _multiple(question: str) -> dict[str, object]:
    return {
        "type": "multiple",
        "difficulty": "easy",
        "category": "General Knowledge",
        "question": question,
        "correct_answer": "right",
        "incorrect_answers": ["w1", "w2", "w3"],
    }


def test_right_answer_position_is_stable_and_varies_between_questions() -> None:
    text = _response(*(_multiple(f"Question {n}?") for n in range(40)))
    first = [q.correct for q in parse_text(opentdb.parse, text)]  # type: ignore[union-attr]
    again = [q.correct for q in parse_text(opentdb.parse, text)]  # type: ignore[union-attr]
    assert first == again
    assert set(first) == {0, 1, 2, 3}


def test_base64_and_url_encoded_responses() -> None:
    plain = _multiple("Is it Ünïcode & more?")

    def b64(value: str) -> str:
        return base64.b64encode(value.encode()).decode()

    encoded = {
        key: [b64(v) for v in value] if isinstance(value, list) else b64(str(value))
        for key, value in plain.items()
    }
    quoted = {
        key: [urllib.parse.quote(v) for v in value]
        if isinstance(value, list)
        else urllib.parse.quote(str(value))
        for key, value in plain.items()
    }
    legacy = {
        key: [urllib.parse.quote_plus(v) for v in value]
        if isinstance(value, list)
        else urllib.parse.quote_plus(str(value))
        for key, value in plain.items()
    }
    reference = parse_text(opentdb.parse, _response(plain))
    for variant in (encoded, quoted, legacy):
        assert parse_text(opentdb.parse, _response(variant)) == reference
    assert reference[0].prompt == "Is it Ünïcode & more?"  # type: ignore[union-attr]


def test_empty_results_with_success_code_is_an_empty_bank() -> None:
    assert parse_text(opentdb.parse, '{"response_code": 0, "results": []}') == []


BAD_TYPE = _response(_multiple("Fine?"), {**_multiple("Odd?"), "type": "essay"})
NO_ANSWER = _response(
    _multiple("Fine?"), {k: v for k, v in _multiple("Odd?").items() if k != "correct_answer"}
)
DUPLICATE = _response({**_multiple("Dup?"), "incorrect_answers": ["right", "w2", "w3"]})


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (
            '{\n  "response_code": 0,\n  "results": [\n    {"type": "boolean",,}\n  ]\n}',
            4,
            "not valid JSON",
        ),
        ("[1, 2]", 1, "a JSON object with a 'results' list"),
        ('{"results": {"a": 1}}', 1, "a 'results' list"),
        (BAD_TYPE, 16, "unknown result type 'essay'"),
        (NO_ANSWER, 16, "needs 'correct_answer' as a text"),
        (DUPLICATE, 4, "two options are the same"),
        ('{"response_code": 0, "results": [\n1]}', 2, "each result must be an object"),
        (
            '{"results": [{"type": "boolean", "question": "Q", "correct_answer": "Yes"}]}',
            1,
            "must be True or False",
        ),
        ('{"results": [],\n "response_code": 1}', 2, "response_code 1: no results"),
        (
            '{"results": [{"type": "bXVsdGlwbGU=", "question": "!!notbase64"}]}',
            1,
            "not valid base64",
        ),
        (
            '{"results": [{"type": "multiple", "question": "Q", "correct_answer": "a",'
            ' "incorrect_answers": "b"}]}',
            1,
            "'incorrect_answers' as a list",
        ),
    ],
)
def test_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    assert_error(opentdb.parse, text, line, fragment, source="otdb.json")


def test_every_bad_result_is_reported_at_once() -> None:
    text = _response(
        _multiple("Fine?"),
        {**_multiple("Odd?"), "type": "essay"},
        _multiple("Also fine?"),
        {k: v for k, v in _multiple("Half?").items() if k != "correct_answer"},
    )
    with pytest.raises(BankFormatErrors) as caught:
        parse_text(opentdb.parse, text, "api.json")
    assert len(caught.value.errors) == 2
    assert "unknown result type 'essay'" in str(caught.value)
    assert "the result needs 'correct_answer' as a text" in str(caught.value)
