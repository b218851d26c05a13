"""A fake Telegram Bot API for end-to-end tests, spoken to by the real python-telegram-bot.

It runs on 127.0.0.1 (aiohttp, port 0) and serves ``{base}/bot<TOKEN>/<method>`` (GET or
POST; query string, JSON, form or multipart bodies, as PTB sends them) with Telegram's envelope
``{"ok": true, "result": ...}`` / ``{"ok": false, "error_code": N, "description": ...,
"parameters": {...}}``, and files at ``{base}/file/bot<TOKEN>/<path>``. Point PTB at it with
``Bot(token, base_url=fake.base_url, base_file_url=fake.base_file_url)`` (or the same two calls
on ``ApplicationBuilder``). Every call is recorded (:attr:`FakeTelegram.calls`); calls to
methods the fake does not serve answer 404 ``Not Found`` and are listed in ``unknown``.

Telegram's rules it enforces (sources: core.telegram.org/bots/api, /bots/faq,
/bots/features#privacy-mode; error texts from the Bot API server, tdlib/telegram-bot-api):

* chats and rights: unknown chat (400 ``chat not found``); a user who never started the bot (403
  ``bot can't initiate conversation with a user``) or blocked it (403 ``bot was blocked by the
  user``); the bot kicked or gone from a group (403); no right to send (400 ``not enough rights
  to send text messages to the chat``); forum topics (``message thread not found``,
  ``TOPIC_CLOSED``); a basic group upgraded to a supergroup (400 with ``migrate_to_chat_id``).
* text: 1-4096 characters after entity parsing, captions 0-1024 (TDLib counts code points),
  ``parse_mode`` HTML / MarkdownV2 / Markdown parsed as Telegram does (see ``markup.py``),
  leading and trailing whitespace stripped, commands / mentions / links detected.
* inline keyboards: ``callback_data`` 1-64 bytes (``BUTTON_DATA_INVALID``); a button needs
  exactly one action. ``answerCallbackQuery``: text up to 200 characters
  (``MESSAGE_TOO_LONG``); a query answered twice or after :attr:`callback_answer_window`
  seconds of :attr:`clock` time fails with ``query is too old and response timeout expired or
  query ID is invalid``. Telegram does not document the window (clients give up after some
  seconds; reports say 10-15 s), so the default is a conservative 10 s.
* edits: ``message to edit not found``, ``message is not modified: ...`` (text, entities and
  keyboard unchanged; leaving ``reply_markup`` out removes the keyboard, as on Telegram),
  ``message can't be edited`` (not the bot's). Deleting: only the bot's own messages (any
  message in private chats, or as an administrator), within 48 hours.
* flood limits (bots FAQ: about one message per second per chat with short bursts, 20 messages
  per minute per group, about 30 messages per second overall): 429 ``Too Many Requests: retry
  after N`` with ``parameters.retry_after``, for sendMessage, sendPhoto and editMessage*; see
  :class:`RateLimits` (``enabled=False`` turns them off). Every 429 is in ``rate_limited``.
* updates: ids increase by one; ``getUpdates`` with offset/limit/timeout (long polling, at most
  50 s) and ``allowed_updates`` (kept until changed; unset means every type but chat_member,
  message_reaction and message_reaction_count; types not allowed are never created); 409 while
  a webhook is set, and a newer ``getUpdates`` ends an older one with 409. A webhook gets each
  update POSTed in order with ``X-Telegram-Bot-Api-Secret-Token``; a non-2xx answer is recorded
  (``webhook_deliveries``) and the update retried later, as Telegram does.
* privacy mode (on by default, as for every new bot; ``getMe`` says
  ``can_read_all_group_messages: false``): in groups the bot receives only commands at the start
  of a message that are addressed to it (``/cmd@thisbot``, or a bare ``/cmd`` unless another bot
  spoke in the group after it), messages that mention it, replies to its messages, service
  messages and callback queries; private chats, and groups where the bot is an administrator,
  deliver everything. Messages from other bots never reach it.

A test acts as users with :meth:`FakeTelegram.start_bot`, :meth:`~FakeTelegram.send_text`,
:meth:`~FakeTelegram.press_button`, :meth:`~FakeTelegram.block_bot`,
:meth:`~FakeTelegram.add_bot_to_group`, :meth:`~FakeTelegram.remove_bot_from_group`,
:meth:`~FakeTelegram.set_member_status`, :meth:`~FakeTelegram.add_topic` and
:meth:`~FakeTelegram.upgrade_to_supergroup`, each making the update Telegram would; it sets
the scene with :meth:`~FakeTelegram.add_user` and :meth:`~FakeTelegram.add_group`, and reads
what Telegram holds with :meth:`~FakeTelegram.messages`, :meth:`~FakeTelegram.bot_messages`,
``calls`` / :meth:`~FakeTelegram.of`, ``callback_answers``, ``rate_limited``,
``webhook_deliveries`` and ``updates``, waiting with :meth:`~FakeTelegram.wait_for` and
:meth:`~FakeTelegram.wait_for_call`. Webhook URLs may be plain http on any port, as a local Bot
API server (``--local``) allows; ``cloud_webhook_rules=True`` asks for api.telegram.org's HTTPS
on 443/80/88/8443. ``setWebhook`` with a URL is taken at most once a second (429 otherwise).

Not modelled: inline mode and inline messages, channels, payments, media other than photos
(photos sent by URL are not fetched), albums, business connections, bot-to-bot mode, webhook
replies (a method in the webhook's HTTP answer), the server's throttling of ``getUpdates``
called again within 3 s, the 24-hour lifetime of undelivered updates, ``<tg-time>`` and
date-time entities, and expandable blockquotes in MarkdownV2.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

import aiohttp
from aiohttp import web

from bot.clock import Clock, SystemClock
from tests.telegram import markup
from tests.telegram.bot_api import HANDLERS, METHODS
from tests.telegram.model import (
    BOT,
    BOT_ID,
    BOT_USERNAME,
    CALLBACK_DATA_BYTES,
    CAPTION_LIMIT,
    GOOD_TOKEN,
    NOT_BY_DEFAULT,
    TEXT_LIMIT,
    ApiError,
    Call,
    CallbackAnswer,
    CallbackQuery,
    FakeChat,
    FakeUser,
    Member,
    RateLimitHit,
    RateLimits,
    StoredMessage,
    Topic,
    WebhookDelivery,
    _Limiter,
    bad,
    decode_param,
)

__all__ = [
    "BOT",
    "BOT_ID",
    "BOT_USERNAME",
    "GOOD_TOKEN",
    "CallbackAnswer",
    "FakeChat",
    "FakeTelegram",
    "FakeUser",
    "RateLimits",
]


class FakeTelegram:
    """The fake Bot API. ``await start()``; point PTB at :attr:`base_url`; ``await stop()``."""

    def __init__(
        self,
        *,
        token: str = GOOD_TOKEN,
        clock: Clock | None = None,
        rate_limits: RateLimits | None = None,
        privacy_mode: bool = True,
        callback_answer_window: float = 10.0,
        webhook_retry_delay: float = 0.05,
        cloud_webhook_rules: bool = False,
    ) -> None:
        self.token = token
        self.clock: Clock = clock or SystemClock()
        self.rate_limits = rate_limits or RateLimits()
        self.privacy_mode = privacy_mode
        self.callback_answer_window = callback_answer_window
        #: Real seconds before a refused webhook delivery is tried again (doubling, up to 1 s);
        #: Telegram starts at a few seconds and backs off to a minute or more.
        self.webhook_retry_delay = webhook_retry_delay
        #: True: setWebhook wants HTTPS on port 443, 80, 88 or 8443, as api.telegram.org does;
        #: False (default): any http URL, as a local Bot API server (``--local``) allows.
        self.cloud_webhook_rules = cloud_webhook_rules
        self.calls: list[Call] = []
        self.unknown: list[Call] = []
        self.rate_limited: list[RateLimitHit] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.updates: list[dict[str, Any]] = []  # every update created, delivered or not yet
        self.users: dict[int, FakeUser] = {BOT_ID: BOT}
        self.chats: dict[int, FakeChat] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, content)
        self.webhook_url = ""
        self.webhook_secret = ""
        self.allowed_updates: list[str] | None = None
        self._webhook_error: tuple[int, str] | None = None
        self._pending: list[dict[str, Any]] = []
        self._queries: dict[str, CallbackQuery] = {}
        self._last_bot: dict[int, int] = {}  # group -> the last bot that posted there
        self._limiter = _Limiter(self.rate_limits)
        self._update_ids = itertools.count(720_000_001)
        self._user_ids = itertools.count(100_000_001)
        self._group_ids = itertools.count(400_000_001)
        self._query_ids = itertools.count(4_000_000_000_000_000_001)
        self._file_ids = itertools.count(1)
        self._poll_generation = 0
        self._changed = asyncio.Event()
        self._closing = False
        self._webhook_task: asyncio.Task[None] | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.app = web.Application(client_max_size=60 * 1024 * 1024)
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self.app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self.app.router.add_route("*", "/{tail:.*}", self._not_found)

    # -- lifecycle and addresses ---------------------------------------------------------------
    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        self._closing = True
        self._notify()
        await self._stop_webhook()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        """For PTB's ``base_url``: it appends the token, then ``/<method>``."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _now(self) -> int:
        return int(self.clock.now().timestamp())

    # -- setting the scene (no updates) --------------------------------------------------------
    def add_user(
        self,
        first_name: str,
        username: str | None = None,
        *,
        is_bot: bool = False,
        last_name: str | None = None,
        language_code: str | None = "en",
    ) -> FakeUser:
        """A user (``language_code``: their app's language, an IETF tag such as ``es`` or
        ``de-DE``, or None: Telegram leaves it out)."""
        user = FakeUser(
            next(self._user_ids),
            first_name,
            username,
            last_name,
            is_bot=is_bot,
            language_code=language_code,
        )
        self.users[user.id] = user
        return user

    def add_group(
        self,
        title: str,
        members: dict[FakeUser, str] | Iterable[FakeUser] = (),
        *,
        supergroup: bool = True,
        forum: bool = False,
        bot_status: str = "member",
        bot_rights: dict[str, bool] | None = None,
        permissions: dict[str, bool] | None = None,
    ) -> FakeChat:
        """A group the bot is already in (``bot_status``); the first member given is its creator."""
        gid = next(self._group_ids)
        chat = FakeChat(
            -(1_000_000_000_000 + gid) if supergroup or forum else -gid,
            "supergroup" if supergroup or forum else "group",
            title,
            is_forum=forum,
        )
        if permissions:
            chat.permissions.update(permissions)
        statuses = members if isinstance(members, dict) else dict.fromkeys(members, "member")
        for n, (user, status) in enumerate(statuses.items()):
            chat.members[user.id] = Member(
                user, "creator" if n == 0 and status == "member" else status
            )
        chat.members[BOT_ID] = Member(BOT, bot_status, dict(bot_rights or {}))
        self.chats[chat.id] = chat
        return chat

    def private_chat(self, user: FakeUser) -> FakeChat | None:
        return self.chats.get(user.id)

    # -- acting as users (each makes the update Telegram would) --------------------------------
    def start_bot(self, user: FakeUser, payload: str | None = None) -> dict[str, Any]:
        """The user opens ``t.me/<bot>?start=<payload>`` and presses Start: ``/start payload``.
        A user who had blocked the bot unblocks it first (``my_chat_member``: kicked -> member)."""
        if payload is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", payload):
            raise ValueError("a start parameter is 1-64 characters of A-Z, a-z, 0-9, _ and -")
        chat = self.chats.get(user.id) or FakeChat(user.id, "private", user=user)
        self.chats[user.id] = chat
        if chat.blocked:
            chat.blocked = False
            self._emit_member_change(chat, user, BOT, Member(BOT, "kicked"), Member(BOT), mine=True)
        return self.send_text(user, chat, "/start" + (f" {payload}" if payload else ""))

    def send_text(
        self,
        user: FakeUser,
        chat: FakeChat | int,
        text: str,
        *,
        reply_to: int | None = None,
        thread_id: int | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """The user posts ``text`` (commands, mentions and links get their entities)."""
        chat = self._chat_of(chat)
        if chat.type == "private" and (chat.user != user or chat.blocked):
            raise ValueError(f"{user.first_name} has no open chat with the bot: use start_bot()")
        member = chat.member(user.id)
        if chat.is_group and (
            member is None
            or not member.can("can_send_messages", chat)
            or member.status in ("left", "kicked")
        ):
            raise ValueError(f"{user.first_name} cannot post in {chat.title}")
        if thread_id is not None and thread_id not in chat.topics:
            raise ValueError(f"no topic {thread_id} in {chat.title}")
        plain, found = markup.trim(text, entities or [])
        message = self._new_message(chat, user, reply_to=reply_to, thread_id=thread_id)
        message["text"] = plain
        if found := markup.auto_entities(plain, found):
            message["entities"] = found
        self._store(chat, message)
        if user.is_bot:
            self._last_bot[chat.id] = user.id
        if self._bot_sees(chat, message, user):
            self._emit("message", message)
        return message

    def was_delivered(self, message: dict[str, Any]) -> bool:
        """Whether the bot got an update for this message (privacy mode may have hidden it)."""
        key = (message["chat"]["id"], message["message_id"])
        return any(
            (u.get("message") or {}).get("message_id") == key[1]
            and u["message"]["chat"]["id"] == key[0]
            for u in self.updates
        )

    def press_button(
        self,
        user: FakeUser,
        message: dict[str, Any] | tuple[int, int],
        *,
        data: str | None = None,
        text: str | None = None,
        version: int = -1,
    ) -> dict[str, Any]:
        """The user presses an inline button (by ``data`` or button ``text``) on the message as
        their client shows it: ``version`` picks an older copy (0: as first sent)."""
        chat_id, message_id = (
            (message["chat"]["id"], message["message_id"]) if isinstance(message, dict) else message
        )
        chat = self._chat_of(chat_id)
        stored = chat.messages[message_id]
        seen = stored.versions[version]
        buttons = [
            b for row in (seen.get("reply_markup") or {}).get("inline_keyboard", []) for b in row
        ]
        button = next(
            (
                b
                for b in buttons
                if (data is not None and b.get("callback_data") == data)
                or (text is not None and b.get("text") == text)
            ),
            None,
        )
        if button is None or "callback_data" not in button:
            raise ValueError(f"no callback button {data or text!r} on that copy of the message")
        query = CallbackQuery(
            str(next(self._query_ids)), user, button["callback_data"], self.clock.now()
        )
        self._queries[query.id] = query
        shown: dict[str, Any] = seen
        if stored.deleted:
            shown = {
                "chat": chat.payload(),
                "message_id": message_id,
                "date": 0,
            }  # InaccessibleMessage
        payload = {
            "id": query.id,
            "from": user.payload(),
            "message": shown,
            "chat_instance": str(abs(chat.id) * 7919 % 10**18),
            "data": query.data,
        }
        self._emit("callback_query", payload)
        return payload

    def block_bot(self, user: FakeUser) -> None:
        """The user blocks the bot: a ``my_chat_member`` update (member -> kicked)."""
        chat = self._chat_of(user.id)
        chat.blocked = True
        self._emit_member_change(chat, user, BOT, Member(BOT), Member(BOT, "kicked"), mine=True)

    def add_bot_to_group(
        self,
        group: FakeChat,
        by: FakeUser,
        *,
        status: str = "member",
        rights: dict[str, bool] | None = None,
    ) -> None:
        """``by`` adds the bot: ``my_chat_member`` (left -> status), then the service message."""
        old = group.members.get(BOT_ID) or Member(BOT, "left")
        new = Member(BOT, status, dict(rights or {}))
        group.members[BOT_ID] = new
        self._emit_member_change(group, by, BOT, old, new, mine=True)
        message = self._new_message(group, by)
        message.update(
            {
                "new_chat_members": [BOT.payload()],
                "new_chat_member": BOT.payload(),
                "new_chat_participant": BOT.payload(),
            }
        )
        self._store(group, message)
        self._emit("message", message)

    def remove_bot_from_group(self, group: FakeChat, by: FakeUser, *, ban: bool = True) -> None:
        """``by`` removes the bot (Telegram's "remove" bans: status ``kicked``)."""
        self.set_member_status(group, BOT, "kicked" if ban else "left", by=by)

    def set_member_status(
        self,
        group: FakeChat,
        user: FakeUser,
        status: str,
        *,
        by: FakeUser | None = None,
        **rights: bool,
    ) -> None:
        """Change a member's status and rights; for the bot a ``my_chat_member`` update, for
        others a ``chat_member`` one (only when allowed and the bot is an administrator)."""
        old = group.members.get(user.id) or Member(user, "left")
        new = Member(user, status, dict(rights))
        group.members[user.id] = new
        actor = by or next((m.user for m in group.members.values() if m.status == "creator"), user)
        if user.id == BOT_ID:
            self._emit_member_change(group, actor, user, old, new, mine=True)
        elif (bot := group.member(BOT_ID)) and bot.status in ("administrator", "creator"):
            self._emit_member_change(group, actor, user, old, new, mine=False)

    def add_topic(self, group: FakeChat, name: str, by: FakeUser) -> int:
        """A forum topic; its id is that of the ``forum_topic_created`` service message."""
        if not group.is_forum:
            raise ValueError(f"{group.title} is not a forum")
        message = self._new_message(group, by)
        message.update(
            {
                "forum_topic_created": {"name": name, "icon_color": 7322096},
                "message_thread_id": message["message_id"],
                "is_topic_message": True,
            }
        )
        self._store(group, message)
        group.topics[message["message_id"]] = Topic(message["message_id"], name)
        self._emit("message", message)
        return message["message_id"]

    def upgrade_to_supergroup(self, group: FakeChat) -> FakeChat:
        """A basic group becomes a supergroup with a new id; the old id answers ChatMigrated."""
        new = FakeChat(
            -(1_000_000_000_000 + abs(group.id)),
            "supergroup",
            group.title,
            members=dict(group.members),
            permissions=dict(group.permissions),
        )
        self.chats[new.id] = new
        group.migrated_to = new.id
        return new

    # -- inspection ----------------------------------------------------------------------------
    @property
    def polls(self) -> int:
        """How many getUpdates requests have reached the fake (answered or still waiting)."""
        return self._poll_generation

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def messages(
        self, chat: FakeChat | int, *, include_deleted: bool = False
    ) -> list[StoredMessage]:
        """The chat's messages in order, as Telegram holds them (each with all its versions)."""
        held = self._chat_of(chat).messages.values()
        return [m for m in held if include_deleted or not m.deleted]

    def bot_messages(self, chat: FakeChat | int) -> list[dict[str, Any]]:
        """The current text, entities and keyboard of each message the bot has in the chat."""
        return [m.now for m in self.messages(chat) if m.now["from"]["id"] == BOT_ID]

    async def wait_for(
        self, predicate: Callable[[], Any], *, within: float = 30.0, what: str = "condition"
    ) -> Any:
        """Wait (without sleeping blindly) until ``predicate()`` is truthy; fail at the deadline."""
        deadline = time.monotonic() + within
        while not (result := predicate()):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(
                    f"timed out after {within} s waiting for {what}; "
                    f"calls: {[c.method for c in self.calls][-20:]}"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(left, 0.05))
        return result

    async def wait_for_call(
        self,
        method: str,
        where: Callable[[Call], bool] = lambda c: True,
        *,
        count: int = 1,
        within: float = 30.0,
    ) -> list[Call]:
        """Wait until ``count`` calls of ``method`` matching ``where`` were made."""

        def found() -> list[Call]:
            calls = [c for c in self.of(method) if where(c)]
            return calls if len(calls) >= count else []

        return await self.wait_for(found, within=within, what=f"{count} x {method}")

    # -- HTTP ----------------------------------------------------------------------------------
    async def _read(self, request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = dict(request.query)
        files: dict[str, bytes] = {}
        ctype = request.content_type
        if ctype == "application/json":
            body = await request.json() if request.can_read_body else {}
            params.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()})
        elif ctype == "multipart/form-data":
            async for part in await request.multipart():
                if part.filename is not None:  # type: ignore[union-attr]
                    files[part.name or ""] = await part.read()  # type: ignore[union-attr]
                else:
                    params[part.name or ""] = await part.text()  # type: ignore[union-attr]
        elif request.can_read_body:
            params.update(await request.post())  # type: ignore[arg-type]
        return {k: decode_param(k, v) for k, v in params.items()}, files

    async def _handle(self, request: web.Request) -> web.Response:
        method = METHODS.get(request.match_info["method"].lower(), request.match_info["method"])
        call = Call(method, {}, {}, time.monotonic())
        try:
            call.params, call.files = await self._read(request)
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            handler = HANDLERS.get(method)
            if handler is None:
                self.unknown.append(call)
                raise ApiError(404, "Not Found")
            call.response = {"ok": True, "result": await handler(self, call.params, call.files)}
        except ApiError as exc:
            call.status = exc.code
            call.response = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                call.response["parameters"] = exc.parameters
        self.calls.append(call)
        self._notify()
        return web.json_response(call.response, status=call.status)

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        for path, content in self.files.values():
            if path == request.match_info["path"]:
                return web.Response(body=content)
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _not_found(self, request: web.Request) -> web.Response:
        self.unknown.append(Call(f"{request.method} {request.path}", {}, {}, time.monotonic(), 404))
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    # -- updates -------------------------------------------------------------------------------
    def _emit(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        allowed = self.allowed_updates
        if (kind in NOT_BY_DEFAULT) if allowed is None else (kind not in allowed):
            return None  # Telegram does not create updates of types the bot did not ask for
        update = {"update_id": next(self._update_ids), kind: payload}
        self.updates.append(update)
        self._pending.append(update)
        self._notify()
        return update

    def _emit_member_change(
        self,
        chat: FakeChat,
        actor: FakeUser,
        user: FakeUser,
        old: Member,
        new: Member,
        *,
        mine: bool,
    ) -> None:
        change = {
            "chat": chat.payload(),
            "from": actor.payload(),
            "date": self._now(),
            "old_chat_member": old.payload(chat),
            "new_chat_member": new.payload(chat),
        }
        self._emit("my_chat_member" if mine else "chat_member", change)

    def _set_allowed(self, params: dict[str, Any]) -> None:
        if "allowed_updates" in params:  # absent: keep; empty list: back to the default
            self.allowed_updates = list(params["allowed_updates"]) or None

    def _bot_sees(self, chat: FakeChat, message: dict[str, Any], sender: FakeUser) -> bool:
        """Privacy mode (core.telegram.org/bots/features#privacy-mode)."""
        if chat.type == "private":
            return True
        bot = chat.member(BOT_ID)
        if sender.is_bot or bot is None or bot.status in ("left", "kicked"):
            return False
        if not self.privacy_mode or bot.status in ("administrator", "creator"):
            return True
        text = message.get("text", "")
        for entity in message.get("entities", []):
            word = markup.utf16_slice(text, entity["offset"], entity["length"])
            if entity["type"] == "bot_command" and entity["offset"] == 0:
                _, _, target = word.partition("@")
                if target.lower() == BOT_USERNAME.lower():
                    return True
                if not target and self._last_bot.get(chat.id, BOT_ID) == BOT_ID:
                    return True
            if entity["type"] == "mention" and word[1:].lower() == BOT_USERNAME.lower():
                return True
        replied = message.get("reply_to_message") or {}
        explicit = replied.get("message_id") != message.get("message_thread_id")
        return explicit and (replied.get("from") or {}).get("id") == BOT_ID

    async def _stop_webhook(self) -> None:
        task, self._webhook_task = self._webhook_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver_webhooks(self) -> None:
        """POST each pending update, in order, to the webhook; retry those it refuses."""
        delay = self.webhook_retry_delay
        async with aiohttp.ClientSession() as session:
            while not self._closing:
                if not self._pending:
                    changed = self._changed
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(changed.wait(), timeout=1.0)
                    continue
                update = self._pending[0]
                delivery = await self._post_update(session, update)
                self.webhook_deliveries.append(delivery)
                if delivery.status is not None and 200 <= delivery.status < 300:
                    if self._pending and self._pending[0] is update:
                        self._pending.pop(0)
                    delay = self.webhook_retry_delay
                else:
                    reason = delivery.status or "Connection refused"
                    self._webhook_error = (
                        self._now(),
                        f"Wrong response from the webhook: {reason}",
                    )
                    await asyncio.sleep(delay)  # the fake's own back-off, not a test's wait
                    delay = min(delay * 2, 1.0)
                self._notify()

    async def _post_update(
        self, session: aiohttp.ClientSession, update: dict[str, Any]
    ) -> WebhookDelivery:
        headers = (
            {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret} if self.webhook_secret else {}
        )
        delivery = WebhookDelivery(update["update_id"], self.webhook_url, None)
        try:
            async with session.post(
                self.webhook_url,
                json=update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=10),
            ) as response:
                delivery.status = response.status
                await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            delivery.error = f"{type(exc).__name__}: {exc}"
        return delivery

    # -- messages ------------------------------------------------------------------------------
    def _chat_of(self, chat: FakeChat | int) -> FakeChat:
        return chat if isinstance(chat, FakeChat) else self.chats[chat]

    def _new_message(
        self,
        chat: FakeChat,
        sender: FakeUser,
        *,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": chat.next_message_id,
            "from": sender.payload(),
            "chat": chat.payload(),
            "date": self._now(),
        }
        chat.next_message_id += 1
        if reply_to is not None:
            replied = chat.messages.get(reply_to)
            if replied is None or replied.deleted:
                raise ValueError(f"no message {reply_to} to reply to in chat {chat.id}")
            thread_id = thread_id or replied.now.get("message_thread_id")
        if thread_id is not None:
            message.update({"message_thread_id": thread_id, "is_topic_message": True})
            reply_to = reply_to or thread_id  # in a topic, Telegram replies to its first message
        if reply_to is not None:
            shown = dict(chat.messages[reply_to].now)
            shown.pop("reply_to_message", None)  # "will not contain further reply_to_message"
            message["reply_to_message"] = shown
        return message

    def _store(self, chat: FakeChat, message: dict[str, Any]) -> None:
        chat.messages[message["message_id"]] = StoredMessage([message], self.clock.now())

    def _resolve(self, chat_id: Any) -> FakeChat:
        """The chat a method names, with Telegram's refusals for chats the bot cannot use."""
        chat: FakeChat | None
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            chat = next(
                (
                    c
                    for c in self.chats.values()
                    if (c.username or (c.user and c.user.username) or "").lower()
                    == chat_id[1:].lower()
                ),
                None,
            )
        else:
            chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            if isinstance(chat_id, int) and chat_id in self.users and chat_id > 0:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise bad("chat not found")
        if chat.migrated_to is not None:
            raise bad(
                "group chat was upgraded to a supergroup chat", migrate_to_chat_id=chat.migrated_to
            )
        if chat.type == "private" and chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        bot = chat.member(BOT_ID)
        if chat.is_group and (bot is None or bot.status in ("left", "kicked")):
            gone = (
                "was kicked from"
                if bot is not None and bot.status == "kicked"
                else "is not a member of"
            )
            raise ApiError(403, f"Forbidden: bot {gone} the {chat.type} chat")
        return chat

    def _check_send(self, chat: FakeChat, right: str, what: str, thread_id: int | None) -> None:
        bot = chat.member(BOT_ID)
        if chat.is_group and bot is not None and not bot.can(right, chat):
            raise bad(f"not enough rights to send {what} to the chat")
        if thread_id is not None:
            topic = chat.topics.get(thread_id)
            if topic is None:
                raise bad("message thread not found")
            if topic.closed and not (
                bot
                and bot.status in ("creator", "administrator")
                and bot.can("can_manage_topics", chat)
            ):
                raise bad("TOPIC_CLOSED")

    def _formatted(
        self, text: str | None, mode: str | None, entities: Any, *, caption: bool
    ) -> tuple[str, list]:
        try:
            plain, found = markup.parse(text or "", mode, entities)
        except markup.MarkupError as exc:
            raise bad(f"can't parse entities: {exc}") from exc
        except ValueError as exc:
            raise bad(str(exc)) from exc
        limit = CAPTION_LIMIT if caption else TEXT_LIMIT
        if not caption and not plain:
            raise bad("message text is empty")
        if len(plain) > limit:
            raise bad("message caption is too long" if caption else "message is too long")
        return plain, found

    @staticmethod
    def _keyboard(reply_markup: Any) -> dict[str, Any] | None:
        if not reply_markup:
            return None
        if not isinstance(reply_markup, dict):
            raise bad("can't parse reply keyboard markup JSON object")
        rows = reply_markup.get("inline_keyboard")
        if rows is None:
            return reply_markup  # reply keyboards, ForceReply, ReplyKeyboardRemove: kept as sent
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        actions = (
            "url",
            "callback_data",
            "web_app",
            "login_url",
            "switch_inline_query",
            "switch_inline_query_current_chat",
            "switch_inline_query_chosen_chat",
            "copy_text",
            "callback_game",
            "pay",
        )
        for button in (b for row in rows for b in row):
            if sum(key in button for key in actions) != 1:
                raise bad(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_BYTES:
                raise bad("BUTTON_DATA_INVALID")
            if "url" in button and markup.normalize_url(str(button["url"])) is None:
                raise bad("BUTTON_URL_INVALID")
        return reply_markup

    def _flood(self, method: str, chat: FakeChat) -> None:
        if not self.rate_limits.enabled:
            return
        refused = self._limiter.take(chat.id, chat.is_group)
        if refused is not None:
            scope, wait = refused
            retry_after = max(1, math.ceil(wait))
            self.rate_limited.append(RateLimitHit(method, chat.id, scope, retry_after))
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
            )

    def _post(self, chat: FakeChat, params: dict[str, Any], fill: dict[str, Any]) -> dict[str, Any]:
        reply = params.get("reply_parameters") or {}
        reply_to = reply.get("message_id", params.get("reply_to_message_id"))
        if reply_to is not None and (
            reply_to not in chat.messages or chat.messages[reply_to].deleted
        ):
            if not reply.get(
                "allow_sending_without_reply", params.get("allow_sending_without_reply")
            ):
                raise bad("message to be replied not found")
            reply_to = None
        message = self._new_message(
            chat, BOT, reply_to=reply_to, thread_id=params.get("message_thread_id")
        )
        message.update({k: v for k, v in fill.items() if v})
        self._store(chat, message)
        if chat.is_group:
            self._last_bot[chat.id] = BOT_ID
        return message

    def _editable(self, params: dict[str, Any]) -> tuple[FakeChat, StoredMessage]:
        if "inline_message_id" in params:
            self.unknown.append(Call("inline_message_id", params, {}, time.monotonic()))
            raise bad("inline messages are not modelled by the fake")
        chat = self._resolve(params.get("chat_id"))
        stored = chat.messages.get(params.get("message_id"))  # type: ignore[arg-type]
        if stored is None or stored.deleted:
            raise bad("message to edit not found")
        if stored.now["from"]["id"] != BOT_ID:
            raise bad("message can't be edited")
        return chat, stored

    def _edit(
        self, method: str, chat: FakeChat, stored: StoredMessage, changes: dict[str, Any]
    ) -> dict[str, Any]:
        current = stored.now
        new = {k: v for k, v in current.items() if k not in ("reply_markup", "edit_date")}
        new.update({k: v for k, v in changes.items() if v})
        for key, value in changes.items():
            if not value:
                new.pop(key, None)
        if {k: v for k, v in new.items() if k != "edit_date"} == {
            k: v for k, v in current.items() if k != "edit_date"
        }:
            raise bad(
                "message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message"
            )
        self._flood(method, chat)
        new["edit_date"] = self._now()
        stored.versions.append(new)
        return new
