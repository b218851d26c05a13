"""``/quiz schedule`` in words: a channel's scheduled quizzes as every platform shows them.

The text's only markup is ``code`` in backticks (a :class:`~adapters.kit.dispatch.Notice`),
so each platform's renderer shows it as it shows any notice. It is written in the current
language: weekdays, months and times the language's way (:mod:`bot.i18n.formatting`).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from adapters.kit.commands import quoted
from bot.i18n import N_, _, current_language, ngettext
from bot.i18n import formatting as fmt
from bot.i18n.languages import FALLBACK
from bot.views import QuizScheduleView

HOW_TO_ADD = N_(
    "Moderators add one with `/quiz schedule weekly fri 17:00 Europe/London 10 questions "
    "[bank]` or `/quiz schedule daily 08:30 Europe/Berlin`, and remove them with "
    "`/quiz schedule off [ID]`."
)


def clock(at: str) -> str:
    """A time of day as commands take it (``17:00``), for people: as typed in English (the
    24-hour clock the commands use), else the language's own short time."""
    if current_language() == FALLBACK:
        return at
    try:
        hours, minutes = (int(part) for part in at.split(":"))
        return fmt.time_of_day(dt.time(hours, minutes))
    except ValueError:
        return at


def next_run(schedule: QuizScheduleView) -> str:
    """When it starts next, in its own time zone: "Fri 4 Dec 2026, 17:00"."""
    local = schedule.next_run_at.astimezone(ZoneInfo(schedule.timezone))
    return _("{weekday} {day} {month} {year}, {time}").format(
        weekday=fmt.weekday(local.weekday(), "abbreviated"),
        day=local.day,
        month=fmt.date(local, "MMM"),
        year=local.year,
        time=clock(f"{local:%H:%M}"),
    )


def describe(schedule: QuizScheduleView) -> str:
    """One line: "#3: a quiz every Friday at 17:00 (Europe/London), 10 questions from demo"."""
    fields = {
        "id": schedule.schedule_id,
        "time": clock(schedule.at_time),
        "zone": schedule.timezone,
    }
    if schedule.weekday is None:
        when = _("#{id}: a quiz every day at {time} ({zone})").format(**fields)
    else:
        when = _("#{id}: a quiz every {weekday} at {time} ({zone})").format(
            weekday=fmt.weekday(schedule.weekday), **fields
        )
    if schedule.questions:
        questions = ngettext("{count} question", "{count} questions", schedule.questions).format(
            count=schedule.questions
        )
    else:
        questions = _("the usual questions")
    if schedule.bank:
        source = _("from {bank}").format(bank=quoted(schedule.bank))
    else:
        source = _("from the channel's bank")
    if schedule.seconds:
        text = _("{schedule}, {questions} {source}, {seconds} s each")
    else:
        text = _("{schedule}, {questions} {source}")
    return text.format(schedule=when, questions=questions, source=source, seconds=schedule.seconds)


def line(schedule: QuizScheduleView) -> str:
    return _("{schedule}; next: {next_run}").format(
        schedule=describe(schedule), next_run=next_run(schedule)
    )


def listed(schedules: list[QuizScheduleView]) -> str:
    """A channel's scheduled quizzes, one per line, and how to change them."""
    if not schedules:
        return _("No quiz is scheduled here. {how_to_add}").format(how_to_add=_(HOW_TO_ADD))
    lines = [_("Scheduled quizzes here:"), *(line(s) for s in schedules)]
    return "\n".join([*lines, _(HOW_TO_ADD)])


def added(schedule: QuizScheduleView, by: str) -> str:
    """What the channel is told when a moderator scheduled a quiz."""
    return _("{name} scheduled a quiz here. {schedule}. `/quiz schedule` lists them.").format(
        name=quoted(by), schedule=line(schedule)
    )


def removed(schedules: list[QuizScheduleView], by: str) -> str:
    """What the channel is told when a moderator removed scheduled quizzes."""
    which = ", ".join(f"#{s.schedule_id}" for s in schedules)
    return ngettext(
        "{name} removed the scheduled quiz {ids}.",
        "{name} removed the scheduled quizzes {ids}.",
        len(schedules),
    ).format(name=quoted(by), ids=which)
