"""Modal submissions: the typed-answer form, served in its user's language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks
from adapters.slack.listeners.actions import clicker, deliver_receipt
from adapters.slack.listeners.errors import told
from adapters.slack.refs import PLATFORM
from bot.i18n import use_language
from bot.views import ChannelRef

if TYPE_CHECKING:
    from adapters.slack.app import SlackBot


class TypedAnswerForm:
    """The answer typed into the form a question's "Answer privately" button opened."""

    def __init__(self, bot: SlackBot) -> None:
        self.bot = bot

    def register(self) -> None:
        self.bot.bolt.view(blocks.TYPED_SUBMIT_CALLBACK)(told(self.on_submit, self.bot))

    async def on_submit(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        round_text, _sep, rest = str(view.get("private_metadata", "")).partition(":")
        channel, _sep, mark = rest.partition(":")
        if not round_text.isdigit() or not channel:
            return
        values = view.get("state", {}).get("values", {})
        typed = values.get(blocks.TYPED_INPUT_BLOCK, {}).get(blocks.TYPED_INPUT_ACTION, {})
        who = clicker(self.bot, body, context)
        where = ChannelRef(PLATFORM, who.workspace, channel)
        answer = str(typed.get("value") or "")
        language = await self.bot.language(client, who.workspace, who.user, channel, answering=True)
        with use_language(language):
            receipt = await self.bot.quiz.answer(int(round_text), who, answer, where)
            if mark == blocks.PRIVATE_MARK and receipt.outcome is not None:
                await self.bot.conductor.answered(receipt)  # the reveal says it all
            else:
                await deliver_receipt(self.bot, client, channel, receipt, who.user)
