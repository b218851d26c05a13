"""A lobby's buttons on Slack: Join (anyone; late joiners too) and Start (the starter, or a
moderator). Each click is acknowledged first; the quiz id is the button's value, so any
process serves it, also after a restart. A joiner is told privately through the click's
``response_url``; a refused Start is told the same way (by :func:`told`), each in the
clicker's language; the lobby message itself is in the channel's (the conductor's)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from adapters.kit import lobby
from adapters.slack import replies
from adapters.slack.listeners.actions import clicked_channel, clicker
from adapters.slack.listeners.errors import told
from adapters.slack.lobby_blocks import JOIN_ACTION, START_ACTION
from adapters.slack.refs import PLATFORM
from bot.i18n import use_language
from bot.views import ChannelRef, PlayerRef

if TYPE_CHECKING:
    from adapters.slack.app import SlackBot


class LobbyActions:
    """The Join and Start buttons of a lobby message."""

    def __init__(self, bot: SlackBot) -> None:
        self.bot = bot

    def _clicked(
        self, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> tuple[int, PlayerRef, ChannelRef] | None:
        """The quiz a button names (its value), who clicked, and where; None for a bad value."""
        value = str(action.get("value") or "")
        if not value.isdigit():
            return None
        who = clicker(self.bot, body, context)
        return int(value), who, ChannelRef(PLATFORM, who.workspace, clicked_channel(body))

    def register(self) -> None:
        self.bot.bolt.action(JOIN_ACTION)(told(self.on_join, self.bot))
        self.bot.bolt.action(START_ACTION)(told(self.on_start, self.bot))

    async def on_join(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        clicked = self._clicked(body, action, context)
        if clicked is None:
            return
        quiz_id, who, where = clicked
        language = await self.bot.language(client, who.workspace, who.user, where.channel)
        with use_language(language):
            await self.bot.conductor.join(quiz_id, who, where)
            await respond(
                response_type="ephemeral", replace_original=False, **replies.notice(lobby.joined())
            )

    async def on_start(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        clicked = self._clicked(body, action, context)
        if clicked is None:
            return
        quiz_id, who, where = clicked

        async def moderator() -> bool:
            return await self.bot.is_moderator(client, who.workspace, who.user)

        with use_language(await self.bot.language(client, who.workspace, who.user, where.channel)):
            await self.bot.conductor.begin(quiz_id, who, where, moderator)
