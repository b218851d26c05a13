"""Telegram updates: ``/quiz`` and ``/flashcards``, button presses, typed answers, ``/start``,
and the bot's own membership of groups.

- ``/quiz ...`` (and ``/quiz@thisbot ...``) is parsed by the kit's command model and run by
  its dispatcher; ``/flashcards [bank]`` is ``/quiz flashcards``.
- What is personal (stats, flashcards, a review of mistakes) goes to the user's private
  chat with the bot. If they never started it, the group gets a button that opens that
  chat with a deep link (``/start mistakes_<group>``), which runs the command there for
  that group. Everything else is answered where the command was typed.
- A button's press is answered at once with ``answerCallbackQuery`` (the clicker's receipt);
  an answer is accepted only from the chat its question is in.
- A typed question is answered by replying to it (a bot in privacy mode still sees
  replies to its own messages); the answer gets a reaction as its receipt.
- Moderators are the chat's administrators (``getChatMember``).

Languages: a button press and a typed answer are handled in the player's language (their
``language_code``, else the chat's), so a press's receipt, a flashcard and a private review
are in it; what the conductor posts in a group is in the group's. A command is run in the
language of the chat its answer is shown in: a group has no replies only one member sees,
so whatever the bot answers there is public and in the group's language (help, banks, the
settings, a refusal, the button that opens the private chat); what goes to the player's
private chat (stats, flashcards, a review, a hint) is in the player's. One exception: a
refusal or a short notice of such a personal command (a second hint, no mistakes to review)
is shown in the group in the player's language, the language the command ran in.

:meth:`TelegramHandlers.refusal` is the one place a :class:`~bot.errors.QuizbotError` becomes
what a user is told on Telegram (a reply to a command, or a button's receipt).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from telegram import (
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReactionTypeEmoji,
    Update,
    User,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from adapters.kit import commands, rendering, texts, words
from adapters.kit.dispatch import HintGiven, Notice, Reply, Request, ReviewStarted
from adapters.kit.lobby import joined
from adapters.telegram import lobby, render
from adapters.telegram.pictures import send_picture
from adapters.telegram.refs import (
    PLATFORM,
    is_group,
    message_channel,
    player,
)
from adapters.telegram.surface import NO_PREVIEW, NOT_STARTED
from bot.errors import QuizbotError
from bot.i18n import _, current_language, use_language
from bot.services.answering import TOO_LATE
from bot.views import (
    AnswerReceipt,
    AnswerStatus,
    Begun,
    FlashcardView,
    PlayerStats,
    QuestionView,
)

if TYPE_CHECKING:
    from telegram import MaybeInaccessibleMessage
    from telegram.ext import Application

    from adapters.kit.conductor import Conductor
    from adapters.kit.dispatch import Dispatcher
    from adapters.telegram.surface import TelegramSurface
    from bot.services import QuizApp
    from bot.views import ChannelRef

log = logging.getLogger(__name__)

RECORDED_REACTION = "✍"
#: Deep-link payloads of ``/start`` (``<kind>_<workspace>``), and the command each runs.
DEEP_LINKS: dict[str, commands.Command] = {
    "mistakes": commands.Mistakes(),
    "stats": commands.Stats(),
    "flashcards": commands.Flashcards(),
}
RECEIPT = words.Markup(escape=str, bold=str, italic=str, emoji={"recorded": "✅"})
#: Views that are one person's own: shown in their private chat, never in a group.
PERSONAL = (PlayerStats, FlashcardView, ReviewStarted, QuestionView, HintGiven)
MODERATOR_STATUSES = {ChatMember.OWNER, ChatMember.ADMINISTRATOR}
#: Commands whose answer goes to the asker's private chat: run in the asker's language.
PERSONAL_COMMANDS = (commands.Stats, commands.Flashcards, commands.Mistakes, commands.Hint)


def receipt_text(receipt: AnswerReceipt) -> str:
    """A press's receipt (plain text: answerCallbackQuery shows no markup)."""
    return words.receipt(receipt, RECEIPT)


class TelegramHandlers:
    """The bot's handlers, holding the core and the kit's conductor and dispatcher."""

    def __init__(
        self,
        app: QuizApp,
        conductor: Conductor,
        dispatcher: Dispatcher,
        surface: TelegramSurface,
    ) -> None:
        self.app = app
        self.conductor = conductor
        self.dispatcher = dispatcher
        self.surface = surface
        self.bot = surface.bot

    def register(self, application: Application) -> None:  # type: ignore[type-arg]
        application.add_handler(CommandHandler("quiz", self.on_quiz))
        application.add_handler(CommandHandler("flashcards", self.on_flashcards))
        application.add_handler(CommandHandler("start", self.on_start))
        application.add_handler(CommandHandler("help", self.on_help))
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(
            ChatMemberHandler(self.on_membership, ChatMemberHandler.MY_CHAT_MEMBER)
        )
        application.add_handler(
            MessageHandler(filters.REPLY & filters.TEXT & ~filters.COMMAND, self.on_reply)
        )
        application.add_error_handler(self.on_error)

    # -- commands ---------------------------------------------------------------------------

    async def on_quiz(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.command(update, commands.parse(" ".join(context.args or [])))

    async def on_flashcards(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = context.args or []
        bank = args[0].lower() if len(args) == 1 else None
        await self.command(update, commands.Flashcards(bank=bank))

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.command(update, commands.Help())

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/start`` in the private chat: a deep link from a group runs its command here,
        for that group; a plain start says what the bot does."""
        message = update.effective_message
        if message is None or is_group(message.chat):
            return
        payload = (context.args or [""])[0]
        kind, _sep, workspace = payload.partition("_")
        command = DEEP_LINKS.get(kind)
        if command is None or not workspace.lstrip("-").isdigit():
            await self.command(update, commands.Help())
            return
        await self.command(update, command, workspace=workspace)

    async def command(
        self, update: Update, command: commands.Command, *, workspace: str | None = None
    ) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        where = message_channel(message, workspace)
        request = Request(where, player(user, where.workspace), self._moderator(message, user))
        with use_language(await self.command_language(command, where, message, user)):
            await self.run(command, request, message, user)

    async def command_language(
        self, command: commands.Command, where: ChannelRef, message: Message, user: User
    ) -> str:
        """The language a command runs in: the group's when its answer is shown in the group
        (public there), else the player's (``language_code``, else the chat's)."""
        if is_group(message.chat) and not isinstance(command, PERSONAL_COMMANDS):
            return await self.conductor.languages.of_channel(where)
        return await self.conductor.languages.for_player(where, user.language_code)

    async def player_language(
        self, message: MaybeInaccessibleMessage | Message | None, user: User
    ) -> str:
        """The language of what only ``user`` sees: their ``language_code``, else the
        language of the chat the message is in."""
        where = message_channel(message) if isinstance(message, Message) else None
        return await self.conductor.languages.for_player(where, user.language_code)

    def _moderator(self, message: Message, user: User):  # type: ignore[no-untyped-def]
        async def is_moderator() -> bool:
            if not is_group(message.chat):
                return True  # one's own private chat
            try:
                member = await self.bot.get_chat_member(message.chat.id, user.id)
            except TelegramError:
                log.warning("getChatMember failed for %s", user.id, exc_info=True)
                return False
            return member.status in MODERATOR_STATUSES

        return is_moderator

    async def run(
        self, command: commands.Command, request: Request, message: Message, user: User
    ) -> None:
        """Run a command and show its reply; a user's error is told to them here."""
        try:
            reply = await self.dispatcher.run(command, request)
        except QuizbotError as error:
            reply = Reply(Notice(self.refusal(error)), language=current_language())
        if reply is not None:
            await self.show(reply, request, message, user, command)

    @staticmethod
    def refusal(error: QuizbotError) -> str:
        """The one place an error a user caused becomes what they are told on Telegram."""
        return texts.sentence(str(error))

    # -- showing replies ---------------------------------------------------------------------

    async def show(
        self,
        reply: Reply,
        request: Request,
        message: Message,
        user: User,
        command: commands.Command,
    ) -> None:
        """Show a reply: what is personal in the user's private chat (or, if they never
        started it, a button to open it, in the group's language), the rest where the
        command was typed (in ``reply.language``). Run in the command's language."""
        group = is_group(message.chat)
        not_started = isinstance(reply.view, Notice) and (
            _(NOT_STARTED).lower() in reply.view.text.lower()
        )
        with use_language(reply.language):
            text = rendering.render(reply.view, render.RENDERER)
            markup = None
            if isinstance(reply.view, FlashcardView):
                markup = render.flashcard_keyboard(reply.view, workspace=request.who.workspace)
        image = reply.view.image if isinstance(reply.view, FlashcardView | QuestionView) else None
        if group and isinstance(reply.view, PERSONAL):
            try:
                await send_picture(self.bot, user.id, image, self.surface.pictures)
                await self.bot.send_message(
                    user.id,
                    text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    link_preview_options=NO_PREVIEW,
                )
                return
            except Forbidden:
                text, markup = await self._open_private_chat(request, command)
        elif group and not_started:
            text, markup = await self._open_private_chat(request, command)
        else:
            await send_picture(
                self.bot,
                message.chat.id,
                image,
                self.surface.pictures,
                thread=message.message_thread_id if message.is_topic_message else None,
            )
        await message.reply_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup, link_preview_options=NO_PREVIEW
        )

    async def _open_private_chat(
        self, request: Request, command: commands.Command
    ) -> tuple[str, InlineKeyboardMarkup]:
        """The group's message (public, so in the group's language) with a button that opens
        the private chat and runs ``command`` there."""
        kind = next((k for k, c in DEEP_LINKS.items() if type(c) is type(command)), "stats")
        link = f"https://t.me/{self.bot.username}?start={kind}_{request.where.workspace}"
        async with self.conductor.in_language_of(request.where):
            button = InlineKeyboardButton(_("Open our private chat"), url=link)
            text = _(
                "That is just for you, so it goes to our private chat: open it with the button "
                "and tap Start."
            )
        return render.esc(text), InlineKeyboardMarkup([[button]])

    # -- buttons ----------------------------------------------------------------------------

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer the press at once (its receipt, in the presser's language), then what the
        answer set off (a reveal, the next question: in the group's language): Telegram gives
        up on a query left unanswered for seconds."""
        query, user = update.callback_query, update.effective_user
        if query is None or query.data is None or user is None:
            return
        with use_language(await self.player_language(query.message, user)):
            await self.pressed(update, query.data)

    async def pressed(self, update: Update, data: str) -> None:
        """A button press, in the presser's language (see :meth:`on_button`)."""
        query = update.callback_query
        assert query is not None
        kind, _sep, rest = data.partition(":")
        receipt, begun, alert = None, None, False
        try:
            if kind in (lobby.JOIN, lobby.START):
                text, begun = await self.lobby_button(update, kind, rest)
            elif kind == render.ANSWER:
                receipt = await self.answer_button(update, rest)
                text = receipt_text(receipt) if receipt is not None else ""
            elif kind in (render.SHOW_CARD, render.RATE_CARD):
                text = await self.card_button(update, kind, rest)
            else:
                text = ""
        except QuizbotError as error:
            text, alert = self.refusal(error), kind == lobby.START  # a refused Start: an alert
        try:
            await query.answer(render.cut(text, 200) if text else None, show_alert=alert)
        except BadRequest:
            log.info("a button press was answered too late to show its receipt")
        if receipt is not None:
            await self.conductor.answered(receipt)
        if begun is not None:
            await self.conductor.began(begun)

    async def lobby_button(self, update: Update, kind: str, rest: str) -> tuple[str, Begun | None]:
        """Join (its receipt says so), or Start: the game that begins (question 1 is posted
        once the press is answered); NotAllowedError for anyone but the starter or a
        moderator."""
        query, user = update.callback_query, update.effective_user
        assert query is not None and user is not None
        if not rest.isdigit() or query.message is None:
            return "", None
        where = message_channel(query.message)  # type: ignore[arg-type]
        who = player(user, where.workspace)
        if kind == lobby.JOIN:
            await self.conductor.join(int(rest), who, where)
            return joined(), None
        moderator = self._moderator(query.message, user)  # type: ignore[arg-type]
        return "", await self.conductor.begin_now(int(rest), who, where, moderator)

    async def answer_button(self, update: Update, rest: str) -> AnswerReceipt | None:
        """Record a pressed option; None for a press that is no answer."""
        query, user = update.callback_query, update.effective_user
        assert query is not None and user is not None
        round_text, _sep, label = rest.partition(":")
        if not round_text.isdigit() or query.message is None:
            return None
        view = await self.app.round_view(int(round_text))
        if view is None:
            raise QuizbotError(_(TOO_LATE))
        workspace = view.channel.workspace
        where = message_channel(query.message, workspace)  # type: ignore[arg-type]
        return await self.app.answer(view.round_id, player(user, workspace), label, where)

    async def card_button(self, update: Update, kind: str, rest: str) -> str:
        query, user = update.callback_query, update.effective_user
        assert query is not None and user is not None
        parts = rest.split(":")
        if not parts[0].isdigit() or query.message is None:
            return ""
        card_id, workspace = int(parts[0]), parts[-1]
        who = player(user, workspace)
        if kind == render.SHOW_CARD:
            card = await self.app.flashcard(who, card_id)
            show_back = card.card_id == card_id
        else:
            card = await self.app.rate_flashcard(who, card_id, parts[1])
            show_back = False
            # The next card's picture comes first, in its own message, as for a new card.
            await send_picture(self.bot, query.message.chat.id, card.image, self.surface.pictures)
        await self.bot.edit_message_text(
            render.flashcard_text(card, show_back=show_back),
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=render.flashcard_keyboard(card, show_back=show_back, workspace=workspace),
            link_preview_options=NO_PREVIEW,
        )
        return ""

    # -- typed answers ----------------------------------------------------------------------

    async def on_reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A reply to a typed question's message answers it (in the player's language: what
        it sets off in a group is in the group's)."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or message.reply_to_message is None:
            return
        target = message.reply_to_message
        if target.from_user is None or target.from_user.id != self.bot.id:
            return
        with use_language(await self.player_language(message, user)):
            await self.typed_answer(message, target, user)

    async def typed_answer(self, message: Message, target: Message, user: User) -> None:
        """A reply to one of the bot's messages: the answer to its typed question, if any."""
        ref = f"{target.chat_id}:{target.message_id}"
        view = await self.app.round_at_message(PLATFORM, ref)
        if view is None and is_group(message.chat):
            view = await self._question_being_posted(message, target, ref)
        if view is None or not view.is_typed:
            return
        try:
            workspace = view.channel.workspace
            receipt = await self.app.answer(
                view.round_id,
                player(user, workspace),
                message.text or "",
                message_channel(message, workspace),
            )
        except QuizbotError:
            log.debug("typed answer refused", exc_info=True)
            return
        if receipt.status is AnswerStatus.RECORDED:
            try:
                await message.set_reaction(ReactionTypeEmoji(RECORDED_REACTION))
            except TelegramError:
                log.debug("could not react to a typed answer", exc_info=True)
        await self.conductor.answered(receipt)

    async def _question_being_posted(
        self, message: Message, target: Message, ref: str
    ) -> QuestionView | None:
        """The chat's typed question whose message was not recorded yet when looked up:
        updates are handled concurrently, so a quick reply can arrive while the question is
        still being posted. Only a message sent since the round opened can be it."""
        view = await self.app.open_typed_round(message_channel(message))
        if view is None or view.message_ref not in (None, ref):
            return None
        opened = view.deadline - timedelta(seconds=view.seconds)
        return view if target.date >= opened - timedelta(seconds=1) else None

    async def on_membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot removed from a group: its quizzes and daily questions stop (nothing more
        is posted there; its scores stay)."""
        change = update.my_chat_member
        if change is None or not is_group(change.chat):
            return
        if change.new_chat_member.status not in (ChatMember.LEFT, ChatMember.BANNED):
            return
        halted = await self.app.halt_workspace(PLATFORM, str(change.chat.id))
        log.info(
            "removed from Telegram group %s: stopped %d quiz(zes) and %d daily question(s)",
            change.chat.id,
            halted.quizzes,
            halted.dailies,
        )

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("a Telegram update failed", exc_info=context.error)
