"""The Discord client: gateway connection, slash commands, persistent buttons, the ticker.

:class:`QuizClient` is a :class:`discord.AutoShardedClient` (one shard unless Discord or the
settings say otherwise) that owns no game state: everything is in the database behind
:class:`bot.services.QuizApp`, so after a restart the buttons of earlier messages still work
(dynamic items parse their custom ids) and the ticker closes whatever rounds fell due and
posts the daily questions that are due.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from adapters.discord import commands, render
from adapters.discord.announcer import Announcer
from adapters.discord.refs import PLATFORM, channel_ref, player_ref
from adapters.discord.views import DYNAMIC_ITEMS, handle_modal_submit
from bot.config import Settings
from bot.errors import QuizbotError
from bot.ticker import Ticker
from bot.views import AnswerStatus

if TYPE_CHECKING:
    from bot.services import QuizApp

log = logging.getLogger(__name__)

RECORDED_REACTION = "📝"


def quizbot_intents(message_content: bool) -> discord.Intents:
    """Guilds (channels, roles) and guild messages; message content only when asked for."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = message_content
    return intents


class QuizClient(discord.AutoShardedClient):
    """quizbot on Discord: serves commands, clicks and typed answers through one QuizApp."""

    def __init__(
        self,
        app: QuizApp,
        settings: Settings,
        *,
        message_content: bool = True,
        sync_commands: bool = True,
        run_ticker: bool = True,
        ticker_interval: float = 1.0,
        **options: Any,
    ) -> None:
        shard_ids = list(settings.discord_shard_ids) if settings.discord_shard_ids else None
        super().__init__(
            intents=quizbot_intents(message_content),
            allowed_mentions=render.NO_MENTIONS,
            shard_count=settings.discord_shard_count,
            shard_ids=shard_ids,
            **options,
        )
        self.quiz_app = app
        self.settings = settings
        self.message_content = message_content
        self.sync_commands = sync_commands
        self.run_ticker = run_ticker
        self.tree: app_commands.CommandTree[QuizClient] = app_commands.CommandTree(self)
        commands.install(self.tree)  # type: ignore[arg-type]
        self.announcer = Announcer(self, app)
        self.ticker = Ticker(
            app,
            PLATFORM,
            self.announcer.announce,
            interval=ticker_interval,
            post=self.announcer.post_daily,
        )

    async def setup_hook(self) -> None:
        """Register the persistent buttons and commands; resume running quizzes."""
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        if self.sync_commands:
            try:
                synced = await self.tree.sync()
                log.info("registered %d slash commands", len(synced))
            except discord.HTTPException:
                log.exception("could not register the slash commands; using the existing ones")
        open_rounds = await self.quiz_app.open_rounds(PLATFORM)
        if open_rounds:
            # Nothing to rebuild: their buttons are dynamic items, and the ticker closes
            # whichever of them fell due while the bot was away.
            log.info("resuming %d open rounds", len(open_rounds))
        for view, _ref in open_rounds:
            self.announcer.round_opened(view)
        if self.run_ticker:
            await self.ticker.start()
            log.info(
                "ticker started (every %.1f s): deadlines and daily questions", self.ticker.interval
            )

    async def close(self) -> None:
        """Stop the ticker (finishing its pass), then disconnect. See also
        :func:`adapters.discord.lifecycle.shut_down`, which first lets work in flight end."""
        try:
            await self.ticker.stop()
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # this close is being cancelled
            # else the ticker's pass was cancelled by a shutdown that ran out of time
        await super().close()

    async def on_ready(self) -> None:
        log.info("connected to Discord as %s in %d servers", self.user, len(self.guilds))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.modal_submit:
            await handle_modal_submit(interaction)

    async def on_message(self, message: discord.Message) -> None:
        """A message in a channel with an open typed-answer round answers it."""
        if message.author.bot or message.guild is None or not message.content:
            return
        if not self.announcer.watches(message.channel.id):
            return
        where = channel_ref(message.guild.id, message.channel.id)
        who = player_ref(message.guild.id, message.author)
        try:
            receipt = await self.quiz_app.answer_text(where, who, message.content)
        except QuizbotError:
            log.debug("typed answer refused", exc_info=True)
            return
        if receipt is None:
            return
        if receipt.status is AnswerStatus.RECORDED:
            try:
                await message.add_reaction(RECORDED_REACTION)
            except discord.HTTPException:
                log.debug("could not react to a typed answer", exc_info=True)
        if receipt.outcome is not None:
            await self.announcer.announce(receipt.outcome)

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        log.exception("error in %s; carrying on", event_method)
