"""``quizbot run slack [--socket]``: serve Slack until interrupted.

HTTP mode (the PaaS web process) listens on ``0.0.0.0:$PORT``; Socket Mode (local use)
connects out to Slack with ``SLACK_APP_TOKEN`` and needs no public URL. Missing
configuration raises :class:`bot.errors.ConfigError` naming the variable, before anything
starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiohttp import web

from adapters.slack.app import check_settings
from adapters.slack.server import create_web_app, run_socket_mode
from bot.config import Settings

log = logging.getLogger(__name__)


def _configure_logging() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )


def run_slack(settings: Settings, socket_mode: bool = False) -> None:
    """Serve Slack (blocking): over HTTP on ``settings.port``, or over Socket Mode."""
    check_settings(settings, socket_mode=socket_mode)
    _configure_logging()
    if socket_mode:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run_socket_mode(settings))
        return
    log.info("serving Slack on 0.0.0.0:%s", settings.port)
    web.run_app(create_web_app(settings), host="0.0.0.0", port=settings.port, print=None)
