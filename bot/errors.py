"""The error types the core raises: one family, each with a message a person can act on."""

from __future__ import annotations

from bot.i18n import ngettext


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


class BankFormatErrors(BankFormatError):
    """Several errors found in one bank file, reported together so a moderator fixes them in
    one go.

    It is a :class:`BankFormatError` (``source``, ``line`` and ``message`` are the first
    error's), so code that catches one catches both. ``errors`` holds the errors kept (at most
    a cap, see :class:`bot.formats.errors.ErrorList`, which makes these) and ``more`` how many
    more there were. Its text is one line per error, ``file:line: message``, then
    ``and N more errors`` when some were left out. A parser with a single error raises that
    error itself, not a list of one.
    """

    def __init__(self, errors: list[BankFormatError], more: int = 0) -> None:
        if not errors:
            raise ValueError("BankFormatErrors needs at least one error")
        self.errors = list(errors)
        self.more = more
        first = errors[0]
        QuizbotError.__init__(self, "\n".join(self.lines()))
        self.source, self.line, self.message = first.source, first.line, first.message

    def lines(self) -> list[str]:
        """Each error as ``file:line: message``, and the count of those left out."""
        lines = [str(error) for error in self.errors]
        if self.more:
            lines.append(
                ngettext("and {count} more error", "and {count} more errors", self.more).format(
                    count=self.more
                )
            )
        return lines

    @property
    def count(self) -> int:
        """How many errors there were in all."""
        return len(self.errors) + self.more


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
