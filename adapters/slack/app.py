"""The Slack app: a Bolt ``AsyncApp`` wired to the core through the adapter kit.

:func:`build_slack_bot` checks the settings and builds a :class:`SlackBot`, which holds
what the listeners share: the core (:class:`~bot.services.QuizApp`), the kit's conductor
and dispatcher over the Slack surface, the way to reach a workspace's Web API, and the
moderator check. Two ways to authorise:

- one workspace: ``SLACK_BOT_TOKEN`` (and ``SLACK_SIGNING_SECRET`` over HTTP);
- many workspaces: ``SLACK_CLIENT_ID`` and ``SLACK_CLIENT_SECRET`` turn on Bolt's OAuth
  install flow, with slack_sdk's own SQLAlchemy installation and OAuth state stores on
  quizbot's database (the tables ``slack_installations``, ``slack_bots`` and
  ``slack_oauth_states``).

Every Web API client the adapter builds retries a rate-limited call after Slack's
``Retry-After`` (slack_sdk's own retry handler), so a busy channel delays a post rather than
losing it. The listeners are in :mod:`adapters.slack.listeners`; posting in
:mod:`adapters.slack.surface`; rendering in :mod:`adapters.slack.blocks`,
:mod:`adapters.slack.study_blocks` and :mod:`adapters.slack.replies`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from adapters.kit.conductor import Conductor
from adapters.kit.dispatch import Dispatcher
from adapters.slack.locales import UserLocales
from adapters.slack.refs import PLATFORM, workspace_of
from adapters.slack.respond import Responder
from adapters.slack.settings import SlackSettings
from adapters.slack.surface import SlackSurface
from bot.errors import ConfigError
from bot.i18n import _
from bot.services import QuizApp
from bot.views import ChannelRef, PlayerRef

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
OAUTH_STATE_SECONDS = 600
#: How many times a rate-limited Web API call is tried again (after Slack's Retry-After).
RATE_LIMIT_RETRIES = 3
#: The logger Bolt (and its Socket Mode client) log to.
BOLT_LOGGER = "adapters.slack.bolt"


def web_client(token: str | None = None, base_url: str | None = None) -> AsyncWebClient:
    """A Web API client that waits out rate limits (``Retry-After``) and tries again."""
    client = AsyncWebClient(token=token, **({"base_url": base_url} if base_url else {}))
    client.retry_handlers.append(
        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)
    )
    return client


@dataclass(eq=False)
class SlackBot:
    """The Bolt app and everything its listeners and the ticker share."""

    settings: SlackSettings
    quiz: QuizApp
    bolt: AsyncApp
    installation_store: AsyncSQLAlchemyInstallationStore | None = None
    state_store: AsyncSQLAlchemyOAuthStateStore | None = None
    ticker_interval: float = 1.0
    #: (workspace, user) -> display name, as seen in commands and clicks or from users.info.
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    #: (workspace, user) -> the app's DM channel with that user (conversations.open).
    dms: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Each user's Slack locale (users.info), for the replies only they see.
    locales: UserLocales = field(default_factory=UserLocales)

    def __post_init__(self) -> None:
        self.surface = SlackSurface(self)
        self.conductor = Conductor(self.quiz, self.surface, ticker_interval=self.ticker_interval)
        self.dispatcher = Dispatcher(self.conductor)
        self.quiz = self.conductor.app  # the core as players reach it (a polite "try again")
        #: ``respond()`` (receipts, replies to commands) over one kept-alive HTTP session.
        self.responder = Responder()
        self.bolt.middleware(self.responder)

    # --- reaching a workspace ------------------------------------------------------------

    async def client_for(self, workspace: str) -> AsyncWebClient:
        """A Web API client with the bot token of ``workspace`` (team id)."""
        if self.installation_store is None:
            return self.bolt.client
        bot = await self.installation_store.async_find_bot(enterprise_id=None, team_id=workspace)
        if bot is None or not bot.bot_token:
            raise LookupError(f"the app is not installed in workspace {workspace}")
        return web_client(bot.bot_token, self.bolt.client.base_url)

    async def private_channel(self, client: AsyncWebClient, workspace: str, user: str) -> str:
        """The DM between the app and ``user`` (opened once, then remembered)."""
        key = (workspace, user)
        if key not in self.dms:
            response = await client.conversations_open(users=user)
            self.dms[key] = str(response["channel"]["id"])
        return self.dms[key]

    # --- people --------------------------------------------------------------------------

    async def language(
        self,
        client: AsyncWebClient,
        workspace: str,
        user: str,
        channel: str | None,
        *,
        answering: bool = False,
    ) -> str:
        """The language of a reply only ``user`` sees: their Slack locale when quizbot
        speaks it, else the channel's (no channel: the install's). Ask it after ``ack()``.
        ``answering``: an answer is waiting to be recorded, and its time is the player's, so
        only a locale already known is used, else the channel's (the language the question
        itself is in); nothing is asked for a click, which keeps a busy quiz's clicks at one
        Web API call each (the receipt); their next command or form asks."""
        locale = await self.locales.locale(client, workspace, user, wait=0 if answering else None)
        where = ChannelRef(PLATFORM, workspace, channel) if channel else None
        return await self.conductor.languages.for_player(where, locale)

    def player(self, context: AsyncBoltContext, user: str, name: str = "") -> PlayerRef:
        """The core's id for a Slack user of the request's workspace (remembering names)."""
        workspace = workspace_of(context)
        if name:
            self.names[(workspace, user)] = name
        return PlayerRef(PLATFORM, workspace, user, name or self.names.get((workspace, user), ""))

    async def is_moderator(self, client: AsyncWebClient, workspace: str, user: str) -> bool:
        """Listed in SLACK_MODERATORS for this workspace, or a workspace admin or owner
        (``users.info``)."""
        if self.settings.moderates(workspace, user):
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
    settings: SlackSettings, quiz: QuizApp, *, ticker_interval: float = 1.0
) -> SlackBot:
    """Build the Bolt app for these settings, wired to ``quiz``; raises ConfigError.

    Its listeners are attached by :func:`adapters.slack.listeners.register`."""
    settings.check()
    base_url = settings.api_url
    if base_url:
        log.info("Slack Web API base URL overridden (SLACK_API_URL is set)")
    bolt_logger = logging.getLogger(BOLT_LOGGER)
    if settings.uses_oauth:
        assert settings.client_id and settings.client_secret
        # The stores share the core's engine: same database, same pool, same SQLite setup.
        # Their tables are created by `quizbot db upgrade` (see adapters.slack.tables).
        engine = quiz.db.engine
        installation_store = AsyncSQLAlchemyInstallationStore(
            client_id=settings.client_id, engine=engine
        )
        state_store = AsyncSQLAlchemyOAuthStateStore(
            expiration_seconds=OAUTH_STATE_SECONDS, engine=engine
        )
        oauth = AsyncOAuthSettings(
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            scopes=list(BOT_SCOPES),
            installation_store=installation_store,
            state_store=state_store,
            state_expiration_seconds=OAUTH_STATE_SECONDS,
        )
        bolt = AsyncApp(
            signing_secret=settings.signing_secret or "",
            client=web_client(base_url=base_url),
            oauth_settings=oauth,
            installation_store=installation_store,
            name="quizbot",
            logger=bolt_logger,
        )
        bot = SlackBot(
            settings,
            quiz,
            bolt,
            installation_store=installation_store,
            state_store=state_store,
            ticker_interval=ticker_interval,
        )
    else:
        if not settings.bot_token:
            raise ConfigError(_("SLACK_BOT_TOKEN is not set"))
        bolt = AsyncApp(
            signing_secret=settings.signing_secret or "",
            token=settings.bot_token,
            name="quizbot",
            logger=bolt_logger,
        )
        if base_url:
            bolt.client.base_url = base_url
        bolt.client.retry_handlers.append(
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)
        )
        bot = SlackBot(settings, quiz, bolt, ticker_interval=ticker_interval)
    # Bolt's INFO line about a bad signature quotes the whole request body: keep it out.
    logging.getLogger("slack_bolt.RequestVerification").setLevel(logging.WARNING)
    return bot
