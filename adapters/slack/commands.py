"""Parsing ``/quiz`` and its subcommands into plain values.

Pure functions, no Slack calls: :func:`parse` turns the text after ``/quiz`` into one of
the command dataclasses below, or :class:`Help` (for ``help``, nothing, or anything
unknown, with the reason to show, already escaped for mrkdwn). The listeners in
:mod:`adapters.slack.handlers` act on them.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.slack.blocks import escape

SCOPES = ("channel", "workspace", "all")
PERIODS = ("today", "week", "month", "all")


@dataclass(frozen=True)
class Start:
    """``/quiz start [bank] [questions] [seconds]``."""

    bank: str | None = None
    count: int | None = None
    seconds: int | None = None


@dataclass(frozen=True)
class Stop:
    """``/quiz stop``."""


@dataclass(frozen=True)
class Leaderboard:
    """``/quiz leaderboard [channel|workspace|all] [today|week|month|all]``."""

    scope: str = "channel"
    period: str = "all"


@dataclass(frozen=True)
class Banks:
    """``/quiz banks``."""


@dataclass(frozen=True)
class Flashcards:
    """``/quiz flashcards [bank]``."""

    bank: str | None = None


@dataclass(frozen=True)
class Help:
    """``/quiz help`` (or an unknown subcommand, with ``reason`` saying what was wrong)."""

    reason: str = ""


Command = Start | Stop | Leaderboard | Banks | Flashcards | Help


def _parse_start(args: list[str]) -> Command:
    bank: str | None = None
    numbers: list[int] = []
    for arg in args:
        if arg.isdigit():
            numbers.append(int(arg))
        elif bank is None and not numbers:
            bank = arg.lower()
        else:
            return Help(f"`{escape(arg[:40])}` is not a number of questions or seconds.")
    if len(numbers) > 2:
        return Help("`start` takes at most a bank, a number of questions and seconds.")
    count = numbers[0] if numbers else None
    seconds = numbers[1] if len(numbers) > 1 else None
    if count is not None and count < 1:
        return Help("A quiz needs at least one question.")
    if seconds is not None and seconds < 5:
        return Help("Give players at least 5 seconds a question.")
    return Start(bank=bank, count=count, seconds=seconds)


def _parse_leaderboard(args: list[str]) -> Command:
    scope, period = "channel", "all"
    rest = [a.lower() for a in args]
    if rest and rest[0] in SCOPES:
        scope = rest.pop(0)
    if rest and rest[0] in PERIODS:
        period = rest.pop(0)
    if rest:
        return Help(
            f"`leaderboard` takes a scope ({', '.join(SCOPES)}) then a period "
            f"({', '.join(PERIODS)}), not `{escape(rest[0][:40])}`."
        )
    return Leaderboard(scope=scope, period=period)


def parse(text: str) -> Command:
    """Parse the text after ``/quiz``."""
    words = text.split()
    if not words:
        return Help()
    name, args = words[0].lower(), words[1:]
    if name == "start":
        return _parse_start(args)
    if name == "stop":
        return Stop()
    if name in ("leaderboard", "scores", "top"):
        return _parse_leaderboard(args)
    if name == "banks":
        return Banks()
    if name in ("flashcards", "cards", "review"):
        if len(args) > 1:
            return Help("`flashcards` takes at most one bank name.")
        return Flashcards(bank=args[0].lower() if args else None)
    if name == "help":
        return Help()
    return Help(f"I don't know `{escape(name[:40])}`.")
