"""The Discord surface: what the conductor asks of Discord, done over REST.

Questions are embeds with buttons, posted in the channel; reveals edit them; results are
new messages. Everything is sent with mentions disabled. Discord's own rate limits are
waited out by discord.py; a refusal that stays until someone acts (a permission taken
away, a channel deleted) becomes :class:`~adapters.kit.surface.PostRefused`, so the
conductor stops the quiz and the starter is told once, by direct message.

The surface also remembers which channels have an open round a chat message may answer
(typed answers), so the bot looks up only those channels' messages, not every message of
every server (a guild's events all reach the one process serving its shard).
"""

from __future__ import annotations

import dataclasses
import logging

import discord

from adapters.discord import render
from adapters.discord.components import lobby_view, question_view
from adapters.discord.pictures import picture
from adapters.kit import limits
from adapters.kit.images import Pictures
from adapters.kit.lobby import lobby_text
from adapters.kit.surface import Capabilities, PostRefused
from bot.i18n import _, ngettext
from bot.views import ChannelRef, LobbyView, QuestionView, QuizResults, RoundOutcome

log = logging.getLogger(__name__)

#: Discord's JSON error codes that mean the bot cannot post there until someone acts.
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
#: What a question needs of the channel, as Discord names the permissions.
NEEDED = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
}
#: Typed answers are read from the channel's messages.
NEEDED_FOR_TYPED = {"read_message_history": "Read Message History"}


def missing_permissions(permissions: discord.Permissions, *, typed: bool = True) -> list[str]:
    """The permissions a quiz needs that ``permissions`` lacks, by their Discord names."""
    needed = {**NEEDED, **(NEEDED_FOR_TYPED if typed else {})}
    return [name for flag, name in needed.items() if not getattr(permissions, flag)]


def lacking_text(missing: list[str]) -> str:
    """Which permissions the bot lacks here (by Discord's names for them)."""
    return ngettext(
        "I need the {permissions} permission here",
        "I need the {permissions} permissions here",
        len(missing),
    ).format(permissions=", ".join(missing))


def ask_for_text(missing: list[str]) -> str:
    """What a user who started something the bot cannot do here is told."""
    return ngettext(
        "I need the {permissions} permission here: ask a moderator to grant it, then try again",
        "I need the {permissions} permissions here: ask a moderator to grant them, then try again",
        len(missing),
    ).format(permissions=", ".join(missing))


def refusal(exc: discord.HTTPException) -> PostRefused | None:
    """The refusal a Discord error stands for, or None for a passing failure."""
    if exc.code == MISSING_PERMISSIONS:
        return PostRefused(lacking_text(list(NEEDED.values())))
    if exc.code == MISSING_ACCESS:
        return PostRefused(_("I can't see this channel any more (View Channel)"))
    if exc.code == UNKNOWN_CHANNEL:
        return PostRefused(_("this channel is gone"), gone=True)
    return None


def lobby_message(lobby: LobbyView) -> dict[str, object]:
    """A lobby as a Discord message: its text (names and title with markdown escaped), with
    Join and Start until it begins."""
    escape = discord.utils.escape_markdown
    shown = dataclasses.replace(
        lobby,
        bank_title=escape(lobby.bank_title),
        starter=escape(lobby.starter),
        players=tuple(escape(name) for name in lobby.players),
        teams=tuple(
            dataclasses.replace(t, members=tuple(escape(n) for n in t.members)) for t in lobby.teams
        ),
    )
    text = render.cut(lobby_text(shown), limits.DISCORD_CONTENT)
    return {"content": text, "view": lobby_view(lobby)}


class DiscordSurface:
    """The conductor's view of Discord (see :class:`adapters.kit.surface.Surface`)."""

    platform = "discord"
    capabilities = Capabilities(
        private_chats=False,  # a review is a run of ephemeral replies to its player
        live_counts=True,
        lobby=True,
    )

    def __init__(self, client: discord.Client) -> None:
        self.client = client
        app = getattr(client, "quiz_app", None)
        #: Stored pictures' bytes, uploaded with the questions that show them.
        self.pictures = Pictures(app) if app is not None else None
        #: Channels with a running quiz, and channels whose daily question is open.
        self.quiz_channels: set[int] = set()
        self.daily_channels: set[int] = set()

    def channel(self, where: ChannelRef) -> discord.PartialMessageable:
        """A channel to send to, by id alone (no cache needed)."""
        guild = int(where.workspace) if where.workspace else None
        return self.client.get_partial_messageable(int(where.channel), guild_id=guild)

    # -- which channels' messages may answer a typed question ----------------------------

    def watches(self, channel_id: int) -> bool:
        return channel_id in self.quiz_channels or channel_id in self.daily_channels

    def round_opened(self, question: QuestionView) -> None:
        if question.private_to:
            return  # reviews are answered with buttons only
        table = self.daily_channels if question.mode == render.DAILY else self.quiz_channels
        table.add(int(question.channel.channel))

    def quiz_ended(self, where: ChannelRef) -> None:
        self.quiz_channels.discard(int(where.channel))

    # -- the surface ----------------------------------------------------------------------

    async def _send(self, where: ChannelRef, **content: object) -> discord.Message:
        try:
            return await self.channel(where).send(allowed_mentions=render.NO_MENTIONS, **content)  # type: ignore[arg-type]
        except discord.HTTPException as exc:
            refused = refusal(exc)
            if refused is not None:
                raise refused from None
            raise

    async def post_question(self, question: QuestionView) -> str:
        embed = render.question_embed(question)
        url, file = await picture(self.pictures, question.image)
        if url is not None:
            embed.set_image(url=url)
        message = await self._send(
            question.channel,
            embed=embed,
            view=question_view(question),
            **({"file": file} if file is not None else {}),
        )
        self.round_opened(question)
        return str(message.id)

    async def post_lobby(self, lobby: LobbyView) -> str:
        message = await self._send(lobby.channel, **lobby_message(lobby))
        return str(message.id)

    async def edit_lobby(self, lobby: LobbyView) -> None:
        if lobby.message_ref is None:
            return
        message = self.channel(lobby.channel).get_partial_message(int(lobby.message_ref))
        try:
            await message.edit(allowed_mentions=render.NO_MENTIONS, **lobby_message(lobby))
        except discord.HTTPException as exc:
            raise refusal(exc) or exc from None

    async def edit_count(
        self, where: ChannelRef, message_id: int, embed: discord.Embed, answered: int
    ) -> None:
        """Show ``answered`` under a question (its current ``embed`` as the base)."""
        await (
            self.channel(where)
            .get_partial_message(message_id)
            .edit(
                embed=render.with_answer_count(embed, answered), allowed_mentions=render.NO_MENTIONS
            )
        )

    async def reveal(self, outcome: RoundOutcome, *, stopped: bool = False) -> None:
        embed = render.reveal_embed(outcome)
        if outcome.image is not None and outcome.image.url:
            embed.set_image(url=outcome.image.url)  # an uploaded picture stays on the message
        if stopped:
            embed = render.stopped_embed(embed)
        if outcome.message_ref:
            try:
                message = self.channel(outcome.channel).get_partial_message(
                    int(outcome.message_ref)
                )
                await message.edit(embed=embed, view=None, allowed_mentions=render.NO_MENTIONS)
                return
            except discord.HTTPException as exc:
                if exc.code != UNKNOWN_MESSAGE:
                    raise refusal(exc) or exc from None
                log.info("question message %s is gone; posting the answer", outcome.message_ref)
        await self._send(outcome.channel, embed=embed)

    async def post_results(self, results: QuizResults) -> None:
        self.quiz_ended(results.channel)
        await self._send(results.channel, embed=render.results_embed(results))

    async def end_daily(self, outcome: RoundOutcome) -> None:
        # One question a day: the reveal shows who got it; no results table follows.
        self.daily_channels.discard(int(outcome.channel.channel))

    async def open_private(self, where: ChannelRef, user: str) -> str:
        raise PostRefused(_("reviews on Discord are shown in replies only you can see"))

    async def tell(self, where: ChannelRef, user: str, text: str) -> None:
        """A direct message to ``user`` (Discord has no ephemeral message outside a reply)."""
        direct = await self.client.create_dm(discord.Object(int(user)))
        await direct.send(text, allowed_mentions=render.NO_MENTIONS)

    def owns(self, workspace: str) -> bool:
        """A server of this process's shards (a sharded bot's other workers serve the rest),
        by Discord's rule: shard = (server id >> 22) % shard count."""
        shard_ids = getattr(self.client, "shard_ids", None)
        count = getattr(self.client, "shard_count", None)
        if not shard_ids or not count or not workspace.isdigit():
            return True  # this process runs every shard
        return (int(workspace) >> 22) % count in shard_ids
