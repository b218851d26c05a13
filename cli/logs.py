"""Logging for the long-running processes: one line per event on stdout, secrets redacted.

PaaS log routers treat each line as an event, so a traceback is folded onto its line.
Every configured secret (tokens, signing secrets, the database password) is replaced by
``***`` wherever it would appear in a log line.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

from sqlalchemy.engine import make_url

from bot.config import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class OneLineFormatter(logging.Formatter):
    """Formats a record, its exception included, as a single line."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace("\r", "").replace("\n", " | ")


class RedactSecrets(logging.Filter):
    """Replaces each secret in a record's final message with ***."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        exc_text = record.exc_text or ""
        for secret in self.secrets:
            message = message.replace(secret, "***")
            exc_text = exc_text.replace(secret, "***")
        record.msg, record.args = message, None
        record.exc_text = exc_text or None
        return True


def secrets_of(settings: Settings, platform_secrets: Iterable[str] = ()) -> list[str]:
    """The values to hide: the platforms' tokens and secrets, the database password."""
    password = make_url(settings.database_url).password
    return [v for v in [*platform_secrets, password] if v]


def setup_logging(
    settings: Settings, verbose: bool = False, platform_secrets: Iterable[str] = ()
) -> None:
    """Log every event as one line on stdout, with the settings' secrets redacted."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(OneLineFormatter(FORMAT))
    handler.addFilter(RedactSecrets(secrets_of(settings, platform_secrets)))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)
