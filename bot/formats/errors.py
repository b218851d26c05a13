"""Collecting a bank file's errors so that one run reports them all (up to a cap).

A parser that can go on after a bad question (the next block, row or card is independent)
records the error and goes on; at the end it raises them together, one
:class:`bot.errors.BankFormatErrors` (a :class:`bot.errors.BankFormatError`; a single
error is raised as itself). Only the first :data:`MAX_ERRORS` are kept, the rest counted
(``and 12 more errors``), so memory stays flat on a broken file of any size.

How a parser uses it::

    def parse(stream, source):
        with ErrorList(source) as errors:       # raises what it collected at the end
            for line, block in blocks(stream):
                try:
                    question = read(block)          # may raise BankFormatError
                except BankFormatError as error:
                    errors.add(error)               # recorded; go on with the next block
                    continue
                yield question
            # a BankFormatError raised out of the block (a fatal one, such as broken XML)
            # is added to those collected before it, and all are raised

``errors.error(line, message)`` records a message at a line without making the exception.
Keep yielding the questions that are fine after an error: the import is all-or-nothing
anyway (nothing is written when any error comes out), and the questions after it still go
through the central checks (text limits, repeats), whose errors join the list.
"""

from __future__ import annotations

from types import TracebackType

from bot.errors import BankFormatError, BankFormatErrors

#: How many errors one file's report lists; the rest are counted.
MAX_ERRORS = 20


def _order(error: BankFormatError) -> int:
    return error.line or 0


class ErrorList:
    """The errors found in one file so far: the first :data:`MAX_ERRORS` kept, the rest counted.

    Also a context manager: an exception raised out of the ``with`` block that is a
    :class:`BankFormatError` joins the list; on leaving, everything collected is raised
    (see :meth:`raise_if_any`). Other exceptions, and a generator being closed, pass
    through untouched.
    """

    def __init__(self, source: str, limit: int = MAX_ERRORS) -> None:
        self.source = source
        self.limit = limit
        self.kept: list[BankFormatError] = []
        self.more = 0

    def add(self, error: BankFormatError) -> None:
        """Record ``error`` (a :class:`BankFormatErrors` adds each of its errors)."""
        if isinstance(error, BankFormatErrors):
            for each in error.errors:
                self.add(each)
            self.more += error.more
            return
        if len(self.kept) < self.limit:
            self.kept.append(error)
        else:
            self.more += 1

    def error(self, line: int | None, message: str) -> None:
        """Record ``message`` at ``line`` of this file."""
        self.add(BankFormatError(self.source, line, message))

    @property
    def count(self) -> int:
        """How many errors were recorded in all."""
        return len(self.kept) + self.more

    def __bool__(self) -> bool:
        return bool(self.kept) or self.more > 0

    def combined(self) -> BankFormatError | None:
        """What to raise: None without errors, the error itself when there is one, else a
        :class:`BankFormatErrors` with the kept errors in the order of their lines."""
        if not self.kept:
            return None
        if len(self.kept) == 1 and not self.more:
            return self.kept[0]
        return BankFormatErrors(sorted(self.kept, key=_order), self.more)

    def raise_if_any(self) -> None:
        """Raise :meth:`combined` when anything was recorded."""
        combined = self.combined()
        if combined is not None:
            raise combined

    def __enter__(self) -> ErrorList:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if exc is not None and not isinstance(exc, BankFormatError):
            return False  # another failure, or GeneratorExit: not ours to report
        if isinstance(exc, BankFormatError):
            self.add(exc)
        combined = self.combined()
        if combined is None:
            return False
        if combined is exc:
            return False  # raised as it is
        raise combined from None
