"""The ``/quiz`` command model: one dataclass per subcommand, and the parser for typed text.

Every platform maps its own UI to these values: Discord's slash-command options build them
directly; Slack and Telegram type words after ``/quiz``, which :func:`parse` turns into one
of them, or :class:`Help` (for ``help``, nothing, or anything unknown, with the reason to
show). :mod:`adapters.kit.dispatch` acts on them, the same way for every platform.

Words are split on spaces, except inside double quotes (straight or curly, as chat clients
may type them): ``topic:"Project Management"``; underscores in a topic stand for spaces too
(``topic:Project_Management``). A reason quotes the user's words inside backticks, cut
short and with ``<``, ``>`` and ``&`` left out, so no platform can read a mention or a link
into it.

A reason is written in the current language when parsed, and again in the asker's when the
dispatcher shows it (:meth:`Help.said`), so a platform may parse before it knows who asks.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from bot.errors import QuizbotError
from bot.i18n import N_, _
from bot.i18n.languages import LANGUAGES, check

#: What a chat leaderboard can cover: never another workspace (the CLI's boards can).
SCOPES = ("channel", "workspace")
#: Words for "workspace" on some platform (a Discord server, a Telegram group).
WORKSPACE_WORDS = ("workspace", "server", "team", "group")
PERIODS = ("today", "week", "month", "all")
TOPIC_PREFIX = "topic:"
HARDEST = "hardest"
CURLY_QUOTES = str.maketrans(
    {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'}
)
TIME_OF_DAY = re.compile(r"^\d{1,2}:\d{2}$")
TEAMS_PREFIX = "teams:"
TEAMS_RANGE = (2, 4)
LOBBY_PREFIX = "lobby:"
LANGUAGE_PREFIXES = ("language:", "lang:")


@dataclass(frozen=True)
class Start:
    """``/quiz start [bank] [questions] [seconds] [topic:NAME] [hardest] [teams:N]
    [lobby:on|off]``."""

    bank: str | None = None
    count: int | None = None
    seconds: int | None = None
    topic: str | None = None
    hardest: bool = False
    teams: int | None = None  # ``teams:2`` .. ``teams:4``: a team game
    lobby: bool | None = None  # ``lobby:on|off``; None: the channel's setting

    @property
    def order(self) -> str:
        return "hardest" if self.hardest else "random"


@dataclass(frozen=True)
class Stop:
    """``/quiz stop``."""


@dataclass(frozen=True)
class Leaderboard:
    """``/quiz leaderboard [channel|workspace] [today|week|month|all]``."""

    scope: str = "channel"
    period: str = "all"


@dataclass(frozen=True)
class Banks:
    """``/quiz banks [language]``: the banks one can play (``language``: only those in it,
    a code of :data:`bot.i18n.languages.LANGUAGES`)."""

    language: str | None = None


@dataclass(frozen=True)
class Flashcards:
    """``/quiz flashcards [bank]``."""

    bank: str | None = None


@dataclass(frozen=True)
class Mistakes:
    """``/quiz mistakes [questions]``: review the questions I got wrong, privately."""

    count: int | None = None


@dataclass(frozen=True)
class Daily:
    """``/quiz daily`` (show), ``/quiz daily off``, or
    ``/quiz daily HH:MM Area/City [bank] [minutes]`` (set; moderators only)."""

    action: str = "show"  # "show" | "off" | "set"
    at: str = ""
    timezone: str = ""
    bank: str | None = None
    minutes: int | None = None


@dataclass(frozen=True)
class Stats:
    """``/quiz stats``: my answers, accuracy, streaks and reviews due."""


@dataclass(frozen=True)
class Settings:
    """``/quiz settings`` (show), ``/quiz settings reset``, or ``/quiz settings questions:10
    seconds:20 bank:NAME speed_bonus:on ...`` (set; moderators only). The ``name:value``
    words are checked by :func:`bot.services.channel_settings.parse_changes`."""

    action: str = "show"  # "show" | "set" | "reset"
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hint:
    """``/quiz hint``: a hint on the open question, for me alone (one per question)."""


@dataclass(frozen=True)
class Schedule:
    """``/quiz schedule`` (list), ``/quiz schedule off [ID]``, or ``/quiz schedule daily HH:MM
    Area/City [N questions] [S seconds] [bank]`` / ``/quiz schedule weekly DAY HH:MM
    Area/City ...`` (add; moderators only): a quiz that starts itself."""

    action: str = "list"  # "list" | "off" | "add"
    every: str = ""  # "daily" | "weekly"
    weekday: str | None = None
    at: str = ""
    timezone: str = ""
    bank: str | None = None
    questions: int | None = None
    seconds: int | None = None
    schedule_id: int | None = None  # for "off": one schedule, else all of the channel's


@dataclass(frozen=True)
class Help:
    """``/quiz help`` (or an unknown subcommand, with ``reason`` saying what was wrong)."""

    reason: str = ""
    #: The reason's English message (an ``N_`` text) and its fields, to write it again in
    #: another language (:meth:`said`).
    message: str = field(default="", compare=False, repr=False)
    fields: tuple[tuple[str, object], ...] = field(default=(), compare=False, repr=False)

    def said(self) -> str:
        """The reason in the current language."""
        if not self.message:
            return self.reason
        return _(self.message).format(**dict(self.fields))


def _help(message: str, **fields: object) -> Help:
    """A :class:`Help` saying ``message`` (an ``N_`` text) filled with ``fields``."""
    return Help(_(message).format(**fields), message, tuple(fields.items()))


UNKNOWN_LANGUAGE = N_("I don't know the language `{language}`; use one of {languages}.")


def _unknown_language_fields(word: str) -> dict[str, object]:
    return {"language": quoted(word), "languages": ", ".join(f"`{c}`" for c in LANGUAGES)}


def language_named(word: str) -> str:
    """The language code a person gave (``es``, ``es-ES``, ``ES``), or a QuizbotError
    saying which there are."""
    try:
        return check(word)
    except ValueError:
        raise QuizbotError(_(UNKNOWN_LANGUAGE).format(**_unknown_language_fields(word))) from None


Command = (
    Start
    | Stop
    | Leaderboard
    | Banks
    | Flashcards
    | Mistakes
    | Daily
    | Stats
    | Settings
    | Hint
    | Schedule
    | Help
)


def quoted(word: str) -> str:
    """A user's word, safe to quote in any platform's markup."""
    return "".join(c for c in word[:40] if c not in "<>&`")


def split_words(text: str) -> list[str]:
    """Split on whitespace, keeping double-quoted parts together (quotes removed)."""
    lexer = shlex.shlex(text.translate(CURLY_QUOTES), posix=True)
    lexer.whitespace_split = True
    lexer.quotes = '"'
    lexer.escape = ""
    lexer.commenters = ""
    return list(lexer)


def _topic_name(value: str) -> str:
    return " ".join(value.replace("_", " ").split())


def _parse_start(args: list[str]) -> Command:
    bank: str | None = None
    numbers: list[int] = []
    topic: str | None = None
    hardest = False
    teams: int | None = None
    lobby: bool | None = None
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg.lower().startswith(TOPIC_PREFIX):
            value = arg[len(TOPIC_PREFIX) :] or (rest.pop(0) if rest else "")
            topic = _topic_name(value)
            if not topic:
                return _help(N_("Give the topic after `topic:`, e.g. `topic:Geography`."))
        elif arg.lower() == HARDEST:
            hardest = True
        elif arg.lower().startswith(TEAMS_PREFIX):
            value = arg[len(TEAMS_PREFIX) :] or (rest.pop(0) if rest else "")
            low, high = TEAMS_RANGE
            if not value.isdigit() or not low <= int(value) <= high:
                return _help(N_("Give {low} to {high} teams, e.g. `teams:2`."), low=low, high=high)
            teams = int(value)
        elif arg.lower().startswith(LOBBY_PREFIX):
            value = (arg[len(LOBBY_PREFIX) :] or (rest.pop(0) if rest else "")).lower()
            if value not in ("on", "off"):
                return _help(N_("Give `lobby:on` or `lobby:off`."))
            lobby = value == "on"
        elif arg.isdigit():
            numbers.append(int(arg))
        elif bank is None and not numbers:
            bank = arg.lower()
        else:
            return _help(N_("`{word}` is not a number of questions or seconds."), word=quoted(arg))
    if len(numbers) > 2:
        return _help(N_("`start` takes at most a bank, a number of questions and seconds."))
    count = numbers[0] if numbers else None
    seconds = numbers[1] if len(numbers) > 1 else None
    if count is not None and count < 1:
        return _help(N_("A quiz needs at least one question."))
    if seconds is not None and seconds < 5:
        return _help(N_("Give players at least 5 seconds a question."))
    return Start(
        bank=bank,
        count=count,
        seconds=seconds,
        topic=topic,
        hardest=hardest,
        teams=teams,
        lobby=lobby,
    )


def _parse_mistakes(args: list[str]) -> Command:
    if not args:
        return Mistakes()
    if len(args) > 1 or not args[0].isdigit() or int(args[0]) < 1:
        return _help(N_("`mistakes` takes at most a number of questions."))
    return Mistakes(count=int(args[0]))


def _parse_daily(args: list[str]) -> Command:
    if not args:
        return Daily()
    if args[0].lower() == "off":
        return (
            Daily(action="off") if len(args) == 1 else _help(N_("`daily off` takes nothing more."))
        )
    if len(args) < 2 or not TIME_OF_DAY.match(args[0]):
        return _help(
            N_(
                "Set a daily question with `daily HH:MM Area/City [bank] [minutes]`, "
                "e.g. `daily 09:00 Europe/London`."
            )
        )
    at, zone, rest = args[0], args[1], args[2:]
    bank: str | None = None
    minutes: int | None = None
    for arg in rest:
        if arg.isdigit() and minutes is None:
            minutes = int(arg)
        elif bank is None and minutes is None:
            bank = arg.lower()
        else:
            return _help(N_("`{word}` is not a bank or a number of minutes."), word=quoted(arg))
    return Daily(action="set", at=at, timezone=zone, bank=bank, minutes=minutes)


def _parse_leaderboard(args: list[str]) -> Command:
    scope, period = "channel", "all"
    rest = [a.lower() for a in args]
    if rest and rest[0] in WORKSPACE_WORDS:
        rest[0] = "workspace"
    if rest and rest[0] in SCOPES:
        scope = rest.pop(0)
    if rest and rest[0] in PERIODS:
        period = rest.pop(0)
    if rest:
        return _help(
            N_("`leaderboard` takes a scope ({scopes}) then a period ({periods}), not `{word}`."),
            scopes=", ".join(SCOPES),
            periods=", ".join(PERIODS),
            word=quoted(rest[0]),
        )
    return Leaderboard(scope=scope, period=period)


def _parse_banks(args: list[str]) -> Command:
    """``banks``, ``banks es`` or ``banks language:es``."""
    words = list(args)
    if not words:
        return Banks()
    word = words.pop(0)
    for prefix in LANGUAGE_PREFIXES:
        if word.lower().startswith(prefix):
            word = word[len(prefix) :] or (words.pop(0) if words else "")
            break
    if words or not word:
        return _help(N_("`banks` takes at most a language, e.g. `banks es`."))
    try:
        return Banks(language=language_named(word))
    except QuizbotError:
        return _help(UNKNOWN_LANGUAGE, **_unknown_language_fields(word))


def _parse_settings(args: list[str]) -> Command:
    if not args:
        return Settings()
    if args[0].lower() in ("reset", "default", "defaults"):
        return (
            Settings(action="reset")
            if len(args) == 1
            else _help(N_("`settings reset` takes nothing more."))
        )
    return Settings(action="set", words=tuple(args))


SCHEDULE_USAGE = N_(
    "Schedule a quiz with `schedule weekly fri 17:00 Europe/London [10 questions] "
    "[20 seconds] [bank]` or `schedule daily 08:30 Europe/Berlin ...`; `schedule` lists "
    "them, `schedule off [ID]` removes them."
)
QUESTION_WORDS = ("questions", "question", "q")
SECOND_WORDS = ("seconds", "second", "secs", "sec", "s")


def _parse_schedule(args: list[str]) -> Command:
    words = [a.lower() for a in args]
    if not words or words == ["list"]:
        return Schedule()
    if words[0] == "off":
        if len(words) == 1:
            return Schedule(action="off")
        number = words[1].lstrip("#")
        if len(words) == 2 and number.isdigit():
            return Schedule(action="off", schedule_id=int(number))
        return _help(N_("`schedule off` takes at most the number of a schedule (see `schedule`)."))
    every, rest = words[0], args[1:]
    weekday: str | None = None
    if every == "weekly" and rest:
        weekday, rest = rest[0], rest[1:]
    if every not in ("daily", "weekly") or len(rest) < 2 or not TIME_OF_DAY.match(rest[0]):
        return _help(SCHEDULE_USAGE)
    at, zone, rest = rest[0], rest[1], rest[2:]
    bank: str | None = None
    numbers: list[int] = []
    questions: int | None = None
    seconds: int | None = None
    while rest:
        arg = rest.pop(0).lower()
        unit = ""
        if arg.isdigit() and rest and rest[0].lower() in QUESTION_WORDS + SECOND_WORDS:
            unit = rest.pop(0).lower()
        elif arg[:-1].isdigit() and arg[-1:] in ("q", "s"):
            arg, unit = arg[:-1], arg[-1]
        if unit in QUESTION_WORDS and questions is None:
            questions = int(arg)
        elif unit in SECOND_WORDS and seconds is None:
            seconds = int(arg)
        elif arg.isdigit() and not unit:
            numbers.append(int(arg))
        elif bank is None and not unit:
            bank = arg
        else:
            return _help(
                N_("`{word}` is not a number of questions or seconds, or a bank."),
                word=quoted(arg),
            )
    for number in numbers:  # bare numbers: questions, then seconds, as for `start`
        if questions is None:
            questions = number
        elif seconds is None:
            seconds = number
        else:
            return _help(N_("`schedule` takes at most a number of questions and of seconds."))
    return Schedule(
        action="add",
        every=every,
        weekday=weekday,
        at=at,
        timezone=zone,
        bank=bank,
        questions=questions,
        seconds=seconds,
    )


def parse(text: str) -> Command:
    """Parse the text after ``/quiz``."""
    try:
        words = split_words(text)
    except ValueError:
        return _help(N_("A quote is not closed."))
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
        return _parse_banks(args)
    if name in ("flashcards", "cards", "review"):
        if len(args) > 1:
            return _help(N_("`flashcards` takes at most one bank name."))
        return Flashcards(bank=args[0].lower() if args else None)
    if name == "mistakes":
        return _parse_mistakes(args)
    if name == "daily":
        return _parse_daily(args)
    if name in ("settings", "config"):
        return _parse_settings(args)
    if name == "hint":
        return Hint() if not args else _help(N_("`hint` takes nothing more."))
    if name in ("stats", "me"):
        return Stats() if not args else _help(N_("`stats` takes nothing more."))
    if name in ("schedule", "schedules"):
        return _parse_schedule(args)
    if name == "help":
        return Help()
    return _help(N_("I don't know `{word}`."), word=quoted(name))
