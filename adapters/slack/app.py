"""The Slack app: a Bolt ``AsyncApp`` wired to the core's :class:`~bot.services.QuizApp`.

:func:`build_slack_bot` checks the configuration and builds a :class:`SlackBot`, which
holds the Bolt app and what its listeners share: the QuizApp, the way to reach a
workspace's Web API, the announcer the ticker calls when a round closes, the moderator
check. Two ways to authorise:

- one workspace: ``SLACK_BOT_TOKEN`` (and ``SLACK_SIGNING_SECRET`` in HTTP mode);
- many workspaces: ``SLACK_CLIENT_ID`` and ``SLACK_CLIENT_SECRET`` turn on Bolt's OAuth
  install flow (``/slack/install``, ``/slack/oauth_redirect``), with slack_sdk's own
  SQLAlchemy installation and OAuth state stores on quizbot's database (their async
  variants, on the core's own engine; the tables are ``slack_installations``,
  ``slack_bots`` and ``slack_oauth_states``, created on start if missing).

``SLACK_API_URL`` (tests and staging only) points every Web API client the adapter builds
(the app's, the OAuth flow's, the per-workspace ones the ticker uses) at another base URL
than ``https://slack.com/api/``, e.g. a stub on ``http://127.0.0.1:PORT/api/``.

Listeners live in :mod:`adapters.slack.handlers` (the study features' in
:mod:`adapters.slack.study`); posting in :mod:`adapters.slack.announcer`; rendering in
:mod:`adapters.slack.blocks` and :mod:`adapters.slack.study_blocks`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlparse

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.announcer import Announcer
from bot.config import Settings
from bot.errors import ConfigError
from bot.services import QuizApp

log = logging.getLogger(__name__)

#: The bot scopes the app asks for (the same as manifest.yml).
BOT_SCOPES: tuple[str, ...] = (
    "commands",
    "chat:write",
    "chat:write.public",
    "users:read",
    "im:write",
    "channels:history",
    "groups:history",
    "im:history",
)
PLATFORM = "slack"
OAUTH_STATE_SECONDS = 600
API_URL_VARIABLE = "SLACK_API_URL"


def api_url_from_env(env: Mapping[str, str] | None = None) -> str | None:
    """``SLACK_API_URL`` as a Web API base URL (ending in ``/``), or None when unset.

    For tests and staging: a real ``quizbot run slack`` then talks to a stub Web API.
    """
    value = (os.environ if env is None else env).get(API_URL_VARIABLE, "").strip()
    if not value:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(
            f"{API_URL_VARIABLE} must be an http(s) URL such as http://127.0.0.1:8080/api/"
        )
    return value if value.endswith("/") else value + "/"


def check_settings(settings: Settings, socket_mode: bool = False) -> None:
    """Raise :class:`ConfigError` naming the first missing variable for this mode."""
    if socket_mode:
        if not settings.slack_app_token:
            raise ConfigError(
                "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-...) "
                "with the connections:write scope (Basic Information > App-Level Tokens)"
            )
        if not settings.slack_bot_token:
            raise ConfigError(
                "SLACK_BOT_TOKEN is not set: Socket Mode needs the bot token (xoxb-...) "
                "from OAuth & Permissions"
            )
        if settings.slack_client_id or settings.slack_client_secret:
            raise ConfigError(
                "SLACK_CLIENT_ID/SLACK_CLIENT_SECRET are set: Socket Mode serves one workspace "
                "with SLACK_BOT_TOKEN, unset them"
            )
        return
    if not settings.slack_signing_secret:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is not set: copy it from your Slack app's Basic Information "
            "> App Credentials"
        )
    if settings.slack_client_id and not settings.slack_client_secret:
        raise ConfigError("SLACK_CLIENT_SECRET is not set (SLACK_CLIENT_ID is): set both")
    if settings.slack_client_secret and not settings.slack_client_id:
        raise ConfigError("SLACK_CLIENT_ID is not set (SLACK_CLIENT_SECRET is): set both")
    if not settings.slack_client_id and not settings.slack_bot_token:
        raise ConfigError(
            "SLACK_BOT_TOKEN is not set: set it for one workspace, or SLACK_CLIENT_ID and "
            "SLACK_CLIENT_SECRET to install the app in many"
        )


def uses_oauth(settings: Settings) -> bool:
    """Whether the app runs multi-workspace (OAuth install flow) rather than with one token."""
    return bool(settings.slack_client_id and settings.slack_client_secret)


@dataclass
class SlackBot(Announcer):
    """The Bolt app and everything its listeners and the ticker share (posting and
    announcing are in :class:`~adapters.slack.announcer.Announcer`)."""

    settings: Settings
    quiz: QuizApp
    bolt: AsyncApp
    installation_store: AsyncSQLAlchemyInstallationStore | None = None
    state_store: AsyncSQLAlchemyOAuthStateStore | None = None
    #: (workspace, user) -> display name, as seen in commands and clicks or from users.info.
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    #: (workspace, user) -> the app's DM channel with that user.
    dms: dict[tuple[str, str], str] = field(default_factory=dict)

    async def start(self) -> None:
        """Create the OAuth tables if missing (idempotent)."""
        if self.installation_store is not None:
            await self.installation_store.create_tables()
        if self.state_store is not None:
            await self.state_store.create_tables()

    # --- reaching a workspace ------------------------------------------------------------

    async def client_for(self, workspace: str) -> AsyncWebClient:
        """A Web API client with the bot token of ``workspace`` (team id)."""
        if self.installation_store is None:
            return self.bolt.client
        bot = await self.installation_store.async_find_bot(enterprise_id=None, team_id=workspace)
        if bot is None or not bot.bot_token:
            raise LookupError(f"the app is not installed in workspace {workspace}")
        return AsyncWebClient(token=bot.bot_token, base_url=self.bolt.client.base_url)

    # --- permissions ---------------------------------------------------------------------

    async def is_moderator(self, client: AsyncWebClient, user: str) -> bool:
        """Listed in SLACK_MODERATORS, or a workspace admin or owner (``users.info``)."""
        if user in self.settings.slack_moderators:
            return True
        # Asked each time (a refused stop, a daily setting), so a demoted admin is no longer one.
        try:
            info = await client.users_info(user=user)
        except SlackApiError as exc:
            log.warning("users.info failed for %s: %s", user, exc.response.get("error"))
            return False
        profile = info.get("user") or {}
        return any(profile.get(flag) for flag in ("is_admin", "is_owner", "is_primary_owner"))

    async def display_name(self, client: AsyncWebClient, user: str) -> str:
        """A user's display name from ``users.info`` ("" if it cannot be had)."""
        try:
            info = await client.users_info(user=user)
        except SlackApiError as exc:
            log.warning("users.info failed for %s: %s", user, exc.response.get("error"))
            return ""
        profile = info.get("user") or {}
        details = profile.get("profile") or {}
        return str(
            details.get("display_name") or details.get("real_name") or profile.get("name") or ""
        )


def build_slack_bot(
    settings: Settings,
    quiz: QuizApp,
    *,
    api_base_url: str | None = None,
    socket_mode: bool = False,
) -> SlackBot:
    """Build the Bolt app for these settings, wired to ``quiz``; raises ConfigError.

    ``api_base_url`` points the Web API client somewhere else than ``https://slack.com/api/``
    (the tests' stub); without it, ``SLACK_API_URL`` does, if set.
    """
    check_settings(settings, socket_mode=socket_mode)
    if api_base_url is None and (api_base_url := api_url_from_env()):
        log.info("Slack Web API base URL overridden (%s is set)", API_URL_VARIABLE)
    client_args: dict[str, str] = {}
    if api_base_url:
        client_args["base_url"] = api_base_url
    signing_secret = settings.slack_signing_secret or ""
    if uses_oauth(settings) and not socket_mode:
        assert settings.slack_client_id and settings.slack_client_secret
        # The stores share the core's engine: same database, same pool, same SQLite setup.
        engine = quiz.db.engine
        installation_store = AsyncSQLAlchemyInstallationStore(
            client_id=settings.slack_client_id, engine=engine
        )
        state_store = AsyncSQLAlchemyOAuthStateStore(
            expiration_seconds=OAUTH_STATE_SECONDS, engine=engine
        )
        oauth = AsyncOAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret,
            scopes=list(BOT_SCOPES),
            installation_store=installation_store,
            state_store=state_store,
            state_expiration_seconds=OAUTH_STATE_SECONDS,
        )
        bolt = AsyncApp(
            signing_secret=signing_secret,
            client=AsyncWebClient(**client_args),
            oauth_settings=oauth,
            installation_store=installation_store,
            name="quizbot",
            logger=logging.getLogger("adapters.slack.bolt"),
        )
        bot = SlackBot(
            settings=settings,
            quiz=quiz,
            bolt=bolt,
            installation_store=installation_store,
            state_store=state_store,
        )
    else:
        bolt = AsyncApp(
            signing_secret=signing_secret,
            token=settings.slack_bot_token,
            name="quizbot",
            logger=logging.getLogger("adapters.slack.bolt"),
        )
        if api_base_url:
            bolt.client.base_url = api_base_url
        bot = SlackBot(settings=settings, quiz=quiz, bolt=bolt)
    # Bolt's INFO line about a bad signature quotes the whole request body: keep it out.
    logging.getLogger("slack_bolt.RequestVerification").setLevel(logging.WARNING)

    from adapters.slack import handlers

    handlers.register(bot)
    return bot
