"""Open Trivia DB (opentdb.com) API responses saved as JSON.

The file is ``{"response_code": 0, "results": [...]}`` as the API returns it.

A ``multiple`` result becomes a multiple-choice question whose right answer sits at a
position fixed by a hash of the question (so it is not always last, and the same on every
import); a ``boolean`` result becomes a true/false question. HTML entities are decoded
(the API's default encoding; ``encode=base64`` and ``encode=url3986``/``urlLegacy``
responses are decoded too). ``category`` becomes the topic and ``difficulty`` a tag.

JSON cannot be read line by line, so the file is read whole (API responses hold at most
50 questions); each result's line is found by walking the text with the JSON decoder.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import urllib.parse
from collections.abc import Callable, Iterator
from typing import TextIO

from bot.domain import Question, QuestionKind
from bot.errors import BankFormatError
from bot.formats._text import checked, unescape_entities
from bot.formats.errors import ErrorList
from bot.i18n import N_, _

RESPONSE_CODES = {
    1: N_("no results (the request asked for more questions than there are)"),
    2: N_("invalid parameter"),
    3: N_("session token not found"),
    4: N_("session token has returned all questions"),
    5: N_("rate limit exceeded"),
}
_BASE64_TYPES = {"bXVsdGlwbGU=": "multiple", "Ym9vbGVhbg==": "boolean"}
_SPACE = re.compile(r"[ \t\n\r]*")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")


def _skip(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return match.end() if match else pos


def _offsets(text: str) -> tuple[dict[str, int], list[int]]:
    """Where each top-level value and each element of ``results`` starts in valid JSON text."""
    decoder = json.JSONDecoder()
    keys: dict[str, int] = {}
    results: list[int] = []
    pos = _skip(text, 0) + 1  # past "{"
    while True:
        pos = _skip(text, pos)
        if text[pos] == "}":
            return keys, results
        key, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
        pos = _skip(text, _skip(text, pos) + 1)  # past ":"
        keys[key] = pos
        if key == "results" and text[pos] == "[":
            results = []
            pos = _skip(text, pos + 1)
            while text[pos] != "]":
                results.append(pos)
                pos = _skip(text, decoder.raw_decode(text, pos)[1])
                if text[pos] == ",":
                    pos = _skip(text, pos + 1)
            pos += 1
        else:
            pos = decoder.raw_decode(text, pos)[1]
        pos = _skip(text, pos)
        if text[pos] == ",":
            pos += 1


class _Lines:
    """Line numbers of increasing offsets in a text, counted incrementally."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.line = 1

    def at(self, offset: int) -> int:
        if offset < self.offset:
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def _decoder(result: dict[str, object]) -> Callable[[str], str]:
    """How the strings of a result are encoded: base64, URL encoding or HTML entities."""
    if result.get("type") in _BASE64_TYPES:
        return lambda raw: base64.b64decode(raw, validate=True).decode("utf-8")
    question = result.get("question")
    if isinstance(question, str) and " " not in question and _PERCENT.search(question):
        if "%20" in question:
            return urllib.parse.unquote
        return urllib.parse.unquote_plus
    return unescape_entities


def _position(prompt: str, choices: int) -> int:
    digest = hashlib.sha256(prompt.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % choices


def _question(item: object, line: int, source: str) -> Question:
    def fail(message: str) -> BankFormatError:
        return BankFormatError(source, line, message)

    if not isinstance(item, dict):
        raise fail(_("each result must be an object with type, question and answers"))
    decode = _decoder(item)

    def text(key: str) -> str:
        value = item.get(key)
        if not isinstance(value, str):
            raise fail(_("the result needs {key} as a text").format(key=repr(key)))
        try:
            return decode(value).strip()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise fail(_("{key} is not valid base64 text").format(key=repr(key))) from None

    kind = text("type")
    prompt = text("question")
    correct = text("correct_answer")
    topic = text("category") if "category" in item else ""
    difficulty = text("difficulty") if "difficulty" in item else ""
    extra = {"prompt": prompt, "topic": topic, "tags": (difficulty,) if difficulty else ()}
    if kind == "boolean":
        if correct.lower() not in ("true", "false"):
            raise fail(
                _("a boolean result's correct_answer must be True or False, not {answer}").format(
                    answer=repr(correct)
                )
            )
        question = Question.true_false(answer=correct.lower() == "true", line=line, **extra)
    elif kind == "multiple":
        wrong = item.get("incorrect_answers")
        if not isinstance(wrong, list) or not all(isinstance(w, str) for w in wrong):
            raise fail(_("a multiple result needs 'incorrect_answers' as a list of texts"))
        try:
            options = [decode(w).strip() for w in wrong]
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise fail(_("'incorrect_answers' holds text that is not valid base64")) from None
        index = _position(prompt, len(options) + 1)
        options.insert(index, correct)
        question = Question(
            kind=QuestionKind.MULTIPLE_CHOICE,
            options=tuple(options),
            correct=index,
            line=line,
            **extra,  # type: ignore[arg-type]
        )
    else:
        raise fail(_("unknown result type {type} (multiple or boolean)").format(type=repr(kind)))
    return checked(question, source, line)


def parse(stream: TextIO, source: str) -> Iterator[Question]:
    """Read an Open Trivia DB response; errors point at the line of the result concerned."""
    try:
        text = stream.read().lstrip("\ufeff")
    except UnicodeDecodeError:
        raise BankFormatError(source, None, _("the file is not UTF-8 text")) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BankFormatError(
            source, exc.lineno, _("not valid JSON: {problem}").format(problem=exc.msg)
        ) from None
    except RecursionError:
        raise BankFormatError(source, None, _("the JSON is nested too deeply")) from None
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise BankFormatError(
            source, 1, _("an Open Trivia DB file is a JSON object with a 'results' list")
        )
    keys, offsets = _offsets(text)
    lines = _Lines(text)
    code = data.get("response_code", 0)
    if code != 0 and not data["results"]:
        if not isinstance(code, int):
            meaning = "?"
        elif code in RESPONSE_CODES:
            meaning = _(RESPONSE_CODES[code])
        else:
            meaning = _("unknown code")
        raise BankFormatError(
            source,
            lines.at(keys.get("response_code", 0)),
            _(
                "Open Trivia DB answered response_code {code}: {meaning}; the file has no questions"
            ).format(code=repr(code), meaning=meaning),
        )
    with ErrorList(source) as errors:  # every bad result reported at the end
        for item, offset in zip(data["results"], offsets, strict=True):
            try:
                question = _question(item, lines.at(offset), source)
            except BankFormatError as error:
                errors.add(error)
                continue
            yield question
