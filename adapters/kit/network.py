"""When a platform cannot be reached: one line that says where and why, and what to do.

Every platform's library fails its own way when the network does (aiohttp's
``ClientConnectorError``, httpx's ``ConnectError`` wrapped by python-telegram-bot, a
timeout); each adapter catches its library's errors at start-up and raises
:func:`unreachable`, a :class:`PlatformUnreachableError`, which ``quizbot run`` prints as
``quizbot: error: cannot reach Discord at discord.com: connection refused; ...`` with exit
code 1, never a traceback. :class:`OneLineRetries` does the same for the lines a library
logs while it reconnects by itself.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import ssl
from urllib.parse import urlparse

import aiohttp

from bot.errors import QuizbotError
from bot.i18n import N_, _

#: What a library raises when the network fails (aiohttp's errors are OSErrors or
#: ClientErrors; timeouts are TimeoutErrors).
UNREACHABLE: tuple[type[BaseException], ...] = (OSError, TimeoutError, aiohttp.ClientError)
#: What the operator can do about it, whichever platform it is.
ADVICE = N_("check this machine's network connection (and any proxy or firewall), then start again")
#: The reasons :func:`reason` gives, as the operator reads them in the error (log lines keep
#: them in English).
REASONS = {
    "connection refused": N_("connection refused"),
    "host name not found": N_("host name not found"),
    "timed out": N_("timed out"),
    "connection reset": N_("connection reset"),
}


class PlatformUnreachableError(QuizbotError):
    """A platform's servers could not be reached (nothing was wrong with the settings)."""

    def __init__(self, platform: str, where: str, reason: str, advice: str = ADVICE) -> None:
        self.platform = platform
        self.where = where
        self.reason = reason
        shown = REASONS.get(reason)
        super().__init__(
            _("cannot reach {platform} at {where}: {reason}; {advice}").format(
                platform=platform,
                where=where,
                reason=_(shown) if shown is not None else reason,
                advice=_(advice),
            )
        )


def host_of(url: str) -> str:
    """The host (and port, if any) of ``url``; ``url`` itself if it has none."""
    return urlparse(url).netloc or url


def _chain(error: BaseException) -> list[BaseException]:
    """``error`` and the errors it was raised from, outermost first."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def reason(error: BaseException) -> str:
    """Why a connection failed, in a few words (no traceback, no URL with secrets)."""
    for cause in reversed(_chain(error)):  # the root cause says it best
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "host name not found"
        if isinstance(cause, ssl.SSLError | ssl.CertificateError):
            return f"TLS failed ({cause.__class__.__name__})"
        if isinstance(cause, TimeoutError):
            return "timed out"
        if isinstance(cause, ConnectionResetError):
            return "connection reset"
        if isinstance(cause, OSError) and cause.errno in errno.errorcode:
            return os.strerror(cause.errno).lower()  # "network is unreachable", ...
    for cause in _chain(error):
        if "timeout" in type(cause).__name__.lower() or "timedout" in type(cause).__name__.lower():
            return "timed out"
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def unreachable(platform: str, url: str, error: BaseException) -> PlatformUnreachableError:
    """The one-line error for ``platform`` not answering at ``url`` (its host is shown)."""
    return PlatformUnreachableError(platform, host_of(url), reason(error))


class OneLineRetries(logging.Filter):
    """Drops the traceback from a library's "failed to connect, retrying" log lines.

    A library that reconnects by itself (Slack's Socket Mode client, discord.py's shards)
    logs each failed attempt with its whole traceback, every few seconds while the network
    is down; with this filter on its logger each attempt is one line with the reason.
    """

    def __init__(self, *starts: str) -> None:
        super().__init__()
        self.starts = starts

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and str(record.msg).startswith(self.starts):
            error = record.exc_info[1]
            if error is not None:
                record.msg = f"{record.getMessage()} ({reason(error)})"
                record.args = None
            record.exc_info = None
            record.exc_text = None
        return True

    def install(self, logger: logging.Logger) -> None:
        """Add the filter to ``logger`` once."""
        same = [f for f in logger.filters if isinstance(f, OneLineRetries)]
        if not any(f.starts == self.starts for f in same):
            logger.addFilter(self)
