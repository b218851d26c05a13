"""Stored pictures served by the web process at ``/images/<digest>.<ext>``, on SQLite and
PostgreSQL: the bytes with their media type, a year's immutable caching, the digest as the
ETag (304 when the client has it), 404 for anything not stored or misnamed, and nothing
but GET/HEAD.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from adapters.kit.images import Pictures, image_path, image_url, public_url_setting
from adapters.kit.web import web_application
from bot.domain import Image
from bot.services import QuizApp
from tests.image_samples import GIF, import_picture_banks, png


async def test_a_stored_picture_is_served_at_its_hashed_address(
    app: QuizApp, tmp_path: Path
) -> None:
    await import_picture_banks(app, tmp_path)
    digest = hashlib.sha256(GIF).hexdigest()
    image = Image(digest=digest, media_type="image/gif")
    assert image_path(image) == f"/images/{digest}.gif"
    async with TestClient(TestServer(web_application(app))) as client:
        response = await client.get(image_path(image))
        assert response.status == 200
        assert await response.read() == GIF
        assert response.headers["Content-Type"] == "image/gif"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["ETag"] == f'"{digest}"'
        assert response.headers["X-Content-Type-Options"] == "nosniff"

        again = await client.get(image_path(image), headers={"If-None-Match": f'"{digest}"'})
        assert again.status == 304 and await again.read() == b""

        missing = hashlib.sha256(png(99)).hexdigest()
        for path in (
            f"/images/{missing}.png",  # not stored
            f"/images/{digest}.png",  # stored, but not a PNG
            f"/images/{digest}",  # no extension
            f"/images/{digest.upper()}.gif",
        ):
            assert (await client.get(path)).status == 404, path
        assert (await client.post(image_path(image))).status == 405


def test_public_addresses_of_pictures() -> None:
    stored = Image(digest="ab" * 32, media_type="image/png")
    assert image_url(stored, None) is None
    assert image_url(stored, "https://quiz.example.org/") == (
        f"https://quiz.example.org/images/{'ab' * 32}.png"
    )
    web = Image(url="https://example.org/x.png")
    assert image_url(web, None) == "https://example.org/x.png"
    assert public_url_setting({"QUIZBOT_PUBLIC_URL": "https://q.example.org/"}) == (
        "https://q.example.org"
    )
    assert public_url_setting({}) is None


async def test_pictures_load_bytes_once(app: QuizApp, tmp_path: Path) -> None:
    pictures = await import_picture_banks(app, tmp_path)
    loader = Pictures(app)
    image = Image(digest=hashlib.sha256(GIF).hexdigest(), media_type="image/gif")
    assert await loader.data(image) == pictures["Name this picture"]
    assert await loader.data(image) == GIF  # from the cache
    assert await loader.data(Image(digest="00" * 32)) is None
    assert await loader.data(Image(url="https://example.org/x.png")) is None
