"""Moodle XML: the writer (``quizbot export --format moodlexml`` / ``-o bank.xml``).

Writes what Moodle's question import reads and what :mod:`bot.formats.moodle_xml` reads
back to equal questions:

- a ``category`` question (``$course$/top/<topic>``) whenever the topic changes;
- multiple choice as ``multichoice`` (one answer, fractions 100 and 0), true/false as
  ``truefalse``, typed questions as ``shortanswer`` (every accepted answer at 100, a ``*`` in
  one written ``\\*`` so Moodle does not read it as its wildcard);
- texts as ``plain_text`` (Moodle shows them as written), except a question text with a
  picture, which is HTML: a picture whose bytes are at hand is embedded as a base64 ``<file>``
  shown with ``<img src="@@PLUGINFILE@@/name">``, a web address as ``<img src="URL">``;
- the explanation as the general feedback, tags as ``<tags>``, the question's source in a
  ``<!-- quizbot-source: "..." -->`` comment (Moodle ignores it);
- flashcards are left out with a note (Moodle has no flashcards; a short answer would come
  back as a typed question).
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Iterable
from typing import TextIO
from urllib.parse import quote
from xml.sax.saxutils import quoteattr

from bot.domain import BankInfo, Image, Question, QuestionKind
from bot.formats.export import ExportResult
from bot.formats.moodle_xml import PLUGINFILE, SOURCE_COMMENT
from bot.i18n import _
from bot.images import file_name
from bot.text import without_controls

#: Longest question name written (Moodle's limit is 255 characters).
NAME_LENGTH = 100


def skip_reason(question: Question) -> str | None:
    """Why Moodle XML cannot hold this question, or None when it can."""
    if question.kind is QuestionKind.FLASHCARD:
        return _("flashcard skipped (Moodle XML has no flashcards)")
    return None


def _text(value: str) -> str:
    """Text as XML character data, as Moodle writes it: in a CDATA section when it holds
    ``<``, ``>`` or ``&`` (a ``]]>`` in it split across two); control characters, which XML
    cannot hold, left out."""
    value = without_controls(value)
    if not any(special in value for special in "<>&"):
        return value
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _comment(value: str) -> str:
    """A string inside an XML comment, as JSON with no ``--`` in it."""
    return json.dumps(value, ensure_ascii=True).replace("-", "\\u002d")


def _name(question: Question) -> str:
    first = question.prompt.strip().split("\n", 1)[0].strip() or question.kind.value
    return first if len(first) <= NAME_LENGTH else first[: NAME_LENGTH - 3] + "..."


def _image_file_name(image: Image) -> str:
    return image.name.replace("/", "_") if image.name else file_name(image)


def _question_text(question: Question, notes: list[str]) -> str:
    """The ``<questiontext>`` element: plain text, or HTML with the picture."""
    image = question.image
    picture = ""
    embedded = ""
    if image is not None and image.data is not None:
        name = _image_file_name(image)
        picture = f'<img src="{PLUGINFILE}{quote(name)}" alt={quoteattr(image.alt)}>'
        data = base64.b64encode(image.data).decode("ascii")
        embedded = f'      <file name={quoteattr(name)} path="/" encoding="base64">{data}</file>\n'
    elif image is not None and image.url:
        picture = f"<img src={quoteattr(image.url)} alt={quoteattr(image.alt)}>"
    elif image is not None:
        notes.append(
            _("{question}: its picture's bytes were not loaded; left out").format(
                question=repr(_name(question))
            )
        )
    if not picture:
        return (
            '    <questiontext format="plain_text">\n'
            f"      <text>{_text(question.prompt)}</text>\n"
            "    </questiontext>\n"
        )
    body = "<br>\n".join(html.escape(line, quote=False) for line in question.prompt.split("\n"))
    markup = f"<p>{body}</p>\n<p>{picture}</p>"
    return (
        '    <questiontext format="html">\n'
        f"      <text>{_text(markup)}</text>\n"
        f"{embedded}"
        "    </questiontext>\n"
    )


def _answer(text: str, fraction: int, fmt: str = "plain_text") -> str:
    return (
        f'    <answer fraction="{fraction}" format="{fmt}">\n'
        f"      <text>{_text(text)}</text>\n"
        '      <feedback format="plain_text">\n'
        "        <text></text>\n"
        "      </feedback>\n"
        "    </answer>\n"
    )


def _question(question: Question, notes: list[str]) -> str:
    kind = {
        QuestionKind.MULTIPLE_CHOICE: "multichoice",
        QuestionKind.TRUE_FALSE: "truefalse",
        QuestionKind.TYPED: "shortanswer",
    }[question.kind]
    parts = [f'  <question type="{kind}">\n']
    if question.source:
        parts.append(f"    <!-- {SOURCE_COMMENT} {_comment(question.source)} -->\n")
    parts += [
        f"    <name>\n      <text>{_text(_name(question))}</text>\n    </name>\n",
        _question_text(question, notes),
        '    <generalfeedback format="plain_text">\n'
        f"      <text>{_text(question.explanation)}</text>\n"
        "    </generalfeedback>\n",
        "    <defaultgrade>1</defaultgrade>\n",
        "    <penalty>0.3333333</penalty>\n",
        "    <hidden>0</hidden>\n",
    ]
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        parts += [
            "    <single>true</single>\n",
            "    <shuffleanswers>true</shuffleanswers>\n",
            "    <answernumbering>abc</answernumbering>\n",
        ]
        parts += [
            _answer(option, 100 if index == question.correct else 0)
            for index, option in enumerate(question.options)
        ]
    elif question.kind is QuestionKind.TRUE_FALSE:
        parts.append(_answer("true", 100 if question.correct == 0 else 0, "moodle_auto_format"))
        parts.append(_answer("false", 100 if question.correct == 1 else 0, "moodle_auto_format"))
    else:
        parts.append("    <usecase>0</usecase>\n")
        parts += [_answer(answer.replace("*", "\\*"), 100) for answer in question.accepted]
    if question.tags:
        tags = "".join(f"      <tag><text>{_text(tag)}</text></tag>\n" for tag in question.tags)
        parts.append(f"    <tags>\n{tags}    </tags>\n")
    parts.append("  </question>\n")
    return "".join(parts)


def _category(topic: str) -> str:
    path = "/".join(part.replace("/", "//") for part in topic.split("/") if part.strip())
    full = f"$course$/top/{path}" if path else "$course$/top"
    return (
        '  <question type="category">\n'
        f"    <category>\n      <text>{_text(full)}</text>\n    </category>\n"
        "  </question>\n"
    )


def write_moodle_xml(info: BankInfo, questions: Iterable[Question], stream: TextIO) -> ExportResult:
    """Write a Moodle XML file (multiple choice, true/false and typed questions)."""
    result = ExportResult()
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(f"<!-- quizbot bank: {_comment(info.name)} -->\n<quiz>\n")
    topic = ""
    for question in questions:
        why = skip_reason(question)
        if why is not None:
            result.skip(question, why)
            continue
        if question.topic != topic:
            topic = question.topic
            stream.write(_category(topic))
        stream.write(_question(question, result.notes))
        result.written += 1
    stream.write("</quiz>\n")
    return result
