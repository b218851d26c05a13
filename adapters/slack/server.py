"""The HTTP side: the aiohttp application that serves Slack, and the Socket Mode loop.

:func:`create_web_app` builds the aiohttp app a web process serves:

- ``POST /slack/events`` — slash commands, interactivity and events, all verified against
  ``SLACK_SIGNING_SECRET`` by Bolt (bad or stale signatures get 401);
- ``GET /slack/install`` and ``GET /slack/oauth_redirect`` — the OAuth install flow, when
  ``SLACK_CLIENT_ID``/``SLACK_CLIENT_SECRET`` are set;
- ``GET /health`` — 200 ``{"status": "ok"}`` when the database answers, else 503.

The deadline ticker runs inside the app (started on startup, stopped on cleanup), so any
web process closes due rounds and announces them, and posts the daily questions that come
due (the schedules are in the database; each question is posted by one process only).
Tests and launchers reuse the app by awaiting :func:`create_web_app` and serving it
themselves; :func:`serve_http` is what the web process runs.

Shutdown (SIGTERM from the PaaS, or Ctrl-C), in order, one log line each: stop listening
(new connections are refused), let requests in flight and the work of requests already
acknowledged finish (at most :data:`DRAIN_SECONDS` and :data:`IN_FLIGHT_SECONDS`), stop the
ticker (the pass in flight ends, at most :data:`TICKER_STOP_SECONDS`), close the database.
The whole of it is capped at :data:`SHUTDOWN_SECONDS`, well inside the ~30 s a PaaS waits
before SIGKILL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from adapters.slack.app import PLATFORM, SlackBot, build_slack_bot, check_settings
from bot.clock import Clock
from bot.config import Settings
from bot.errors import QuizbotError
from bot.services import QuizApp
from bot.ticker import Ticker

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/health"
DRAIN_SECONDS = 5.0
IN_FLIGHT_SECONDS = 3.0
TICKER_STOP_SECONDS = 3.0
SHUTDOWN_SECONDS = 9.0
SLACK_BOT: web.AppKey[SlackBot] = web.AppKey("slack_bot", SlackBot)
TICKER: web.AppKey[Ticker] = web.AppKey("ticker", Ticker)


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


async def drain_listeners(within: float = DRAIN_SECONDS) -> None:
    """Let acknowledged requests finish their work (post, record the message) on shutdown."""
    tasks = _listener_tasks()
    if tasks:
        log.info("waiting for %d Slack request(s) in flight", len(tasks))
        await asyncio.wait(tasks, timeout=within)


async def _health(request: web.Request) -> web.Response:
    bot = request.app[SLACK_BOT]
    try:
        await bot.quiz.db.check()
    except QuizbotError as exc:
        log.warning("health check: %s", exc)
        return web.json_response({"status": "error", "database": "unreachable"}, status=503)
    return web.json_response({"status": "ok", "platform": PLATFORM})


async def create_web_app(
    settings: Settings,
    quiz: QuizApp | None = None,
    *,
    api_base_url: str | None = None,
    clock: Clock | None = None,
    run_ticker: bool = True,
    ticker_interval: float = 1.0,
) -> web.Application:
    """The aiohttp app serving Slack for these settings; raises ConfigError if incomplete.

    Without ``quiz`` it opens the QuizApp on ``settings.database_url`` (and closes it on
    cleanup). ``api_base_url`` points the Web API elsewhere (tests); ``run_ticker=False``
    leaves closing due rounds to whoever calls ``app[TICKER].tick()``.
    """
    check_settings(settings)
    owns_quiz = quiz is None
    if quiz is None:
        quiz = await QuizApp.open(settings.database_url, clock=clock)
    try:
        bot = build_slack_bot(settings, quiz, api_base_url=api_base_url)
        await bot.start()
    except BaseException:
        if owns_quiz:
            await quiz.close()
        raise
    web_app = bot.bolt.web_app(path=EVENTS_PATH, port=settings.port)
    web_app.router.add_get(HEALTH_PATH, _health)
    ticker = Ticker(quiz, PLATFORM, bot.announce, interval=ticker_interval, post=bot.post_daily)
    web_app[SLACK_BOT] = bot
    web_app[TICKER] = ticker

    async def start_ticker(_app: web.Application) -> None:
        if run_ticker:
            await ticker.start()

    async def drain(_app: web.Application) -> None:
        await drain_listeners()

    async def stop(_app: web.Application) -> None:
        try:
            await asyncio.wait_for(ticker.stop(), TICKER_STOP_SECONDS)
            log.info("ticker stopped")
        except TimeoutError:
            log.warning("ticker pass still running after %s s: cancelled", TICKER_STOP_SECONDS)
        finally:
            if owns_quiz:
                await quiz.close()
                log.info("database closed")

    web_app.on_startup.append(start_ticker)
    web_app.on_shutdown.append(drain)
    web_app.on_cleanup.append(stop)
    mode = "OAuth (many workspaces)" if bot.installation_store else "one workspace"
    log.info("Slack app ready: %s, events at %s", mode, EVENTS_PATH)
    return web_app


def stop_on_signals(stop: asyncio.Event) -> list[signal.Signals]:
    """Set ``stop`` on SIGTERM and SIGINT (logging which); returns the signals handled."""
    loop = asyncio.get_running_loop()
    handled = []

    def received(sig: signal.Signals) -> None:
        if not stop.is_set():
            log.info("received %s: shutting down", sig.name)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, received, sig)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            continue
        handled.append(sig)
    return handled


async def serve_http(
    settings: Settings,
    *,
    host: str = "0.0.0.0",
    stop: asyncio.Event | None = None,
    handle_signals: bool = True,
) -> None:
    """Serve Slack over HTTP on ``host:settings.port`` until SIGTERM/SIGINT (or ``stop``).

    Then shut down gracefully (see the module's docstring) and return.
    """
    stop = stop or asyncio.Event()
    handled = stop_on_signals(stop) if handle_signals else []
    web_app = await create_web_app(settings)
    runner = web.AppRunner(web_app, handle_signals=False, shutdown_timeout=IN_FLIGHT_SECONDS)
    try:
        await runner.setup()
        site = web.TCPSite(runner, host, settings.port)
        await site.start()
        log.info("listening on %s:%s", host, settings.port)
        await stop.wait()
        log.info("no longer accepting requests; finishing those in flight")
    finally:
        try:
            await asyncio.wait_for(runner.cleanup(), SHUTDOWN_SECONDS)
        except TimeoutError:
            log.warning("shutdown took over %s s: exiting anyway", SHUTDOWN_SECONDS)
        loop = asyncio.get_running_loop()
        for sig in handled:
            loop.remove_signal_handler(sig)
    log.info("stopped")


async def run_socket_mode(
    settings: Settings,
    *,
    api_base_url: str | None = None,
    clock: Clock | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Serve Slack over Socket Mode until ``stop`` is set (or forever), then close cleanly."""
    check_settings(settings, socket_mode=True)
    quiz = await QuizApp.open(settings.database_url, clock=clock)
    try:
        bot = build_slack_bot(settings, quiz, api_base_url=api_base_url, socket_mode=True)
        ticker = Ticker(quiz, PLATFORM, bot.announce, post=bot.post_daily)
        handler = AsyncSocketModeHandler(bot.bolt, settings.slack_app_token)
        await ticker.start()
        try:
            await handler.connect_async()
            log.info("Slack app connected over Socket Mode")
            await (stop or asyncio.Event()).wait()
        finally:
            with contextlib.suppress(Exception):
                await handler.close_async()
            log.info("Socket Mode connection closed; finishing requests in flight")
            await drain_listeners()
            try:
                await asyncio.wait_for(ticker.stop(), TICKER_STOP_SECONDS)
                log.info("ticker stopped")
            except TimeoutError:
                log.warning("ticker pass still running after %s s: cancelled", TICKER_STOP_SECONDS)
    finally:
        await quiz.close()
        log.info("database closed")
