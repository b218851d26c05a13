"""Events: a channel message that answers an open typed question, and the Home tab."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import home
from adapters.slack.listeners.actions import deliver_receipt
from adapters.slack.refs import PLATFORM, workspace_of
from bot.views import AnswerStatus, ChannelRef

if TYPE_CHECKING:
    from adapters.slack.app import SlackBot

#: Message subtypes that are people writing (everything else: edits, joins, bots...).
HUMAN_SUBTYPES = {None, "thread_broadcast", "file_share"}


class ChannelEvents:
    """``message`` (typed answers) and ``app_home_opened``."""

    def __init__(self, bot: SlackBot) -> None:
        self.bot = bot

    def register(self) -> None:
        self.bot.bolt.event("message")(self.on_message)
        self.bot.bolt.event("app_home_opened")(self.on_home_opened)

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
        if key not in bot.names:
            # Only look the name up for someone who may be answering a typed question.
            if await bot.quiz.open_typed_round(where) is None:
                return
            bot.names[key] = await bot.display_name(client, user)
        receipt = await bot.quiz.answer_text(where, bot.player(context, user), text)
        # Only the first message of a player is an answer; say nothing about the chat after it.
        if receipt is not None and receipt.status is not AnswerStatus.ALREADY_ANSWERED:
            await deliver_receipt(bot, client, channel, receipt, user)

    async def on_home_opened(
        self, event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        if event.get("tab", "home") != "home":
            return
        await home.publish(self.bot, client, self.bot.player(context, event["user"]))
