"""The Telegram surface: what the conductor asks of Telegram, done with the Bot API.

Questions are HTML messages with an inline keyboard, reveals edit them, results and the
end of a daily question are new messages; a review of mistakes lives in the player's
private chat with the bot. Flood limits are waited out by python-telegram-bot's rate
limiter (it retries after Telegram's ``retry_after``); a refusal that stays until someone
acts (the bot removed from the group, its right to post taken away, a user who never
started the bot) becomes :class:`~adapters.kit.surface.PostRefused`, its reason in the
current language (the conductor's: a group's around its posts).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

from telegram import Bot, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden

from adapters.kit import words
from adapters.kit.images import Pictures
from adapters.kit.surface import Capabilities, PostRefused
from adapters.telegram import lobby, render
from adapters.telegram.pictures import send_picture
from adapters.telegram.refs import PLATFORM, split_channel
from bot.i18n import N_, _
from bot.views import ChannelRef, LobbyView, QuestionView, QuizResults, RoundOutcome

log = logging.getLogger(__name__)

T = TypeVar("T")
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
NOT_STARTED = N_("start a private chat with me first (open me and tap Start)")
#: Telegram's refusals (by a part of their description) and what to tell a person (shown
#: with ``_()``).
REFUSALS: tuple[tuple[str, str, bool], ...] = (
    ("bot can't initiate conversation", NOT_STARTED, False),
    ("bot was blocked by the user", N_("you blocked me: unblock me in our private chat"), False),
    ("bot was kicked", N_("I was removed from this group"), True),
    ("bot is not a member", N_("I am not a member of this group any more"), True),
    (
        "not enough rights",
        N_("I am not allowed to send messages here: make me able to post"),
        False,
    ),
    ("chat not found", N_("this chat is gone"), True),
    ("message thread not found", N_("this topic is gone"), True),
    ("TOPIC_CLOSED", N_("this topic is closed"), False),
)


def refusal(exc: Exception) -> PostRefused | None:
    """The refusal a Bot API error stands for (its reason in the current language), or None
    for a passing failure."""
    if isinstance(exc, ChatMigrated):
        return PostRefused(_("this group became a supergroup: start again there"), gone=True)
    if not isinstance(exc, Forbidden | BadRequest):
        return None
    for fragment, reason, gone in REFUSALS:
        if fragment.lower() in exc.message.lower():
            return PostRefused(_(reason), gone=gone)
    if isinstance(exc, Forbidden):
        return PostRefused(_("Telegram refused: {reason}").format(reason=exc.message))
    return None


def message_ref(message: Message) -> str:
    return f"{message.chat_id}:{message.message_id}"


def parse_message_ref(ref: str) -> tuple[int, int]:
    chat, _sep, message = ref.rpartition(":")
    return int(chat), int(message)


class TelegramSurface:
    """The conductor's view of Telegram (see :class:`adapters.kit.surface.Surface`)."""

    platform = PLATFORM
    capabilities = Capabilities(
        private_chats=True,
        live_counts=False,  # every edit counts against a group's 20 messages a minute
        lobby=True,
    )

    def __init__(self, bot: Bot, pictures: Pictures | None = None) -> None:
        self.bot = bot
        #: Stored pictures' bytes, uploaded as photos before the questions that show them.
        self.pictures = pictures

    async def _call(self, call: Awaitable[T]) -> T:
        try:
            return await call
        except (Forbidden, BadRequest, ChatMigrated) as exc:
            refused = refusal(exc)
            if refused is not None:
                raise refused from None
            raise

    async def send(self, where: ChannelRef, text: str, **extra: Any) -> Message:
        """An HTML message in a channel (a group, one of its topics, or a private chat)."""
        chat, thread = split_channel(where.channel)
        return await self._call(
            self.bot.send_message(
                chat,
                text,
                parse_mode=ParseMode.HTML,
                message_thread_id=thread,
                link_preview_options=NO_PREVIEW,
                **extra,
            )
        )

    async def post_question(self, question: QuestionView) -> str:
        if question.image is not None:
            chat, thread = split_channel(question.channel.channel)
            await self._call(
                send_picture(self.bot, chat, question.image, self.pictures, thread=thread)
            )
        message = await self.send(
            question.channel,
            render.question_text(question),
            reply_markup=render.question_keyboard(question),
        )
        return message_ref(message)

    async def post_lobby(self, view: LobbyView) -> str:
        message = await self.send(view.channel, lobby.text(view), reply_markup=lobby.keyboard(view))
        return message_ref(message)

    async def edit_lobby(self, view: LobbyView) -> None:
        if view.message_ref is None:
            return
        chat, message_id = parse_message_ref(view.message_ref)
        try:
            await self._call(
                self.bot.edit_message_text(
                    lobby.text(view),
                    chat_id=chat,
                    message_id=message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=lobby.keyboard(view),
                    link_preview_options=NO_PREVIEW,
                )
            )
        except BadRequest as exc:
            if "not modified" not in exc.message:
                raise

    async def reveal(self, outcome: RoundOutcome, *, stopped: bool = False) -> None:
        text = render.reveal_text(outcome, stopped=stopped)
        if outcome.message_ref:
            chat, message_id = parse_message_ref(outcome.message_ref)
            try:
                await self._call(
                    self.bot.edit_message_text(
                        text,
                        chat_id=chat,
                        message_id=message_id,
                        parse_mode=ParseMode.HTML,
                        link_preview_options=NO_PREVIEW,
                    )
                )
                return
            except BadRequest as exc:
                if "not modified" in exc.message:
                    return
                if "not found" not in exc.message and "can't be edited" not in exc.message:
                    raise
                log.info("question message %s is gone; posting the answer", outcome.message_ref)
        await self.send(outcome.channel, text)

    async def post_results(self, results: QuizResults) -> None:
        await self.send(results.channel, render.results_text(results))

    async def end_daily(self, outcome: RoundOutcome) -> None:
        await self.send(outcome.channel, words.daily_end(outcome, render.HTML))

    async def open_private(self, where: ChannelRef, user: str) -> str:
        return user  # a user's private chat with the bot has the user's id

    async def tell(self, where: ChannelRef, user: str, text: str) -> None:
        """A line in the user's private chat with the bot."""
        await self.send(ChannelRef(PLATFORM, where.workspace, user), render.code(text))

    def owns(self, workspace: str) -> bool:
        return True  # every process serves every workspace
