"""A question's or flashcard's picture on Telegram: a photo message of its own.

The photo is sent just before the question's (or card's) text message, which stays a text
message, so its keyboard and the edits at the reveal work as for any question. A stored
picture is uploaded (no public address needed); a bank's web address is handed to Telegram,
which fetches it. The alt text is the caption, as plain text, within Telegram's 1,024.
A photo Telegram refuses (no right to send photos, an address it cannot fetch) is left out
with a warning: the question is still asked.
"""

from __future__ import annotations

import logging

from telegram import Bot, InputFile, Message
from telegram.error import BadRequest

from adapters.kit.images import Pictures
from adapters.kit.limits import TELEGRAM_CAPTION, TELEGRAM_PHOTO_BYTES
from bot.domain import Image
from bot.images import file_name

log = logging.getLogger(__name__)


def caption(image: Image) -> str | None:
    """The photo's caption: the alt text, cut to Telegram's limit (None when there is none)."""
    text = image.alt.strip()
    if len(text) > TELEGRAM_CAPTION:
        text = text[: TELEGRAM_CAPTION - 1] + "…"
    return text or None


async def send_picture(
    bot: Bot,
    chat: int | str,
    image: Image | None,
    pictures: Pictures | None,
    *,
    thread: int | None = None,
) -> Message | None:
    """Send ``image`` as a photo in ``chat``; None when there is nothing to send (no picture,
    or a stored one that cannot be loaded or is over Telegram's size)."""
    if image is None:
        return None
    photo: str | InputFile
    if image.url:
        photo = image.url
    else:
        data = await pictures.data(image) if pictures is not None else None
        if data is None or len(data) > TELEGRAM_PHOTO_BYTES:
            return None
        photo = InputFile(
            data, filename=file_name(Image(digest=image.digest, media_type=image.media_type))
        )
    try:
        return await bot.send_photo(chat, photo, caption=caption(image), message_thread_id=thread)
    except BadRequest as exc:  # e.g. no right to send photos, an address Telegram cannot fetch
        log.warning("could not send a question's picture: %s", exc.message)
        return None
