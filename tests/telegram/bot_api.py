"""The Bot API methods of the fake Telegram, each as Telegram answers it.

Each handler takes the fake, the decoded parameters and the uploaded files, and returns the
``result`` or raises :class:`~tests.telegram.model.ApiError`. :data:`HANDLERS` maps Telegram's
method names to them (:data:`METHODS` the lower-case spelling, as the Bot API ignores case).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tests.telegram.model import (
    BOT,
    BOT_ID,
    CALLBACK_ANSWER_TEXT,
    DELETE_WINDOW,
    LONG_POLL_MAX,
    PHOTO_BYTES,
    ApiError,
    CallbackAnswer,
    Member,
    RateLimitHit,
    bad,
)

if TYPE_CHECKING:
    from tests.telegram.fake_telegram import FakeTelegram

# -- Bot API methods ---------------------------------------------------------------------------
Handler = Callable[["FakeTelegram", dict[str, Any], dict[str, bytes]], Awaitable[Any]]
HANDLERS: dict[str, Handler] = {}
METHODS: dict[str, str] = {}  # lower case -> Telegram's spelling (method names ignore case)


def api(name: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        HANDLERS[name] = func
        METHODS[name.lower()] = name
        return func

    return register


@api("getMe")
async def _get_me(fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]) -> Any:
    return {
        **BOT.payload(),
        "can_join_groups": True,
        "can_read_all_group_messages": not fake.privacy_mode,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@api("getUpdates")
async def _get_updates(fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]) -> Any:
    if fake.webhook_url:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    offset = int(p.get("offset") or 0)
    limit = min(max(int(p.get("limit") or 100), 1), 100)
    timeout = min(max(float(p.get("timeout") or 0), 0), LONG_POLL_MAX)
    fake._set_allowed(p)
    if offset > 0:  # "confirmed as soon as getUpdates is called with an offset higher than its id"
        fake._pending = [u for u in fake._pending if u["update_id"] >= offset]
    elif offset < 0:
        fake._pending = fake._pending[offset:]
    fake._poll_generation += 1
    generation = fake._poll_generation
    fake._notify()  # an older long poll ends with 409
    deadline = time.monotonic() + timeout
    while True:
        if generation != fake._poll_generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        if fake.webhook_url:
            raise ApiError(409, "Conflict: terminated by setWebhook request")
        if fake._pending or fake._closing or time.monotonic() >= deadline:
            return fake._pending[:limit]
        changed = fake._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), timeout=deadline - time.monotonic())


@api("setWebhook")
async def _set_webhook(fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]) -> Any:
    url, secret = str(p.get("url") or ""), str(p.get("secret_token") or "")
    if not url:
        return await _delete_webhook(fake, p, f)
    if not re.match(r"^https?://[^/\s]+", url):
        raise bad("invalid webhook URL specified")
    if fake.cloud_webhook_rules:
        port = re.match(r"^https://[^/:]+(?::(\d+))?", url)
        if port is None:
            raise bad("bad webhook: An HTTPS URL must be provided for webhook")
        if port.group(1) not in (None, "443", "80", "88", "8443"):
            raise bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    if len(secret) > 256:
        raise bad("secret token is too long")
    if not re.fullmatch(r"[A-Za-z0-9_-]*", secret):
        raise bad("secret token contains unallowed characters")
    if fake.rate_limits.enabled:  # the server takes one setWebhook with a URL a second
        now = fake._limiter.now()
        if now < fake._limiter.webhook_next:
            fake.rate_limited.append(RateLimitHit("setWebhook", 0, "setWebhook", 1))
            raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
        fake._limiter.webhook_next = now + 1
    if p.get("drop_pending_updates"):
        fake._pending.clear()
    fake._set_allowed(p)
    await fake._stop_webhook()
    fake.webhook_url, fake.webhook_secret, fake._webhook_error = url, secret, None
    fake._notify()  # a pending getUpdates ends with 409
    fake._webhook_task = asyncio.create_task(fake._deliver_webhooks())
    return True


@api("deleteWebhook")
async def _delete_webhook(fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]) -> Any:
    if p.get("drop_pending_updates"):
        fake._pending.clear()
    await fake._stop_webhook()
    fake.webhook_url = fake.webhook_secret = ""
    return True


@api("getWebhookInfo")
async def _get_webhook_info(fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]) -> Any:
    info: dict[str, Any] = {
        "url": fake.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(fake._pending),
    }
    if fake.webhook_url:
        info["max_connections"] = 40
        if fake.allowed_updates:
            info["allowed_updates"] = fake.allowed_updates
        if fake._webhook_error:
            info["last_error_date"], info["last_error_message"] = fake._webhook_error
    return info


def _iso_639_1() -> frozenset[str]:
    """The two-letter ISO 639-1 language codes (CLDR's two-letter languages, from Babel)."""
    from babel.localedata import locale_identifiers

    return frozenset(name for name in locale_identifiers() if re.fullmatch(r"[a-z]{2}", name))


ISO_639_1 = _iso_639_1()


def _scope_key(p: dict[str, Any]) -> tuple[str, str]:
    """A command list's key: its scope and its language_code ("A two-letter ISO 639-1
    language code. If empty, commands will be applied to all users from the given scope")."""
    scope = p.get("scope") or {"type": "default"}
    language = str(p.get("language_code") or "")
    if language and language not in ISO_639_1:
        raise bad("invalid language code specified")  # wording not documented
    return json.dumps(scope, sort_keys=True), language


@api("setMyCommands")
async def _set_my_commands(fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]) -> Any:
    key = _scope_key(p)
    commands = p.get("commands") or []
    if len(commands) > 100:
        raise bad("too many commands")  # "At most 100 commands can be specified"
    for command in commands:
        if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
            raise bad("BOT_COMMAND_INVALID")
        description = str(command.get("description", ""))
        if not description:
            raise bad("command description must be non-empty")
        if len(description) > 256:
            raise bad("BOT_COMMAND_DESCRIPTION_INVALID")  # wording not documented
    fake.commands[key] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


@api("getMyCommands")
async def _get_my_commands(fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]) -> Any:
    return fake.commands.get(_scope_key(p), [])


@api("deleteMyCommands")
async def _delete_my_commands(fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]) -> Any:
    fake.commands.pop(_scope_key(p), None)
    return True


@api("sendMessage")
async def _send_message(fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]) -> Any:
    chat = fake._resolve(p.get("chat_id"))
    fake._check_send(chat, "can_send_messages", "text messages", p.get("message_thread_id"))
    text, entities = fake._formatted(
        p.get("text"), p.get("parse_mode"), p.get("entities"), caption=False
    )
    keyboard = fake._keyboard(p.get("reply_markup"))
    fake._flood("sendMessage", chat)
    fill = {
        "text": text,
        "entities": entities,
        "reply_markup": keyboard,
        "link_preview_options": p.get("link_preview_options"),
    }
    return fake._post(chat, p, fill)


def _image_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, or (0, 0) for another image type Telegram takes; None otherwise."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        return int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")
    if (
        content[:3] == b"\xff\xd8\xff"
        or content[:6] in (b"GIF87a", b"GIF89a")
        or content[8:12] == b"WEBP"
    ):
        return 0, 0
    return None


@api("sendPhoto")
async def _send_photo(fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]) -> Any:
    chat = fake._resolve(p.get("chat_id"))
    fake._check_send(chat, "can_send_photos", "photos", p.get("message_thread_id"))
    photo = p.get("photo")
    content = f.get("photo") or (
        f.get(photo[len("attach://") :]) if str(photo).startswith("attach://") else None
    )
    width, height = 1280, 720
    if content is not None:
        if len(content) > PHOTO_BYTES:
            raise bad("file is too big")
        size = _image_size(content)
        if size is None:
            raise bad("IMAGE_PROCESS_FAILED")
        if size != (0, 0):
            width, height = size
        file_id = f"AgAC-fake-photo-{next(fake._file_ids)}"
        fake.files[file_id] = (f"photos/{file_id}.jpg", content)
    elif isinstance(photo, str) and re.match(r"^https?://", photo):
        file_id = f"AgAC-fake-photo-{next(fake._file_ids)}"  # Telegram fetches it; the fake cannot
        fake.files[file_id] = (f"photos/{file_id}.jpg", b"")
    elif isinstance(photo, str) and photo in fake.files:
        file_id = photo
    else:
        raise bad("wrong file identifier/HTTP URL specified")
    caption, entities = fake._formatted(
        p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), caption=True
    )
    keyboard = fake._keyboard(p.get("reply_markup"))
    fake._flood("sendPhoto", chat)
    size_bytes = len(fake.files[file_id][1])
    sizes = [
        {
            "file_id": file_id,
            "file_unique_id": file_id[-12:],
            "width": width,
            "height": height,
            "file_size": size_bytes,
        }
    ]
    fill = {
        "photo": sizes,
        "caption": caption,
        "caption_entities": entities,
        "reply_markup": keyboard,
    }
    return fake._post(chat, p, fill)


@api("getFile")
async def _get_file(fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]) -> Any:
    file_id = str(p.get("file_id"))
    if file_id not in fake.files:
        raise bad("wrong file_id or the file is temporarily unavailable")
    path, content = fake.files[file_id]
    return {
        "file_id": file_id,
        "file_unique_id": file_id[-12:],
        "file_size": len(content),
        "file_path": path,
    }


@api("editMessageText")
async def _edit_message_text(fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]) -> Any:
    chat, stored = fake._editable(p)
    if "text" not in stored.now:
        raise bad("there is no text in the message to edit")
    text, entities = fake._formatted(
        p.get("text"), p.get("parse_mode"), p.get("entities"), caption=False
    )
    keyboard = fake._keyboard(p.get("reply_markup"))
    changes = {
        "text": text,
        "entities": entities,
        "reply_markup": keyboard,
        "link_preview_options": p.get("link_preview_options"),
    }
    return fake._edit("editMessageText", chat, stored, changes)


@api("editMessageCaption")
async def _edit_message_caption(fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]) -> Any:
    chat, stored = fake._editable(p)
    if "photo" not in stored.now:
        raise bad("there is no caption in the message to edit")
    caption, entities = fake._formatted(
        p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), caption=True
    )
    changes = {
        "caption": caption,
        "caption_entities": entities,
        "reply_markup": fake._keyboard(p.get("reply_markup")),
    }
    return fake._edit("editMessageCaption", chat, stored, changes)


@api("editMessageReplyMarkup")
async def _edit_message_reply_markup(
    fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]
) -> Any:
    chat, stored = fake._editable(p)
    changes = {"reply_markup": fake._keyboard(p.get("reply_markup"))}
    return fake._edit("editMessageReplyMarkup", chat, stored, changes)


@api("deleteMessage")
async def _delete_message(fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]) -> Any:
    chat = fake._resolve(p.get("chat_id"))
    stored = chat.messages.get(p.get("message_id"))  # type: ignore[arg-type]
    if stored is None or stored.deleted:
        raise bad("message to delete not found")
    bot = chat.member(BOT_ID)
    own = stored.now["from"]["id"] == BOT_ID
    admin = (
        bot is not None
        and bot.status in ("creator", "administrator")
        and bot.can("can_delete_messages", chat)
    )
    if not (own or chat.type == "private" or admin):
        raise bad("message can't be deleted")
    if fake.clock.now() - stored.sent_at >= DELETE_WINDOW:
        raise bad("message can't be deleted")
    stored.deleted = True
    return True


@api("answerCallbackQuery")
async def _answer_callback_query(fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]) -> Any:
    query = fake._queries.get(str(p.get("callback_query_id")))
    text = p.get("text")
    answer = CallbackAnswer(
        str(p.get("callback_query_id")), text, bool(p.get("show_alert")), p.get("url")
    )
    fake.callback_answers.append(answer)
    late = (
        query is not None
        and (fake.clock.now() - query.pressed_at).total_seconds() > fake.callback_answer_window
    )
    if query is None or query.answered or late:
        answer.error = "query is too old and response timeout expired or query ID is invalid"
        raise bad(answer.error)
    if text is not None and len(str(text)) > CALLBACK_ANSWER_TEXT:
        answer.error = "MESSAGE_TOO_LONG"
        raise bad(answer.error)
    query.answered = True
    return True


#: The emoji a bot may react with (Telegram's ReactionTypeEmoji list, in part).
REACTION_EMOJI = frozenset("👍👎❤🔥🎉🤔👏😁🙏👌✍🤝💯⚡🏆")


@api("setMessageReaction")
async def _set_message_reaction(fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]) -> Any:
    chat = fake._resolve(p.get("chat_id"))
    stored = chat.messages.get(p.get("message_id"))  # type: ignore[arg-type]
    if stored is None or stored.deleted:
        raise bad("message to react not found")
    reactions = p.get("reaction") or []
    if isinstance(reactions, str):
        reactions = json.loads(reactions)
    for reaction in reactions:
        if reaction.get("type") != "emoji" or reaction.get("emoji") not in REACTION_EMOJI:
            raise bad("REACTION_INVALID")
    stored.now.setdefault("bot_reactions", [])[:] = [r["emoji"] for r in reactions]
    return True


@api("getChat")
async def _get_chat(fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]) -> Any:
    chat = fake._resolve(p.get("chat_id"))
    full = {
        **chat.payload(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }
    if chat.is_group:
        full["permissions"] = chat.permissions
    return full


@api("getChatMember")
async def _get_chat_member(fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]) -> Any:
    chat = fake._resolve(p.get("chat_id"))
    user = fake.users.get(p.get("user_id"))  # type: ignore[arg-type]
    if user is None:
        raise bad("user not found")
    if chat.type == "private":
        return (
            Member(user).payload(chat)
            if user.id in (chat.id, BOT_ID)
            else Member(user, "left").payload(chat)
        )
    return (chat.member(user.id) or Member(user, "left")).payload(chat)


@api("getChatAdministrators")
async def _get_chat_administrators(
    fake: FakeTelegram, p: dict[str, Any], f: dict[str, bytes]
) -> Any:
    chat = fake._resolve(p.get("chat_id"))
    if chat.type == "private":
        raise bad("there are no administrators in the private chat")
    return [
        m.payload(chat) for m in chat.members.values() if m.status in ("creator", "administrator")
    ]
