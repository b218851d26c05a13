"""Settings every process reads from its environment: the database URL, the HTTP port, and
the web pages' secret key and public address.

Each chat platform reads its own settings (tokens, moderators, shards) in its adapter,
and only when it is run (see ``adapters/*/settings.py``).

``DATABASE_URL`` picks the database; unset, quizbot uses a SQLite file in the user's data
directory so it runs on a laptop with nothing to configure. The ``postgres://`` URLs that
PaaS providers hand out are accepted and turned into SQLAlchemy's asyncpg form.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import ConfigError
from bot.i18n import _


def default_sqlite_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the SQLite database lives when DATABASE_URL is unset."""
    env = os.environ if env is None else env
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "quizbot" / "quizbot.db"


def normalise_database_url(url: str) -> str:
    """Turn any accepted database URL into the async SQLAlchemy form quizbot uses."""
    url = url.strip()
    if not url:
        raise ConfigError(_("DATABASE_URL is empty"))
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ConfigError(
            _("DATABASE_URL must look like postgresql://user@host/db or sqlite:///path/file.db")
        )
    scheme = scheme.lower()
    if scheme in ("postgres", "postgresql", "postgresql+asyncpg", "postgresql+psycopg2"):
        return f"postgresql+asyncpg://{rest}"
    if scheme in ("sqlite", "sqlite+aiosqlite"):
        path = rest[1:].partition("?")[0] if rest.startswith("/") else ""
        if path in ("", ":memory:"):
            raise ConfigError(
                _(
                    "DATABASE_URL {url} names no SQLite file, so everything would be kept in "
                    "memory and lost at exit: use sqlite:///quizbot.db (a file in this folder) or "
                    "sqlite:////absolute/path/quizbot.db, or unset DATABASE_URL for the default "
                    "file"
                ).format(url=repr(url))
            )
        return f"sqlite+aiosqlite://{rest}"
    raise ConfigError(
        _("DATABASE_URL has an unsupported scheme {scheme}: use postgresql:// or sqlite://").format(
            scheme=repr(scheme)
        )
    )


@dataclass(frozen=True)
class Settings:
    """What every quizbot process reads from its environment."""

    database_url: str
    port: int = 3000
    #: QUIZBOT_SECRET_KEY: signs the web pages' links (see bot/links.py); None when unset.
    secret_key: str | None = field(default=None, repr=False)
    #: QUIZBOT_PUBLIC_URL: where people reach this server (links to web pages and files);
    #: None when unset (the web pages then say http://localhost:PORT).
    public_url: str | None = None

    @property
    def base_url(self) -> str:
        """The public URL, or this machine's own address on PORT."""
        return (self.public_url or f"http://localhost:{self.port}").rstrip("/")

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, database_url: str | None = None
    ) -> Settings:
        env = os.environ if env is None else env
        url = database_url or env.get("DATABASE_URL")
        if url is None:
            url = f"sqlite+aiosqlite:///{default_sqlite_path(env)}"
        port_text = env.get("PORT", "3000")
        try:
            port = int(port_text)
        except ValueError:
            raise ConfigError(
                _("PORT must be a number, not {text}").format(text=repr(port_text))
            ) from None
        public_url = (env.get("QUIZBOT_PUBLIC_URL") or "").strip() or None
        if public_url is not None and not public_url.startswith(("http://", "https://")):
            raise ConfigError(
                _("QUIZBOT_PUBLIC_URL must start with https:// or http://, not {url}").format(
                    url=repr(public_url)
                )
            )
        return cls(
            database_url=normalise_database_url(url),
            port=port,
            secret_key=env.get("QUIZBOT_SECRET_KEY") or None,
            public_url=public_url,
        )
