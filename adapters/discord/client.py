"""The Discord client: the gateway connection, the cog, the conductor and its ticker.

:class:`QuizClient` is a :class:`discord.ext.commands.AutoShardedBot` (one shard unless
Discord or the settings say otherwise) that owns no game state: everything is in the
database behind :class:`bot.services.QuizApp`, so after a restart the buttons of earlier
messages still work (the cog parses their custom ids) and the ticker closes whatever rounds
fell due and posts the daily questions that are due. It has no prefix commands: everything
is a slash command or a button, served by :class:`adapters.discord.cog.QuizCog`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from adapters.discord import render
from adapters.discord.cog import QuizCog
from adapters.discord.localized import CatalogTranslator
from adapters.discord.refs import PLATFORM
from adapters.discord.settings import DiscordSettings
from adapters.discord.surface import DiscordSurface
from adapters.kit.conductor import Conductor
from adapters.kit.dispatch import Dispatcher
from bot.ticker import Ticker

if TYPE_CHECKING:
    from bot.services import QuizApp

log = logging.getLogger(__name__)


def quizbot_intents(message_content: bool) -> discord.Intents:
    """Guilds (channels, roles) and guild messages; message content only when asked for.

    Guilds: the server cache (interactions name their guild) and GUILD_DELETE, which stops a
    removed server's quizzes. Guild messages (with Message Content): typed answers in the
    channel. No members intent (privileged; players come with each interaction and message),
    no presences, reactions, voice, DMs...: Discord does not even send those events.
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = message_content
    return intents


def cache_options() -> dict[str, Any]:
    """discord.py's caches, set for what quizbot reads (docs/DISCORD.md, "Memory and caches").

    quizbot reads no cached message (it posts and edits by id, through partial messages,
    and each interaction carries its message) and no member list, so: no message cache
    (discord.py keeps the last 1,000 messages it sees by default), no member cache beyond
    the bot's own member, and no member chunking at start-up (which would need the
    privileged members intent and one gateway request per guild). What stays is the guild,
    channel and role cache the guilds intent fills, about 5 KB a guild.
    """
    return {
        "max_messages": None,
        "member_cache_flags": discord.MemberCacheFlags.none(),
        "chunk_guilds_at_startup": False,
    }


class QuizClient(commands.AutoShardedBot):
    """quizbot on Discord: serves commands, clicks and typed answers through one QuizApp."""

    def __init__(
        self,
        app: QuizApp,
        settings: DiscordSettings,
        *,
        message_content: bool = True,
        sync_commands: bool = True,
        run_ticker: bool = True,
        ticker_interval: float = 1.0,
        **options: Any,
    ) -> None:
        settings = settings.resolved()
        shard_ids = list(settings.shard_ids) if settings.shard_ids else None
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=quizbot_intents(message_content),
            allowed_mentions=render.NO_MENTIONS,
            shard_count=settings.shard_count,
            shard_ids=shard_ids,
            **{**cache_options(), **options},
        )
        self.quiz_app = app
        self.settings = settings
        self.message_content = message_content
        self.sync_commands = sync_commands
        self.run_ticker = run_ticker
        self.surface = DiscordSurface(self)
        self.conductor = Conductor(app, self.surface, ticker_interval=ticker_interval)
        self.dispatcher = Dispatcher(self.conductor)

    @property
    def ticker(self) -> Ticker:
        return self.conductor.ticker

    async def setup_hook(self) -> None:
        """Add the cog and register the commands; resume running quizzes."""
        cog = QuizCog(
            self.conductor.app,  # the core as players reach it (a polite "try again")
            self.surface,
            self.conductor,
            self.dispatcher,
            self.settings.moderator_role,
        )
        await self.add_cog(cog)
        await self.tree.set_translator(CatalogTranslator())
        if self.sync_commands:
            await self.register_commands()
        open_rounds = await self.quiz_app.open_rounds(PLATFORM)
        if open_rounds:
            # Nothing to rebuild: their buttons carry their ids, and the ticker closes
            # whichever of them fell due while the bot was away.
            log.info("resuming %d open rounds", len(open_rounds))
        for view, _ref in open_rounds:
            self.surface.round_opened(view)
        if self.run_ticker:
            await self.conductor.start()

    async def register_commands(self) -> None:
        """Register the slash commands with Discord, only when they changed since the last
        registration (Discord limits how often an application may do it; with several
        workers, the first to start after a deploy registers them). The payload compared is
        the one sent, with its localizations (a changed translation registers them again)."""
        payload = await self.command_payload()
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        key = f"discord:commands:{self.application_id}"
        if await self.quiz_app.remembered(key) == digest:
            log.info("slash commands unchanged: not registered again")
            return
        try:
            synced = await self.tree.sync()
        except discord.HTTPException:
            log.exception("could not register the slash commands; using the existing ones")
            return
        await self.quiz_app.remember(key, digest)
        log.info("registered %d slash commands", len(synced))

    async def command_payload(self) -> list[dict[str, Any]]:
        """The slash commands as :meth:`discord.app_commands.CommandTree.sync` sends them."""
        translator = self.tree.translator
        commands_ = self.tree.get_commands()
        if translator is None:
            return [command.to_dict(self.tree) for command in commands_]
        return [
            await command.get_translated_payload(self.tree, translator) for command in commands_
        ]

    async def close(self) -> None:
        """Stop the ticker (finishing its pass), then disconnect."""
        try:
            await self.conductor.stop()
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # this close is being cancelled
        await super().close()

    async def on_ready(self) -> None:
        log.info("connected to Discord as %s in %d servers", self.user, len(self.guilds))

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands (the cog reads typed answers)."""

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        log.exception("error in %s; carrying on", event_method)
