"""``quizbot channels``: a channel's quiz settings, shown and set as ``/quiz settings`` does.

The operator running the CLI is a moderator everywhere. Values are checked by the same
code as the chat command (:mod:`bot.services.channel_settings`), so the ranges and the
errors are the same.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import click

from bot.i18n import _, pgettext
from cli.common import CliState, emit_json, fail, pass_state, print_table, with_app
from cli.help import with_examples

ON_OFF = click.Choice(["on", "off", "default"], case_sensitive=False)


def where_options(command: Any) -> Any:
    """The ``--platform``, ``--workspace`` and ``--channel`` that name a channel."""
    for option in reversed(
        [
            click.option(
                "--platform", required=True, help=_("discord, slack, telegram or console")
            ),
            click.option(
                "--workspace",
                required=True,
                help=_("The Discord server, Slack team or group id."),
            ),
            click.option("--channel", required=True, help=_("The channel's id on that platform.")),
        ]
    ):
        command = option(command)
    return command


@click.group(
    help=with_examples(
        _("Channels' quiz settings: the defaults of the next quiz there, and its language."),
        "quizbot channels show --platform slack --workspace T0123 --channel C0456",
        "quizbot channels set --platform slack --workspace T0123 --channel C0456 \\",
        "    --questions 10 --seconds 20 --bank crm-podcast --speed-bonus on --hints off",
        "quizbot channels set --platform discord --workspace 1234 --channel 5678 language:es",
        "quizbot channels reset --platform slack --workspace T0123 --channel C0456",
    )
)
def channels() -> None:
    """Channels' quiz settings."""


def _ref(platform: str, workspace: str, channel: str) -> Any:
    from bot.views import ChannelRef
    from cli.tenants import chat_platform

    chat_platform(platform)
    if not workspace.strip() or not channel.strip():
        fail(_("give a workspace and a channel"))
    return ChannelRef(platform, workspace, channel)


def _show(settings: Any, where: Any, as_json: bool) -> None:
    from adapters.kit.settings import DEFAULT_BANK, DEFAULT_QUESTIONS, DEFAULT_SECONDS

    values = dataclasses.asdict(settings)
    if as_json:
        emit_json(
            {
                "platform": where.platform,
                "workspace": where.workspace,
                "channel": where.channel,
                "settings": values,
            }
        )
        return
    from bot.i18n.languages import install_default

    defaults = {
        "bank": DEFAULT_BANK,
        "questions": DEFAULT_QUESTIONS,
        "seconds": DEFAULT_SECONDS,
        "language": install_default(),
    }
    rows = []
    for key, value in values.items():
        if isinstance(value, bool):
            shown = "on" if value else "off"  # as typed: --hints on
        elif value is None:
            shown = _("{value} (default)").format(value=defaults[key])
        else:
            shown = str(value)
        rows.append((key, shown))
    title = f"{where.platform} {where.workspace} #{where.channel}"
    headings = [pgettext("table heading", "setting"), pgettext("table heading", "value")]
    print_table(title, headings, rows)


@channels.command(
    "show",
    help=with_examples(
        _("A channel's settings (the defaults where none are set)."),
        "quizbot channels show --platform discord --workspace 1234 --channel 5678",
    ),
)
@where_options
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON for scripts."))
@pass_state
def show(state: CliState, platform: str, workspace: str, channel: str, as_json: bool) -> None:
    """A channel's settings."""
    where = _ref(platform, workspace, channel)
    settings = with_app(state, lambda app: app.channel_settings(where), load_banks=False)
    _show(settings, where, as_json)


@channels.command(
    "set",
    help=with_examples(
        _("Change a channel's settings (only those given); prints them all after.")
        + "\n\n"
        + _(
            "Settings can also be given as the chat command writes them, NAME:VALUE "
            "(questions:10 hints:off language:es). The language of the channel's messages "
            "is language:en, language:es or language:de (or --language); 'default' is the "
            "install's (QUIZBOT_LANGUAGE)."
        ),
        "quizbot channels set --platform telegram --workspace -1001 --channel -1001 \\",
        "    --questions 10 --seconds 20 --speed-bonus on --lobby off",
        "quizbot channels set --platform discord --workspace 1234 --channel 5678 language:es",
    ),
)
@click.argument("words", nargs=-1, metavar="[NAME:VALUE]...")
@where_options
@click.option("--bank", help=_("The bank a quiz plays when none is given ('default' resets)."))
@click.option("--questions", help=_("How many questions (1-100, or 'default')."))
@click.option("--seconds", help=_("Seconds per question (5-3600, or 'default')."))
@click.option("--speed-bonus", type=ON_OFF, help=_("Extra points for fast right answers."))
@click.option("--streak-bonus", type=ON_OFF, help=_("Extra points for right answers in a row."))
@click.option("--hints", type=ON_OFF, help=_("Players may take hints."))
@click.option("--lobby", type=ON_OFF, help=_("Players join before the first question."))
@click.option("--relaxed", type=ON_OFF, help=_("Each question waits for every joined player."))
@click.option("--relaxed-max-seconds", help=_("The longest a relaxed question waits (10-3600)."))
@click.option(
    "--language",
    metavar="LANGUAGE",
    help=_("The language of the channel's messages: en, es or de ('default': the install's)."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON for scripts."))
@pass_state
def set_command(
    state: CliState,
    words: tuple[str, ...],
    platform: str,
    workspace: str,
    channel: str,
    as_json: bool,
    **given: str | None,
) -> None:
    """Change a channel's settings."""
    from bot.services.channel_settings import SettingsChange, change, parse_changes

    where = _ref(platform, workspace, channel)
    values = {key: value for key, value in given.items() if value is not None}
    if not values and not words:
        fail(_("give at least one setting to change, e.g. --questions 10 (see --help)"))
    changes = change(**values)
    if words:  # the chat's words (language:es), read by the chat command's parser
        typed = {**changes.as_dict(), **parse_changes(list(words)).as_dict()}
        changes = SettingsChange(tuple(typed.items()))
    settings = with_app(
        state,
        lambda app: app.change_channel_settings(where, None, changes, is_moderator=True),
    )
    _show(settings, where, as_json)


@channels.command(
    "reset", help=_("Forget a channel's settings: its quizzes take the defaults again.")
)
@where_options
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON for scripts."))
@pass_state
def reset(state: CliState, platform: str, workspace: str, channel: str, as_json: bool) -> None:
    """Forget a channel's settings."""
    where = _ref(platform, workspace, channel)
    settings = with_app(
        state,
        lambda app: app.reset_channel_settings(where, None, is_moderator=True),
        load_banks=False,
    )
    _show(settings, where, as_json)
