"""Slack running in a quizbot process: over HTTP in the web process, or over Socket Mode.

Over HTTP the Bolt app's routes join the shared server (see :mod:`adapters.kit.web`):

- ``POST /slack/events``: slash commands, interactivity and events, verified against
  ``SLACK_SIGNING_SECRET`` by Bolt (bad or stale signatures get 401);
- ``GET /slack/install`` and ``GET /slack/oauth_redirect``: the OAuth install flow, when
  ``SLACK_CLIENT_ID``/``SLACK_CLIENT_SECRET`` are set.

Socket Mode (a laptop, no public URL) connects out with ``SLACK_APP_TOKEN``. Either way the
conductor's ticker closes due rounds and posts due daily questions; on shutdown, listeners
already acknowledged finish their work (see :mod:`adapters.kit.lifecycle`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from adapters.kit.contract import Runtime
from adapters.slack.app import SlackBot, build_slack_bot
from adapters.slack.listeners import register
from adapters.slack.settings import SlackSettings
from adapters.slack.tables import ensure_tables

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def _listener_tasks() -> list[asyncio.Task[object]]:
    """Bolt's in-flight listeners: after ``ack()`` they go on as tasks of their own.

    Bolt does not keep them, so they are found by the name of its inner coroutine
    (slack-bolt 1.x's ``AsyncioListenerRunner``); should that change, draining is skipped.
    """
    current = asyncio.current_task()
    return [
        task
        for task in asyncio.all_tasks()
        if task is not current
        and not task.done()
        and "run_ack_function_asynchronously" in getattr(task.get_coro(), "__qualname__", "")
    ]


def add_routes(application: web.Application, bot: SlackBot) -> None:
    """Serve Bolt's endpoints from the shared HTTP server."""

    async def events(request: web.Request) -> web.Response:
        response = await bot.bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    application.router.add_post(EVENTS_PATH, events)
    flow = bot.bolt.oauth_flow
    if flow is not None:

        async def install(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await flow.handle_installation(await to_bolt_request(request))
            )

        async def redirect(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await flow.handle_callback(await to_bolt_request(request))
            )

        application.router.add_get(flow.install_path, install)
        application.router.add_get(flow.redirect_uri_path, redirect)


class SlackService:
    """Slack in this process (see :class:`adapters.kit.contract.Service`)."""

    name = "slack"

    def __init__(
        self,
        runtime: Runtime,
        settings: SlackSettings,
        *,
        ticker_interval: float = 1.0,
        run_ticker: bool = True,
    ) -> None:
        self.settings = settings
        self.bot = build_slack_bot(settings, runtime.app, ticker_interval=ticker_interval)
        register(self.bot)
        self.conductor = self.bot.conductor
        self.run_ticker = run_ticker
        self.failure: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._socket: AsyncSocketModeHandler | None = None
        if settings.serves_http:
            if runtime.web is None:
                raise RuntimeError("Slack over HTTP needs the web server")
            add_routes(runtime.web, self.bot)

    async def start(self) -> None:
        bot = self.bot
        if self.settings.uses_oauth and self.settings.client_id:
            await ensure_tables(bot.quiz.db, self.settings.client_id)
        if self.settings.socket_mode:
            self._socket = AsyncSocketModeHandler(bot.bolt, self.settings.app_token)
            await self._socket.connect_async()
            log.info("Slack app connected over Socket Mode")
        else:
            mode = "OAuth, many workspaces" if self.settings.uses_oauth else "one workspace"
            log.info("Slack app ready over HTTP (%s), events at %s", mode, EVENTS_PATH)
        if self.run_ticker:
            await self.conductor.start()

    async def stop_taking_work(self) -> None:
        if self._socket is not None:
            with contextlib.suppress(Exception):
                await self._socket.close_async()
            log.info("Socket Mode connection closed")

    async def finish_in_flight(self, within: float) -> None:
        tasks = _listener_tasks()
        if tasks:
            log.info("waiting for %d Slack request(s) in flight", len(tasks))
            await asyncio.wait(tasks, timeout=within)

    async def close(self) -> None:
        return None
