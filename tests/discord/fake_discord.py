"""A fake Discord for end-to-end tests: the REST endpoints the bot uses and the gateway websocket.

It runs on 127.0.0.1 (aiohttp), answers a real discord.py client the way Discord does
(login, ``/gateway/bot``, HELLO / IDENTIFY / READY / GUILD_CREATE, heartbeats), keeps the
messages the bot posts and edits (with consistent ids, so views and dynamic buttons resolve),
records every REST call, and lets a test act as users: dispatch slash commands, autocomplete,
button clicks, modal submissions (INTERACTION_CREATE) and channel messages (MESSAGE_CREATE),
with payloads shaped like Discord's.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

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
class RestCall:
    """One REST request the bot made."""

    method: str
    path: str
    query: dict[str, str]
    json: Any


@dataclass
class Sent:
    """An interaction the test dispatched, to find the bot's answer to it."""

    id: int
    token: str
    payload: dict[str, Any] = field(repr=False)


class FakeDiscord:
    """The fake server. ``await start()``, point discord.py at ``api_base`` / ``gateway_url``."""

    def __init__(self, *, allow_message_content: bool = True) -> None:
        self.allow_message_content = allow_message_content
        #: While True, posting or editing messages in the guild's channels fails with 403
        #: Missing Permissions (direct messages still go through).
        self.refuse_channel_messages = False
        #: Seconds the fake takes to answer an interaction callback (work "in flight").
        self.callback_delay = 0.0
        self.calls: list[RestCall] = []
        self.unknown: list[RestCall] = []  # calls to endpoints the fake does not serve
        self.messages: dict[int, dict[str, Any]] = {}
        self.commands: list[dict[str, Any]] = []
        self.identifies: list[dict[str, Any]] = []
        self.sockets: list[web.WebSocketResponse] = []
        self._ids = itertools.count(2_000_000_000_000_000_000)
        self._seq = itertools.count(1)
        self._interactions: dict[str, dict[str, Any]] = {}  # token -> payload
        self._originals: dict[str, int] = {}  # interaction token -> response message id
        self._deferred: dict[str, int] = {}  # interaction token -> the deferred response's type
        self.dms: dict[int, int] = {}  # user id -> their DM channel's id
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.app = web.Application()
        r = self.app.router
        r.add_get("/gateway", self._gateway)
        r.add_get("/api/v10/users/@me", self._me)
        r.add_get("/api/v10/oauth2/applications/@me", self._application)
        r.add_get("/api/v10/gateway/bot", self._gateway_bot)
        r.add_put("/api/v10/applications/{app}/commands", self._put_commands)
        r.add_get("/api/v10/applications/{app}/commands", self._get_commands)
        r.add_post("/api/v10/channels/{channel}/messages", self._post_message)
        r.add_patch("/api/v10/channels/{channel}/messages/{message}", self._patch_message)
        r.add_get("/api/v10/channels/{channel}/messages/{message}", self._get_message)
        r.add_put(
            "/api/v10/channels/{channel}/messages/{message}/reactions/{emoji}/@me", self._no_content
        )
        r.add_post("/api/v10/interactions/{id}/{token}/callback", self._callback)
        r.add_post("/api/v10/webhooks/{app}/{token}", self._followup)
        r.add_patch("/api/v10/webhooks/{app}/{token}/messages/{message}", self._patch_webhook)
        r.add_get("/api/v10/webhooks/{app}/{token}/messages/{message}", self._get_webhook)
        r.add_delete("/api/v10/webhooks/{app}/{token}/messages/{message}", self._delete_webhook)
        r.add_post("/api/v10/users/@me/channels", self._open_dm)
        r.add_route("*", "/{tail:.*}", self._unknown)

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

    # -- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _json(data: Any, status: int = 200) -> web.Response:
        # discord.py parses a body as JSON only when Content-Type is exactly application/json.
        return web.Response(
            status=status,
            body=json.dumps(data).encode(),
            headers={"Content-Type": "application/json"},
        )

    async def _record(self, request: web.Request) -> Any:
        body = await request.text()
        payload = json.loads(body) if body else None
        self.calls.append(
            RestCall(
                request.method, request.path.removeprefix("/api/v10"), dict(request.query), payload
            )
        )
        return payload

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bot {GOOD_TOKEN}"

    def _new_message(
        self, channel_id: int, data: dict[str, Any], *, flags: int = 0, author: FakeUser = BOT_USER
    ) -> dict[str, Any]:
        mid = next(self._ids)
        message = {
            "id": str(mid),
            "channel_id": str(channel_id),
            "guild_id": str(GUILD_ID),
            "author": author.payload(),
            "content": data.get("content") or "",
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": data.get("embeds") or [],
            "components": data.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": flags | int(data.get("flags") or 0),
        }
        self.messages[mid] = message
        return message

    def _edit(self, mid: int, data: dict[str, Any]) -> dict[str, Any]:
        message = self.messages[mid]
        for key, empty in (("content", ""), ("embeds", []), ("components", [])):
            if key in data:
                message[key] = data[key] if data[key] is not None else empty
        message["edited_timestamp"] = TIMESTAMP
        return message

    # -- REST --------------------------------------------------------------------------------
    async def _me(self, request: web.Request) -> web.Response:
        await self._record(request)
        if not self._authorised(request):
            return self._json({"message": "401: Unauthorized", "code": 0}, 401)
        return self._json(BOT_USER.payload())

    async def _application(self, request: web.Request) -> web.Response:
        await self._record(request)
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

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        await self._record(request)
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

    async def _put_commands(self, request: web.Request) -> web.Response:
        payload = await self._record(request)
        self.commands = [
            dict(c, id=str(next(self._ids)), application_id=str(APP_ID), version="1")
            for c in payload
        ]
        return self._json(self.commands)

    async def _get_commands(self, request: web.Request) -> web.Response:
        await self._record(request)
        return self._json(self.commands)

    def _refused(self) -> web.Response:
        return self._json({"message": "Missing Permissions", "code": 50013}, 403)

    async def _post_message(self, request: web.Request) -> web.Response:
        payload = await self._record(request)
        channel = int(request.match_info["channel"])
        if self.refuse_channel_messages and channel not in self.dms.values():
            return self._refused()
        return self._json(self._new_message(channel, payload))

    async def _patch_message(self, request: web.Request) -> web.Response:
        payload = await self._record(request)
        mid = int(request.match_info["message"])
        if self.refuse_channel_messages:
            return self._refused()
        if mid not in self.messages:
            return self._json({"message": "Unknown Message", "code": 10008}, 404)
        return self._json(self._edit(mid, payload))

    async def _get_message(self, request: web.Request) -> web.Response:
        await self._record(request)
        message = self.messages.get(int(request.match_info["message"]))
        if message is None:
            return self._json({"message": "Unknown Message", "code": 10008}, 404)
        return self._json(message)

    async def _no_content(self, request: web.Request) -> web.Response:
        await self._record(request)
        return web.Response(status=204)

    async def _callback(self, request: web.Request) -> web.Response:
        payload = await self._record(request)
        if self.callback_delay:
            await asyncio.sleep(self.callback_delay)
        token = request.match_info["token"]
        interaction = self._interactions[token]
        kind, data = payload["type"], payload.get("data") or {}
        channel_id = int(interaction["channel_id"])
        answer: dict[str, Any] = {
            "interaction": {"id": interaction["id"], "type": interaction["type"]}
        }
        message = None
        if kind == 4:  # reply
            message = self._new_message(channel_id, data)
        elif kind == 5:  # deferred reply ("thinking"); flags 128 = loading
            message = self._new_message(channel_id, data, flags=128)
        elif kind == 7 and "message" in interaction:  # update the clicked message
            message = self._edit(int(interaction["message"]["id"]), data)
        elif kind == 6 and "message" in interaction:  # deferred update: @original is the message
            self._originals[token] = int(interaction["message"]["id"])
        if kind in (5, 6):
            self._deferred[token] = kind
        if message is not None:
            self._originals[token] = int(message["id"])
            answer["interaction"].update(
                response_message_id=message["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=bool(int(message["flags"]) & 64),
            )
            answer["resource"] = {"type": kind, "message": message}
        return self._json(answer)

    async def _followup(self, request: web.Request) -> web.Response:
        payload = await self._record(request)
        token = request.match_info["token"]
        interaction = self._interactions[token]
        original = self._originals.get(token)
        if (
            self._deferred.get(token) == 5
            and original in self.messages
            and int(self.messages[original]["flags"]) & 128
        ):
            # The first follow-up of a deferred reply replaces its "thinking" message
            # (keeping the visibility chosen when deferring).
            message = self._edit(original, payload)
            message["flags"] = int(message["flags"]) & ~128
            return self._json(message)
        return self._json(self._new_message(int(interaction["channel_id"]), payload))

    async def _delete_webhook(self, request: web.Request) -> web.Response:
        await self._record(request)
        mid = self._webhook_message_id(request)
        self.messages.pop(mid, None)
        return web.Response(status=204)

    async def _open_dm(self, request: web.Request) -> web.Response:
        payload = await self._record(request)
        user = int(payload["recipient_id"])
        channel_id = self.dms.setdefault(user, next(self._ids))
        return self._json(
            {"id": str(channel_id), "type": 1, "last_message_id": None, "recipients": []}
        )

    def _webhook_message_id(self, request: web.Request) -> int:
        ref = request.match_info["message"]
        return self._originals[request.match_info["token"]] if ref == "@original" else int(ref)

    async def _patch_webhook(self, request: web.Request) -> web.Response:
        payload = await self._record(request)
        mid = self._webhook_message_id(request)
        message = self._edit(mid, payload)
        message["flags"] = int(message["flags"]) & ~128
        return self._json(message)

    async def _get_webhook(self, request: web.Request) -> web.Response:
        await self._record(request)
        return self._json(self.messages[self._webhook_message_id(request)])

    async def _unknown(self, request: web.Request) -> web.Response:
        await self._record(request)
        self.unknown.append(self.calls[-1])
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
        await self._send(
            ws,
            "READY",
            {
                "v": 10,
                "user": BOT_USER.payload(),
                "session_id": f"session-{len(self.identifies)}",
                "resume_gateway_url": self.gateway_url,
                "shard": shard,
                "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                "application": {"id": str(APP_ID), "flags": 0},
                "private_channels": [],
                "relationships": [],
            },
        )
        await self._send(ws, "GUILD_CREATE", self.guild_payload())
        self.sockets.append(ws)

    def guild_payload(self) -> dict[str, Any]:
        role = {"color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
        return {
            "id": str(GUILD_ID),
            "name": "Study group",
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
                    id=str(GUILD_ID),
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
            "channels": [self.channel_payload()],
            "members": [BOT_USER.member()],
        }

    @staticmethod
    def channel_payload() -> dict[str, Any]:
        return {
            "id": str(CHANNEL_ID),
            "type": 0,
            "guild_id": str(GUILD_ID),
            "name": "quiz",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }

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
        self, user: FakeUser, kind: int, data: dict[str, Any], message: dict[str, Any] | None = None
    ) -> Sent:
        iid = next(self._ids)
        token = f"interaction-token-{iid}"
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(APP_ID),
            "type": kind,
            "token": token,
            "version": 1,
            "guild_id": str(GUILD_ID),
            "channel_id": str(CHANNEL_ID),
            "channel": self.channel_payload(),
            "member": user.member(),
            "data": data,
            "app_permissions": str(DEFAULT_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "context": 0,
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
            "attachment_size_limit": 8 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = message
        self._interactions[token] = payload
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
        self, name: str, sub: str | None, options: dict[str, Any], focused: str | None = None
    ) -> dict[str, Any]:
        command = next(c for c in self.commands if c["name"] == name)
        data = {"id": command["id"], "name": name, "type": 1, "guild_id": str(GUILD_ID)}
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
        self, user: FakeUser, name: str, sub: str | None = None, **options: Any
    ) -> Sent:
        """Run a slash command as ``user``, e.g. ``slash(u, "quiz", "start", questions=3)``."""
        return await self.interact(user, 2, self._command(name, sub, options))

    async def autocomplete(
        self, user: FakeUser, name: str, sub: str | None, option: str, value: str, **filled: Any
    ) -> Sent:
        """Type ``value`` into ``option`` (other options already ``filled``) and ask for choices."""
        return await self.interact(
            user, 4, self._command(name, sub, {**filled, option: value}, option)
        )

    async def click(
        self, user: FakeUser, message_id: int, custom_id: str, message: dict[str, Any] | None = None
    ) -> Sent:
        """Click the button ``custom_id`` of a message the bot posted.

        ``message`` is the message as the user's screen shows it (default: as it is now);
        pass an older copy to click a button that has since been taken away.
        """
        message = message or self.messages[message_id]
        ids = [c.get("custom_id") for row in message["components"] for c in row["components"]]
        assert custom_id in ids, f"{custom_id!r} is not a button of message {message_id}: {ids}"
        return await self.interact(
            user,
            3,
            {"custom_id": custom_id, "component_type": 2},
            message=json.loads(json.dumps(message)),
        )

    async def submit_modal(
        self, user: FakeUser, custom_id: str, values: dict[str, str], message_id: int | None = None
    ) -> Sent:
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
            for k, v in values.items()
        ]
        message = self.messages[message_id] if message_id is not None else None
        return await self.interact(user, 5, {"custom_id": custom_id, "components": rows}, message)

    async def say(self, user: FakeUser, content: str) -> dict[str, Any]:
        """Post a channel message as ``user`` (MESSAGE_CREATE)."""
        message = self._new_message(CHANNEL_ID, {"content": content}, author=user)
        member = user.member()
        member.pop("user")
        event = dict(message, member=member)
        if not self.identifies[-1].get("intents", 0) & MESSAGE_CONTENT_INTENT:
            event["content"] = ""  # Discord withholds content without the intent
        await self.dispatch("MESSAGE_CREATE", event)
        return message

    # -- inspecting what the bot did ------------------------------------------------------------
    def callbacks(self, sent: Sent) -> list[dict[str, Any]]:
        path = f"/interactions/{sent.id}/{sent.token}/callback"
        return [c.json for c in self.calls if c.method == "POST" and c.path == path]

    async def wait_for(
        self, predicate: Callable[[], Any], within: float = 5.0, what: str = "condition"
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

    async def reply_to(self, sent: Sent, within: float = 5.0) -> dict[str, Any]:
        """The bot's response to ``sent`` as the user ends up seeing it (waits for it).

        A direct response is its callback body. A deferred one (type 5, "thinking"; type 6,
        an update of the clicked message) is the message it became, in the shape of a direct
        response: ``{"type": 4 or 7, "data": the message}`` (with the visibility chosen when
        deferring, or that of the private follow-up sent after deleting a public one).
        """
        found = await self.wait_for(
            lambda: self.callbacks(sent), within, f"a response to interaction {sent.id}"
        )
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
        calls = [c for c in self.calls if c.path.startswith(base)]
        for call in calls:
            if call.method == "PATCH" and call.path.endswith("/messages/@original"):
                data = dict(call.json or {})
                message = self.messages.get(self._originals.get(sent.token, -1))
                if message is not None:
                    data.setdefault("flags", int(message["flags"]) & ~128)
                return {"type": 4 if kind == 5 else 7, "data": data}
            if call.method == "POST" and call.path == base:
                return {"type": 4, "data": dict(call.json or {})}
        return None

    def response_message(self, sent: Sent) -> dict[str, Any]:
        """The message an interaction's response created (or updated)."""
        return self.messages[self._originals[sent.token]]

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

    def channel_messages(self) -> list[dict[str, Any]]:
        """Messages the bot posted that everyone sees (not ephemeral), oldest first."""
        return [
            m for m in self.messages.values() if m["author"]["bot"] and not int(m["flags"]) & 64
        ]
