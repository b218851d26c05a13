"""Writing banks out: native YAML, GIFT, CSV and Moodle XML, each readable again by its parser.

Every writer takes ``(info, questions, stream)``, writes question by question (the
questions may be a lazy iterable) and returns an :class:`ExportResult`. What each carries:

- ``yaml`` (native): everything, all four kinds, the bank's name/title/description/source;
- ``csv``: all four kinds and every question field (pictures as ``image``/``image_alt``
  columns naming files beside the export or web addresses); not the bank's name or title;
- ``gift``: multiple choice, true/false and typed questions with explanation, topic
  (``$CATEGORY``), tags (``// [tag:...]``) and a question's source (``// source: "..."``);
  not flashcards (skipped with a note), and not typed questions whose every answer
  contains ``->`` (GIFT reads those as matching). The bank's description is written as comments.
- ``moodlexml``: multiple choice, true/false and typed questions with explanation, topic
  (categories), tags, source and pictures (embedded); not flashcards (skipped with a note).
  See :mod:`bot.formats.moodle_xml_writer`.

Parsing an exported file gives back questions equal to the ones written. ``EXTENSIONS``
says which format a file name's extension stands for (what ``quizbot export -o`` uses when
no format is given).
"""

from __future__ import annotations

import csv
import html
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

import yaml

from bot.domain import OPTION_LETTERS, BankInfo, Image, Question, QuestionKind
from bot.formats.csv_format import EXPORT_COLUMNS, join_cell
from bot.formats.gift import category_path, escape
from bot.i18n import _
from bot.images import file_name


@dataclass(slots=True)
class ExportResult:
    """How many questions were written and which were left out, and why."""

    written: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    def skip(self, question: Question, why: str) -> None:
        self.skipped += 1
        named = repr(_first_line(question.prompt))
        if question.line is not None:
            note = _("{question} (line {line}): {reason}").format(
                question=named, line=question.line, reason=why
            )
        else:
            note = f"{named}: {why}"
        self.notes.append(note)


Exporter = Callable[[BankInfo, Iterable[Question], TextIO], ExportResult]


def _first_line(text: str, limit: int = 60) -> str:
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= limit else line[: limit - 3] + "..."


# --- native YAML -------------------------------------------------------------------------


class _FlowList(list[str]):
    """A list written on one line: ``[a, b]``."""


class _Dumper(yaml.SafeDumper):
    """Block scalars (``|``) for multi-line text, short lists inline."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_flow(dumper: yaml.SafeDumper, data: _FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_FlowList, _represent_flow)


def _dump(value: Any) -> str:
    return yaml.dump(
        value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2
    )


def _native_question(question: Question) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": question.kind.value}
    if question.kind is QuestionKind.FLASHCARD:
        entry["front"] = question.prompt
        entry["back"] = question.back
    else:
        entry["question"] = question.prompt
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        entry["options"] = list(question.options)
        entry["answer"] = OPTION_LETTERS[question.correct or 0]
    elif question.kind is QuestionKind.TRUE_FALSE:
        entry["answer"] = question.correct == 0
    elif question.kind is QuestionKind.TYPED:
        entry["answers"] = list(question.accepted)
    for key in ("explanation", "topic", "source"):
        value = getattr(question, key)
        if value:
            entry[key] = value
    if question.tags:
        entry["tags"] = _FlowList(question.tags)
    if question.image is not None:
        entry["image"] = _native_image(question.image)
    return entry


def _image_location(image: Image) -> str:
    """Where an export refers to a picture: its web address, or the file written beside
    the export (:func:`bot.images.file_name`, by ``write_image_files``)."""
    return image.url or file_name(image)


def _native_image(image: Image) -> Any:
    """``image: {file|url: ..., alt: ...}``; a stored picture is the file written beside
    the bank (:func:`bot.images.file_name`)."""
    key, where = ("url", image.url) if image.url else ("file", file_name(image))
    return {key: where, **({"alt": image.alt} if image.alt else {})}


def write_native(info: BankInfo, questions: Iterable[Question], stream: TextIO) -> ExportResult:
    """Write a native YAML bank (every kind, every field)."""
    result = ExportResult()
    head = {"bank": info.name}
    for key in ("title", "description", "source", "language"):
        value = getattr(info, key)
        if value:
            head[key] = value
    stream.write(_dump(head))
    for question in questions:
        stream.write("\n" if result.written else "questions:\n")
        stream.write(_dump([_native_question(question)]))
        result.written += 1
    if not result.written:
        stream.write("questions: []\n")
    return result


# --- GIFT --------------------------------------------------------------------------------


def _gift_answer(marker: str, text: str, weight: str) -> str:
    """One answer line; an explicit weight keeps a leading '%' from reading as one."""
    escaped = escape(text)
    if escaped.startswith("%"):
        return f"\t{marker}%{weight}%{escaped}\n"
    return f"\t{marker}{escaped}\n"


def _plain(text: str) -> str:
    return text


def _html(text: str) -> str:
    """Text as HTML that GIFT's ``[html]`` reading gives back: specials escaped, line
    breaks as ``<br>``."""
    return html.escape(text, quote=False).replace("\n", "<br>")


def _img(image: Image) -> str:
    """The ``<img>`` of a picture: its address, or the file written beside the bank."""
    src = _image_location(image)
    alt = f' alt="{html.escape(image.alt)}"' if image.alt else ""
    return f'<img src="{html.escape(src)}"{alt}>'


def gift_skip_reason(question: Question) -> str | None:
    """Why GIFT cannot hold this question, or None when it can."""
    if question.kind is QuestionKind.FLASHCARD:
        return _("flashcard skipped (GIFT has no flashcards)")
    if question.kind is QuestionKind.TYPED and all("->" in a for a in question.accepted):
        return _("typed question skipped (GIFT would read '->' as matching)")
    return None


def write_gift(info: BankInfo, questions: Iterable[Question], stream: TextIO) -> ExportResult:
    """Write a GIFT file (multiple choice, true/false and typed questions)."""
    result = ExportResult()
    header = [f"quizbot bank: {info.name}", info.title, *info.description.splitlines()]
    if info.source:
        header.append(f"source: {info.source}")
    stream.write("".join(f"// {line}".rstrip() + "\n" for line in header if line.strip()))
    topic = ""
    for question in questions:
        why = gift_skip_reason(question)
        if why is not None:
            result.skip(question, why)
            if question.kind is QuestionKind.FLASHCARD:
                stream.write(f"\n// flashcard skipped: {_first_line(question.prompt)}\n")
            continue
        if question.topic != topic:
            topic = question.topic
            path = category_path(topic)
            stream.write(f"\n$CATEGORY: {path}\n" if path else "\n$CATEGORY:\n")
        stream.write("\n")
        if question.source:
            stream.write(f"// source: {json.dumps(question.source, ensure_ascii=False)}\n")
        if question.tags:
            stream.write("// " + " ".join(f"[tag:{tag}]" for tag in question.tags) + "\n")
        # A question with a picture is written as [html] (its <img> in the text), so every
        # text of it is written as HTML too (GIFT reads them all in the question's format).
        text = _html if question.image is not None else _plain
        prompt = escape(text(question.prompt))
        if question.image is not None:
            prompt = "[html]" + prompt + escape(_img(question.image))
        stream.write(prompt + " {")
        if question.kind is QuestionKind.TRUE_FALSE:
            stream.write("TRUE" if question.correct == 0 else "FALSE")
            if question.explanation:
                stream.write("####" + escape(text(question.explanation)))
            stream.write("}\n")
        else:
            stream.write("\n")
            if question.kind is QuestionKind.MULTIPLE_CHOICE:
                for index, option in enumerate(question.options):
                    right = index == question.correct
                    if right and option.startswith("%"):
                        stream.write(_gift_answer("~", text(option), "100"))
                    else:
                        stream.write(_gift_answer("=" if right else "~", text(option), "0"))
            else:
                for answer in question.accepted:
                    stream.write(_gift_answer("=", text(answer), "100"))
            if question.explanation:
                stream.write("\t####" + escape(text(question.explanation)) + "\n")
            stream.write("}\n")
        result.written += 1
    return result


# --- CSV ---------------------------------------------------------------------------------


def _csv_row(question: Question) -> list[str]:
    options = ""
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        options = join_cell(question.options)
        answer = OPTION_LETTERS[question.correct or 0]
    elif question.kind is QuestionKind.TRUE_FALSE:
        answer = "true" if question.correct == 0 else "false"
    elif question.kind is QuestionKind.TYPED:
        answer = join_cell(question.accepted)
    else:
        answer = question.back
    cells = {
        "question": question.prompt,
        "options": options,
        "answer": answer,
        "explanation": question.explanation,
        "topic": question.topic,
        "type": question.kind.value,
        "tags": join_cell(question.tags),
        "source": question.source,
        "image": _image_location(question.image) if question.image is not None else "",
        "image_alt": question.image.alt if question.image is not None else "",
    }
    return [cells[name] for name in EXPORT_COLUMNS]


def write_csv(info: BankInfo, questions: Iterable[Question], stream: TextIO) -> ExportResult:
    """Write a CSV bank with a header row (every kind, every question field)."""
    result = ExportResult()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for question in questions:
        writer.writerow(_csv_row(question))
        result.written += 1
    return result


def write_moodle_xml(info: BankInfo, questions: Iterable[Question], stream: TextIO) -> ExportResult:
    """Write a Moodle XML file (:mod:`bot.formats.moodle_xml_writer`, imported when used)."""
    from bot.formats.moodle_xml_writer import write_moodle_xml as write

    return write(info, questions, stream)


#: export format name -> writer.
EXPORTERS: dict[str, Exporter] = {
    "yaml": write_native,
    "gift": write_gift,
    "csv": write_csv,
    "moodlexml": write_moodle_xml,
}

#: file extension (lower case) -> the export format a file of that name gets by default.
#: ``.txt`` is left out on purpose: GIFT, Aiken and Anki files all use it.
EXTENSIONS: dict[str, str] = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".gift": "gift",
    ".csv": "csv",
    ".xml": "moodlexml",
}


def format_for_extension(suffix: str) -> str | None:
    """The export format a file name's extension (``".csv"``) stands for, or None."""
    return EXTENSIONS.get(suffix.lower())
