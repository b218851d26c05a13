"""Bolt listeners: ``/quiz``, answer buttons, the typed-answer modal, channel messages,
flashcard buttons and the Home tab (the study subcommands are run by
:mod:`adapters.slack.study`).

Every listener acknowledges first (Slack wants an answer within 3 seconds) and then does
its work: the core call, then Web API calls with the request's own client (which carries
the workspace's bot token). Users see errors the core raises (``QuizbotError``) as
ephemeral messages; anything else is logged. Receipts for a private review's answers go
back through the click's ``response_url`` (to the clicker alone, wherever they are).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks, commands, home, study
from adapters.slack.app import PLATFORM, SlackBot
from bot.errors import NotAllowedError, QuizbotError
from bot.views import (
    AnswerReceipt,
    AnswerStatus,
    ChannelRef,
    FlashcardView,
    PlayerRef,
    QuestionView,
)

log = logging.getLogger(__name__)

ANSWER_ACTION = re.compile(rf"^{blocks.ANSWER_ACTION_PREFIX}[A-J]$")
RATE_ACTION = re.compile(rf"^{blocks.FLASH_RATE_PREFIX}({'|'.join(blocks.RATINGS)})$")
#: Message subtypes that are people writing (everything else: edits, joins, bots...).
HUMAN_SUBTYPES = {None, "thread_broadcast", "file_share"}


def _workspace(context: AsyncBoltContext) -> str:
    return context.team_id or context.enterprise_id or ""


def _sentence(text: str) -> str:
    """A core message ("too late: ...") as a sentence for people."""
    text = text.strip()
    return (text[:1].upper() + text[1:]) if text else text


def register(bot: SlackBot) -> None:
    """Attach every listener to ``bot.bolt``."""
    app = bot.bolt
    quiz = bot.quiz

    def player(context: AsyncBoltContext, user: str, name: str = "") -> PlayerRef:
        workspace = _workspace(context)
        if name:
            bot.names[(workspace, user)] = name
        return PlayerRef(PLATFORM, workspace, user, name or bot.names.get((workspace, user), ""))

    async def tell(client: AsyncWebClient, channel: str, user: str, text: str) -> None:
        """An ephemeral line for one user in a channel."""
        try:
            await client.chat_postEphemeral(
                channel=channel, user=user, text=text, blocks=[blocks.section(text)]
            )
        except SlackApiError as exc:
            log.warning("chat.postEphemeral failed: %s", exc.response.get("error"))

    def receipt_text(receipt: AnswerReceipt) -> str:
        text = blocks.escape(_sentence(receipt.message))
        if receipt.status is AnswerStatus.RECORDED:
            text = f":ballot_box_with_check: {text}"
        return text

    async def deliver_receipt(
        client: AsyncWebClient,
        channel: str,
        user: str,
        receipt: AnswerReceipt,
        fallback_ref: str | None = None,
        respond: AsyncRespond | None = None,
    ) -> None:
        """Tell the player what became of their answer, then announce a round it closed.

        With ``respond`` (a private review's click), the receipt goes back to the clicker
        through the click's response_url, and only when the reveal does not say it anyway.
        """
        if respond is None:
            await tell(client, channel, user, receipt_text(receipt))
        elif receipt.outcome is None:
            await respond(
                response_type="ephemeral", replace_original=False, text=receipt_text(receipt)
            )
        if receipt.outcome is not None:
            await bot.announce(receipt.outcome, client=client, fallback_ref=fallback_ref)

    async def round_view(where: ChannelRef, round_id: int) -> QuestionView | None:
        """The open round ``round_id`` (a quiz's, a daily question's or a review's) of this
        workspace."""
        view = await quiz.round_view(round_id)
        return view if view is not None and view.channel.workspace == where.workspace else None

    # --- /quiz ---------------------------------------------------------------------------

    @app.command("/quiz")
    async def on_quiz(
        ack: AsyncAck,
        command: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        parsed = commands.parse(command.get("text", ""))
        user = command["user_id"]
        where = ChannelRef(PLATFORM, _workspace(context), command["channel_id"])
        who = player(context, user, command.get("user_name", ""))
        try:
            await run_command(parsed, where, who, client, respond)
        except QuizbotError as exc:
            await respond(
                response_type="ephemeral",
                **blocks.notice(f":warning: {blocks.escape(_sentence(str(exc)))}"),
            )

    async def run_command(
        parsed: commands.Command,
        where: ChannelRef,
        who: PlayerRef,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        if isinstance(parsed, commands.Help):
            await respond(response_type="ephemeral", **blocks.help_message(parsed.reason))
        elif isinstance(parsed, commands.Start):
            await start_quiz(parsed, where, who, client, respond)
        elif isinstance(parsed, commands.Stop):
            await stop_quiz(where, who, client, respond)
        elif isinstance(parsed, commands.Leaderboard):
            board = await quiz.leaderboard(where, scope=parsed.scope, period=parsed.period)
            await respond(response_type="in_channel", **blocks.leaderboard_message(board))
        elif isinstance(parsed, commands.Banks):
            summaries = await quiz.list_banks()
            await respond(response_type="ephemeral", **blocks.banks_message(list(summaries)))
        elif isinstance(parsed, commands.Flashcards):
            card = await quiz.next_flashcard(who, bank=parsed.bank)
            await respond(
                response_type="ephemeral",
                **blocks.flashcard_message(card, parsed.bank or ""),
            )
        elif isinstance(parsed, commands.Mistakes | commands.Daily | commands.Stats):
            await study.run(bot, parsed, where, who, client, respond)

    async def start_quiz(
        parsed: commands.Start,
        where: ChannelRef,
        who: PlayerRef,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        options: dict[str, Any] = {}
        if parsed.count is not None:
            options["count"] = parsed.count
        if parsed.seconds is not None:
            options["seconds"] = parsed.seconds
        view = await quiz.start_quiz(
            where, who, bank=parsed.bank, topic=parsed.topic, order=parsed.order, **options
        )
        try:
            await bot.post_question(client, view)
        except SlackApiError as exc:
            error = exc.response.get("error")
            log.warning("could not post in %s: %s", where.channel, error)
            await quiz.stop_quiz(where, who, is_moderator=True)
            hint = " Invite me first: `/invite @quizbot`." if error == "not_in_channel" else ""
            await respond(
                response_type="ephemeral",
                **blocks.notice(f":warning: I can't post in this channel ({error}).{hint}"),
            )

    async def stop_quiz(
        where: ChannelRef, who: PlayerRef, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        try:
            results = await quiz.stop_quiz(
                where, who, is_moderator=who.user in bot.settings.slack_moderators
            )
        except NotAllowedError:
            if not await bot.is_moderator(client, who.user):
                raise
            results = await quiz.stop_quiz(where, who, is_moderator=True)
        # Reveal the round(s) the stop closed on their messages, then post the results.
        for outcome in results.closed_rounds:
            await bot.reveal(client, outcome, stopped=True)
        await bot.post_results(client, where, results)

    # --- answer buttons ------------------------------------------------------------------

    @app.action(ANSWER_ACTION)
    async def on_answer(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        round_text, _, rest = str(action.get("value", "")).partition(":")
        label, _, mark = rest.partition(":")
        if not round_text.isdigit():
            return
        user = body["user"]
        who = player(context, user["id"], user.get("name") or user.get("username") or "")
        channel = (body.get("channel") or {}).get("id") or body["container"].get("channel_id")
        message_ts = body.get("container", {}).get("message_ts")
        receipt = await quiz.answer(int(round_text), who, label)
        fallback = f"{channel}:{message_ts}" if message_ts else None
        private = respond if mark == blocks.PRIVATE_MARK else None
        await deliver_receipt(client, channel, who.user, receipt, fallback, respond=private)

    # --- typed answers: in the channel, or in a modal ------------------------------------

    @app.event("message")
    async def on_message(
        event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        if event.get("subtype") not in HUMAN_SUBTYPES or event.get("bot_id"):
            return
        user, text, channel = event.get("user"), event.get("text") or "", event.get("channel")
        if not user or not channel or not text.strip():
            return
        where = ChannelRef(PLATFORM, _workspace(context), channel)
        key = (where.workspace, user)
        if key not in bot.names:
            # Only look the name up for someone who may be answering a typed question.
            if await quiz.open_typed_round(where) is None:
                return
            bot.names[key] = await bot.display_name(client, user)
        receipt = await quiz.answer_text(where, player(context, user), text)
        # Only the first message of a player is an answer; say nothing about the chat after it.
        if receipt is not None and receipt.status is not AnswerStatus.ALREADY_ANSWERED:
            await deliver_receipt(client, channel, user, receipt)

    @app.action(blocks.TYPED_OPEN_ACTION)
    async def on_typed_open(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        channel = (body.get("channel") or {}).get("id") or body["container"].get("channel_id")
        value = str(action.get("value") or "")
        where = ChannelRef(PLATFORM, _workspace(context), channel)
        view = await round_view(where, int(value)) if value.isdigit() else None
        if view is None:
            modal = blocks.closed_modal()
        elif view.private_to not in (None, body["user"]["id"]):
            modal = blocks.closed_modal("This review belongs to someone else.")
        else:
            modal = blocks.typed_answer_modal(view, channel)
        await client.views_open(trigger_id=body["trigger_id"], view=modal)

    @app.view(blocks.TYPED_SUBMIT_CALLBACK)
    async def on_typed_submit(
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        round_text, _, rest = str(view.get("private_metadata", "")).partition(":")
        channel, _, mark = rest.partition(":")
        if not round_text.isdigit() or not channel:
            return
        values = view.get("state", {}).get("values", {})
        text = values.get(blocks.TYPED_INPUT_BLOCK, {}).get(blocks.TYPED_INPUT_ACTION, {})
        user = body["user"]
        who = player(context, user["id"], user.get("name") or user.get("username") or "")
        receipt = await quiz.answer(int(round_text), who, str(text.get("value") or ""))
        if mark == blocks.PRIVATE_MARK and receipt.outcome is not None:
            await bot.announce(receipt.outcome, client=client)  # the reveal says it all
        else:
            await deliver_receipt(client, channel, who.user, receipt)

    # --- flashcards ----------------------------------------------------------------------

    async def show_card(
        body: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
        card: FlashcardView,
        bank: str,
        show_back: bool,
    ) -> None:
        """Replace the clicked card message: ephemeral through response_url, else chat.update."""
        content = blocks.flashcard_message(card, bank, show_back=show_back)
        container = body.get("container", {})
        if container.get("is_ephemeral") or not container.get("message_ts"):
            await respond(replace_original=True, response_type="ephemeral", **content)
        else:
            await client.chat_update(
                channel=container["channel_id"], ts=container["message_ts"], **content
            )

    def card_value(action: dict[str, Any]) -> tuple[str, int] | None:
        bank, _, card_text = str(action.get("value", "")).rpartition(":")
        return (bank, int(card_text)) if card_text.isdigit() else None

    async def card_action(
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
        call: Callable[[PlayerRef, int], Awaitable[FlashcardView]],
        *,
        show_back: bool,
    ) -> None:
        """A flashcard button: ask the core for the card to show, then show it in place."""
        value = card_value(action)
        if value is None:
            return
        bank, card_id = value
        user = body["user"]
        who = player(context, user["id"], user.get("name") or user.get("username") or "")
        try:
            card = await call(who, card_id)
        except QuizbotError as exc:
            await respond(replace_original=False, text=blocks.escape(_sentence(str(exc))))
            return
        await show_card(body, client, respond, card, bank, show_back=show_back)

    @app.action(blocks.FLASH_SHOW_ACTION)
    async def on_flash_show(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        await card_action(body, action, client, context, respond, quiz.flashcard, show_back=True)

    @app.action(RATE_ACTION)
    async def on_flash_rate(
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
            return await quiz.rate_flashcard(who, card_id, rating)

        await card_action(body, action, client, context, respond, rate, show_back=False)

    # --- the Home tab --------------------------------------------------------------------

    @app.event("app_home_opened")
    async def on_home_opened(
        event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        if event.get("tab", "home") != "home":
            return
        user = event["user"]
        await home.publish(bot, client, player(context, user))

    @app.action(blocks.HOME_FLASHCARDS_ACTION)
    async def on_home_flashcards(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        user = body["user"]
        who = player(context, user["id"], user.get("name") or user.get("username") or "")
        bank = str(action.get("value") or "")
        try:
            card = await quiz.next_flashcard(who, bank=bank or None)
        except QuizbotError as exc:
            card_message = blocks.notice(blocks.escape(_sentence(str(exc))))
        else:
            card_message = blocks.flashcard_message(card, bank)
        dm = await bot.private_channel(client, who.workspace, who.user)
        await client.chat_postMessage(channel=dm, **card_message)

    @app.action(blocks.HOME_MISTAKES_ACTION)
    async def on_home_mistakes(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        await ack()
        user = body["user"]
        who = player(context, user["id"], user.get("name") or user.get("username") or "")
        text = await study.start_review(bot, client, who)
        if text == study.NO_MISTAKES or text.startswith(":warning:"):
            # Nothing was posted in the DM: say why there.
            dm = await bot.private_channel(client, who.workspace, who.user)
            await client.chat_postMessage(channel=dm, **blocks.notice(text))
