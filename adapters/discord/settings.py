"""Discord's settings, read from the environment only when Discord is run.

- ``DISCORD_TOKEN``: the bot token;
- ``DISCORD_MODERATOR_ROLE``: the id of a role whose members may stop others' quizzes and
  set daily questions (besides Manage Server);
- sharding, for several worker processes: ``DISCORD_SHARD_COUNT`` with either
  ``DISCORD_SHARD_IDS`` ("0,2") or ``DISCORD_WORKERS`` (each worker takes every Nth shard by
  its number in ``DYNO``, "worker.2" being the second, as a PaaS numbers its processes).

For tests only, ``QUIZBOT_DISCORD_API_BASE`` and ``QUIZBOT_DISCORD_GATEWAY`` point the
client at a fake Discord (REST, e.g. ``http://127.0.0.1:8080/api/v10``, and the gateway
websocket).

The shards are worked out only when Discord is about to run (:meth:`DiscordSettings.check`
and :meth:`DiscordSettings.resolved`), so a web, release or one-off process on a PaaS (whose
``DYNO`` is "web.1", "release.1" or "run.1") never trips over them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from bot.errors import ConfigError
from bot.i18n import _, ngettext

SHARD_VARIABLES = ("DISCORD_SHARD_COUNT", "DISCORD_SHARD_IDS", "DISCORD_WORKERS", "DYNO")


def _number(env: Mapping[str, str], name: str) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ConfigError(
            _("{name} must be a whole number, not {value}").format(name=name, value=repr(raw))
        )
    return int(raw)


def discord_shards(env: Mapping[str, str]) -> tuple[int | None, tuple[int, ...] | None]:
    """The shard count and this process's shard ids (None, None: Discord decides)."""
    count = _number(env, "DISCORD_SHARD_COUNT")
    workers = _number(env, "DISCORD_WORKERS")
    raw_ids = env.get("DISCORD_SHARD_IDS", "").strip()
    ids: tuple[int, ...] | None = None
    if raw_ids:
        parts = [s.strip() for s in raw_ids.split(",")]
        if not all(p.isdigit() for p in parts):
            raise ConfigError(
                _("DISCORD_SHARD_IDS must be numbers like 0,2, not {value}").format(
                    value=repr(raw_ids)
                )
            )
        ids = tuple(int(p) for p in parts)
        if count is None:
            raise ConfigError(_("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT"))
    if workers is not None and ids is None:
        if count is None:
            raise ConfigError(_("DISCORD_WORKERS needs DISCORD_SHARD_COUNT"))
        if workers < 1:
            raise ConfigError(_("DISCORD_WORKERS must be at least 1"))
        dyno = env.get("DYNO", "")
        number = dyno.rpartition(".")[2]
        if not number.isdigit() or not 1 <= int(number) <= workers:
            raise ConfigError(
                _(
                    "DISCORD_WORKERS={workers} needs DYNO=worker.N with N from 1 to {workers} "
                    "(got {dyno}); or set DISCORD_SHARD_IDS"
                ).format(workers=workers, dyno=repr(dyno))
            )
        index = int(number) - 1
        ids = tuple(shard for shard in range(count) if shard % workers == index)
    if count is not None and count < 1:
        raise ConfigError(_("DISCORD_SHARD_COUNT must be at least 1"))
    if ids is not None and count is not None:
        if any(not 0 <= s < count for s in ids):
            raise ConfigError(
                _("DISCORD_SHARD_IDS must be between 0 and {highest}").format(highest=count - 1)
            )
        if not ids:
            raise ConfigError(
                ngettext(
                    "this worker has no shard to run: {count} shard shared by more workers "
                    "than that; lower DISCORD_WORKERS or raise DISCORD_SHARD_COUNT",
                    "this worker has no shard to run: {count} shards shared by more workers "
                    "than that; lower DISCORD_WORKERS or raise DISCORD_SHARD_COUNT",
                    count,
                ).format(count=count)
            )
    return count, ids


@dataclass(frozen=True)
class DiscordSettings:
    """Everything the Discord adapter reads from its environment."""

    token: str | None = None
    moderator_role: str | None = None
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    #: The sharding variables as found, worked out by :meth:`resolved`.
    shard_env: Mapping[str, str] = field(default_factory=dict)
    #: Tests only: a fake Discord's REST base and gateway URL.
    api_base: str | None = None
    gateway: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DiscordSettings:
        return cls(
            token=env.get("DISCORD_TOKEN") or None,
            moderator_role=(env.get("DISCORD_MODERATOR_ROLE") or "").strip() or None,
            shard_env={k: env[k] for k in SHARD_VARIABLES if k in env},
            api_base=env.get("QUIZBOT_DISCORD_API_BASE", "").strip() or None,
            gateway=env.get("QUIZBOT_DISCORD_GATEWAY", "").strip() or None,
        )

    def resolved(self) -> DiscordSettings:
        """These settings with the shards worked out from the environment (ConfigError if
        they do not add up)."""
        if not self.shard_env:
            return self
        count, ids = discord_shards(self.shard_env)
        return replace(self, shard_count=count, shard_ids=ids, shard_env={})

    @property
    def configured(self) -> bool:
        return bool(self.token)

    @property
    def serves_http(self) -> bool:
        return False

    def secrets(self) -> list[str]:
        return [self.token] if self.token else []

    def check(self) -> None:
        if not self.token:
            raise ConfigError(_("DISCORD_TOKEN is not set"))
        self.resolved()
        if self.moderator_role and not self.moderator_role.isdigit():
            raise ConfigError(
                _(
                    "DISCORD_MODERATOR_ROLE must be a role id (Developer Mode: right-click the "
                    "role > Copy Role ID), not {value}"
                ).format(value=repr(self.moderator_role))
            )
