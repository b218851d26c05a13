"""A fake Discord for end-to-end tests: the REST endpoints the bot uses and the gateway websocket.

It runs on 127.0.0.1 (aiohttp), answers a real discord.py client the way Discord does
(login, ``/gateway/bot``, HELLO / IDENTIFY / READY / GUILD_CREATE, heartbeats), keeps the
messages the bot posts and edits (with consistent ids, so views and dynamic buttons resolve),
records every REST call, and lets a test act as users: dispatch slash commands, autocomplete,
button clicks, modal submissions (INTERACTION_CREATE) and channel messages (MESSAGE_CREATE),
with payloads shaped like Discord's, in any of its guilds and channels.

It also enforces what real Discord enforces (``fake_rules.py`` has the rules and their
sources), so an adapter that breaks a rule fails here as it would in production:

- the interaction deadline: the initial response within 3 s of the dispatch, else 404
  10062; a second initial response 400 40060; follow-ups and ``@original`` edits for 15
  minutes. Every refused interaction response is kept in :attr:`FakeDiscord.refused_callbacks`
  (the late ones also in :attr:`FakeDiscord.late_callbacks`);
- rate limits per bucket with Discord's headers (message create + edit per channel,
  reactions per channel, webhooks per interaction token, the global limit), answered with
  429s that discord.py waits out; each 429 given is kept in :attr:`FakeDiscord.rate_limited`;
- the bot's permissions per channel (:class:`FakeChannel`): 403 50001 / 50013, embeds
  removed without Embed Links, 404 10003 / 10008 for unknown channels and messages;
- size limits: 400 50035 with an ``errors`` object like Discord's.

:attr:`FakeDiscord.rules` (a :class:`~tests.discord.fake_rules.DiscordRules`) changes or
switches off any of them; :attr:`FakeDiscord.latency` slows routes down by name.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web

from tests.discord.fake_rules import (
    ADD_REACTIONS,
    ALREADY_ACKNOWLEDGED,
    BOT_PERMISSIONS,
    EMBED_LINKS,
    INVALID_FORM_BODY,
    INVALID_WEBHOOK_TOKEN,
    MISSING_ACCESS,
    MISSING_PERMISSIONS,
    NOT_AUTHOR,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    UNKNOWN_CHANNEL,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    VIEW_CHANNEL,
    ApiError,
    Decision,
    DiscordRules,
    RateLimiter,
    command_errors,
    invalid_form_body,
    message_errors,
    rate_limited_body,
    rate_limited_headers,
)

APP_ID = 1_000_000_000_000_000_001  # Discord gives the bot user the application's id
GUILD_ID = 1_000_000_000_000_000_100
CHANNEL_ID = 1_000_000_000_000_000_200
OWNER_ID = 1_000_000_000_000_000_300
MODERATOR_ROLE_ID = 1_000_000_000_000_000_400
MODERATOR_ROLE_NAME = "Quizmaster"
GOOD_TOKEN = "fake-bot-token"
MANAGE_GUILD = 1 << 5
# View Channel, Send Messages, Embed Links, Read Message History, Use Application Commands
DEFAULT_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 31)
MESSAGE_CONTENT_INTENT = 1 << 15
TIMESTAMP = "2026-01-05T12:00:00.000000+00:00"

#: Interaction types (receiving-and-responding) and the callback types each may answer with.
COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
CALLBACKS_FOR = {
    COMMAND: {4, 5, 9},
    COMPONENT: {4, 5, 6, 7, 9},
    AUTOCOMPLETE: {8},
    MODAL_SUBMIT: {4, 5, 6, 7},
}
LOADING = 128  # message flag of a deferred response still "thinking"
EPHEMERAL = 64

#: Route name -> (its rate-limit bucket, whether it is an interaction endpoint, exempt from
#: the global limit). Names are what :attr:`FakeDiscord.latency` is keyed by.
ROUTES: dict[str, tuple[str | None, bool]] = {
    "me": (None, False),
    "application": (None, False),
    "gateway_bot": (None, False),
    "put_commands": (None, False),
    "get_commands": (None, False),
    "post_message": ("message", False),
    "edit_message": ("message", False),
    "get_message": (None, False),
    "reaction": ("reaction", False),
    "callback": (None, True),
    "followup": ("webhook", True),
    "edit_webhook": ("webhook", True),
    "get_webhook": ("webhook", True),
    "delete_webhook": ("webhook", True),
    "open_dm": (None, False),
    "unknown": (None, False),
}


@dataclass(frozen=True)
class FakeUser:
    """Someone in the fake guild; ``permissions`` are the guild-level bits Discord would resolve."""

    id: int
    name: str
    permissions: int = DEFAULT_PERMISSIONS
    roles: tuple[int, ...] = ()
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name.title(),
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }

    def member(self) -> dict[str, Any]:
        return {
            "user": self.payload(),
            "roles": [str(r) for r in self.roles],
            "nick": None,
            "avatar": None,
            "joined_at": TIMESTAMP,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "permissions": str(self.permissions),
        }


BOT_USER = FakeUser(APP_ID, "quizbot", bot=True)


@dataclass
class FakeChannel:
    """A text channel, and what the bot may do in it (``bot_permissions``, resolved bits)."""

    id: int
    guild_id: int
    name: str = "quiz"
    bot_permissions: int = BOT_PERMISSIONS

    def allows(self, permission: int) -> bool:
        return self.bot_permissions & permission == permission

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": 0,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }


@dataclass
class FakeGuild:
    """A server the bot is in (``present`` turns False once the bot is removed)."""

    id: int
    name: str
    channels: list[int] = field(default_factory=list)
    present: bool = True


@dataclass
class RestCall:
    """One REST request the bot made, and what the fake answered."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    route: str = ""
    #: Files uploaded with the request (multipart): (filename, content type, bytes).
    files: list[tuple[str, str, bytes]] = field(default_factory=list)
    status: int = 0
    response: Any = None
    at: float = field(default_factory=time.monotonic, repr=False)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Sent:
    """An interaction the test dispatched, to find the bot's answer to it."""

    id: int
    token: str
    payload: dict[str, Any] = field(repr=False)


@dataclass
class Interaction:
    """The fake's memory of one interaction: when it was dispatched and how it was answered."""

    payload: dict[str, Any]
    dispatched_at: float
    response_type: int | None = None  # the initial response's callback type
    original: int | None = None  # the message @original refers to
    loading: bool = False  # deferred with a "thinking" message not edited yet

    @property
    def kind(self) -> int:
        return int(self.payload["type"])

    @property
    def channel_id(self) -> int:
        return int(self.payload["channel_id"])


@dataclass(frozen=True)
class RefusedCallback:
    """An interaction response (initial, follow-up or @original edit) Discord refused."""

    interaction_id: int
    route: str
    status: int
    code: int
    message: str
    elapsed: float  # seconds from the dispatch to the request's arrival

    @property
    def late(self) -> bool:
        return self.code in (UNKNOWN_INTERACTION.code, INVALID_WEBHOOK_TOKEN.code)


@dataclass(frozen=True)
class RateLimitHit:
    """A 429 the fake gave."""

    route: str
    bucket: str
    method: str
    path: str
    retry_after: float
    scope: str


Handler = Callable[[web.Request, RestCall], Awaitable[web.Response]]


class FakeDiscord:
    """The fake server. ``await start()``, point discord.py at ``api_base`` / ``gateway_url``."""

    def __init__(
        self, *, allow_message_content: bool = True, rules: DiscordRules | None = None
    ) -> None:
        self.allow_message_content = allow_message_content
        self.rules = rules or DiscordRules()
        #: Seconds each route takes to answer, by route name (see ROUTES), e.g.
        #: ``{"edit_message": 0.5}``: a slow Discord. The request takes effect on arrival
        #: (the interaction deadline is judged then); only its answer comes later.
        self.latency: dict[str, float] = {}
        self.calls: list[RestCall] = []
        #: The bytes of every file uploaded, by the attachment id the fake gave it.
        self.uploads: dict[int, bytes] = {}
        self.unknown: list[RestCall] = []  # calls to endpoints the fake does not serve
        self.rate_limited: list[RateLimitHit] = []
        self.refused_callbacks: list[RefusedCallback] = []
        self.messages: dict[int, dict[str, Any]] = {}
        self.commands: list[dict[str, Any]] = []
        #: The ``errors`` of each command sync Discord refused (400 50035).
        self.refused_commands: list[dict[str, Any]] = []
        self.identifies: list[dict[str, Any]] = []
        self.sockets: list[web.WebSocketResponse] = []
        self.guilds: dict[int, FakeGuild] = {GUILD_ID: FakeGuild(GUILD_ID, "Study group")}
        self.channels: dict[int, FakeChannel] = {}
        self.dms: dict[int, int] = {}  # user id -> their DM channel with the bot
        self._add_channel(FakeChannel(CHANNEL_ID, GUILD_ID))
        self._ids = itertools.count(2_000_000_000_000_000_000)
        self._seq = itertools.count(1)
        self._interactions: dict[str, Interaction] = {}  # token -> interaction
        self._limiter = RateLimiter()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.app = web.Application()
        r = self.app.router
        r.add_get("/gateway", self._gateway)
        api = "/api/v10"
        routes: list[tuple[str, str, str, Handler]] = [
            ("GET", "/users/@me", "me", self._me),
            ("GET", "/oauth2/applications/@me", "application", self._application),
            ("GET", "/gateway/bot", "gateway_bot", self._gateway_bot),
            ("PUT", "/applications/{app}/commands", "put_commands", self._put_commands),
            ("GET", "/applications/{app}/commands", "get_commands", self._get_commands),
            ("POST", "/channels/{channel}/messages", "post_message", self._post_message),
            ("PATCH", "/channels/{channel}/messages/{message}", "edit_message", self._patch),
            ("GET", "/channels/{channel}/messages/{message}", "get_message", self._get_message),
            (
                "PUT",
                "/channels/{channel}/messages/{message}/reactions/{emoji}/@me",
                "reaction",
                self._reaction,
            ),
            ("POST", "/interactions/{id}/{token}/callback", "callback", self._callback),
            ("POST", "/webhooks/{app}/{token}", "followup", self._followup),
            ("PATCH", "/webhooks/{app}/{token}/messages/{message}", "edit_webhook", self._edit_wh),
            ("GET", "/webhooks/{app}/{token}/messages/{message}", "get_webhook", self._get_wh),
            (
                "DELETE",
                "/webhooks/{app}/{token}/messages/{message}",
                "delete_webhook",
                self._delete_wh,
            ),
            ("POST", "/users/@me/channels", "open_dm", self._open_dm),
        ]
        for method, path, name, handler in routes:
            r.add_route(method, api + path, self._serve(name, handler))
        r.add_route("*", "/{tail:.*}", self._serve("unknown", self._unknown))

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        self._runner = web.AppRunner(self.app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- guilds, channels and the bot's permissions -------------------------------------------
    def _add_channel(self, channel: FakeChannel) -> FakeChannel:
        self.channels[channel.id] = channel
        self.guilds[channel.guild_id].channels.append(channel.id)
        return channel

    async def add_guild(self, name: str = "Another group", *, guild_id: int | None = None) -> int:
        """A new server with the bot in it (GUILD_CREATE to connected clients); its id."""
        gid = guild_id or next(self._ids)
        self.guilds[gid] = FakeGuild(gid, name)
        if self.sockets:
            await self.dispatch("GUILD_CREATE", self.guild_payload(gid))
        return gid

    async def add_channel(
        self,
        guild_id: int = GUILD_ID,
        *,
        name: str = "quiz-2",
        permissions: int = BOT_PERMISSIONS,
        channel_id: int | None = None,
    ) -> FakeChannel:
        """A new text channel, where the bot has ``permissions`` (CHANNEL_CREATE if connected)."""
        channel = self._add_channel(
            FakeChannel(channel_id or next(self._ids), guild_id, name, permissions)
        )
        if self.sockets:
            await self.dispatch("CHANNEL_CREATE", channel.payload())
        return channel

    def set_permissions(
        self, channel_id: int = CHANNEL_ID, *, grant: int = 0, revoke: int = 0
    ) -> int:
        """Change what the bot may do in a channel; returns the new bits."""
        channel = self.channels[channel_id]
        channel.bot_permissions = (channel.bot_permissions | grant) & ~revoke
        return channel.bot_permissions

    async def remove_guild(self, guild_id: int = GUILD_ID) -> None:
        """The bot is kicked from (or the owner deletes) a server: GUILD_DELETE without
        ``unavailable``; its channels then answer 403 Missing Access."""
        self.guilds[guild_id].present = False
        await self.dispatch("GUILD_DELETE", {"id": str(guild_id)})

    @property
    def refuse_channel_messages(self) -> bool:
        """True while the bot cannot see the default channel: posting and editing there
        answer 403 Missing Access (as Discord does once View Channel is revoked)."""
        return not self.channels[CHANNEL_ID].allows(VIEW_CHANNEL)

    @refuse_channel_messages.setter
    def refuse_channel_messages(self, refuse: bool) -> None:
        if refuse:
            self.set_permissions(CHANNEL_ID, revoke=VIEW_CHANNEL)
        else:
            self.set_permissions(CHANNEL_ID, grant=VIEW_CHANNEL)

    @property
    def callback_delay(self) -> float:
        """Seconds the fake takes to answer an interaction callback (work "in flight")."""
        return self.latency.get("callback", 0.0)

    @callback_delay.setter
    def callback_delay(self, seconds: float) -> None:
        self.latency["callback"] = seconds

    @property
    def late_callbacks(self) -> list[RefusedCallback]:
        """Interaction responses that came after the deadline (10062) or the token's expiry."""
        return [r for r in self.refused_callbacks if r.late]

    # -- serving a route: record, rate limits, latency, then the handler ----------------------
    def _serve(self, route: str, handler: Handler) -> Callable[[web.Request], Awaitable[Any]]:
        async def serve(request: web.Request) -> web.Response:
            call = await self._record(request, route)
            refused, headers = self._take_rate_limit(route, request)
            refused = refused or self._upload_refusal(call)
            if refused is not None:
                response = refused
            else:
                response = await handler(request, call)
                response.headers.extend(headers)
            call.status = response.status
            if isinstance(response.body, bytes) and response.body:
                call.response = json.loads(response.body)
            delay = self.latency.get(route, 0.0)
            if delay:  # the effect is done; the answer is slow to come back
                await asyncio.sleep(delay)
            return response

        return serve

    def _bucket_key(self, bucket: str, request: web.Request) -> tuple[Any, ...]:
        if bucket == "webhook":
            return (bucket, request.match_info["token"])
        return (bucket, request.match_info["channel"])

    def _take_rate_limit(
        self, route: str, request: web.Request
    ) -> tuple[web.Response | None, dict[str, str]]:
        """None (and the bucket's headers) if the request may go, else the 429 to answer."""
        if not self.rules.rate_limits:
            return None, {}
        bucket, interaction_endpoint = ROUTES[route]
        scale = self.rules.time_scale
        if not interaction_endpoint:
            overall = self._limiter.take(("global",), self.rules.global_limit, scale)
            if not overall.allowed:
                return self._too_many(route, request, overall, is_global=True), {}
        if bucket is None:
            return None, {}
        decision = self._limiter.take(
            self._bucket_key(bucket, request), self.rules.limit(bucket), scale
        )
        if not decision.allowed:
            return self._too_many(route, request, decision, is_global=False), {}
        return None, decision.headers()

    def _too_many(
        self, route: str, request: web.Request, decision: Decision, *, is_global: bool
    ) -> web.Response:
        retry_after = round(decision.reset_after, 3)
        scope = "global" if is_global else "user"
        self.rate_limited.append(
            RateLimitHit(
                route,
                decision.bucket,
                request.method,
                request.path.removeprefix("/api/v10"),
                retry_after,
                scope,
            )
        )
        response = self._json(rate_limited_body(retry_after, is_global=is_global), 429)
        response.headers.extend(rate_limited_headers(decision, is_global=is_global))
        return response

    # -- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _json(data: Any, status: int = 200) -> web.Response:
        # discord.py parses a body as JSON only when Content-Type is exactly application/json.
        return web.Response(
            status=status,
            body=json.dumps(data).encode(),
            headers={"Content-Type": "application/json"},
        )

    def _error(self, error: ApiError) -> web.Response:
        return self._json(error.body(), error.status)

    async def _record(self, request: web.Request, route: str) -> RestCall:
        files: list[tuple[str, str, bytes]] = []
        if request.content_type.startswith("multipart/"):
            payload, files = await self._multipart(request)
        else:
            body = await request.text()
            payload = json.loads(body) if body else None
        call = RestCall(
            request.method,
            request.path.removeprefix("/api/v10"),
            dict(request.query),
            payload,
            route,
            files,
        )
        self.calls.append(call)
        return call

    async def _multipart(self, request: web.Request) -> tuple[Any, list[tuple[str, str, bytes]]]:
        """A message with files, as discord.py sends it: ``payload_json`` and ``files[i]``;
        each file becomes an attachment of the payload (``attachments[i]`` names it), with
        a CDN address as Discord gives one, and its bytes are kept in :attr:`uploads`."""
        payload: Any = None
        files: dict[int, tuple[str, str, bytes]] = {}
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            data = await part.read()
            if part.name == "payload_json":
                payload = json.loads(data)
            elif part.name and part.name.startswith("files["):
                index = int(part.name[len("files[") : -1])
                content_type = part.headers.get("Content-Type", "application/octet-stream")
                files[index] = (part.filename or "", content_type, bytes(data))
        target = payload.get("data", payload) if isinstance(payload, dict) else None
        if isinstance(target, dict):
            for entry in target.get("attachments") or []:
                index = entry.get("id")
                if isinstance(index, int) and index in files:
                    name, content_type, data = files[index]
                    aid = next(self._ids)
                    self.uploads[aid] = data
                    entry.update(
                        id=str(aid),
                        filename=entry.get("filename") or name,
                        size=len(data),
                        content_type=content_type,
                        url=f"https://cdn.discordapp.com/attachments/0/{aid}/{name}",
                        proxy_url=f"https://media.discordapp.net/attachments/0/{aid}/{name}",
                    )
        return payload, [files[i] for i in sorted(files)]

    def _upload_refusal(self, call: RestCall) -> web.Response | None:
        """413 past the upload limit's bytes, 400 past its count of files."""
        if not call.files or not self.rules.size_limits:
            return None
        if sum(len(data) for _, _, data in call.files) > self.rules.upload_bytes:
            return self._json({"message": "Request entity too large", "code": 40005}, 413)
        if len(call.files) > self.rules.upload_files:
            return self._json(
                invalid_form_body({"files": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]}}),
                400,
            )
        return None

    @staticmethod
    def _resolve_attachments(message: dict[str, Any]) -> None:
        """Embed images naming ``attachment://<filename>`` shown from the message's file of
        that name, as Discord does (one not found stays as it was)."""
        by_name = {a.get("filename"): a for a in message.get("attachments") or []}
        for embed in message.get("embeds") or []:
            image = embed.get("image") if isinstance(embed, dict) else None
            url = image.get("url", "") if isinstance(image, dict) else ""
            if url.startswith("attachment://") and url[len("attachment://") :] in by_name:
                attached = by_name[url[len("attachment://") :]]
                image.update(url=attached["url"], proxy_url=attached["proxy_url"])

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bot {GOOD_TOKEN}"

    def _new_message(
        self, channel_id: int, data: dict[str, Any], *, flags: int = 0, author: FakeUser = BOT_USER
    ) -> dict[str, Any]:
        mid = next(self._ids)
        channel = self.channels.get(channel_id)
        message = {
            "id": str(mid),
            "channel_id": str(channel_id),
            "guild_id": str(channel.guild_id if channel else GUILD_ID),
            "author": author.payload(),
            "content": data.get("content") or "",
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": list(data.get("attachments") or []),
            "embeds": data.get("embeds") or [],
            "components": data.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": flags | int(data.get("flags") or 0),
        }
        self._resolve_attachments(message)
        self.messages[mid] = message
        return message

    def _edit(self, mid: int, data: dict[str, Any]) -> dict[str, Any]:
        message = self.messages[mid]
        # "attachments" lists the files the message keeps (and the new ones); without it
        # the message keeps its files.
        for key, empty in (
            ("content", ""),
            ("embeds", []),
            ("components", []),
            ("attachments", []),
        ):
            if key in data:
                message[key] = data[key] if data[key] is not None else empty
        self._resolve_attachments(message)
        message["edited_timestamp"] = TIMESTAMP
        return message

    def _too_big(self, body: Any, under: str | None = None) -> web.Response | None:
        """400 Invalid Form Body if ``body`` breaks a size limit (errors nested ``under``)."""
        if not self.rules.size_limits:
            return None
        errors = message_errors(body)
        if not errors:
            return None
        return self._json(invalid_form_body({under: errors} if under else errors), 400)

    # -- the bot's access to a channel ---------------------------------------------------------
    def _channel_refusal(self, channel_id: int, *needed: int) -> ApiError | None:
        """Why the bot may not act in a channel (unknown, not visible, missing a permission)."""
        if channel_id in self.dms.values():
            return None  # a DM the bot opened: always open to it
        channel = self.channels.get(channel_id)
        if channel is None:
            return UNKNOWN_CHANNEL
        if not self.rules.permissions:
            return None
        if not self.guilds[channel.guild_id].present or not channel.allows(VIEW_CHANNEL):
            return MISSING_ACCESS
        if any(not channel.allows(p) for p in needed):
            return MISSING_PERMISSIONS
        return None

    def _without_links(self, channel_id: int, payload: dict[str, Any]) -> dict[str, Any]:
        """Without Embed Links a bot's message is accepted with its embeds removed."""
        channel = self.channels.get(channel_id)
        if (
            channel is not None
            and self.rules.permissions
            and "embeds" in payload
            and not channel.allows(EMBED_LINKS)
        ):
            return {**payload, "embeds": []}
        return payload

    def _channel_message(self, request: web.Request) -> tuple[int, int]:
        return int(request.match_info["channel"]), int(request.match_info["message"])

    # -- REST --------------------------------------------------------------------------------
    async def _me(self, request: web.Request, call: RestCall) -> web.Response:
        if not self._authorised(request):
            return self._json({"message": "401: Unauthorized", "code": 0}, 401)
        return self._json(BOT_USER.payload())

    async def _application(self, request: web.Request, call: RestCall) -> web.Response:
        return self._json(
            {
                "id": str(APP_ID),
                "name": "quizbot",
                "icon": None,
                "description": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": FakeUser(OWNER_ID, "owner").payload(),
                "verify_key": "00",
                "flags": 0,
                "team": None,
            }
        )

    async def _gateway_bot(self, request: web.Request, call: RestCall) -> web.Response:
        return self._json(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    async def _put_commands(self, request: web.Request, call: RestCall) -> web.Response:
        if self.rules.command_limits and (errors := command_errors(call.json)):
            self.refused_commands.append(errors)
            return self._json(invalid_form_body(errors), INVALID_FORM_BODY.status)
        self.commands = [
            dict(c, id=str(next(self._ids)), application_id=str(APP_ID), version="1")
            for c in call.json
        ]
        return self._json(self.commands)

    async def _get_commands(self, request: web.Request, call: RestCall) -> web.Response:
        return self._json(self.commands)

    async def _post_message(self, request: web.Request, call: RestCall) -> web.Response:
        channel_id = int(request.match_info["channel"])
        refusal = self._channel_refusal(channel_id, SEND_MESSAGES)
        if refusal is not None:
            return self._error(refusal)
        too_big = self._too_big(call.json)
        if too_big is not None:
            return too_big
        return self._json(self._new_message(channel_id, self._without_links(channel_id, call.json)))

    async def _patch(self, request: web.Request, call: RestCall) -> web.Response:
        channel_id, mid = self._channel_message(request)
        refusal = self._channel_refusal(channel_id)
        if refusal is not None:
            return self._error(refusal)
        message = self.messages.get(mid)
        if message is None or int(message["channel_id"]) != channel_id:
            return self._error(UNKNOWN_MESSAGE)
        if not message["author"]["bot"]:
            return self._error(NOT_AUTHOR)
        too_big = self._too_big(call.json)
        if too_big is not None:
            return too_big
        return self._json(self._edit(mid, self._without_links(channel_id, call.json)))

    async def _get_message(self, request: web.Request, call: RestCall) -> web.Response:
        channel_id, mid = self._channel_message(request)
        refusal = self._channel_refusal(channel_id, READ_MESSAGE_HISTORY)
        if refusal is not None:
            return self._error(refusal)
        message = self.messages.get(mid)
        if message is None or int(message["channel_id"]) != channel_id:
            return self._error(UNKNOWN_MESSAGE)
        return self._json(message)

    async def _reaction(self, request: web.Request, call: RestCall) -> web.Response:
        channel_id, mid = self._channel_message(request)
        refusal = self._channel_refusal(channel_id, READ_MESSAGE_HISTORY, ADD_REACTIONS)
        if refusal is not None:
            return self._error(refusal)
        message = self.messages.get(mid)
        if message is None or int(message["channel_id"]) != channel_id:
            return self._error(UNKNOWN_MESSAGE)
        return web.Response(status=204)

    # -- interaction responses ------------------------------------------------------------------
    def _refuse(
        self, call: RestCall, interaction: Interaction | None, error: ApiError
    ) -> web.Response:
        """Answer an interaction response with ``error``, and remember it was refused."""
        iid = int(interaction.payload["id"]) if interaction else 0
        elapsed = call.at - interaction.dispatched_at if interaction else 0.0
        self.refused_callbacks.append(
            RefusedCallback(iid, call.route, error.status, error.code, error.message, elapsed)
        )
        return self._error(error)

    async def _callback(self, request: web.Request, call: RestCall) -> web.Response:
        interaction = self._interactions.get(request.match_info["token"])
        if interaction is None or interaction.payload["id"] != request.match_info["id"]:
            return self._refuse(call, None, UNKNOWN_INTERACTION)
        if call.at - interaction.dispatched_at > self.rules.interaction_deadline:
            return self._refuse(call, interaction, UNKNOWN_INTERACTION)
        if interaction.response_type is not None:
            return self._refuse(call, interaction, ALREADY_ACKNOWLEDGED)
        body = call.json if isinstance(call.json, dict) else {}
        kind, data = body.get("type"), body.get("data") or {}
        if kind not in CALLBACKS_FOR.get(interaction.kind, set()):
            # Not an initial response this interaction can take (e.g. 7 for a command).
            problem = {"code": "BASE_TYPE_CHOICES", "message": f"Value {kind} is not valid here."}
            return self._json(invalid_form_body({"type": {"_errors": [problem]}}), 400)
        if kind in (4, 7):
            too_big = self._too_big(data, "data")
            if too_big is not None:
                return too_big
        interaction.response_type = kind
        return self._json(self._respond(interaction, kind, data))

    def _respond(self, interaction: Interaction, kind: int, data: dict[str, Any]) -> dict[str, Any]:
        """Carry out an accepted initial response; the interaction callback response body."""
        answer: dict[str, Any] = {
            "interaction": {"id": interaction.payload["id"], "type": interaction.kind}
        }
        clicked = interaction.payload.get("message")
        message = None
        if kind == 4:  # reply
            message = self._new_message(interaction.channel_id, data)
        elif kind == 5:  # deferred reply ("thinking")
            message = self._new_message(interaction.channel_id, data, flags=LOADING)
            interaction.loading = True
        elif kind == 6 and clicked is not None:  # deferred update: @original is the clicked one
            interaction.original = int(clicked["id"])
        elif kind == 7 and clicked is not None:  # update the clicked message
            message = self._edit(int(clicked["id"]), data)
        if message is not None:
            interaction.original = int(message["id"])
            answer["interaction"].update(
                response_message_id=message["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=bool(int(message["flags"]) & EPHEMERAL),
            )
            answer["resource"] = {"type": kind, "message": message}
        return answer

    def _webhook_refusal(self, call: RestCall, token: str) -> tuple[Interaction | None, Any]:
        """The interaction behind a webhook token, or the refusal to answer with."""
        interaction = self._interactions.get(token)
        if interaction is None:
            return None, self._refuse(call, None, UNKNOWN_WEBHOOK)
        if call.at - interaction.dispatched_at > self.rules.token_lifetime:
            return None, self._refuse(call, interaction, INVALID_WEBHOOK_TOKEN)
        if interaction.response_type is None:  # nothing to follow up yet
            return None, self._refuse(call, interaction, UNKNOWN_WEBHOOK)
        return interaction, None

    async def _followup(self, request: web.Request, call: RestCall) -> web.Response:
        interaction, refusal = self._webhook_refusal(call, request.match_info["token"])
        if refusal is not None:
            return refusal
        assert interaction is not None
        too_big = self._too_big(call.json)
        if too_big is not None:
            return too_big
        if interaction.loading and interaction.original is not None:
            # Right after a deferred reply the first follow-up edits the "thinking" message
            # (documented, deprecated behaviour); it stays as ephemeral as the defer was.
            interaction.loading = False
            message = self._edit(interaction.original, call.json)
            message["flags"] = int(message["flags"]) & ~LOADING
            return self._json(message)
        return self._json(self._new_message(interaction.channel_id, call.json))

    def _webhook_message_id(self, request: web.Request, interaction: Interaction) -> int | None:
        ref = request.match_info["message"]
        return interaction.original if ref == "@original" else int(ref)

    async def _edit_wh(self, request: web.Request, call: RestCall) -> web.Response:
        interaction, refusal = self._webhook_refusal(call, request.match_info["token"])
        if refusal is not None:
            return refusal
        assert interaction is not None
        mid = self._webhook_message_id(request, interaction)
        if mid is None or mid not in self.messages:
            return self._error(UNKNOWN_MESSAGE)
        too_big = self._too_big(call.json)
        if too_big is not None:
            return too_big
        message = self._edit(mid, call.json)
        message["flags"] = int(message["flags"]) & ~LOADING
        if mid == interaction.original:
            interaction.loading = False
        return self._json(message)

    async def _get_wh(self, request: web.Request, call: RestCall) -> web.Response:
        interaction, refusal = self._webhook_refusal(call, request.match_info["token"])
        if refusal is not None:
            return refusal
        assert interaction is not None
        mid = self._webhook_message_id(request, interaction)
        if mid is None or mid not in self.messages:
            return self._error(UNKNOWN_MESSAGE)
        return self._json(self.messages[mid])

    async def _delete_wh(self, request: web.Request, call: RestCall) -> web.Response:
        interaction, refusal = self._webhook_refusal(call, request.match_info["token"])
        if refusal is not None:
            return refusal
        assert interaction is not None
        mid = self._webhook_message_id(request, interaction)
        if mid is None or self.messages.pop(mid, None) is None:
            return self._error(UNKNOWN_MESSAGE)
        if mid == interaction.original:
            interaction.loading = False
        return web.Response(status=204)

    async def _open_dm(self, request: web.Request, call: RestCall) -> web.Response:
        user = int((call.json or {})["recipient_id"])
        channel_id = self.dms.setdefault(user, next(self._ids))
        return self._json(
            {"id": str(channel_id), "type": 1, "last_message_id": None, "recipients": []}
        )

    async def _unknown(self, request: web.Request, call: RestCall) -> web.Response:
        self.unknown.append(call)
        return self._json({"message": "404: Not Found", "code": 0}, 404)

    # -- gateway -----------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        )
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                break
            frame = json.loads(msg.data)
            if frame["op"] == 1:
                await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
            elif frame["op"] == 2:
                await self._identify(ws, frame["d"])
            elif frame["op"] == 6:  # RESUME: not supported; make the client identify again
                await ws.send_str(json.dumps({"op": 9, "d": False, "s": None, "t": None}))
        if ws in self.sockets:
            self.sockets.remove(ws)
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.identifies.append(data)
        if data.get("token") != GOOD_TOKEN:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        if data.get("intents", 0) & MESSAGE_CONTENT_INTENT and not self.allow_message_content:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        shard = data.get("shard") or [0, 1]
        present = [g for g in self.guilds.values() if g.present]
        await self._send(
            ws,
            "READY",
            {
                "v": 10,
                "user": BOT_USER.payload(),
                "session_id": f"session-{len(self.identifies)}",
                "resume_gateway_url": self.gateway_url,
                "shard": shard,
                "guilds": [{"id": str(g.id), "unavailable": True} for g in present],
                "application": {"id": str(APP_ID), "flags": 0},
                "private_channels": [],
                "relationships": [],
            },
        )
        for guild in present:
            await self._send(ws, "GUILD_CREATE", self.guild_payload(guild.id))
        self.sockets.append(ws)

    def guild_payload(self, guild_id: int = GUILD_ID) -> dict[str, Any]:
        guild = self.guilds[guild_id]
        role = {"color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "owner_id": str(OWNER_ID),
            "unavailable": False,
            "large": False,
            "member_count": 5,
            "joined_at": TIMESTAMP,
            "features": [],
            "emojis": [],
            "stickers": [],
            "threads": [],
            "voice_states": [],
            "presences": [],
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "premium_tier": 0,
            "system_channel_flags": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "roles": [
                dict(
                    role,
                    id=str(guild.id),
                    name="@everyone",
                    position=0,
                    permissions=str(DEFAULT_PERMISSIONS),
                ),
                dict(
                    role,
                    id=str(MODERATOR_ROLE_ID),
                    name=MODERATOR_ROLE_NAME,
                    position=1,
                    permissions=str(DEFAULT_PERMISSIONS),
                ),
            ],
            "channels": [self.channels[c].payload() for c in guild.channels],
            "members": [BOT_USER.member()],
        }

    def channel_payload(self, channel_id: int = CHANNEL_ID) -> dict[str, Any]:
        return self.channels[channel_id].payload()

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict[str, Any]) -> None:
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": next(self._seq), "d": data}))

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway event to every identified client."""
        live = [ws for ws in self.sockets if not ws.closed]
        assert live, "no client is connected to the fake gateway"
        for ws in live:
            await self._send(ws, event, data)

    # -- acting as users ---------------------------------------------------------------------
    async def interact(
        self,
        user: FakeUser,
        kind: int,
        data: dict[str, Any],
        message: dict[str, Any] | None = None,
        *,
        channel_id: int = CHANNEL_ID,
        locale: str = "en-US",
    ) -> Sent:
        """Send an interaction from ``user``, whose Discord client is set to ``locale``."""
        channel = self.channels[channel_id]
        iid = next(self._ids)
        token = f"interaction-token-{iid}"
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(APP_ID),
            "type": kind,
            "token": token,
            "version": 1,
            "guild_id": str(channel.guild_id),
            "channel_id": str(channel.id),
            "channel": channel.payload(),
            "member": user.member(),
            "data": data,
            "app_permissions": str(channel.bot_permissions),
            "locale": locale,
            "guild_locale": "en-US",
            "entitlements": [],
            "context": 0,
            "authorizing_integration_owners": {"0": str(channel.guild_id)},
            "attachment_size_limit": 8 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = message
        self._interactions[token] = Interaction(payload, time.monotonic())
        await self.dispatch("INTERACTION_CREATE", payload)
        return Sent(iid, token, payload)

    def _options(
        self, spec: list[dict[str, Any]], given: dict[str, Any], focused: str | None = None
    ) -> list[dict[str, Any]]:
        """Build command options typed as the bot registered them (unknown names fail)."""
        by_name = {o["name"]: o for o in spec}
        out = []
        for name, value in given.items():
            option = {"name": name, "type": by_name[name]["type"], "value": value}
            if name == focused:
                option["focused"] = True
            out.append(option)
        return out

    def _command(
        self,
        name: str,
        sub: str | None,
        options: dict[str, Any],
        focused: str | None = None,
        guild_id: int = GUILD_ID,
    ) -> dict[str, Any]:
        command = next(c for c in self.commands if c["name"] == name)
        data = {"id": command["id"], "name": name, "type": 1, "guild_id": str(guild_id)}
        if sub is None:
            data["options"] = self._options(command.get("options", []), options, focused)
        else:
            spec = next(o for o in command["options"] if o["name"] == sub)
            data["options"] = [
                {
                    "name": sub,
                    "type": 1,
                    "options": self._options(spec.get("options", []), options, focused),
                }
            ]
        return data

    async def slash(
        self,
        user: FakeUser,
        name: str,
        sub: str | None = None,
        *,
        channel_id: int = CHANNEL_ID,
        locale: str = "en-US",
        **options: Any,
    ) -> Sent:
        """Run a slash command as ``user``, e.g. ``slash(u, "quiz", "start", questions=3)``
        (``locale``: the user's Discord client language)."""
        guild_id = self.channels[channel_id].guild_id
        data = self._command(name, sub, options, guild_id=guild_id)
        return await self.interact(user, COMMAND, data, channel_id=channel_id, locale=locale)

    async def autocomplete(
        self,
        user: FakeUser,
        name: str,
        sub: str | None,
        option: str,
        value: str,
        *,
        channel_id: int = CHANNEL_ID,
        **filled: Any,
    ) -> Sent:
        """Type ``value`` into ``option`` (other options already ``filled``) and ask for choices."""
        guild_id = self.channels[channel_id].guild_id
        data = self._command(name, sub, {**filled, option: value}, option, guild_id)
        return await self.interact(user, AUTOCOMPLETE, data, channel_id=channel_id)

    async def click(
        self,
        user: FakeUser,
        message_id: int,
        custom_id: str,
        message: dict[str, Any] | None = None,
        *,
        locale: str = "en-US",
    ) -> Sent:
        """Click the button ``custom_id`` of a message the bot posted (in its channel).

        ``message`` is the message as the user's screen shows it (default: as it is now);
        pass an older copy to click a button that has since been taken away.
        """
        message = message or self.messages[message_id]
        ids = [c.get("custom_id") for row in message["components"] for c in row["components"]]
        assert custom_id in ids, f"{custom_id!r} is not a button of message {message_id}: {ids}"
        return await self.interact(
            user,
            COMPONENT,
            {"custom_id": custom_id, "component_type": 2},
            message=json.loads(json.dumps(message)),
            channel_id=int(message["channel_id"]),
            locale=locale,
        )

    async def submit_modal(
        self,
        user: FakeUser,
        custom_id: str,
        values: dict[str, str],
        message_id: int | None = None,
        *,
        locale: str = "en-US",
    ) -> Sent:
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
            for k, v in values.items()
        ]
        message = self.messages[message_id] if message_id is not None else None
        channel_id = int(message["channel_id"]) if message is not None else CHANNEL_ID
        return await self.interact(
            user,
            MODAL_SUBMIT,
            {"custom_id": custom_id, "components": rows},
            message,
            channel_id=channel_id,
            locale=locale,
        )

    async def say(
        self, user: FakeUser, content: str, channel_id: int = CHANNEL_ID
    ) -> dict[str, Any]:
        """Post a channel message as ``user`` (MESSAGE_CREATE)."""
        message = self._new_message(channel_id, {"content": content}, author=user)
        member = user.member()
        member.pop("user")
        event = dict(message, member=member)
        if not self.identifies[-1].get("intents", 0) & MESSAGE_CONTENT_INTENT:
            event["content"] = ""  # Discord withholds content without the intent
        await self.dispatch("MESSAGE_CREATE", event)
        return message

    # -- inspecting what the bot did ------------------------------------------------------------
    def callbacks(self, sent: Sent) -> list[dict[str, Any]]:
        """The interaction responses Discord accepted for ``sent`` (what the user saw)."""
        path = f"/interactions/{sent.id}/{sent.token}/callback"
        return [c.json for c in self.calls if c.method == "POST" and c.path == path and c.ok]

    def refusals(self, sent: Sent) -> list[RefusedCallback]:
        """The interaction responses Discord refused for ``sent`` (too late, twice...)."""
        return [r for r in self.refused_callbacks if r.interaction_id == sent.id]

    async def wait_for(
        self, predicate: Callable[[], Any], within: float = 30.0, what: str = "condition"
    ) -> Any:
        """Poll ``predicate`` until it returns something truthy, or fail after ``within`` s."""
        deadline = time.monotonic() + within
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.01)

    async def reply_to(self, sent: Sent, within: float = 30.0) -> dict[str, Any]:
        """The bot's response to ``sent`` as the user ends up seeing it (waits for it); fails
        at once if Discord refused the bot's response (e.g. it came after the 3 s deadline).

        A direct response is its callback body. A deferred one (type 5, "thinking"; type 6,
        an update of the clicked message) is the message it became, in the shape of a direct
        response: ``{"type": 4 or 7, "data": the message}`` (with the visibility chosen when
        deferring, or that of the private follow-up sent after deleting a public one).
        """

        def answered() -> Any:
            accepted = self.callbacks(sent)
            if accepted:
                return accepted
            refused = [r for r in self.refusals(sent) if r.route == "callback"]
            if refused:
                raise AssertionError(f"Discord refused the response to interaction: {refused}")
            return None

        found = await self.wait_for(answered, within, f"a response to interaction {sent.id}")
        first = found[0]
        if first["type"] not in (5, 6):
            return first
        return await self.wait_for(
            lambda: self._final_response(sent, first["type"]),
            within,
            f"the deferred response to interaction {sent.id}",
        )

    def _final_response(self, sent: Sent, kind: int) -> dict[str, Any] | None:
        base = f"/webhooks/{APP_ID}/{sent.token}"
        for call in self.calls:
            if not call.path.startswith(base) or not call.ok:
                continue
            if call.method == "PATCH" and call.path.endswith("/messages/@original"):
                data = dict(call.json or {})
                original = self._interactions[sent.token].original
                message = self.messages.get(original if original is not None else -1)
                if message is not None:
                    data.setdefault("flags", int(message["flags"]) & ~LOADING)
                return {"type": 4 if kind == 5 else 7, "data": data}
            if call.method == "POST" and call.path == base:
                return {"type": 4, "data": dict(call.json or {})}
        return None

    def response_message(self, sent: Sent) -> dict[str, Any]:
        """The message an interaction's response created (or updated)."""
        original = self._interactions[sent.token].original
        assert original is not None, f"interaction {sent.id} has no response message"
        return self.messages[original]

    def message_calls(self) -> list[RestCall]:
        """Every call that sends or edits a message's content."""
        return [
            c
            for c in self.calls
            if isinstance(c.json, dict)
            and (
                (c.path.startswith("/channels/") and "reactions" not in c.path)
                or c.path.startswith("/webhooks/")
                or (c.path.endswith("/callback") and c.json.get("type") in (4, 7))
            )
            and c.method in ("POST", "PATCH")
        ]

    def channel_messages(self, channel_id: int | None = None) -> list[dict[str, Any]]:
        """Messages the bot posted that everyone sees (not ephemeral), oldest first; in one
        channel if given."""
        return [
            m
            for m in self.messages.values()
            if m["author"]["bot"]
            and not int(m["flags"]) & EPHEMERAL
            and (channel_id is None or int(m["channel_id"]) == channel_id)
        ]
