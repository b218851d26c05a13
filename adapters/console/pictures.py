"""A question's or flashcard's picture in the terminal: one line, ``Image: WHERE (alt)``.

A bank's web address is shown as it is. A stored picture is written once to a folder of
the system's temporary directory (``quizbot-images/<digest>.<ext>``), so the player can open
the file; if that cannot be written, its address on the web process is shown instead
(``QUIZBOT_PUBLIC_URL``, or this machine's ``http://localhost:PORT`` under ``quizbot web``).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from adapters.kit.images import Pictures, image_path
from bot.config import Settings
from bot.domain import Image
from bot.i18n import _
from bot.images import EXTENSIONS

log = logging.getLogger(__name__)


def image_folder() -> Path:
    """Where the terminal writes stored pictures to be opened."""
    return Path(tempfile.gettempdir()) / "quizbot-images"


async def picture_line(pictures: Pictures | None, image: Image | None) -> str | None:
    """The line showing ``image``; None when there is none."""
    if image is None:
        return None
    if image.url:
        return _line(image.url, image.alt)
    data = await pictures.data(image) if pictures is not None else None
    if data is not None:
        path = image_folder() / f"{image.digest}{EXTENSIONS.get(image.media_type, '')}"
        try:
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = path.with_suffix(path.suffix + ".part")
                temporary.write_bytes(data)
                temporary.replace(path)
            return _line(str(path), image.alt)
        except OSError as exc:
            log.debug("cannot write %s: %s", path, exc)
    return _line(f"{Settings.from_env().base_url}{image_path(image)}", image.alt)


def _line(where: str, alt: str | None) -> str:
    """``Image: WHERE (alt)`` in the reader's language."""
    if alt:
        return _("Image: {where} ({description})").format(where=where, description=alt)
    return _("Image: {where}").format(where=where)
