"""Bank file formats: one parser module per format, a registry, and format detection.

Every parser is a function ``parse(stream, source) -> Iterator[BankInfo | Question | Skipped]``
that reads a stream lazily (text, or binary for the formats in :data:`BINARY_FORMATS`) and
raises :class:`bot.errors.BankFormatError` (with ``source:line``) on bad input. The CLI's
import and validate and any adapter share them.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from bot.domain import BankInfo, Notice, Question, Skipped
from bot.errors import BankFormatError
from bot.i18n import _

ParsedItem = BankInfo | Question | Skipped | Notice
Parser = Callable[[TextIO, str], Iterator[ParsedItem]]
BinaryParser = Callable[[BinaryIO, str], Iterator[ParsedItem]]

#: format name -> module under bot.formats that defines ``parse``.
FORMAT_MODULES: dict[str, str] = {
    "native": "native",
    "csv": "csv_format",
    "gift": "gift",
    "aiken": "aiken",
    "anki": "anki",
    "redtrivia": "redtrivia",
    "opentdb": "opentdb",
    "moodlexml": "moodle_xml",
    "apkg": "apkg",
}

#: Formats whose parser reads the file's bytes (a seekable binary stream), not its text.
BINARY_FORMATS: frozenset[str] = frozenset({"moodlexml", "apkg"})

#: file extension -> format name, for detection. Where an extension is shared by several
#: formats (.txt, .json, .yaml, .csv, .tsv) the file's start decides; this is the fallback.
EXTENSIONS: dict[str, str] = {
    ".yaml": "native",
    ".yml": "native",
    ".json": "native",
    ".csv": "csv",
    ".tsv": "csv",
    ".gift": "gift",
    ".txt": "gift",
    ".xml": "moodlexml",
    ".apkg": "apkg",
    ".colpkg": "apkg",
}

#: How many characters of a file :func:`detect_format` looks at.
HEAD_SIZE = 16384


def parser_for(format_name: str) -> Parser:
    """The ``parse`` function of a format, by name."""
    try:
        module_name = FORMAT_MODULES[format_name]
    except KeyError:
        known = ", ".join(sorted(FORMAT_MODULES))
        raise BankFormatError(
            format_name, None, _("unknown format (known: {known})").format(known=known)
        ) from None
    module = importlib.import_module(f"bot.formats.{module_name}")
    return module.parse  # type: ignore[no-any-return]


def _read_head(path: Path) -> str:
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as stream:
            return stream.read(HEAD_SIZE)
    except OSError as exc:
        raise BankFormatError(
            str(path), None, _("cannot read the file: {reason}").format(reason=exc.strerror)
        ) from None


def detect_format(path: Path, head: str | None = None) -> str:
    """Guess a file's format from its extension and, where that is ambiguous, its start.

    ``head`` is the start of the file's text; it is read from ``path`` when needed and not given.
    """
    suffix = path.suffix.lower()
    fmt = EXTENSIONS.get(suffix)
    if fmt is None:
        known = ", ".join(sorted(EXTENSIONS))
        raise BankFormatError(
            str(path),
            None,
            _("cannot tell the format from the extension (known: {known}); use --format").format(
                known=known
            ),
        )
    sniff = _SNIFFERS.get(suffix)
    if sniff is None:
        return fmt
    if head is None:
        head = _read_head(path)
    found = sniff(head)
    if found is None:
        raise BankFormatError(
            str(path),
            None,
            _("cannot tell whether this is Aiken, GIFT or an Anki/Quizlet export; use --format"),
        )
    return found


_ANKI_HEADER = re.compile(
    r"^#(separator|html|columns|tags|deck|notetype|guid|if matches)[ a-z]*:", re.IGNORECASE
)
_GIFT_SIGNS = re.compile(
    r"^[ \t]*\$CATEGORY:|^[ \t]*::.*?::|\{[^{}]*(?<!\\)[=~][^{}]*\}"
    r"|\{\s*(T|F|TRUE|FALSE)\s*(#[^{}]*)?\}",
    re.MULTILINE,
)
_AIKEN_ANSWER = re.compile(r"^[ \t]*ANSWER[ \t]*:[ \t]*[A-Z][ \t]*$", re.MULTILINE)
_CARD_LINE = re.compile(r"^[^\t\n#][^\t\n]*\t", re.MULTILINE)
_TOP_KEY = re.compile(r"^(?![#\-{\[\s])[^\n]*?:(?:[ \t]|$)", re.MULTILINE)
_NATIVE_KEY = re.compile(r"^(bank|questions)[ \t]*:", re.MULTILINE)
_CSV_COLUMNS = ("question", "answer", "options", "explanation", "topic", "type", "tags")


def _sniff_text(head: str) -> str | None:
    """.txt: Anki if it starts with Anki headers, CSV if it starts with a quizbot CSV header,
    else whichever of GIFT, Aiken and tab-separated cards has the most signs; lines with
    other separators count as cards last."""
    first = head.lstrip().split("\n", 1)[0]
    if _ANKI_HEADER.match(first):
        return "anki"
    if _sniff_delimited(head) == "csv":
        return "csv"
    scores = {
        "gift": len(_GIFT_SIGNS.findall(head)),
        "aiken": len(_AIKEN_ANSWER.findall(head)),
        "anki": len(_CARD_LINE.findall(head)),
    }
    best = max(scores, key=lambda name: scores[name])
    if scores[best]:
        return best
    lines = [line for line in head.splitlines() if line.strip()]
    if lines and all(any(sep in line for sep in ";|,") for line in lines[:20]):
        return "anki"
    return None


def _sniff_json(head: str) -> str:
    """.json: Open Trivia DB when it has "results" or "response_code", else native."""
    if re.search(r'"(results|response_code)"\s*:', head) and not re.search(r'"bank"\s*:', head):
        return "opentdb"
    return "native"


def _sniff_yaml(head: str) -> str:
    """.yaml: native when it has top-level bank/questions keys, else a Red trivia list."""
    if _NATIVE_KEY.search(head):
        return "native"
    if _TOP_KEY.search(head):
        return "redtrivia"
    return "native"


def _sniff_delimited(head: str) -> str:
    """.csv/.tsv: quizbot's CSV when its first row names known columns, else Anki/Quizlet."""
    first = head.lstrip("\r\n").split("\n", 1)[0]
    if first.startswith("#"):
        return "anki"
    cells = {cell.strip().strip('"').lower() for cell in re.split(r"[,\t;]", first)}
    return "csv" if len(cells & set(_CSV_COLUMNS)) >= 2 else "anki"


_SNIFFERS: dict[str, Callable[[str], str | None]] = {
    ".txt": _sniff_text,
    ".json": _sniff_json,
    ".yaml": _sniff_yaml,
    ".yml": _sniff_yaml,
    ".csv": _sniff_delimited,
    ".tsv": _sniff_delimited,
}


def parse_path(path: Path, format_name: str | None = None) -> Iterator[ParsedItem]:
    """Parse a bank file lazily, detecting its format unless one is given."""
    fmt = format_name or detect_format(path)
    parse = parser_for(fmt)
    try:
        if fmt in BINARY_FORMATS:
            with path.open("rb") as binary:
                yield from parse(binary, str(path))  # type: ignore[arg-type]
            return
        with path.open(encoding="utf-8-sig", newline="") as stream:
            yield from parse(stream, str(path))
    except UnicodeDecodeError:
        raise BankFormatError(str(path), None, _("the file is not UTF-8 text")) from None
    except OSError as exc:
        raise BankFormatError(
            str(path), None, _("cannot read the file: {reason}").format(reason=exc.strerror)
        ) from None
