"""Events: a channel message that answers an open typed question, the Home tab, and the
app leaving a workspace (uninstalled, or its tokens revoked). A typed answer's receipt and
the Home tab are written in the user's language (their Slack locale, else the channel's or
the install's)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import home
from adapters.slack.listeners.actions import deliver_receipt
from adapters.slack.listeners.errors import told
from adapters.slack.refs import PLATFORM, workspace_of
from bot.i18n import use_language
from bot.views import AnswerStatus, ChannelRef

if TYPE_CHECKING:
    from adapters.slack.app import SlackBot

log = logging.getLogger(__name__)

#: Message subtypes that are people writing (everything else: edits, joins, bots...).
HUMAN_SUBTYPES = {None, "thread_broadcast", "file_share"}


class ChannelEvents:
    """``message`` (typed answers) and ``app_home_opened``."""

    def __init__(self, bot: SlackBot) -> None:
        self.bot = bot

    def register(self) -> None:
        self.bot.bolt.event("message")(told(self.on_message, self.bot))
        self.bot.bolt.event("app_home_opened")(told(self.on_home_opened, self.bot))

    async def on_message(
        self, event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        if event.get("subtype") not in HUMAN_SUBTYPES or event.get("bot_id"):
            return
        user, text, channel = event.get("user"), event.get("text") or "", event.get("channel")
        if not user or not channel or not text.strip():
            return
        bot = self.bot
        where = ChannelRef(PLATFORM, workspace_of(context), channel)
        key = (where.workspace, user)
        if key not in bot.names or not bot.locales.known(where.workspace, user):
            # Only look the user up for someone who may be answering a typed question.
            if await bot.quiz.open_typed_round(where) is None:
                return
            if key not in bot.names:
                bot.names[key] = await bot.display_name(client, user)
        language = await bot.language(client, where.workspace, user, channel, answering=True)
        with use_language(language):
            receipt = await bot.quiz.answer_text(where, bot.player(context, user), text)
            # Only a player's first message is an answer; say nothing about the chat after it.
            if receipt is not None and receipt.status is not AnswerStatus.ALREADY_ANSWERED:
                await deliver_receipt(bot, client, channel, receipt, user)

    async def on_home_opened(
        self, event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        if event.get("tab", "home") != "home":
            return
        who = self.bot.player(context, event["user"])
        with use_language(await self.bot.language(client, who.workspace, who.user, None)):
            await home.publish(self.bot, client, who)


class InstallationEvents:
    """``app_uninstalled`` and ``tokens_revoked``: the workspace's quizzes and daily questions
    stop (nothing more is posted there; its scores stay for a reinstall), and its stored
    tokens are deleted (by slack_sdk's own installation-store listeners)."""

    def __init__(self, bot: SlackBot) -> None:
        self.bot = bot

    def register(self) -> None:
        self.bot.bolt.event("app_uninstalled")(told(self.on_uninstalled, self.bot))
        self.bot.bolt.event("tokens_revoked")(told(self.on_tokens_revoked, self.bot))

    async def _halt(self, workspace: str, why: str) -> None:
        halted = await self.bot.quiz.halt_workspace(PLATFORM, workspace)
        log.info(
            "Slack workspace %s %s: stopped %d quiz(zes) and %d daily question(s)",
            workspace,
            why,
            halted.quizzes,
            halted.dailies,
        )

    async def on_uninstalled(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        await self._halt(workspace_of(context), "uninstalled the app")
        if self.bot.installation_store is not None:
            await self.bot.bolt.default_app_uninstalled_event_listener()(context=context)

    async def on_tokens_revoked(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        if (event.get("tokens") or {}).get("bot"):
            await self._halt(workspace_of(context), "revoked the app's bot token")
        if self.bot.installation_store is not None:
            await self.bot.bolt.default_tokens_revoked_event_listener()(
                event=event, context=context
            )
