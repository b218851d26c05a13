"""``quizbot run``: serve the chat bots (Discord gateway worker, Slack web process)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from cli.common import CliState, fail, pass_state

if TYPE_CHECKING:
    from bot.config import Settings


def serve(state: CliState, verbose: bool, extra: str, start: Callable[[Settings], None]) -> None:
    """Set up logging, then run ``start(settings)`` (which blocks until the process stops).

    A missing platform package or any configuration error is one line and exit code 1.
    """
    from bot.errors import QuizbotError
    from cli.logs import setup_logging

    try:
        settings = state.settings()
        setup_logging(settings, verbose)
        start(settings)
    except QuizbotError as exc:
        fail(str(exc))
    except ModuleNotFoundError as exc:
        fail(f"{exc.name} is not installed: pip install 'quizbot[{extra}]'")


@click.group("run")
def run_group() -> None:
    """Run quizbot in a chat platform.

    \b
    Examples:
      DISCORD_TOKEN=... quizbot run discord
      SLACK_BOT_TOKEN=... SLACK_SIGNING_SECRET=... quizbot run slack
      SLACK_APP_TOKEN=... quizbot run slack --socket
      DISCORD_TOKEN=... SLACK_BOT_TOKEN=... SLACK_SIGNING_SECRET=... quizbot run all
    """


@run_group.command()
@click.option("-v", "--verbose", is_flag=True, help="Log debug details.")
@pass_state
def discord(state: CliState, verbose: bool) -> None:
    """Connect to Discord with DISCORD_TOKEN (the PaaS worker process)."""

    def start(settings: Settings) -> None:
        from adapters.discord.runner import run_discord

        run_discord(settings)

    serve(state, verbose, "discord", start)


@run_group.command()
@click.option("--socket", is_flag=True, help="Use Socket Mode (SLACK_APP_TOKEN) instead of HTTP.")
@click.option("-v", "--verbose", is_flag=True, help="Log debug details.")
@pass_state
def slack(state: CliState, socket: bool, verbose: bool) -> None:
    """Serve Slack over HTTP on $PORT (the PaaS web process), or by Socket Mode."""

    def start(settings: Settings) -> None:
        from adapters.slack.runner import run_slack

        run_slack(settings, socket_mode=socket)

    serve(state, verbose, "slack", start)


@run_group.command("all")
@click.option("-v", "--verbose", is_flag=True, help="Log debug details.")
@pass_state
def run_all(state: CliState, verbose: bool) -> None:
    """Serve Discord and Slack (over HTTP on $PORT) in one process, for a small group."""

    def start(settings: Settings) -> None:
        import asyncio

        from adapters.discord.runner import apply_test_overrides
        from adapters.slack.app import api_url_from_env, check_settings
        from bot.errors import QuizbotError

        if not settings.discord_token:
            raise QuizbotError("DISCORD_TOKEN is not set")
        check_settings(settings, socket_mode=False)
        api_url_from_env()
        apply_test_overrides()
        asyncio.run(serve_both(settings))

    serve(state, verbose, "discord,slack", start)


async def serve_both(settings: Settings) -> None:
    """Discord and Slack side by side until SIGTERM/SIGINT, or until either side fails."""
    import asyncio
    import logging

    from adapters.discord.lifecycle import shut_down
    from adapters.discord.runner import serve_discord
    from adapters.slack.server import serve_http, stop_on_signals

    log = logging.getLogger("cli.run")
    stop = asyncio.Event()
    stop_on_signals(stop)
    clients: list = []

    async def discord_side() -> None:
        try:
            await serve_discord(settings, clients=clients, stopping=stop)
        finally:
            stop.set()  # Discord gone (or failed): stop Slack too

    async def stop_discord() -> None:
        await stop.wait()
        if clients and not clients[-1].is_closed():
            await shut_down(clients[-1])

    discord_task = asyncio.create_task(discord_side(), name="discord")
    stopper = asyncio.create_task(stop_discord(), name="discord-stopper")
    try:
        await serve_http(settings, stop=stop, handle_signals=False)
    finally:
        stop.set()
        await stopper
        await discord_task  # re-raises a Discord failure (a rejected token, say)
    log.info("stopped")
