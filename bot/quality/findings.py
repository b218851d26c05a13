"""What a lint rule reports: a finding with its rule, severity, message and place."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a finding is; the order is info < warning < error."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem a rule found.

    ``number`` is the question's 1-based position in the bank and ``line`` its line in the
    file it came from (when there is one); a finding about the whole bank has neither.
    ``others`` are the numbers of other questions the finding is about (a near-duplicate's
    twin, say).
    """

    rule: str
    severity: Severity
    message: str
    number: int | None = None
    line: int | None = None
    prompt: str = ""
    others: tuple[int, ...] = ()
