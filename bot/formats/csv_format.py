"""Spreadsheet banks: CSV or TSV with a header row naming the columns.

``question`` and ``answer`` are required; ``options``, ``explanation``, ``topic``, ``type``,
``tags``, ``source``, ``image`` (a file beside the bank or a web address) and ``image_alt``
are optional (header names are matched case-insensitively, in any
order). Lists inside one cell (options, typed answers, tags) are separated by ``|``; write
``\\|`` for a literal pipe and ``\\\\`` for a literal backslash there. See docs/FORMATS.md.

The file is read row by row with the :mod:`csv` module, so quoted cells may span lines;
errors name the line where the row starts, and every bad row is reported
(:mod:`bot.formats.errors`).
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import PurePath
from typing import TextIO

from bot.domain import OPTION_LETTERS, Question, QuestionKind
from bot.errors import BankFormatError
from bot.formats._text import AnswerProblem, checked, option_index
from bot.formats.errors import ErrorList
from bot.i18n import _
from bot.images import image_from_location

REQUIRED_COLUMNS = ("question", "answer")
OPTIONAL_COLUMNS = (
    "options",
    "explanation",
    "topic",
    "type",
    "tags",
    "source",
    "image",
    "image_alt",
)
#: The column order the exporter writes.
EXPORT_COLUMNS = (
    "question",
    "options",
    "answer",
    "explanation",
    "topic",
    "type",
    "tags",
    "source",
    "image",
    "image_alt",
)
_DELIMITERS = {".csv": ",", ".tsv": "\t", ".tab": "\t"}
_CANDIDATES = (",", "\t", ";")
_TRUE = frozenset({"true", "t", "yes", "y"})
_FALSE = frozenset({"false", "f", "no", "n"})
_TYPE_SPELLING = re.compile(r"[\s/-]+")
_TYPE_ALIASES = {
    "mc": QuestionKind.MULTIPLE_CHOICE,
    "multiplechoice": QuestionKind.MULTIPLE_CHOICE,
    "tf": QuestionKind.TRUE_FALSE,
    "truefalse": QuestionKind.TRUE_FALSE,
    "true_or_false": QuestionKind.TRUE_FALSE,
    "boolean": QuestionKind.TRUE_FALSE,
    "short_answer": QuestionKind.TYPED,
    "shortanswer": QuestionKind.TYPED,
    "card": QuestionKind.FLASHCARD,
}
_PIECE = re.compile(r"\\(.)|(\|)", re.DOTALL)


def split_cell(cell: str) -> list[str]:
    """The items of a ``|``-separated cell, stripped, with ``\\|`` and ``\\\\`` unescaped.

    Empty items are dropped. A backslash before any other character is kept as it is.
    """
    if "\\" not in cell:
        return [item.strip() for item in cell.split("|") if item and not item.isspace()]
    items: list[str] = []
    current: list[str] = []
    position = 0
    for match in _PIECE.finditer(cell):
        current.append(cell[position : match.start()])
        escaped = match.group(1)
        if escaped is None:
            items.append("".join(current))
            current = []
        elif escaped in "|\\":
            current.append(escaped)
        else:
            current.append(match.group(0))
        position = match.end()
    current.append(cell[position:])
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def join_cell(items: Iterable[str]) -> str:
    """The inverse of :func:`split_cell`: items escaped and joined with ``|``."""
    return "|".join(item.replace("\\", "\\\\").replace("|", "\\|") for item in items)


def _header_cells(line: str, delimiter: str) -> list[str]:
    try:
        row = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])
    except csv.Error:
        return []
    return [cell.strip().lower() for cell in row]


def _pick_delimiter(header: str, source: str) -> str:
    preferred = _DELIMITERS.get(PurePath(source).suffix.lower())
    candidates = [preferred] if preferred else []
    candidates += [c for c in _CANDIDATES if c != preferred]
    for delimiter in candidates:
        if "question" in _header_cells(header, delimiter):
            return delimiter
    return candidates[0]


def _columns(cells: list[str], source: str, line: int) -> dict[str, int]:
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    columns: dict[str, int] = {}
    for index, name in enumerate(cells):
        if not name:
            continue
        if name not in known:
            raise BankFormatError(
                source,
                line,
                _("unknown column {name} in the header (known: {known})").format(
                    name=repr(name), known=", ".join(known)
                ),
            )
        if name in columns:
            raise BankFormatError(
                source, line, _("the header names the column {name} twice").format(name=repr(name))
            )
        columns[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        if len(missing) == 1:
            lacking = _(
                "the header row has no {name} column (it needs question and answer, and may "
                "have {optional})"
            )
        else:
            lacking = _(
                "the header row has no {name} and {other} column (it needs question and "
                "answer, and may have {optional})"
            )
        raise BankFormatError(
            source,
            line,
            lacking.format(
                name=repr(missing[0]), other=repr(missing[-1]), optional=", ".join(OPTIONAL_COLUMNS)
            ),
        )
    return columns


def _kind(raw: str, cells: dict[str, str], source: str, line: int) -> QuestionKind:
    spelled = _TYPE_SPELLING.sub("_", raw.strip().lower())
    if spelled:
        if spelled in _TYPE_ALIASES:
            return _TYPE_ALIASES[spelled]
        try:
            return QuestionKind(spelled)
        except ValueError:
            kinds = ", ".join(k.value for k in QuestionKind)
            raise BankFormatError(
                source,
                line,
                _("unknown type {type} (one of: {kinds})").format(type=repr(raw), kinds=kinds),
            ) from None
    if cells["options"]:
        return QuestionKind.MULTIPLE_CHOICE
    if cells["answer"].lower() in _TRUE | _FALSE:
        return QuestionKind.TRUE_FALSE
    return QuestionKind.TYPED


def _question(cells: dict[str, str], source: str, line: int) -> Question:
    kind = _kind(cells["type"], cells, source, line)
    answer = cells["answer"]
    extra = {
        "prompt": cells["question"],
        "explanation": cells["explanation"],
        "topic": cells["topic"],
        "tags": tuple(split_cell(cells["tags"])),
        "source": cells["source"],
        "image": image_from_location(
            cells["image"], alt=cells["image_alt"], source=source, line=line
        )
        if cells["image"]
        else None,
        "line": line,
    }
    if kind is QuestionKind.MULTIPLE_CHOICE:
        options = tuple(split_cell(cells["options"]))
        if not options:
            raise BankFormatError(
                source, line, _("a multiple_choice row needs options separated by '|'")
            )
        if len(options) > len(OPTION_LETTERS):
            raise BankFormatError(
                source,
                line,
                _("a question has at most {count} options").format(count=len(OPTION_LETTERS)),
            )
        try:
            correct = option_index(answer, options)
        except AnswerProblem as problem:
            raise BankFormatError(source, line, str(problem)) from None
        question = Question(kind=kind, options=options, correct=correct, **extra)  # type: ignore[arg-type]
    elif kind is QuestionKind.TRUE_FALSE:
        value = answer.lower()
        if value not in _TRUE | _FALSE:
            raise BankFormatError(
                source,
                line,
                _("a true_false answer must be true or false, not {answer}").format(
                    answer=repr(answer)
                ),
            )
        question = Question.true_false(answer=value in _TRUE, **extra)
    elif kind is QuestionKind.TYPED:
        accepted = tuple(split_cell(answer))
        question = Question(kind=kind, accepted=accepted, **extra)  # type: ignore[arg-type]
    else:
        question = Question(kind=kind, back=answer, **extra)  # type: ignore[arg-type]
    return checked(question, source, line)


def _clean(cell: str) -> str:
    if "\r" in cell:
        cell = cell.replace("\r\n", "\n").replace("\r", "\n")
    return cell.strip()


def parse(stream: TextIO, source: str) -> Iterator[Question]:
    """Read a CSV/TSV bank row by row; the delimiter comes from the extension or the header."""
    try:
        yield from _parse(stream, source)
    except UnicodeDecodeError:
        raise BankFormatError(source, None, _("the file is not UTF-8 text")) from None


def _parse(stream: TextIO, source: str) -> Iterator[Question]:
    blank = 0  # blank lines before the header
    header = ""
    for header in stream:
        if header.strip():
            break
        blank += 1
    if not header.strip():
        raise BankFormatError(source, 1, _("the file is empty (it needs a header row)"))
    delimiter = _pick_delimiter(header, source)
    reader = csv.reader(
        itertools.chain([header], stream), delimiter=delimiter, strict=True, skipinitialspace=True
    )
    read = 0  # physical lines the reader has consumed so far
    with ErrorList(source) as errors:  # every bad row reported at the end
        try:
            columns = _columns([cell.strip().lower() for cell in next(reader)], source, blank + 1)
            width = max(columns.values()) + 1
            read = reader.line_num
            for row in reader:
                start = blank + read + 1
                read = reader.line_num
                if not any(row) or not any(cell.strip() for cell in row):
                    continue
                if len(row) > width and any(cell.strip() for cell in row[width:]):
                    errors.error(
                        start,
                        _(
                            "the row has {cells} cells but the header names only {columns} "
                            "columns (quote cells that contain the delimiter)"
                        ).format(cells=len(row), columns=width),
                    )
                    continue
                cells = dict.fromkeys(OPTIONAL_COLUMNS, "")
                for name, index in columns.items():
                    cells[name] = _clean(row[index]) if index < len(row) else ""
                try:
                    question = _question(cells, source, start)
                except BankFormatError as error:
                    errors.add(error)
                    continue
                yield question
        except csv.Error as exc:
            raise BankFormatError(
                source,
                blank + read + 1,
                _("bad CSV quoting in the row that starts here: {problem}").format(problem=exc),
            ) from None
