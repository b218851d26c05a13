"""A question's or flashcard's picture on Discord: an embed image.

A stored picture is uploaded with the message and the embed shows it as
``attachment://<filename>``, so no public address is needed; a bank's web address is the
embed image's URL as it is (Discord fetches it). When a message is edited, the attachments
are given again (a new card's picture replaces the old one; no picture removes it).
"""

from __future__ import annotations

import io
from typing import Any

import discord

from adapters.kit.images import Pictures
from bot.domain import Image
from bot.images import file_name

#: The key a reply's payload carries its picture under (see :func:`place`).
IMAGE = "image"


async def picture(
    pictures: Pictures | None, image: Image | None
) -> tuple[str | None, discord.File | None]:
    """The embed image URL for ``image`` and the file to upload with it (if any)."""
    if image is None:
        return None, None
    if image.url:
        return image.url, None
    data = await pictures.data(image) if pictures is not None else None
    if data is None:
        return None, None
    name = file_name(Image(digest=image.digest, media_type=image.media_type))
    return f"attachment://{name}", discord.File(io.BytesIO(data), filename=name)


async def place(
    payload: dict[str, Any], pictures: Pictures | None, *, editing: bool
) -> dict[str, Any]:
    """``payload`` with its picture (under :data:`IMAGE`, if any) in its embed: a new
    message gets ``file``, an edit ``attachments`` (replacing the message's files)."""
    if IMAGE not in payload:
        return payload
    payload = dict(payload)
    url, file = await picture(pictures, payload.pop(IMAGE))
    embed = payload.get("embed")
    if url is not None and isinstance(embed, discord.Embed):
        embed.set_image(url=url)
    if editing:
        payload["attachments"] = [file] if file is not None else []
    elif file is not None:
        payload["file"] = file
    return payload
