"""The one place where an error a user caused (a :class:`~bot.errors.QuizbotError`) becomes
a reply in Slack, for every listener: to that user alone, through the request's
``response_url`` where it has one, else as an ephemeral message in the channel."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import replies
from bot.errors import QuizbotError

if TYPE_CHECKING:
    from adapters.slack.app import SlackBot

log = logging.getLogger(__name__)


def _channel_and_user(body: dict[str, Any]) -> tuple[str | None, str | None]:
    event = body.get("event") or {}
    channel = (
        body.get("channel_id")
        or (body.get("channel") or {}).get("id")
        or (body.get("container") or {}).get("channel_id")
        or event.get("channel")
    )
    user = body.get("user_id") or (body.get("user") or {}).get("id") or event.get("user")
    return channel, user


class ErrorReplies:
    """Bolt's error handler: users hear about their own mistakes; the rest is logged."""

    def __init__(self, bot: SlackBot) -> None:
        self.bot = bot

    def register(self) -> None:
        self.bot.bolt.error(self.on_error)

    async def on_error(
        self,
        error: Exception,
        body: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond | None = None,
    ) -> None:
        if not isinstance(error, QuizbotError):
            log.error("a Slack listener failed", exc_info=error)
            return
        message = replies.warning(str(error))
        try:
            if respond is not None and respond.response_url:
                await respond(response_type="ephemeral", replace_original=False, **message)
                return
            channel, user = _channel_and_user(body)
            if channel and user:
                await client.chat_postEphemeral(channel=channel, user=user, **message)
        except SlackApiError as exc:
            log.warning("could not tell the user: %s", exc.response.get("error"))
