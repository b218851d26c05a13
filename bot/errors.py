"""The error types the core raises: one family, each with a message a person can act on."""

from __future__ import annotations


class QuizbotError(Exception):
    """An error meant for the user: its message is one line that says what went wrong."""


class ConfigError(QuizbotError):
    """Configuration (environment variables, options) is missing or invalid."""


class BankFormatError(QuizbotError):
    """A bank file could not be read; carries the file and line where the problem is."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


class UnknownBankError(QuizbotError):
    """No bank with the given name exists."""


class EmptyBankError(QuizbotError):
    """The bank has no questions of a kind that can be played."""


class QuizAlreadyRunningError(QuizbotError):
    """A channel already has a running quiz."""


class NoQuizRunningError(QuizbotError):
    """The channel has no running quiz."""


class NotAllowedError(QuizbotError):
    """The user may not do this (for example stop a quiz someone else started)."""
