"""Buttons: answering a question (an option, or opening the typed-answer form), turning
and rating flashcards, and the Home tab's review buttons.

Every click is acknowledged first, then served in the clicker's language (their Slack
locale, else the channel's); what the channel sees is written in the channel's by the
conductor. A receipt goes to the clicker alone, back through the
click's own ``response_url`` (an ephemeral message). What follows a recorded answer (a
reveal, the next question) is the conductor's.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.kit import commands, texts, words
from adapters.kit.dispatch import Request, ReviewStarted
from adapters.slack import blocks, replies
from adapters.slack.listeners.errors import told
from adapters.slack.refs import PLATFORM, workspace_of
from bot.errors import QuizbotError
from bot.i18n import _, use_language
from bot.views import AnswerReceipt, ChannelRef, FlashcardView, PlayerRef

if TYPE_CHECKING:
    from adapters.slack.app import SlackBot

log = logging.getLogger(__name__)

ANSWER_ACTION = re.compile(rf"^{blocks.ANSWER_ACTION_PREFIX}[A-J]$")
RATE_ACTION = re.compile(rf"^{blocks.FLASH_RATE_PREFIX}({'|'.join(texts.RATINGS)})$")


def clicked_channel(body: dict[str, Any]) -> str:
    return str((body.get("channel") or {}).get("id") or body["container"].get("channel_id"))


def clicker(bot: SlackBot, body: dict[str, Any], context: AsyncBoltContext) -> PlayerRef:
    user = body["user"]
    return bot.player(context, user["id"], user.get("name") or user.get("username") or "")


def receipt_text(receipt: AnswerReceipt) -> str:
    return words.receipt(receipt, blocks.MRKDWN)


async def deliver_receipt(
    bot: SlackBot,
    client: AsyncWebClient,
    channel: str,
    receipt: AnswerReceipt,
    user: str,
    respond: AsyncRespond | None = None,
    *,
    review: bool = False,
) -> None:
    """Tell the player what became of their answer, then let the conductor go on.

    A click has its own ``response_url`` (``respond``): the receipt goes back through it, as
    an ephemeral message to the clicker (five uses per click, no workspace-wide tier, where
    ``chat.postEphemeral`` allows some 100 a minute for the whole workspace: a big channel
    answering at once would wait minutes for its receipts). In a private ``review`` the
    receipt is only sent when the reveal does not say it anyway. A typed answer (a message
    or a modal) has no response_url: it gets ``chat.postEphemeral``.
    """
    text = receipt_text(receipt)
    try:
        if respond is None:
            await client.chat_postEphemeral(
                channel=channel, user=user, text=text, blocks=[blocks.section(text)]
            )
        elif not review or receipt.outcome is None:
            sent = await respond(
                response_type="ephemeral",
                replace_original=False,
                text=text,
                blocks=[blocks.section(text)],
            )
            if sent.status_code != 200:
                log.warning("could not send a receipt: %s %s", sent.status_code, sent.body)
    except SlackApiError as exc:
        # The answer counts anyway; and a round it closed must still be announced.
        log.warning("could not send a receipt: %s", exc.response.get("error"))
    await bot.conductor.answered(receipt)


class AnswerActions:
    """An option's button, and the button that opens the typed-answer form."""

    def __init__(self, bot: SlackBot) -> None:
        self.bot = bot

    def register(self) -> None:
        self.bot.bolt.action(ANSWER_ACTION)(told(self.on_answer, self.bot))
        self.bot.bolt.action(blocks.TYPED_OPEN_ACTION)(told(self.on_typed_open, self.bot))

    async def on_answer(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        round_text, _sep, rest = str(action.get("value", "")).partition(":")
        label, _sep, mark = rest.partition(":")
        if not round_text.isdigit():
            return
        who = clicker(self.bot, body, context)
        channel = clicked_channel(body)
        where = ChannelRef(PLATFORM, who.workspace, channel)
        language = await self.bot.language(client, who.workspace, who.user, channel, answering=True)
        with use_language(language):
            receipt = await self.bot.quiz.answer(int(round_text), who, label, where)
            review = mark == blocks.PRIVATE_MARK
            await deliver_receipt(
                self.bot, client, channel, receipt, who.user, respond, review=review
            )

    async def on_typed_open(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        channel = clicked_channel(body)
        user = body["user"]["id"]
        with use_language(await self.bot.language(client, workspace_of(context), user, channel)):
            modal = await self._modal(action, channel, user, workspace_of(context))
        await client.views_open(trigger_id=body["trigger_id"], view=modal)

    async def _modal(
        self, action: dict[str, Any], channel: str, user: str, workspace: str
    ) -> dict[str, Any]:
        """The typed-answer form of the clicked question, or why it cannot be answered."""
        value = str(action.get("value") or "")
        view = await self.bot.quiz.round_view(int(value)) if value.isdigit() else None
        if view is not None and view.channel.workspace != workspace:
            view = None  # another workspace's round: as good as closed here
        if view is None:
            return blocks.closed_modal()
        if view.private_to not in (None, user):
            return blocks.closed_modal(_("This review belongs to someone else."), late=False)
        return blocks.typed_answer_modal(view, channel)


class FlashcardActions:
    """ "Show answer" and the rating buttons of a flashcard, wherever it was shown."""

    def __init__(self, bot: SlackBot) -> None:
        self.bot = bot

    def register(self) -> None:
        self.bot.bolt.action(blocks.FLASH_SHOW_ACTION)(told(self.on_show, self.bot))
        self.bot.bolt.action(RATE_ACTION)(told(self.on_rate, self.bot))

    async def on_show(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        await self._act(body, action, client, context, respond, self.bot.quiz.flashcard, True)

    async def on_rate(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        rating = str(action["action_id"]).removeprefix(blocks.FLASH_RATE_PREFIX)

        async def rate(who: PlayerRef, card_id: int) -> FlashcardView:
            return await self.bot.quiz.rate_flashcard(who, card_id, rating)

        await self._act(body, action, client, context, respond, rate, False)

    async def _act(
        self,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
        call: Callable[[PlayerRef, int], Awaitable[FlashcardView]],
        show_back: bool,
    ) -> None:
        """Ask the core for the card to show, then show it in place of the clicked one."""
        bank, _colon, card_text = str(action.get("value", "")).rpartition(":")
        if not card_text.isdigit():
            return
        who = clicker(self.bot, body, context)
        channel = (body.get("container") or {}).get("channel_id")
        with use_language(await self.bot.language(client, who.workspace, who.user, channel)):
            card = await call(who, int(card_text))
            content = blocks.flashcard_message(card, bank, show_back=show_back)
        container = body.get("container", {})
        if container.get("is_ephemeral") or not container.get("message_ts"):
            await respond(replace_original=True, response_type="ephemeral", **content)
        else:
            await client.chat_update(
                channel=container["channel_id"], ts=container["message_ts"], **content
            )


class HomeActions:
    """The Home tab's buttons: review a deck's flashcards, or one's mistakes, in a DM."""

    def __init__(self, bot: SlackBot) -> None:
        self.bot = bot

    def register(self) -> None:
        self.bot.bolt.action(blocks.HOME_FLASHCARDS_ACTION)(told(self.on_flashcards, self.bot))
        self.bot.bolt.action(blocks.HOME_MISTAKES_ACTION)(told(self.on_mistakes, self.bot))

    async def on_flashcards(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        who = clicker(self.bot, body, context)
        bank = str(action.get("value") or "")
        with use_language(await self.bot.language(client, who.workspace, who.user, None)):
            try:
                card = await self.bot.quiz.next_flashcard(who, bank=bank or None)
            except QuizbotError as exc:
                content = replies.notice(texts.sentence(str(exc)))
            else:
                content = blocks.flashcard_message(card, bank)
        dm = await self.bot.private_channel(client, who.workspace, who.user)
        await client.chat_postMessage(channel=dm, **content)

    async def on_mistakes(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        await ack()
        who = clicker(self.bot, body, context)
        dm = await self.bot.private_channel(client, who.workspace, who.user)
        with use_language(await self.bot.language(client, who.workspace, who.user, None)):
            await self._review(client, who, dm)

    async def _review(self, client: AsyncWebClient, who: PlayerRef, dm: str) -> None:
        """Start a review of ``who``'s mistakes in their DM (or say there why not)."""
        request = Request(
            where=ChannelRef(PLATFORM, who.workspace, dm),
            who=who,
            is_moderator=lambda: self.bot.is_moderator(client, who.workspace, who.user),
        )
        try:
            reply = await self.bot.dispatcher.run(commands.Mistakes(), request)
        except QuizbotError as exc:
            await client.chat_postMessage(channel=dm, **replies.warning(str(exc)))
            return
        if reply is not None and not isinstance(reply.view, ReviewStarted):
            # Nothing was posted in the DM (no mistakes yet): say why there.
            await client.chat_postMessage(channel=dm, **replies.render(reply.view))
