"""Helpers for the format tests: fixture paths and parsing text in memory."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

import pytest

from bot.domain import BankInfo, Question, Skipped
from bot.errors import BankFormatError

FIXTURES = Path(__file__).parent / "fixtures"

Item = BankInfo | Question | Skipped
Parse = Callable[[TextIO, str], Iterator[Item]]


def parse_text(parse: Parse, text: str, source: str = "bank.txt") -> list[Item]:
    """Everything ``parse`` yields for ``text`` (read as a file opened with newline="")."""
    return list(parse(io.StringIO(text, newline=""), source))


def parse_fixture(parse: Parse, name: str) -> list[Item]:
    path = FIXTURES / name
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(parse(stream, str(path)))


def questions(items: list[Item]) -> list[Question]:
    return [item for item in items if isinstance(item, Question)]


def skipped(items: list[Item]) -> list[Skipped]:
    return [item for item in items if isinstance(item, Skipped)]


def error_for(parse: Parse, text: str, source: str = "bank.txt") -> BankFormatError:
    """The BankFormatError parsing ``text`` raises (the test fails if none is raised)."""
    with pytest.raises(BankFormatError) as caught:
        parse_text(parse, text, source)
    return caught.value


def assert_error(
    parse: Parse, text: str, line: int | None, fragment: str, source: str = "bank.txt"
) -> BankFormatError:
    """Parsing ``text`` fails at ``source:line`` with a message containing ``fragment``."""
    error = error_for(parse, text, source)
    where = f"{source}:{line}:" if line is not None else f"{source}:"
    assert str(error).startswith(where), str(error)
    assert fragment in error.message, error.message
    return error
