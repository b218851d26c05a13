"""``quizbot run``: serve the chat bots (Discord gateway worker, Slack web process)."""

from __future__ import annotations

import click

from cli.common import CliState, fail, pass_state


def settings_or_fail(state: CliState):
    from bot.errors import QuizbotError

    try:
        return state.settings()
    except QuizbotError as exc:
        fail(str(exc))


@click.group("run")
def run_group() -> None:
    """Run quizbot in a chat platform.

    \b
    Examples:
      DISCORD_TOKEN=... quizbot run discord
      SLACK_BOT_TOKEN=... SLACK_SIGNING_SECRET=... quizbot run slack
      SLACK_APP_TOKEN=... quizbot run slack --socket
    """


@run_group.command()
@click.option("-v", "--verbose", is_flag=True, help="Log debug details.")
@pass_state
def discord(state: CliState, verbose: bool) -> None:
    """Connect to Discord with DISCORD_TOKEN (the PaaS worker process)."""
    from bot.errors import QuizbotError
    from cli.logs import setup_logging

    settings = settings_or_fail(state)
    setup_logging(settings, verbose)
    try:
        from adapters.discord.runner import run_discord
    except ModuleNotFoundError as exc:
        fail(f"{exc.name} is not installed: pip install 'quizbot[discord]'")
    try:
        run_discord(settings)
    except QuizbotError as exc:
        fail(str(exc))


@run_group.command()
@click.option("--socket", is_flag=True, help="Use Socket Mode (SLACK_APP_TOKEN) instead of HTTP.")
@click.option("-v", "--verbose", is_flag=True, help="Log debug details.")
@pass_state
def slack(state: CliState, socket: bool, verbose: bool) -> None:
    """Serve Slack over HTTP on $PORT (the PaaS web process), or by Socket Mode."""
    from bot.errors import QuizbotError
    from cli.logs import setup_logging

    settings = settings_or_fail(state)
    setup_logging(settings, verbose)
    try:
        from adapters.slack.runner import run_slack
    except ModuleNotFoundError as exc:
        fail(f"{exc.name} is not installed: pip install 'quizbot[slack]'")
    try:
        run_slack(settings, socket_mode=socket)
    except QuizbotError as exc:
        fail(str(exc))
