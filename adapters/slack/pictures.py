"""A question's or flashcard's picture on Slack: an image block, which Slack fetches itself.

Slack shows a picture only from a public address: a bank's web address as it is, or a
stored picture's address on the web process (``QUIZBOT_PUBLIC_URL`` +
``/images/<digest>.<ext>``). Without ``QUIZBOT_PUBLIC_URL`` a stored picture becomes a line
of text saying so (and a warning at start-up). Slack's image block takes PNG, JPEG and GIF:
a WebP picture is a link instead. A message Slack refuses because it cannot download a
picture is sent again with the picture as a link (:func:`without_images`).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from adapters.kit.images import image_url, public_url_setting
from adapters.kit.limits import SLACK_IMAGE_ALT, SLACK_IMAGE_TYPES, SLACK_IMAGE_URL
from bot.domain import Image
from bot.i18n import N_, _

log = logging.getLogger(__name__)

Block = dict[str, Any]
#: What a stored picture says when Slack has no address to fetch it from.
NO_PUBLIC_URL = N_("(a picture goes with this question: set QUIZBOT_PUBLIC_URL to show it here)")


@functools.cache
def public_url() -> str | None:
    """``QUIZBOT_PUBLIC_URL`` as this process read it (once)."""
    return public_url_setting()


def warn_without_public_url() -> None:
    """Say once at start-up that stored pictures cannot be shown without a public URL."""
    if public_url() is None:
        log.warning(
            "QUIZBOT_PUBLIC_URL is not set: Slack fetches pictures by a public address, so "
            "questions' stored pictures are shown as a line of text instead (set it to the "
            "web process's https:// address)"
        )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _alt(image: Image) -> str:
    return (image.alt or _("Picture"))[:SLACK_IMAGE_ALT]


def picture_blocks(image: Image | None) -> list[Block]:
    """The blocks showing ``image``: an image block, or a context line when Slack cannot
    show it as one."""
    if image is None:
        return []
    url = image_url(image, public_url())
    if url is None:
        return [_context(_(NO_PUBLIC_URL))]
    showable = image.url or image.media_type in SLACK_IMAGE_TYPES
    if showable and len(url) <= SLACK_IMAGE_URL:
        return [{"type": "image", "image_url": url, "alt_text": _alt(image)}]
    return [_link(url, _alt(image))]


def _link(url: str, alt: str) -> Block:
    return _context(_("Image: {link}").format(link=f"<{url}|{_escape(alt)}>"))


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def has_images(content: dict[str, Any]) -> bool:
    return any(block.get("type") == "image" for block in content.get("blocks") or [])


def without_images(content: dict[str, Any]) -> dict[str, Any]:
    """``content`` with each image block as a link to the picture."""
    blocks = [
        _link(block["image_url"], block.get("alt_text") or _("Picture"))
        if block.get("type") == "image"
        else block
        for block in content.get("blocks") or []
    ]
    return {**content, "blocks": blocks}
