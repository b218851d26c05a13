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
      DISCORD_TOKEN=... SLACK_BOT_TOKEN=... SLACK_SIGNING_SECRET=... quizbot run all
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


@run_group.command("all")
@click.option("-v", "--verbose", is_flag=True, help="Log debug details.")
@pass_state
def run_all(state: CliState, verbose: bool) -> None:
    """Serve Discord and Slack (over HTTP on $PORT) in one process, for a small group."""
    import asyncio

    from bot.errors import QuizbotError
    from cli.logs import setup_logging

    settings = settings_or_fail(state)
    setup_logging(settings, verbose)
    try:
        from adapters.discord.runner import apply_test_overrides
        from adapters.slack.app import api_url_from_env, check_settings
    except ModuleNotFoundError as exc:
        fail(f"{exc.name} is not installed: pip install 'quizbot[discord,slack]'")
    try:
        if not settings.discord_token:
            raise QuizbotError("DISCORD_TOKEN is not set")
        check_settings(settings, socket_mode=False)
        api_url_from_env()
        apply_test_overrides()
        asyncio.run(serve_both(settings))
    except QuizbotError as exc:
        fail(str(exc))


async def serve_both(settings) -> None:
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
