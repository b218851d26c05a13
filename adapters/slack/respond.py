"""``respond()`` over one kept-alive HTTP session, for every request of the process.

Bolt's own ``respond()`` (``slack_bolt``'s ``AsyncRespond``) builds a new
``AsyncWebhookClient``, and with it a new aiohttp session and a new connection (TLS to
hooks.slack.com included), for each message it sends. A click's receipt goes back through
its ``response_url``, so a busy channel paid a connection per click. :class:`Responder` is
a Bolt middleware that gives each request a :class:`KeptAliveRespond` instead: the same
calls and the same messages (Bolt's ``_build_message``), sent over the process's one
session, whose connections are kept alive and reused. :meth:`Responder.close` closes it
when the process stops.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.context.respond.internals import _build_message
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.models.attachments import Attachment
from slack_sdk.models.blocks import Block
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient


class KeptAliveRespond(AsyncRespond):
    """Bolt's ``respond()``, sent over a shared aiohttp session."""

    def __init__(
        self,
        *,
        response_url: str | None,
        session: aiohttp.ClientSession,
        proxy: str | None = None,
        ssl: Any = None,
    ) -> None:
        super().__init__(response_url=response_url, proxy=proxy, ssl=ssl)
        self.session = session

    async def __call__(
        self,
        text: str | dict[str, Any] = "",
        blocks: Sequence[dict[str, Any] | Block] | None = None,
        attachments: Sequence[dict[str, Any] | Attachment] | None = None,
        response_type: str | None = None,
        replace_original: bool | None = None,
        delete_original: bool | None = None,
        unfurl_links: bool | None = None,
        unfurl_media: bool | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> WebhookResponse:
        if self.response_url is None:
            raise ValueError("respond is unsupported here as there is no response_url")
        if isinstance(text, dict):
            message = _build_message(**text)
        else:
            message = _build_message(
                text=text,
                blocks=blocks,
                attachments=attachments,
                response_type=response_type,
                replace_original=replace_original,
                delete_original=delete_original,
                unfurl_links=unfurl_links,
                unfurl_media=unfurl_media,
                thread_ts=thread_ts,
                metadata=metadata,
            )
        client = AsyncWebhookClient(
            url=self.response_url, proxy=self.proxy, ssl=self.ssl, session=self.session
        )
        return await client.send_dict(message)


class Responder(AsyncMiddleware):
    """The middleware that hands each request a :class:`KeptAliveRespond`, and its session.

    A Bolt middleware class rather than a function: Bolt calls it directly, without working
    out a function's arguments by name on every request.
    """

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        """The process's session for response_url posts (opened on first use)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],  # Bolt calls it by this name
    ) -> BoltResponse | None:
        context = req.context
        if context.response_url:
            client = context.client
            context["respond"] = KeptAliveRespond(
                response_url=context.response_url,
                session=self.session,
                proxy=client.proxy if client else None,
                ssl=client.ssl if client else None,
            )
        return await next()

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None
