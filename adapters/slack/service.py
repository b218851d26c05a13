"""Slack running in a quizbot process: over HTTP in the web process, or over Socket Mode.

Over HTTP the Bolt app's routes join the shared server (see :mod:`adapters.kit.web`):

- ``POST /slack/events``: slash commands, interactivity and events, verified against
  ``SLACK_SIGNING_SECRET`` by Bolt (bad or stale signatures get 401); a signed request whose
  body is no Slack payload (not JSON, not an object) gets 400 and one log line;
- ``GET /slack/install`` and ``GET /slack/oauth_redirect``: the OAuth install flow, when
  ``SLACK_CLIENT_ID``/``SLACK_CLIENT_SECRET`` are set.

Socket Mode (a laptop, no public URL) connects out with ``SLACK_APP_TOKEN``. At start-up
``SLACK_BOT_TOKEN`` is checked with ``auth.test`` (and the app token by asking for the Socket
Mode URL): a token Slack rejects, or Slack not answering, is one line and exit code 1
(with OAuth there is no single token to check). Either way the
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
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier

from adapters.kit.contract import Runtime
from adapters.kit.network import UNREACHABLE, OneLineRetries, unreachable
from adapters.slack.app import BOLT_LOGGER, SlackBot, build_slack_bot
from adapters.slack.listeners import register
from adapters.slack.settings import SlackSettings
from adapters.slack.tables import ensure_tables
from bot.errors import ConfigError
from bot.i18n import _

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
#: What Slack answers a token it does not take (auth.test, any method).
REJECTED = frozenset({"invalid_auth", "not_authed", "token_revoked", "account_inactive"})
#: The Socket Mode client's line for each failed (re)connection attempt.
RETRY_LINES = OneLineRetries("Failed to connect")


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


async def bolt_request(request: web.Request, secret: str) -> AsyncBoltRequest | web.Response:
    """The request as Bolt takes it, or the answer to a body that is no Slack payload.

    Bolt parses the body before it checks the signature, and a body it cannot parse (a
    ``payload=`` that is not JSON, JSON that is not an object) raises out of it: a 500 and a
    traceback. Such a request gets 401 if it is not signed with ``secret`` (as Bolt answers
    a bad signature), else 400 and one line that quotes nothing of it.
    """
    raw = await request.read()
    try:
        return AsyncBoltRequest(
            body=raw.decode("utf-8"),
            query=request.query_string,
            headers=request.headers,  # type: ignore[arg-type]
        )
    except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
        reason = type(exc).__name__
    if not secret or not SignatureVerifier(secret).is_valid_request(raw, dict(request.headers)):
        return web.json_response({"error": "invalid request"}, status=401)
    log.warning(
        "refused a signed Slack request whose body is not a Slack payload (%s, %d bytes): 400",
        reason,
        len(raw),
    )
    return web.json_response({"error": "not a Slack payload"}, status=400)


def add_routes(application: web.Application, bot: SlackBot) -> None:
    """Serve Bolt's endpoints from the shared HTTP server."""
    secret = bot.settings.signing_secret or ""

    async def events(request: web.Request) -> web.Response:
        parsed = await bolt_request(request, secret)
        if isinstance(parsed, web.Response):
            return parsed
        return await to_aiohttp_response(await bot.bolt.async_dispatch(parsed))

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
        else:
            await self.check_bot_token()
        if self.settings.socket_mode:
            await self.connect_socket()
        else:
            mode = "OAuth, many workspaces" if self.settings.uses_oauth else "one workspace"
            log.info("Slack app ready over HTTP (%s), events at %s", mode, EVENTS_PATH)
        if self.run_ticker:
            await self.conductor.start()

    @property
    def api_url(self) -> str:
        """Where the Web API is (Slack's, or SLACK_API_URL's)."""
        return str(self.bot.bolt.client.base_url)

    async def check_bot_token(self) -> None:
        """``auth.test`` with SLACK_BOT_TOKEN before saying ready: a token Slack rejects is
        one line (ConfigError) now, not an error at the first request."""
        try:
            identity = await self.bot.bolt.client.auth_test()
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            if error in REJECTED:
                raise ConfigError(
                    _(
                        "SLACK_BOT_TOKEN was rejected by Slack ({error}): copy the Bot User "
                        "OAuth Token (xoxb-...) from your Slack app's OAuth & Permissions page"
                    ).format(error=error)
                ) from None
            log.warning("could not check SLACK_BOT_TOKEN (auth.test: %s); going on", error)
            return
        except UNREACHABLE as exc:
            raise unreachable("Slack", self.api_url, exc) from None
        log.info(
            "Slack bot token accepted: workspace %s, bot user %s",
            identity.get("team_id"),
            identity.get("user_id"),
        )

    async def connect_socket(self) -> None:
        """Connect over Socket Mode; a rejected SLACK_APP_TOKEN is one line (ConfigError).

        The connection URL is asked for here (``apps.connections.open``) rather than in the
        Socket Mode client's own loop, which would retry a rejected token forever. Its later
        reconnections log one line per failed attempt, without the traceback.
        """
        RETRY_LINES.install(logging.getLogger(BOLT_LOGGER))
        self._socket = AsyncSocketModeHandler(self.bot.bolt, self.settings.app_token)
        try:
            opened = await self.bot.bolt.client.apps_connections_open(
                app_token=self.settings.app_token or ""
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            raise ConfigError(
                _(
                    "SLACK_APP_TOKEN was rejected by Slack ({error}): Socket Mode needs an "
                    "app-level token (xapp-...) with the connections:write scope (Basic "
                    "Information > App-Level Tokens)"
                ).format(error=error)
            ) from None
        except UNREACHABLE as exc:
            raise unreachable("Slack", self.api_url, exc) from None
        self._socket.client.wss_uri = str(opened["url"])
        await self._socket.connect_async()
        log.info("Slack app connected over Socket Mode")

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
        await self.bot.locales.close()
        await self.bot.responder.close()
