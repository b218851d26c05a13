"""Bank file formats: one parser module per format, a registry, and format detection.

Every parser is a function ``parse(stream, source) -> Iterator[BankInfo | Question | Skipped]``
that reads a text stream lazily and raises :class:`bot.errors.BankFormatError` (with
``source:line``) on bad input. The CLI's import and validate and any adapter share them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from bot.domain import BankInfo, Question, Skipped
from bot.errors import BankFormatError

ParsedItem = BankInfo | Question | Skipped
Parser = Callable[[TextIO, str], Iterator[ParsedItem]]

#: format name -> module under bot.formats that defines ``parse``.
FORMAT_MODULES: dict[str, str] = {
    "native": "native",
}

#: file extension -> format name, for detection.
EXTENSIONS: dict[str, str] = {
    ".yaml": "native",
    ".yml": "native",
}


def parser_for(format_name: str) -> Parser:
    """The ``parse`` function of a format, by name."""
    try:
        module_name = FORMAT_MODULES[format_name]
    except KeyError:
        known = ", ".join(sorted(FORMAT_MODULES))
        raise BankFormatError(format_name, None, f"unknown format (known: {known})") from None
    module = importlib.import_module(f"bot.formats.{module_name}")
    return module.parse  # type: ignore[no-any-return]


def detect_format(path: Path) -> str:
    """Guess a file's format from its extension (and, where that is ambiguous, its start)."""
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(EXTENSIONS))
        raise BankFormatError(
            str(path),
            None,
            f"cannot tell the format from the extension (known: {known}); use --format",
        )
    return fmt


def parse_path(path: Path, format_name: str | None = None) -> Iterator[ParsedItem]:
    """Parse a bank file lazily, detecting its format unless one is given."""
    fmt = format_name or detect_format(path)
    parse = parser_for(fmt)
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            yield from parse(stream, str(path))
    except UnicodeDecodeError:
        raise BankFormatError(str(path), None, "the file is not UTF-8 text") from None
    except OSError as exc:
        raise BankFormatError(str(path), None, f"cannot read the file: {exc.strerror}") from None
