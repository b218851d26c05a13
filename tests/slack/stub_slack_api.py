"""A stub of Slack's Web API for the adapter's end-to-end tests.

It runs on 127.0.0.1 (port 0), answers the methods quizbot calls the way Slack does
(``{"ok": true, ...}`` with timestamps, channels and views) and records every call: its
method, its parameters (query string, form or JSON body, merged) and the token it came
with. ``response_url`` posts (``/response/...``) are recorded too, as method ``"response_url"``,
and so is Socket Mode: ``apps.connections.open`` points at ``/socket``, a websocket that
says hello, sends the envelopes queued with :meth:`StubSlackApi.socket_send`, and records
the client's acknowledgements as ``"socket.ack"``.
Tests read :attr:`StubSlackApi.calls` or wait for a call with :meth:`StubSlackApi.wait_for`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER_ID = "UQUIZBOT"
BOT_ID = "BQUIZBOT"


@dataclass
class Call:
    """One recorded request: the API method, its parameters, the bearer token, the answer."""

    method: str
    params: dict[str, Any]
    token: str | None
    path: str = ""
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def ts(self) -> str:
        """The ``ts`` the stub gave the message this call posted (or the one it edited)."""
        return str(self.response.get("ts") or self.params.get("ts") or "")

    @property
    def blocks(self) -> list[dict[str, Any]]:
        """The Block Kit blocks sent (of the message, or of the view)."""
        if "view" in self.params:
            return list(self.params["view"].get("blocks", []))
        return list(self.params.get("blocks") or [])

    @property
    def all_text(self) -> str:
        """Every text of the call (fallback text and blocks), flattened, for assertions."""
        return json.dumps(self.params, ensure_ascii=False)

    def buttons(self) -> list[dict[str, Any]]:
        """The buttons of the blocks, in order."""
        found: list[dict[str, Any]] = []
        for block in self.blocks:
            for element in block.get("elements", []):
                if element.get("type") == "button":
                    found.append(element)
            accessory = block.get("accessory")
            if accessory and accessory.get("type") == "button":
                found.append(accessory)
        return found


@dataclass
class StubSlackApi:
    """The stub's state: recorded calls, the users ``users.info`` knows, the tokens issued."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    oauth_token: str = "xoxb-installed-token"
    oauth_team: str = "T0TWO"
    url: str = ""
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _outbox: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)

    # --- recording and waiting ------------------------------------------------------------

    def of(self, method: str) -> list[Call]:
        """The recorded calls of one method, in order."""
        return [c for c in self.calls if c.method == method]

    async def wait_for(
        self,
        method: str,
        where: Callable[[Call], bool] = lambda c: True,
        *,
        count: int = 1,
        within: float = 5.0,
    ) -> list[Call]:
        """Wait until ``count`` calls of ``method`` matching ``where`` were recorded."""
        deadline = time.monotonic() + within
        while True:
            found = [c for c in self.of(method) if where(c)]
            if len(found) >= count:
                return found
            left = deadline - time.monotonic()
            if left <= 0:
                seen = [c.method for c in self.calls]
                raise AssertionError(f"timed out waiting for {count} x {method}; calls: {seen}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(left, 0.2))

    def record(self, call: Call) -> None:
        self.calls.append(call)
        self._changed.set()

    # --- the web app ----------------------------------------------------------------------

    def next_ts(self) -> str:
        return f"{1767614400 + next(self._ts)}.000100"

    def web_app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_get("/socket", self._socket)
        return app

    # --- Socket Mode: apps.connections.open hands out ws://.../socket ----------------------

    def socket_send(self, envelope: dict[str, Any]) -> None:
        """Queue an envelope for the connected Socket Mode client."""
        self._outbox.put_nowait(envelope)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.record(Call("socket.connect", dict(request.query), None, path=request.path))
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {}})

        async def pump() -> None:
            while True:
                await ws.send_json(await self._outbox.get())

        sender = asyncio.create_task(pump())
        try:
            async for msg in ws:
                if msg.type == web.WSMsgType.TEXT:
                    self.record(Call("socket.ack", json.loads(msg.data), None, path=request.path))
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
        return ws

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.body_exists:
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    params.update(body)
            else:
                form = await request.post()
                params.update({k: v for k, v in form.items() if isinstance(v, str)})
        for key in ("blocks", "view", "attachments"):
            value = params.get(key)
            if isinstance(value, str):
                params[key] = json.loads(value)
        return params

    async def _response_url(self, request: web.Request) -> web.Response:
        params = await self._params(request)
        self.record(Call("response_url", params, None, path=request.path))
        return web.Response(text="ok")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
        token = token or params.get("token")
        answer = self._answer(method, params, token)
        self.record(Call(method, params, token, path=request.path, response=answer))
        return web.json_response(answer, content_type="application/json")

    def _answer(self, method: str, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if method == "auth.test":
            installed = token == self.oauth_token
            return {
                "ok": True,
                "url": "https://quizbot-test.slack.com/",
                "team": "Team Two" if installed else "Test Team",
                "user": "quizbot",
                "team_id": self.oauth_team if installed else "T0ONE",
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if method == "chat.postMessage":
            ts = self.next_ts()
            message = {"type": "message", "ts": ts, "text": params.get("text", "")}
            return {"ok": True, "channel": params.get("channel"), "ts": ts, "message": message}
        if method == "chat.update":
            return {
                "ok": True,
                "channel": params.get("channel"),
                "ts": params.get("ts"),
                "text": params.get("text", ""),
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self.next_ts()}
        if method in ("views.publish", "views.open", "views.update"):
            view = dict(params.get("view") or {})
            view.update({"id": f"V{next(self._ts)}", "team_id": "T0ONE"})
            return {"ok": True, "view": view}
        if method == "users.info":
            user_id = str(params.get("user"))
            user = {"id": user_id, "name": user_id.lower(), "is_admin": False, "is_owner": False}
            user.update(self.users.get(user_id, {}))
            return {"ok": True, "user": user}
        if method == "conversations.open":
            users = str(params.get("users", "U"))
            return {"ok": True, "channel": {"id": "D" + users.split(",")[0][1:]}}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.url.replace("http://", "ws://") + "/socket"}
        if method == "oauth.v2.access":
            return {
                "ok": True,
                "app_id": "A0QUIZ",
                "authed_user": {"id": "U0INSTALLER"},
                "scope": "commands,chat:write",
                "token_type": "bot",
                "access_token": self.oauth_token,
                "bot_user_id": BOT_USER_ID,
                "team": {"id": self.oauth_team, "name": "Team Two"},
                "enterprise": None,
                "is_enterprise_install": False,
            }
        return {"ok": True}
