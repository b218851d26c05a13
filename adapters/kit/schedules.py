"""``/quiz schedule`` in words: a channel's scheduled quizzes as every platform shows them.

The text's only markup is ``code`` in backticks (a :class:`~adapters.kit.dispatch.Notice`),
so each platform's renderer shows it as it shows any notice.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from adapters.kit.commands import quoted
from bot.views import QuizScheduleView

HOW_TO_ADD = (
    "Moderators add one with `/quiz schedule weekly fri 17:00 Europe/London 10 questions "
    "[bank]` or `/quiz schedule daily 08:30 Europe/Berlin`, and remove them with "
    "`/quiz schedule off [ID]`."
)


def next_run(schedule: QuizScheduleView) -> str:
    """When it starts next, in its own time zone: "Fri 4 Dec 2026, 17:00"."""
    local = schedule.next_run_at.astimezone(ZoneInfo(schedule.timezone))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def line(schedule: QuizScheduleView) -> str:
    return f"{schedule.describe()}; next: {next_run(schedule)}"


def listed(schedules: list[QuizScheduleView]) -> str:
    """A channel's scheduled quizzes, one per line, and how to change them."""
    if not schedules:
        return f"No quiz is scheduled here. {HOW_TO_ADD}"
    lines = ["Scheduled quizzes here:", *(line(s) for s in schedules)]
    return "\n".join([*lines, HOW_TO_ADD])


def added(schedule: QuizScheduleView, by: str) -> str:
    """What the channel is told when a moderator scheduled a quiz."""
    return f"{quoted(by)} scheduled a quiz here. {line(schedule)}. `/quiz schedule` lists them."


def removed(schedules: list[QuizScheduleView], by: str) -> str:
    """What the channel is told when a moderator removed scheduled quizzes."""
    which = ", ".join(f"#{s.schedule_id}" for s in schedules)
    return f"{quoted(by)} removed the scheduled quiz{'zes' if len(schedules) > 1 else ''} {which}."
