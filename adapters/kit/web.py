"""The web process's HTTP server: one aiohttp application on ``$PORT`` for every platform
that receives over HTTP (each adds its own routes), and ``GET /health``.

``/health`` answers 200 ``{"status": "ok", ...}`` when the database answers, else 503, so a
PaaS restarts a process that lost its database. Stopping is in two steps: stop listening
(new connections are refused, requests in flight go on), then clean up once in-flight work
has ended.
"""

from __future__ import annotations

import logging

from aiohttp import web

from adapters.kit.images import add_image_routes
from adapters.web.settings import add_pages_if_on
from bot.errors import QuizbotError
from bot.services import QuizApp

log = logging.getLogger(__name__)

HEALTH_PATH = "/health"
#: How long requests in flight may take to end once the server stops listening.
IN_FLIGHT_SECONDS = 3.0

QUIZ_APP: web.AppKey[QuizApp] = web.AppKey("quiz_app", QuizApp)
PLATFORMS: web.AppKey[list[str]] = web.AppKey("platforms", list)


async def health(request: web.Request) -> web.Response:
    try:
        await request.app[QUIZ_APP].db.check()
    except QuizbotError as exc:
        log.warning("health check: %s", exc)
        return web.json_response({"status": "error", "database": "unreachable"}, status=503)
    return web.json_response({"status": "ok", "platforms": request.app[PLATFORMS]})


def web_application(app: QuizApp) -> web.Application:
    """The shared application, with ``/health``; platforms add their routes to it."""
    application = web.Application()
    application[QUIZ_APP] = app
    application[PLATFORMS] = []
    application.router.add_get(HEALTH_PATH, health)
    add_pages_if_on(application)  # the signed web pages (adapters/web), when they are on
    add_image_routes(application)  # stored pictures, /images/<digest>.<ext>
    return application


class WebServer:
    """Serves the shared application on ``host:port``."""

    def __init__(self, application: web.Application, host: str, port: int) -> None:
        self.application = application
        self.host = host
        self.port = port
        self._runner = web.AppRunner(
            application, handle_signals=False, shutdown_timeout=IN_FLIGHT_SECONDS
        )
        self._site: web.TCPSite | None = None

    async def start(self) -> None:
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, self.host, self.port)
        await self._site.start()
        log.info("listening on %s:%s", self.host, self.port)

    async def stop_listening(self) -> None:
        """Refuse new connections; requests in flight go on."""
        if self._site is not None:
            await self._site.stop()
            self._site = None
        log.info("no longer accepting requests; finishing those in flight")

    async def close(self) -> None:
        """Wait (briefly) for requests in flight, then release everything."""
        await self._runner.cleanup()
