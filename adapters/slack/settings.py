"""Slack's settings, read from the environment only when Slack is run.

- one workspace: ``SLACK_BOT_TOKEN`` (and ``SLACK_SIGNING_SECRET`` over HTTP);
- many workspaces: ``SLACK_CLIENT_ID`` and ``SLACK_CLIENT_SECRET`` (the OAuth install flow);
- Socket Mode (a laptop, no public URL): ``SLACK_APP_TOKEN`` and ``SLACK_BOT_TOKEN``;
- ``SLACK_MODERATORS``: who may stop others' quizzes and set daily questions (besides
  workspace admins and owners), as ``TEAM:USER`` ids (``T0123:U0456``), each moderating
  its own workspace only; with one workspace (``SLACK_BOT_TOKEN``), bare user ids will do;
- ``SLACK_API_URL`` (tests and staging only): another Web API base URL than Slack's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlparse

from bot.errors import ConfigError
from bot.i18n import _

API_URL_VARIABLE = "SLACK_API_URL"


def split_ids(value: str | None) -> frozenset[str]:
    return frozenset(v.strip() for v in (value or "").split(",") if v.strip())


def api_url_from_env(env: Mapping[str, str]) -> str | None:
    """``SLACK_API_URL`` as a Web API base URL (ending in ``/``), or None when unset."""
    value = env.get(API_URL_VARIABLE, "").strip()
    if not value:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(
            _("{variable} must be an http(s) URL such as http://127.0.0.1:8080/api/").format(
                variable=API_URL_VARIABLE
            )
        )
    return value if value.endswith("/") else value + "/"


@dataclass(frozen=True)
class SlackSettings:
    """Everything the Slack adapter reads from its environment."""

    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    moderators: frozenset[str] = field(default_factory=frozenset)
    api_url: str | None = None
    socket_mode: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, socket_mode: bool = False) -> SlackSettings:
        return cls(
            bot_token=env.get("SLACK_BOT_TOKEN") or None,
            signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            app_token=env.get("SLACK_APP_TOKEN") or None,
            client_id=env.get("SLACK_CLIENT_ID") or None,
            client_secret=env.get("SLACK_CLIENT_SECRET") or None,
            moderators=split_ids(env.get("SLACK_MODERATORS")),
            api_url=api_url_from_env(env),
            socket_mode=socket_mode,
        )

    @property
    def configured(self) -> bool:
        """Whether the environment sets Slack up at all (so ``quizbot run all`` serves it)."""
        return bool(self.bot_token or self.client_id or self.signing_secret or self.app_token)

    @property
    def uses_oauth(self) -> bool:
        """Many workspaces (the OAuth install flow) rather than one token."""
        return bool(self.client_id and self.client_secret) and not self.socket_mode

    @property
    def serves_http(self) -> bool:
        return not self.socket_mode

    def moderates(self, workspace: str, user: str) -> bool:
        """Whether ``SLACK_MODERATORS`` names ``user`` for ``workspace``."""
        if f"{workspace}:{user}" in self.moderators:
            return True
        return not self.uses_oauth and user in self.moderators

    def secrets(self) -> list[str]:
        values = (self.bot_token, self.signing_secret, self.app_token, self.client_secret)
        return [v for v in values if v]

    def check(self) -> None:
        """Raise :class:`ConfigError` naming the first missing variable for this mode."""
        if self.socket_mode:
            if not self.app_token:
                raise ConfigError(
                    _(
                        "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token "
                        "(xapp-...) with the connections:write scope (Basic Information > "
                        "App-Level Tokens)"
                    )
                )
            if not self.bot_token:
                raise ConfigError(
                    _(
                        "SLACK_BOT_TOKEN is not set: Socket Mode needs the bot token (xoxb-...) "
                        "from OAuth & Permissions"
                    )
                )
            if self.client_id or self.client_secret:
                raise ConfigError(
                    _(
                        "SLACK_CLIENT_ID/SLACK_CLIENT_SECRET are set: Socket Mode serves one "
                        "workspace with SLACK_BOT_TOKEN, unset them"
                    )
                )
            return
        if not self.signing_secret:
            raise ConfigError(
                _(
                    "SLACK_SIGNING_SECRET is not set: copy it from your Slack app's Basic "
                    "Information > App Credentials"
                )
            )
        if self.client_id and not self.client_secret:
            raise ConfigError(_("SLACK_CLIENT_SECRET is not set (SLACK_CLIENT_ID is): set both"))
        if self.client_secret and not self.client_id:
            raise ConfigError(_("SLACK_CLIENT_ID is not set (SLACK_CLIENT_SECRET is): set both"))
        bare = sorted(m for m in self.moderators if ":" not in m)
        if self.uses_oauth and bare:
            raise ConfigError(
                _(
                    "SLACK_MODERATORS names {user} without its workspace: with many "
                    "workspaces write TEAM:USER (e.g. T0123ABC:U0456DEF), so a moderator of "
                    "one workspace is not one of every other"
                ).format(user=bare[0])
            )
        if not self.client_id and not self.bot_token:
            raise ConfigError(
                _(
                    "SLACK_BOT_TOKEN is not set: set it for one workspace, or SLACK_CLIENT_ID "
                    "and SLACK_CLIENT_SECRET to install the app in many"
                )
            )
