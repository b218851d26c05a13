"""``quizbot run slack [--socket]``: serve Slack until SIGTERM or Ctrl-C, then exit cleanly.

HTTP mode (the PaaS web process) listens on ``0.0.0.0:$PORT``; Socket Mode (local use)
connects out to Slack with ``SLACK_APP_TOKEN`` and needs no public URL. Missing
configuration raises :class:`bot.errors.ConfigError` naming the variable, before anything
starts. Either mode shuts down gracefully on SIGTERM/SIGINT (see
:mod:`adapters.slack.server`) and returns, so the process exits 0.
"""

from __future__ import annotations

import asyncio
import logging

from adapters.slack.app import api_url_from_env, check_settings, uses_oauth
from adapters.slack.server import run_socket_mode, serve_http, stop_on_signals
from bot.config import Settings

log = logging.getLogger(__name__)


def _configure_logging() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )


async def _socket_mode(settings: Settings) -> None:
    stop = asyncio.Event()
    stop_on_signals(stop)
    await run_socket_mode(settings, stop=stop)
    log.info("stopped")


def run_slack(settings: Settings, socket_mode: bool = False) -> None:
    """Serve Slack (blocking): over HTTP on ``settings.port``, or over Socket Mode."""
    check_settings(settings, socket_mode=socket_mode)
    api_url_from_env()  # a malformed SLACK_API_URL stops us before anything starts
    _configure_logging()
    if socket_mode:
        log.info("starting quizbot for Slack over Socket Mode")
        asyncio.run(_socket_mode(settings))
        return
    mode = "OAuth, many workspaces" if uses_oauth(settings) else "one workspace"
    log.info("starting quizbot for Slack over HTTP (%s)", mode)
    asyncio.run(serve_http(settings))
