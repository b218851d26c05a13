"""The one place where an error a user caused (a :class:`~bot.errors.QuizbotError`) becomes
a reply in Slack, for every listener: to that user alone, through the request's
``response_url`` where it has one, else as an ephemeral message in the channel.

The error is told in the user's language (their Slack locale, else the channel's; see
:meth:`adapters.slack.app.SlackBot.language`).

Listeners are registered through :func:`told`, which catches the error inside the listener:
left to Bolt's error handler, an error raised after ``ack()`` makes Bolt's runner forget the
acknowledgement when the listener fails within its 10 ms poll (a fast "no such bank"), and
Slack then gets a 404 after 3 seconds and shows the user a timeout on top of our reply.

A signed payload Bolt itself cannot read (an object whose fields have the wrong types, say
``"actions": "x"``) fails inside Bolt's matching before any listener: that is the sender's
mistake, so it is answered 400 with one log line, not 500 with a traceback.
"""

from __future__ import annotations

import inspect
import logging
import traceback
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncBoltContext, AsyncRespond
from slack_bolt.kwargs_injection.async_args import AsyncArgs
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import replies
from adapters.slack.refs import workspace_of
from bot.errors import QuizbotError
from bot.i18n import use_language

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


async def tell(
    error: QuizbotError,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond | None = None,
) -> None:
    """Tell the user who caused ``error`` what went wrong, privately."""
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


async def language_of(
    bot: SlackBot | None, body: dict[str, Any], client: AsyncWebClient, workspace: str
) -> str | None:
    """The language to tell the user who sent ``body`` something in (None: as it is)."""
    channel, user = _channel_and_user(body)
    if bot is None or not user:
        return None
    return await bot.language(client, workspace, user, channel)


Listener = Callable[..., Awaitable[None]]


def told(listener: Listener, bot: SlackBot | None = None) -> Callable[[AsyncArgs], Awaitable[None]]:
    """``listener`` as Bolt should run it: a user's error is told to them (acknowledging the
    request first if the listener had not), in their language when ``bot`` is given, and
    never reaches Bolt's runner."""
    names = list(inspect.signature(listener).parameters)

    async def run(args: AsyncArgs) -> None:
        try:
            await listener(**{name: getattr(args, name) for name in names})
        except QuizbotError as error:
            if args.ack is not None and args.ack.response is None:
                await args.ack()
            workspace = workspace_of(args.context)
            with use_language(await language_of(bot, args.body, args.client, workspace)):
                await tell(error, args.body, args.client, args.respond)

    run.__name__ = run.__qualname__ = getattr(listener, "__name__", "listener")
    return run


#: What Bolt raises reading a payload of the wrong shape (a string where an object belongs).
SHAPE_ERRORS = (TypeError, KeyError, AttributeError, IndexError, ValueError)


def unreadable_payload(error: Exception) -> bool:
    """Whether ``error`` is Bolt failing to read the payload: a shape error raised with
    Bolt's own code alone on the stack (never ours, whose errors are bugs to see)."""
    if not isinstance(error, SHAPE_ERRORS):
        return False
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and all("slack_bolt" in frame.filename for frame in frames)


class ErrorReplies:
    """Bolt's error handler, for what :func:`told` lets through: logged, or told."""

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
        context: AsyncBoltContext | None = None,
    ) -> BoltResponse | None:
        if unreadable_payload(error):
            log.warning(
                "refused a signed Slack request whose payload is not shaped as Slack's "
                "(%s inside Bolt): 400",
                type(error).__name__,
            )
            return BoltResponse(status=400, body={"error": "not a Slack payload"})
        if not isinstance(error, QuizbotError):
            log.error("a Slack listener failed", exc_info=error)
            return None
        workspace = workspace_of(context) if context is not None else ""
        with use_language(await language_of(self.bot, body, client, workspace)):
            await tell(error, body, client, respond)
        return None
