"""Which secret signs the web pages' links, and whether the web process serves the pages.

The secret is ``QUIZBOT_SECRET_KEY``. On a laptop with the SQLite default, where nothing
else should need setting up, ``quizbot web`` and ``quizbot web link`` make one the first
time and keep it in a file beside the default database (``secret_key``, readable by its
owner only), so the two agree. A PostgreSQL deployment must set the variable: its processes
share no disk.

``quizbot run web`` (and ``run all`` when it serves HTTP) serves the pages when
``QUIZBOT_WEB_PAGES`` is ``on``, or when it is unset and ``QUIZBOT_SECRET_KEY`` is set;
``on`` without a key is a start-up error. Chat commands hand out links only when both the
key and ``QUIZBOT_PUBLIC_URL`` are set (a link to localhost means nothing to a chat).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings, default_sqlite_path
from bot.errors import ConfigError
from bot.i18n import _
from bot.links import LinkSigner, check_secret

if TYPE_CHECKING:
    from aiohttp import web

SECRET_FILE = "secret_key"
SWITCH = "QUIZBOT_WEB_PAGES"


def local_secret_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the laptop's generated secret is kept."""
    return default_sqlite_path(env).parent / SECRET_FILE


def _local_secret(path: Path) -> str:
    """The secret kept in ``path``, made (owner-only) the first time."""
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(secret + "\n")
    return secret


def secret_for(settings: Settings, env: Mapping[str, str] | None = None) -> str:
    """QUIZBOT_SECRET_KEY, else (SQLite only) the local generated one, else ConfigError."""
    if settings.secret_key:
        return check_secret(settings.secret_key)
    if settings.database_url.startswith("sqlite"):
        return check_secret(_local_secret(local_secret_path(env)))
    return check_secret(None)


def signer_for(settings: Settings, env: Mapping[str, str] | None = None) -> LinkSigner:
    """The signer the CLI and ``quizbot web`` use."""
    return LinkSigner(secret_for(settings, env), settings.base_url)


def pages_signer(env: Mapping[str, str] | None = None) -> LinkSigner | None:
    """The signer when ``quizbot run``'s web process serves the pages, else None."""
    env = os.environ if env is None else env
    switch = env.get(SWITCH, "").strip().lower()
    if switch not in ("", "on", "off", "1", "0", "true", "false"):
        raise ConfigError(
            _("{variable} must be on or off, not {value}").format(
                variable=SWITCH, value=repr(switch)
            )
        )
    settings = Settings.from_env(env)
    if switch in ("off", "0", "false"):
        return None
    if switch == "":
        if not settings.secret_key:
            return None
    elif not settings.secret_key:
        raise ConfigError(
            _(
                "{variable}=on but QUIZBOT_SECRET_KEY is not set: the web pages need it to sign "
                "their links (set it to a long random string, the same in every process)"
            ).format(variable=SWITCH)
        )
    return LinkSigner(check_secret(settings.secret_key), settings.base_url)


def chat_signer(env: Mapping[str, str] | None = None) -> LinkSigner | None:
    """The signer chat commands use to hand out links: only with a key and a public URL."""
    env = os.environ if env is None else env
    settings = Settings.from_env(env)
    if not settings.secret_key or not settings.public_url:
        return None
    return LinkSigner(check_secret(settings.secret_key), settings.public_url)


def add_pages_if_on(application: web.Application) -> None:
    """What the shared web process calls: serve the pages when they are on, else nothing
    (the templates and their engine are imported only then)."""
    signer = pages_signer()
    if signer is not None:
        from adapters.web.routes import add_pages

        add_pages(application, signer)
