"""``quizbot schedules``: the scheduled quizzes of every channel, for the operator.

Moderators add and remove them in chat (``/quiz schedule``); this lists them all, with when
each starts next in UTC and in its own time zone, and removes one by its id (where no
moderator can, in a channel the bot can no longer post in, say).
"""

from __future__ import annotations

from typing import Any

import click

from bot.i18n import _, pgettext
from cli.common import CliState, emit_json, pass_state, print_table, shown, with_app
from cli.help import with_examples


@click.group(
    help=with_examples(
        _("Scheduled quizzes (added in chat with /quiz schedule)."),
        "quizbot schedules list",
        "quizbot schedules list --platform discord --json",
        "quizbot schedules remove 12",
    )
)
def schedules() -> None:
    """Scheduled quizzes."""


@schedules.command("list", help=_("Every scheduled quiz, the next to start first."))
@click.option("--platform", help=_("Only this platform's channels (discord, slack, telegram)."))
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON for scripts."))
@pass_state
def list_command(state: CliState, platform: str | None, as_json: bool) -> None:
    """Every scheduled quiz."""
    from adapters.kit.schedules import next_run
    from cli.tenants import chat_platform

    if platform is not None:
        chat_platform(platform)
    found: list[Any] = with_app(state, lambda app: app.scheduled_quizzes(), load_banks=False)
    found = [s for s in found if platform is None or s.channel.platform == platform]
    if as_json:
        emit_json(
            [
                {
                    "id": s.schedule_id,
                    "platform": s.channel.platform,
                    "workspace": s.channel.workspace,
                    "channel": s.channel.channel,
                    "every": s.every,
                    "weekday": s.weekday,
                    "at": s.at_time,
                    "timezone": s.timezone,
                    "bank": s.bank,
                    "questions": s.questions,
                    "seconds": s.seconds,
                    "next_run_at": s.next_run_at.isoformat(),
                }
                for s in found
            ]
        )
        return
    if not found:
        click.echo(_("No quiz is scheduled."))
        return
    rows = [
        (
            s.schedule_id,
            f"{s.channel.platform} {shown(s.channel.workspace)} #{shown(s.channel.channel)}",
            s.describe().partition(": ")[2],
            f"{next_run(s)} ({s.timezone})",
        )
        for s in found
    ]
    headings = [
        pgettext("table heading", "id"),
        pgettext("table heading", "channel"),
        pgettext("table heading", "quiz"),
        pgettext("table heading", "next"),
    ]
    print_table(_("Scheduled quizzes"), headings, rows)


@schedules.command(
    "remove",
    short_help=_("Remove one scheduled quiz by its id."),
    help=with_examples(
        _("Remove one scheduled quiz by its id (the first column of 'quizbot schedules list')."),
        "quizbot schedules remove 12",
    ),
)
@click.argument("schedule_id", metavar="ID", type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON for scripts."))
@pass_state
def remove_command(state: CliState, schedule_id: int, as_json: bool) -> None:
    """Remove one scheduled quiz."""
    removed = with_app(state, lambda app: app.remove_scheduled_quiz(schedule_id), load_banks=False)
    where = removed.channel
    if as_json:
        emit_json(
            {
                "id": removed.schedule_id,
                "platform": where.platform,
                "workspace": where.workspace,
                "channel": where.channel,
                "removed": True,
            }
        )
        return
    click.echo(
        _("Removed {schedule}, in {platform} {workspace} #{channel}.").format(
            schedule=removed.describe(),
            platform=where.platform,
            workspace=shown(where.workspace),
            channel=shown(where.channel),
        )
    )
