"""Logging for the long-running processes: one line per event on stdout, secrets redacted.

PaaS log routers treat each line as an event, so a traceback is folded onto its line.
Every configured secret (tokens, signing secrets, the database password) is replaced by
``***`` wherever it would appear in a log line, and so is anything shaped like a token of
any platform (Slack ``xox?-``/``xapp-``, Discord's three-part tokens, Telegram's
``123:ABC...``) or a password in a URL, whoever's it is (an installed workspace's token
is no configured secret), at every verbosity.

``-v`` shows quizbot's own debug lines; the libraries that would print request bodies or
SQL parameters at DEBUG (slack_sdk, discord.py, python-telegram-bot, httpx, the database
drivers) stay at INFO unless a logger is asked for by name (``--debug slack_sdk``), and
their lines are redacted all the same. SQLAlchemy stays at WARNING: its INFO is every
statement with its parameters (what ``echo=True`` prints), a line per query that would
cost a busy process more than the query and write players' names into the log.
"""

from __future__ import annotations

import logging
import re
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


#: What secrets look like, whoever's they are.
SECRET_SHAPES = re.compile(
    "|".join(
        [
            r"\bxox[a-z]-[A-Za-z0-9-]{8,}",  # Slack bot, user and refresh tokens
            r"\bxapp-[A-Za-z0-9-]{8,}",  # Slack app-level tokens
            r"\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}",  # Discord
            r"(?:(?<=/bot)|\b)\d{5,12}:[A-Za-z0-9_-]{30,}",  # Telegram (also bot<token> URLs)
            r"(?<=://)[^:/@\s]+:[^@\s]+(?=@)",  # user:password in a URL
        ]
    )
)
#: Loggers that print request bodies or SQL parameters at DEBUG: INFO unless named.
CHATTY_LOGGERS = (
    "slack_sdk",
    "slack_bolt",
    "discord",
    "telegram",
    "httpx",
    "httpcore",
    "aiohttp",
    "aiosqlite",
    "asyncpg",
)


#: Loggers whose INFO is a line per statement (SQLAlchemy's SQL and its parameters, like
#: ``echo=True``; its pool's check-outs) or per migration step: WARNING unless named.
QUIET_LOGGERS = ("sqlalchemy", "alembic")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with each secret, and anything shaped like one, replaced by ***."""
    for secret in secrets:
        text = text.replace(secret, "***")
    return SECRET_SHAPES.sub("***", text)


class RedactSecrets(logging.Filter):
    """Replaces each secret (and anything shaped like one) in a record with ***."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        message = redact(record.getMessage(), self.secrets)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        exc_text = redact(record.exc_text or "", self.secrets)
        record.msg, record.args = message, None
        record.exc_text = exc_text or None
        return True


def secrets_of(settings: Settings, platform_secrets: Iterable[str] = ()) -> list[str]:
    """The values to hide: the platforms' tokens and secrets, the database password, and
    the web pages' link key."""
    password = make_url(settings.database_url).password
    return [v for v in [*platform_secrets, password, settings.secret_key] if v]


def setup_logging(
    settings: Settings,
    verbose: bool = False,
    platform_secrets: Iterable[str] = (),
    debug: Iterable[str] = (),
) -> None:
    """Log every event as one line on stdout, secrets redacted; ``debug`` names loggers to
    show at DEBUG even among the chatty libraries."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(OneLineFormatter(FORMAT))
    handler.addFilter(RedactSecrets(secrets_of(settings, platform_secrets)))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in debug:
        logging.getLogger(name).setLevel(logging.DEBUG)
