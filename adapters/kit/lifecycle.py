"""Running platforms in one process, and stopping them cleanly: once for every platform.

:func:`serve` opens the core once, builds each selected platform's service, starts them
(and the HTTP server when one receives over HTTP), and runs until SIGTERM or SIGINT (how a
PaaS stops a process, or Ctrl-C) or until a platform fails by itself. Then, in order, each
step bounded in time and logged in one line:

1. stop listening for HTTP requests and stop taking events (gateways closed, polling
   stopped): no new work arrives;
2. let work already in flight end (HTTP requests, and events acknowledged but not done);
3. stop each platform's ticker after its pass and announcements in flight;
4. close the platforms' connections, the HTTP server, then the database.

A PaaS kills a process about 30 s after SIGTERM; the whole sequence normally takes well
under 10 s, and a watchdog ends the process :data:`HARD_STOP_SECONDS` after the first
signal whatever is still running (a reconnect loop, a hung call). A second signal while
stopping is logged and changes nothing. A signal while starting up (the database opening, a
platform connecting, or retrying servers that do not answer) cancels the start and runs the
same sequence. Once started, what start-up made is kept out of the garbage collector's
full collections (:func:`freeze_start_up`), which would otherwise stall every request.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import threading
from collections.abc import Awaitable
from typing import TypeVar

from adapters.kit.contract import Runtime, Service
from adapters.kit.registry import Selected
from adapters.kit.web import PLATFORMS, WebServer, web_application
from adapters.web.settings import chat_signer
from bot.clock import Clock, SystemClock
from bot.services import QuizApp

log = logging.getLogger(__name__)

T = TypeVar("T")

HARD_STOP_SECONDS = 20.0
STOP_TAKING_WORK_SECONDS = 3.0
IN_FLIGHT_SECONDS = 5.0
TICKER_SECONDS = 3.0
CLOSE_SECONDS = 3.0


def _hard_stop() -> None:
    log.error("still not stopped %.0f s after the signal; exiting now", HARD_STOP_SECONDS)
    logging.shutdown()
    os._exit(1)


class StopSignals:
    """Turns the first SIGTERM/SIGINT into ``stop`` being set, and arms the watchdog."""

    def __init__(self, stop: asyncio.Event, hard_stop_after: float = HARD_STOP_SECONDS) -> None:
        self.stop = stop
        self.hard_stop_after = hard_stop_after
        self._watchdog: threading.Timer | None = None
        self._handled: list[signal.Signals] = []

    def install(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(sig, self.received, sig)
            except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
                continue
            self._handled.append(sig)

    def received(self, sig: signal.Signals) -> None:
        if self.stop.is_set():
            log.info("received %s: already stopping", sig.name)
            return
        log.info("received %s: shutting down", sig.name)
        self.stop.set()
        self._watchdog = threading.Timer(self.hard_stop_after, _hard_stop)
        self._watchdog.daemon = True
        self._watchdog.start()

    def remove(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
        loop = asyncio.get_running_loop()
        for sig in self._handled:
            loop.remove_signal_handler(sig)


async def _bounded(what: str, work: object, within: float) -> None:
    """Await ``work`` (a coroutine) for at most ``within`` s; log and go on if it fails."""
    try:
        await asyncio.wait_for(work, within)  # type: ignore[arg-type]
    except TimeoutError:
        log.warning("%s took over %.0f s; going on", what, within)
    except Exception:
        log.exception("%s failed; going on", what)


async def shut_down(server: WebServer | None, services: list[Service], app: QuizApp) -> None:
    """The stopping sequence (see the module's docstring)."""
    if server is not None:
        await _bounded("stopping the HTTP server", server.stop_listening(), CLOSE_SECONDS)
    for service in services:
        await _bounded(
            f"{service.name}: stopping", service.stop_taking_work(), STOP_TAKING_WORK_SECONDS
        )
    for service in services:
        await _bounded(
            f"{service.name}: work in flight",
            service.finish_in_flight(IN_FLIGHT_SECONDS),
            IN_FLIGHT_SECONDS + 1,
        )
    for service in services:
        await _bounded(
            f"{service.name}: ticker", service.conductor.stop(TICKER_SECONDS), TICKER_SECONDS + 1
        )
    for service in services:
        await _bounded(f"{service.name}: closing", service.close(), CLOSE_SECONDS)
    if server is not None:
        await _bounded("closing the HTTP server", server.close(), CLOSE_SECONDS + 3)
    await app.close()
    log.info("database closed")


async def _unless_stopped(what: str, work: Awaitable[T], stop: asyncio.Event) -> T | None:
    """Await ``work`` unless ``stop`` is set first; then cancel it and return None.

    Start-up steps (opening the database, connecting to a platform that does not answer, a
    library retrying by itself) can take as long as they like: a signal meanwhile must not
    wait for them.
    """
    task = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        task.cancel()
        raise
    finally:
        stopped.cancel()
    if task.done():
        return task.result()  # its error, if it failed, is raised here
    task.cancel()
    await asyncio.wait({task}, timeout=CLOSE_SECONDS)
    log.info("stopped while %s", what)
    if task.done() and not task.cancelled() and task.exception() is None:
        return task.result()  # it finished anyway: the caller closes what it opened
    return None


async def serve(
    selected: list[Selected],
    *,
    database_url: str,
    port: int,
    host: str = "0.0.0.0",
    clock: Clock | None = None,
    stop: asyncio.Event | None = None,
    handle_signals: bool = True,
    http: bool | None = None,
    freeze: bool = False,
) -> None:
    """Run the selected platforms until stopped (see the module's docstring).

    ``http`` forces the HTTP server on (the ``web`` role serves ``/health`` alone) or off;
    by default it runs when a selected platform receives over HTTP. A platform that fails
    (e.g. a token it rejects, or its servers unreachable) stops the others, and its error is
    raised. A signal stops the process at any point, starting up included: a platform still
    connecting is cancelled. ``freeze`` (a process of its own: ``quizbot run``) freezes
    start-up's objects once started (:func:`freeze_start_up`).
    """
    stop = stop or asyncio.Event()
    clock = clock or SystemClock()
    signals = StopSignals(stop)
    if handle_signals:
        signals.install()
    try:
        names = ", ".join(s.platform.name for s in selected) or "no platform"
        dialect = database_url.partition(":")[0].partition("+")[0]
        log.info("starting quizbot: %s (database: %s)", names, dialect)
        app = await _unless_stopped(
            "opening the database", QuizApp.open(database_url, clock=clock), stop
        )
        if app is None:
            log.info("stopped")
            return
        log.info("database ready")
        app.links = chat_signer()  # links to the web pages in chat replies, when set up
        await _serve_platforms(selected, app, stop, clock, host, port, http, freeze)
    finally:
        signals.remove()


async def _serve_platforms(
    selected: list[Selected],
    app: QuizApp,
    stop: asyncio.Event,
    clock: Clock,
    host: str,
    port: int,
    http: bool | None,
    freeze: bool,
) -> None:
    wants_http = any(s.settings.serves_http for s in selected) if http is None else http
    application = web_application(app) if wants_http else None
    server = WebServer(application, host, port) if application is not None else None
    runtime = Runtime(app=app, web=application, clock=clock)
    services: list[Service] = []
    failure: BaseException | None = None
    try:
        for chosen in selected:
            service = chosen.platform.make(runtime, chosen.settings)
            services.append(service)
            started = await _unless_stopped(f"{service.name}: starting", _started(service), stop)
            if started is None:
                break
            if application is not None:
                application[PLATFORMS].append(service.name)
        if server is not None and not stop.is_set():
            await server.start()
        if freeze and not stop.is_set():
            freeze_start_up()
        waits = [asyncio.ensure_future(stop.wait()), *(s.failure for s in services)]
        done, _pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        waits[0].cancel()
        for finished in done:
            if finished is not waits[0] and finished.exception() is not None:
                failure = finished.exception()
                log.info("a platform stopped (%s): stopping the others", failure)
    finally:
        await shut_down(server, services, app)
    if failure is not None:
        raise failure
    log.info("stopped")


def freeze_start_up() -> int:
    """Keep what start-up made (modules, the services, compiled statements, the banks) out
    of the garbage collector's way; how many objects that is.

    Those objects live as long as the process, yet every full collection walks them all:
    70-180 ms on a 2-core machine, during which every request in flight waits (a busy Slack
    web process saw its p99 jump past 100 ms with each one). Frozen, a full collection walks
    only what was made since. Collecting first frees start-up's garbage rather than keeping
    it for good.
    """
    gc.collect()
    gc.freeze()
    count = gc.get_freeze_count()
    log.debug("%d objects of start-up kept out of the garbage collector", count)
    return count


async def _started(service: Service) -> bool:
    await service.start()
    return True


def run(
    selected: list[Selected], *, database_url: str, port: int, http: bool | None = None
) -> None:
    """Serve until stopped (blocking); what ``quizbot run`` calls."""
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C before the handlers were in place
        asyncio.run(serve(selected, database_url=database_url, port=port, http=http, freeze=True))
