"""Settings from the environment: the database URL and each platform's credentials.

``DATABASE_URL`` picks the database; unset, quizbot uses a SQLite file in the user's data
directory so it runs on a laptop with nothing to configure. The ``postgres://`` URLs that
PaaS providers hand out are accepted and turned into SQLAlchemy's asyncpg form.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import ConfigError


def default_sqlite_path(env: dict[str, str] | None = None) -> Path:
    """Where the SQLite database lives when DATABASE_URL is unset."""
    env = os.environ if env is None else env  # type: ignore[assignment]
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "quizbot" / "quizbot.db"


def normalise_database_url(url: str) -> str:
    """Turn any accepted database URL into the async SQLAlchemy form quizbot uses."""
    url = url.strip()
    if not url:
        raise ConfigError("DATABASE_URL is empty")
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ConfigError(
            "DATABASE_URL must look like postgresql://user@host/db or sqlite:///path/file.db"
        )
    scheme = scheme.lower()
    if scheme in ("postgres", "postgresql", "postgresql+asyncpg", "postgresql+psycopg2"):
        return f"postgresql+asyncpg://{rest}"
    if scheme in ("sqlite", "sqlite+aiosqlite"):
        return f"sqlite+aiosqlite://{rest}"
    raise ConfigError(
        f"DATABASE_URL has an unsupported scheme {scheme!r}: use postgresql:// or sqlite://"
    )


def discord_shards(env: dict[str, str]) -> tuple[int | None, tuple[int, ...] | None]:
    """The Discord shard count and this process's shard ids, from the environment.

    Either ``DISCORD_SHARD_IDS`` lists them ("0,2"), or ``DISCORD_WORKERS`` says how many
    worker processes share ``DISCORD_SHARD_COUNT`` shards and each takes every Nth shard by
    its number in ``DYNO`` ("worker.2" is the second), as a PaaS numbers its processes.
    """
    raw_count = env.get("DISCORD_SHARD_COUNT")
    raw_ids = env.get("DISCORD_SHARD_IDS")
    raw_workers = env.get("DISCORD_WORKERS")
    try:
        count = int(raw_count) if raw_count else None
        ids = tuple(int(s) for s in raw_ids.split(",")) if raw_ids else None
        workers = int(raw_workers) if raw_workers else None
    except ValueError:
        raise ConfigError(
            "DISCORD_SHARD_COUNT, DISCORD_SHARD_IDS and DISCORD_WORKERS must be numbers"
        ) from None
    if ids is not None and count is None:
        raise ConfigError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT")
    if workers and ids is None:
        if count is None:
            raise ConfigError("DISCORD_WORKERS needs DISCORD_SHARD_COUNT")
        dyno = env.get("DYNO", "")
        _, _, number = dyno.rpartition(".")
        if not number.isdigit() or not 1 <= int(number) <= workers:
            raise ConfigError(
                f"DISCORD_WORKERS={workers} needs DYNO=worker.N with N from 1 to {workers} "
                f"(got {dyno!r}); or set DISCORD_SHARD_IDS"
            )
        index = int(number) - 1
        ids = tuple(shard for shard in range(count) if shard % workers == index)
    if ids is not None and count is not None and any(not 0 <= s < count for s in ids):
        raise ConfigError(f"DISCORD_SHARD_IDS must be between 0 and {count - 1}")
    return count, ids


def _split(value: str | None) -> frozenset[str]:
    return frozenset(v.strip() for v in (value or "").split(",") if v.strip())


@dataclass(frozen=True)
class Settings:
    """Everything quizbot reads from its environment, in one place."""

    database_url: str
    discord_token: str | None = None
    discord_moderator_role: str | None = None
    discord_shard_count: int | None = None
    discord_shard_ids: tuple[int, ...] | None = None
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_moderators: frozenset[str] = field(default_factory=frozenset)
    port: int = 3000

    @classmethod
    def from_env(
        cls, env: dict[str, str] | None = None, database_url: str | None = None
    ) -> Settings:
        env = dict(os.environ if env is None else env)
        url = database_url or env.get("DATABASE_URL")
        if url is None:
            url = f"sqlite+aiosqlite:///{default_sqlite_path(env)}"
        port_text = env.get("PORT", "3000")
        try:
            port = int(port_text)
        except ValueError:
            raise ConfigError(f"PORT must be a number, not {port_text!r}") from None
        count, ids = discord_shards(env)
        return cls(
            database_url=normalise_database_url(url),
            discord_token=env.get("DISCORD_TOKEN") or None,
            discord_moderator_role=env.get("DISCORD_MODERATOR_ROLE") or None,
            discord_shard_count=count,
            discord_shard_ids=ids,
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_app_token=env.get("SLACK_APP_TOKEN") or None,
            slack_client_id=env.get("SLACK_CLIENT_ID") or None,
            slack_client_secret=env.get("SLACK_CLIENT_SECRET") or None,
            slack_moderators=_split(env.get("SLACK_MODERATORS")),
            port=port,
        )
