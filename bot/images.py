"""Pictures on questions: what quizbot accepts and how a bank's reference becomes an Image.

An image comes from bytes (a file beside the bank, or media embedded in a Moodle XML file or
an Anki package) or from a web address. Bytes are checked by their content, not their name:
PNG, JPEG, GIF and WebP only, at most :data:`MAX_IMAGE_BYTES`. Anything else is a
:class:`bot.errors.BankFormatError` at the bank's file:line, so a bank with a broken picture
fails at import rather than at play.
"""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from bot.domain import Image
from bot.errors import BankFormatError
from bot.i18n import _, ngettext
from bot.i18n import formatting as fmt
from bot.text import without_controls

#: The largest picture quizbot stores (every chat platform takes this size).
MAX_IMAGE_BYTES = 2 * 1024 * 1024
#: The longest alt text kept (Slack's image block allows 2,000 characters).
MAX_ALT_LENGTH = 2000
#: The longest web address kept (Slack's image block allows 3,000 characters).
MAX_URL_LENGTH = 3000

#: media type -> file extension, for the kinds quizbot accepts.
EXTENSIONS: dict[str, str] = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
}


def media_type_of(data: bytes) -> str | None:
    """The media type the bytes are, by their signature; None when not an accepted kind."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def file_name(image: Image) -> str:
    """A file name for a stored image: its digest's start and its type's extension."""
    stem = PurePosixPath(image.name).stem if image.name else image.digest[:16]
    return f"{stem or image.digest[:16]}{EXTENSIONS.get(image.media_type, '')}"


def image_from_bytes(
    data: bytes, *, alt: str = "", name: str = "", source: str = "", line: int | None = None
) -> Image:
    """An :class:`Image` of ``data``, checked; ``source``/``line`` say where it was named."""
    if len(data) > MAX_IMAGE_BYTES:
        size = fmt.number(len(data) / (1024 * 1024), digits=1)
        limit = fmt.number(MAX_IMAGE_BYTES // (1024 * 1024))
        if name:
            text = _("image {name} is {size} MB; the limit is {limit} MB").format(
                name=repr(name), size=size, limit=limit
            )
        else:
            text = _("the image is {size} MB; the limit is {limit} MB").format(
                size=size, limit=limit
            )
        raise BankFormatError(source, line, text)
    media_type = media_type_of(data)
    if media_type is None:
        if name:
            text = _(
                "image {name} is not a PNG, JPEG, GIF or WebP picture (checked by its bytes)"
            ).format(name=repr(name))
        else:
            text = _("the image is not a PNG, JPEG, GIF or WebP picture (checked by its bytes)")
        raise BankFormatError(source, line, text)
    return Image(
        digest=hashlib.sha256(data).hexdigest(),
        alt=_alt(alt),
        media_type=media_type,
        name=PurePosixPath(name).name,
        data=data,
    )


def is_web_address(location: str) -> bool:
    """Whether a bank's image reference is an http(s) address rather than a file."""
    return urlsplit(location.strip()).scheme.lower() in ("http", "https")


def image_from_url(url: str, *, alt: str = "", source: str = "", line: int | None = None) -> Image:
    """An :class:`Image` the platforms fetch from ``url`` (https or http, not stored)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise BankFormatError(
            source,
            line,
            _("the image address {url} is not an http(s) URL").format(url=repr(url)),
        )
    if len(url) > MAX_URL_LENGTH or any(ch.isspace() for ch in url):
        raise BankFormatError(
            source,
            line,
            ngettext(
                "the image address is too long or has spaces ({count} character)",
                "the image address is too long or has spaces ({count} characters)",
                len(url),
            ).format(count=fmt.number(len(url))),
        )
    return Image(url=url, alt=_alt(alt))


def image_from_location(
    location: str,
    *,
    alt: str = "",
    base_dir: Path | None = None,
    source: str = "",
    line: int | None = None,
) -> Image:
    """The image a bank names: a web address, or a file relative to the bank's folder.

    A missing, unreadable or unacceptable file is an error at ``source:line``.
    """
    if is_web_address(location):
        return image_from_url(location, alt=alt, source=source, line=line)
    base = base_dir if base_dir is not None else (Path(source).parent if source else Path.cwd())
    path = base / location.strip()
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_IMAGE_BYTES + 1)
    except FileNotFoundError:
        raise BankFormatError(
            source, line, _("image file not found: {path}").format(path=path)
        ) from None
    except OSError as exc:
        raise BankFormatError(
            source,
            line,
            _("cannot read image {path}: {reason}").format(path=path, reason=exc.strerror),
        ) from None
    except ValueError:  # a NUL character in the name
        raise BankFormatError(
            source, line, _("the image name {name} is not a file name").format(name=repr(location))
        ) from None
    return image_from_bytes(data, alt=alt, name=path.name, source=source, line=line)


#: How Moodle writes a file of its own in question text (``@@PLUGINFILE@@/name.png``).
PLUGINFILE = "@@PLUGINFILE@@/"


class _FirstImage(HTMLParser):
    """Finds the first ``<img>`` of HTML: its ``src`` and ``alt``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img" and self.found is None:
            values = dict(attrs)
            src = (values.get("src") or "").strip()
            if src:
                self.found = (src, values.get("alt") or "")


def html_image(html: str) -> tuple[str, str] | None:
    """The first picture HTML shows, as (location, alt): ``src`` as a web address or a file
    name relative to the bank (Moodle's ``@@PLUGINFILE@@/`` taken off, %-escapes decoded);
    None when it shows none (or only a ``data:`` address)."""
    if "<img" not in html.lower():
        return None
    finder = _FirstImage()
    finder.feed(html)
    finder.close()
    if finder.found is None:
        return None
    src, alt = finder.found
    if src.lower().startswith("data:"):
        return None
    return _location(src), alt


def _location(src: str) -> str:
    """A picture's ``src`` as a web address or a file name relative to the bank."""
    if not is_web_address(src):
        if src.startswith(PLUGINFILE):
            src = src[len(PLUGINFILE) :]
        src = unquote(src)
    return src


#: A Markdown picture: ``![alt](src)``, ``![alt](<src with spaces>)``, with an optional
#: title (``"..."``, ``'...'`` or ``(...)``) after the address; ``\]`` in the alt text.
_MARKDOWN_IMAGE = re.compile(
    r"!\[((?:\\.|[^\\\]])*)\]"
    r"\(\s*(<[^<>\n]*>|[^\s()<>]+)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)"
)
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def markdown_image(text: str) -> tuple[str, str, str] | None:
    """The first picture Markdown text shows, as (location, alt, the text without it):
    ``src`` as :func:`html_image` gives it; None when it shows none (or only a ``data:``
    address)."""
    if "![" not in text:
        return None
    for match in _MARKDOWN_IMAGE.finditer(text):
        src = match.group(2)
        if src.startswith("<"):
            src = src[1:-1]
        src = _MARKDOWN_ESCAPE.sub(r"\1", src).strip()
        if not src or src.lower().startswith("data:"):
            continue
        alt = _MARKDOWN_ESCAPE.sub(r"\1", match.group(1))
        before, after = text[: match.start()].rstrip(" \t"), text[match.end() :].lstrip(" \t")
        space = " " if before and after and not (before[-1] + after[0]).isspace() else ""
        return _location(src), alt, (before + space + after).strip()
    return None


def _alt(alt: str) -> str:
    """Alt text on one line, without control characters, within the platforms' limit."""
    return " ".join(without_controls(alt).split())[:MAX_ALT_LENGTH]
