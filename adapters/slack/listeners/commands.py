"""``/quiz``: the words after it are parsed by the kit's command model and run by its
dispatcher; the reply is rendered by :mod:`adapters.slack.replies`.

The command runs in its user's language (their Slack locale, else the channel's), asked
once the command is acknowledged; the reply is rendered in the language the dispatcher says
(the channel's for a public one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from adapters.kit import commands
from adapters.kit.dispatch import Request
from adapters.slack import replies
from adapters.slack.listeners.errors import told
from adapters.slack.refs import PLATFORM, workspace_of
from bot.i18n import use_language
from bot.views import ChannelRef

if TYPE_CHECKING:
    from adapters.slack.app import SlackBot


class QuizCommand:
    """The ``/quiz`` slash command and its subcommands."""

    def __init__(self, bot: SlackBot) -> None:
        self.bot = bot

    def register(self) -> None:
        self.bot.bolt.command("/quiz")(told(self.on_quiz, self.bot))

    async def on_quiz(
        self,
        ack: AsyncAck,
        command: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        bot = self.bot
        user = command["user_id"]
        workspace = workspace_of(context)
        request = Request(
            where=ChannelRef(PLATFORM, workspace, command["channel_id"]),
            who=bot.player(context, user, command.get("user_name", "")),
            is_moderator=lambda: bot.is_moderator(client, workspace, user),
        )
        with use_language(await bot.language(client, workspace, user, command["channel_id"])):
            reply = await bot.dispatcher.run(commands.parse(command.get("text", "")), request)
        if reply is not None:
            with use_language(reply.language):
                await replies.send(reply, respond, bot.surface)
