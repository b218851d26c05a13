"""A stub of Slack's Web API for the adapter's end-to-end tests.

It runs on 127.0.0.1 (port 0), answers the methods quizbot calls the way Slack does
(``{"ok": true, ...}`` with timestamps, channels and views) and records every call: its
method, its parameters (query string, form or JSON body, merged) and the token it came
with. ``response_url`` posts (``/response/...``) are recorded too, as method ``"response_url"``,
and so is Socket Mode: ``apps.connections.open`` points at ``/socket``, a websocket that
says hello, sends the envelopes queued with :meth:`StubSlackApi.socket_send`, and records
the client's acknowledgements as ``"socket.ack"``.
Tests read :attr:`StubSlackApi.calls` or wait for a call with :meth:`StubSlackApi.wait_for`.

It enforces what Slack enforces (``stub_rules.py`` has the rules and their sources): tokens
(``not_authed``, ``invalid_auth``, and ``token_revoked`` / ``account_inactive`` once a team
uninstalled the app), rate limits per method per workspace by tier and chat.postMessage's
per channel (HTTP 429, ``Retry-After``, ``ratelimited``), Block Kit limits
(``invalid_blocks``, ``invalid_arguments`` for views), errors set per channel
(``not_in_channel``, ``channel_not_found``, ``is_archived``), ``message_not_found`` for an
update of a message it never posted, response_url's five uses, and scopes (``missing_scope``
for a token without the method's scope: :meth:`StubSlackApi.take_scope`). ``users.info``
answers the users in :attr:`StubSlackApi.users` (``user_not_found`` for those in
:attr:`StubSlackApi.unknown_users`), with their ``locale`` only when asked
``include_locale=true``. :attr:`StubSlackApi.calls`
holds what Slack accepted; :attr:`StubSlackApi.errors` what it refused (the 429s also in
:attr:`StubSlackApi.rate_limited`), :attr:`StubSlackApi.requests` everything.
:attr:`StubSlackApi.rules` changes or switches off any rule, :attr:`StubSlackApi.latency`
slows methods down.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.slack.stub_rules import (
    APP_SCOPES,
    CHANNEL_METHODS,
    MESSAGE_BLOCKS,
    MESSAGE_METHODS,
    VIEW_METHODS,
    RateLimiter,
    SlackRules,
    block_problems,
    message_error,
    retry_after,
    scope_error,
    truthy,
    view_error,
)

BOT_USER_ID = "UQUIZBOT"
BOT_ID = "BQUIZBOT"
#: Methods called without a bearer token (client id and secret instead).
NO_TOKEN_METHODS = frozenset({"oauth.v2.access"})


@dataclass(frozen=True)
class Ephemeral:
    """An ephemeral message as a user sees it, whichever way it was sent."""

    user: str
    channel: str
    text: str
    call: Call


@dataclass
class Call:
    """One recorded request: the API method, its parameters, the bearer token, the answer."""

    method: str
    params: dict[str, Any]
    token: str | None
    path: str = ""
    response: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    team: str | None = None
    #: For a response_url post: the (user, channel) of the click or command it answers,
    #: and which it was ("command" or "action").
    answers: tuple[str, str] | None = None
    source: str | None = None
    #: The (host, port) the request came from: one connection kept alive shows one port.
    peer: tuple[str, int] | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.response.get("ok", True) is not False

    @property
    def error(self) -> str | None:
        return None if self.ok else str(self.response.get("error") or self.status)

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
    """The stub's state: recorded calls, the users ``users.info`` knows, the tokens issued.

    ``tokens`` maps each valid bot token to its team (oauth.v2.access adds the one it
    issues); ``app_tokens`` are the app-level tokens apps.connections.open takes. ``users``
    holds each user's fields beyond the defaults (``is_admin``, ``locale``, ``profile``...).
    """

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Users users.info does not find (``user_not_found``).
    unknown_users: set[str] = field(default_factory=set)
    #: token -> the scopes it was granted (a token not listed has the app's, APP_SCOPES).
    scopes: dict[str, frozenset[str]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    oauth_token: str = "xoxb-installed-token"
    oauth_team: str = "T0TWO"
    url: str = ""
    tokens: dict[str, str] = field(default_factory=dict)
    app_tokens: set[str] = field(default_factory=set)
    team_names: dict[str, str] = field(default_factory=lambda: {"T0TWO": "Team Two"})
    rules: SlackRules = field(default_factory=SlackRules)
    #: Seconds each method (or "response_url") takes to answer, e.g. {"chat.update": 0.5}.
    latency: dict[str, float] = field(default_factory=dict)
    requests: list[Call] = field(default_factory=list)
    errors: list[Call] = field(default_factory=list)
    rate_limited: list[Call] = field(default_factory=list)
    #: token -> the error it now answers (token_revoked, account_inactive)
    revoked: dict[str, str] = field(default_factory=dict)
    #: (team or None for any, channel) -> the error calls in that channel answer
    channel_errors: dict[tuple[str | None, str], str] = field(default_factory=dict)
    #: (channel, ts) of every message the bot posted
    messages: set[tuple[str, str]] = field(default_factory=set)
    #: The websocket URL apps.connections.open hands out (None: the stub's own /socket).
    socket_url: str | None = None
    _limiter: RateLimiter = field(default_factory=RateLimiter)
    _response_urls: dict[str, list[float]] = field(default_factory=dict)
    _response_url_owners: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _outbox: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)

    # --- what tests set up ------------------------------------------------------------------

    def revoke(self, token: str, error: str = "token_revoked") -> None:
        """From now on ``token`` answers ``error``."""
        self.revoked[token] = error

    def uninstall(self, team: str, error: str = "token_revoked") -> None:
        """The app is removed from ``team``: every token of the team answers ``error``
        (``account_inactive`` for a deleted workspace)."""
        for token, owner in self.tokens.items():
            if owner == team:
                self.revoke(token, error)

    def response_url(self, user: str, channel: str, source: str) -> str:
        """A new ``response_url`` for a ``source`` ("command" or "action", a click) of
        ``user`` in ``channel``."""
        key = uuid.uuid4().hex
        self._response_url_owners[key] = (user, channel, source)
        return f"{self.url}/response/{key}"

    def fail_channel(self, channel: str, error: str, team: str | None = None) -> None:
        """Calls in ``channel`` (of ``team``, or any) answer ``error``, e.g. not_in_channel."""
        self.channel_errors[(team, channel)] = error

    def heal_channel(self, channel: str, team: str | None = None) -> None:
        self.channel_errors.pop((team, channel), None)

    def take_scope(self, scope: str, team: str | None = None) -> None:
        """The tokens (of ``team``, or all) lose ``scope``: an install made before the app
        asked for it. Methods needing it answer ``missing_scope``."""
        for token, owner in self.tokens.items():
            if team is None or owner == team:
                self.scopes[token] = self.granted(token) - {scope}

    def granted(self, token: str | None) -> frozenset[str]:
        return self.scopes.get(token or "", APP_SCOPES)

    # --- recording and waiting ------------------------------------------------------------

    def of(self, method: str) -> list[Call]:
        """The recorded calls of one method, in order."""
        return [c for c in self.calls if c.method == method]

    def user_lookups(self, *, locales: bool = False) -> list[Call]:
        """The ``users.info`` calls asking who a user is (a name, an admin), or with
        ``locales`` the ones asking their locale (``include_locale=true``)."""
        return [
            c for c in self.of("users.info") if truthy(c.params.get("include_locale")) == locales
        ]

    async def command_replies(self, count: int = 1, within: float = 30.0) -> list[Call]:
        """The first ``count`` replies to slash commands (through their response_url)."""
        return await self.wait_for(
            "response_url", lambda c: c.source == "command", count=count, within=within
        )

    def ephemerals(self, user: str | None = None, *, commands: bool = False) -> list[Ephemeral]:
        """Ephemeral messages Slack showed (to ``user``), in order: ``chat.postEphemeral``
        and ephemeral ``response_url`` posts answering clicks (and ``commands`` too)."""
        shown = []
        for call in self.calls:
            if call.method == "chat.postEphemeral":
                to = (str(call.params["user"]), str(call.params["channel"]))
            elif call.method == "response_url" and call.answers is not None:
                if call.source == "command" and not commands:
                    continue
                if call.params.get("response_type", "ephemeral") != "ephemeral":
                    continue
                if call.params.get("replace_original") or call.params.get("delete_original"):
                    continue
                to = call.answers
            else:
                continue
            if user is None or to[0] == user:
                shown.append(Ephemeral(to[0], to[1], str(call.params.get("text") or ""), call))
        return shown

    async def wait_for_ephemerals(
        self, user: str | None = None, *, count: int = 1, within: float = 30.0
    ) -> list[Ephemeral]:
        """Wait until ``count`` ephemeral messages were shown (to ``user``)."""
        deadline = time.monotonic() + within
        while len(found := self.ephemerals(user)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {count} ephemerals to {user}")
            await asyncio.sleep(0.01)
        return found

    async def wait_for(
        self,
        method: str,
        where: Callable[[Call], bool] = lambda c: True,
        *,
        count: int = 1,
        within: float = 30.0,
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
        """Keep a request: in ``calls`` if Slack accepted it, else in ``errors``."""
        self.requests.append(call)
        if call.ok:
            self.calls.append(call)
        else:
            self.errors.append(call)
            if call.status == 429:
                self.rate_limited.append(call)
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

    async def _delay(self, method: str) -> None:
        """Answer ``method`` after its latency (lowering the latency ends a wait under way)."""
        start = time.monotonic()
        while True:
            left = self.latency.get(method, 0.0) - (time.monotonic() - start)
            if left <= 0:
                return
            await asyncio.sleep(min(left, 0.05))

    def _response_url_error(self, key: str, params: dict[str, Any]) -> tuple[int, str] | None:
        """Why a response_url post is refused: used up (5 times in 30 minutes; Slack does not
        document the answer, 404 ``used_url`` here), or a message Slack would not take."""
        now = time.monotonic()
        uses = [
            t for t in self._response_urls.get(key, []) if now - t < self.rules.response_url_window
        ]
        if len(uses) >= self.rules.response_url_uses:
            return 404, "used_url"
        self._response_urls[key] = [*uses, now]
        if not params.get("text") and not params.get("blocks") and "delete_original" not in params:
            return 400, "no_text"
        if self.rules.block_kit and block_problems(params.get("blocks") or [], MESSAGE_BLOCKS):
            return 400, "invalid_blocks"
        return None

    async def _response_url(self, request: web.Request) -> web.Response:
        params = await self._params(request)
        refused = self._response_url_error(request.match_info["key"], params)
        status, text = refused or (200, "ok")
        answer = {"ok": refused is None, "error": None if refused is None else text}
        user, channel, source = self._response_url_owners.get(request.match_info["key"], ("",) * 3)
        answers = (user, channel) if user else None
        call = Call("response_url", params, None, request.path, answer, status)
        call.answers, call.source = answers, source or None
        if request.transport is not None:
            call.peer = request.transport.get_extra_info("peername")
        self.record(call)
        await self._delay("response_url")
        return web.Response(status=status, text=text)

    def _team_of(self, method: str, token: str | None) -> tuple[str | None, str | None]:
        """(the token's team, or the auth error to answer)."""
        if method in NO_TOKEN_METHODS:
            return None, None
        if not token:
            return None, "not_authed"
        if token in self.revoked:
            return None, self.revoked[token]
        if method == "apps.connections.open":
            return (None, None) if token in self.app_tokens else (None, "invalid_auth")
        if token not in self.tokens:
            return None, "invalid_auth"
        return self.tokens[token], None

    def _refusal(self, method: str, params: dict[str, Any], team: str) -> dict[str, Any] | None:
        """What Slack answers instead of doing the call (a channel's error, bad content)."""
        channel = str(params.get("channel") or "")
        if method in CHANNEL_METHODS:
            error = self.channel_errors.get((team, channel)) or self.channel_errors.get(
                (None, channel)
            )
            if error:
                return {"ok": False, "error": error}
        if self.rules.block_kit and method in MESSAGE_METHODS:
            refused = message_error(params)
            if refused is not None:
                return refused
        if self.rules.block_kit and method in VIEW_METHODS:
            refused = view_error(params.get("view"))
            if refused is not None:
                return refused
        if method == "chat.update" and (channel, str(params.get("ts"))) not in self.messages:
            return {"ok": False, "error": "message_not_found"}
        if method == "users.info" and str(params.get("user")) in self.unknown_users:
            return {"ok": False, "error": "user_not_found"}
        return None

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
        token = token or params.get("token")
        team, auth_error = self._team_of(method, token)
        status, headers = 200, {}
        if auth_error is not None:
            answer: dict[str, Any] = {"ok": False, "error": auth_error}
        elif wait := self._limiter.wait(self.rules, team or "", method, params):
            status, headers = 429, {"Retry-After": retry_after(wait)}
            answer = {"ok": False, "error": "ratelimited"}
        else:
            answer = (
                (None if method in NO_TOKEN_METHODS else scope_error(method, self.granted(token)))
                or self._refusal(method, params, team or "")
                or self._answer(method, params, token)
            )
        self.record(Call(method, params, token, request.path, answer, status, team))
        await self._delay(method)
        return web.json_response(
            answer, status=status, headers=headers, content_type="application/json"
        )

    def _answer(self, method: str, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if method == "auth.test":
            team = self.tokens.get(token or "", "T0ONE")
            return {
                "ok": True,
                "url": "https://quizbot-test.slack.com/",
                "team": self.team_names.get(team, "Test Team"),
                "user": "quizbot",
                "team_id": team,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if method == "chat.postMessage":
            ts = self.next_ts()
            self.messages.add((str(params.get("channel")), ts))
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
            view.update({"id": f"V{next(self._ts)}", "team_id": self.tokens.get(token or "")})
            return {"ok": True, "view": view}
        if method == "users.info":
            user_id = str(params.get("user"))
            user = {"id": user_id, "name": user_id.lower(), "is_admin": False, "is_owner": False}
            user.update(self.users.get(user_id, {}))
            if not truthy(params.get("include_locale")):
                user.pop("locale", None)  # only for those who ask
            return {"ok": True, "user": user}
        if method == "conversations.open":
            users = str(params.get("users", "U"))
            return {"ok": True, "channel": {"id": "D" + users.split(",")[0][1:]}}
        if method == "apps.connections.open":
            url = self.socket_url or self.url.replace("http://", "ws://") + "/socket"
            return {"ok": True, "url": url}
        if method == "oauth.v2.access":
            self.tokens[self.oauth_token] = self.oauth_team
            self.revoked.pop(self.oauth_token, None)
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
