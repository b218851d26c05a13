"""Pictures for the platforms: their public addresses, their bytes, and the web route.

A stored picture (:class:`bot.domain.Image` with a digest) is served read-only by the web
process at ``/images/<digest>.<ext>``: the address names the content, so it never changes
and is cached for a year (``immutable``), with the digest as its ETag. A platform that
fetches pictures by address (Slack) needs ``QUIZBOT_PUBLIC_URL``, where people reach that
server; one that uploads bytes (Discord, Telegram) loads them through :class:`Pictures`
and needs no public address. A picture from a bank's web address is used as it is.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Mapping

from aiohttp import web

from bot.config import Settings
from bot.domain import Image
from bot.images import EXTENSIONS
from bot.services import QuizApp
from bot.services.images import load_image

log = logging.getLogger(__name__)

IMAGE_ROUTE = "/images/{name}"
#: ``<64 hex digits>.<ext>``: the only names the route answers.
_NAME = re.compile(r"^(?P<digest>[0-9a-f]{64})(?P<ext>\.[a-z]+)$")
#: A year, the longest a cache is asked to keep anything; the address never changes.
CACHE_CONTROL = "public, max-age=31536000, immutable"


def image_path(image: Image) -> str:
    """The path a stored picture is served at (``/images/<digest>.<ext>``)."""
    return f"/images/{image.digest}{EXTENSIONS.get(image.media_type, '')}"


def public_url_setting(env: Mapping[str, str] | None = None) -> str | None:
    """``QUIZBOT_PUBLIC_URL`` without its trailing slash; None when unset."""
    url = Settings.from_env(env).public_url
    return url.rstrip("/") if url else None


def image_url(image: Image, public_url: str | None) -> str | None:
    """Where a platform can fetch ``image``: the bank's web address, or the web process's
    address for a stored picture; None for a stored picture without a public URL."""
    if image.url:
        return image.url
    if image.digest and public_url:
        return public_url.rstrip("/") + image_path(image)
    return None


async def serve_image(request: web.Request) -> web.StreamResponse:
    """``GET /images/<digest>.<ext>``: the stored picture, or 404."""
    from adapters.kit.web import QUIZ_APP

    match = _NAME.match(request.match_info["name"])
    if match is None:
        raise web.HTTPNotFound()
    digest = match["digest"]
    etag = f'"{digest}"'
    if etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers={"ETag": etag, "Cache-Control": CACHE_CONTROL})
    app = request.app[QUIZ_APP]
    async with app.db.reads() as session:
        stored = await load_image(session, digest)
    if stored is None or EXTENSIONS.get(stored.media_type) != match["ext"]:
        raise web.HTTPNotFound()
    return web.Response(
        body=stored.data,
        content_type=stored.media_type,
        headers={
            "ETag": etag,
            "Cache-Control": CACHE_CONTROL,
            "X-Content-Type-Options": "nosniff",
        },
    )


def add_image_routes(application: web.Application) -> None:
    """Serve stored pictures on the shared web application (read-only)."""
    application.router.add_get(IMAGE_ROUTE, serve_image)


class Pictures:
    """The bytes of stored pictures for a platform that uploads them, with a small cache
    (a quiz shows the same pictures to every channel; each is at most 2 MB)."""

    #: How many bytes of pictures are kept in memory at most.
    CACHE_BYTES = 16 * 1024 * 1024

    def __init__(self, app: QuizApp) -> None:
        self.app = app
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._cached = 0

    async def data(self, image: Image) -> bytes | None:
        """The bytes of a stored picture; None for a web address or a picture not stored."""
        if not image.digest:
            return None
        if image.data is not None:
            return image.data
        data = self._cache.get(image.digest)
        if data is not None:
            self._cache.move_to_end(image.digest)
            return data
        async with self.app.db.reads() as session:
            stored = await load_image(session, image.digest)
        if stored is None:
            log.warning("picture %s is not stored; shown without it", image.digest[:16])
            return None
        self._cache[image.digest] = stored.data
        self._cached += len(stored.data)
        while self._cached > self.CACHE_BYTES and len(self._cache) > 1:
            _, dropped = self._cache.popitem(last=False)
            self._cached -= len(dropped)
        return stored.data
