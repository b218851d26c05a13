"""The fake Telegram's world: users, chats, members, messages, flood limits and what it records.

Plain data for :mod:`tests.telegram.fake_telegram` (the server) and
:mod:`tests.telegram.bot_api` (its methods): Telegram's objects as the Bot API serializes them
(``payload()``), the rights a member has, and Telegram's documented limits as constants.
"""

from __future__ import annotations

import json
import re
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

BOT_ID = 7_000_000_001
BOT_USERNAME = "quizbot_test_bot"
GOOD_TOKEN = f"{BOT_ID}:AAFakeTelegramTokenForQuizbotTests00"
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_BYTES = 64
CALLBACK_ANSWER_TEXT = 200
PHOTO_BYTES = 10 * 1024 * 1024  # "The photo must be at most 10 MB in size"
#: "A message can only be deleted if it was sent less than 48 hours ago"
DELETE_WINDOW = timedelta(hours=48)
LONG_POLL_MAX = 50  # the Bot API server's LONG_POLL_MAX_TIMEOUT
NOT_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}
#: Everything a member may do by default (ChatPermissions); groups can narrow it.
ALL_PERMISSIONS = dict.fromkeys(
    [
        "can_send_messages",
        "can_send_audios",
        "can_send_documents",
        "can_send_photos",
        "can_send_videos",
        "can_send_video_notes",
        "can_send_voice_notes",
        "can_send_polls",
        "can_send_other_messages",
        "can_add_web_page_previews",
        "can_change_info",
        "can_invite_users",
        "can_pin_messages",
        "can_manage_topics",
        "can_react_to_messages",
    ],
    True,
)
ADMIN_RIGHTS = dict.fromkeys(
    [
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_promote_members",
        "can_change_info",
        "can_invite_users",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
        "can_pin_messages",
        "can_manage_topics",
    ],
    True,
)
_INT_ARGS = {
    "chat_id",
    "message_id",
    "message_thread_id",
    "user_id",
    "offset",
    "limit",
    "timeout",
    "max_connections",
    "cache_time",
    "reply_to_message_id",
}
_BOOL_ARGS = {
    "drop_pending_updates",
    "show_alert",
    "disable_notification",
    "protect_content",
    "allow_sending_without_reply",
    "has_spoiler",
    "show_caption_above_media",
}
_JSON_ARGS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "allowed_updates",
    "commands",
    "scope",
    "reply_parameters",
    "link_preview_options",
}


class ApiError(Exception):
    """A refusal, answered as Telegram's error envelope."""

    def __init__(self, code: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


def bad(description: str, **parameters: Any) -> ApiError:
    return ApiError(400, f"Bad Request: {description}", **parameters)


@dataclass
class RateLimits:
    """Telegram's flood limits (bots FAQ). Times are platform seconds; ``time_scale`` is the
    number of real seconds in one (0.01 makes "20 a minute" last 0.6 s). ``retry_after`` is
    reported, as Telegram does, as a whole number of platform seconds (at least 1).
    ``per_chat_burst`` is not documented ("we may allow short bursts"); 3 is conservative."""

    enabled: bool = True
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 3
    group_per_minute: int = 20
    overall_per_second: int = 30
    time_scale: float = 1.0


class _Limiter:
    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self.buckets: dict[int, tuple[float, float]] = {}  # chat -> (tokens, at)
        self.group_sends: dict[int, deque[float]] = {}
        self.all_sends: deque[float] = deque()
        self.webhook_next = 0.0

    def now(self) -> float:
        return time.monotonic() / self.limits.time_scale

    def take(self, chat_id: int, is_group: bool) -> tuple[str, float] | None:
        """Count one message, or say which limit refuses it and for how long."""
        lim, now = self.limits, self.now()
        while self.all_sends and self.all_sends[0] <= now - 1:
            self.all_sends.popleft()
        if len(self.all_sends) >= lim.overall_per_second:
            return "overall", self.all_sends[0] + 1 - now
        group = self.group_sends.setdefault(chat_id, deque())
        while group and group[0] <= now - 60:
            group.popleft()
        if is_group and len(group) >= lim.group_per_minute:
            return "group", group[0] + 60 - now
        tokens, at = self.buckets.get(chat_id, (float(lim.per_chat_burst), now))
        tokens = min(float(lim.per_chat_burst), tokens + (now - at) * lim.per_chat_per_second)
        if tokens < 1:
            return "chat", (1 - tokens) / lim.per_chat_per_second
        self.buckets[chat_id] = (tokens - 1, now)
        group.append(now)
        self.all_sends.append(now)
        return None


@dataclass(frozen=True)
class FakeUser:
    """A Telegram account (a person, or another bot)."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    is_bot: bool = False
    language_code: str | None = "en"

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data


BOT = FakeUser(BOT_ID, "Quizbot", username=BOT_USERNAME, is_bot=True, language_code=None)


@dataclass
class Member:
    """Someone's place in a chat: status and, for administrators or restricted members, rights."""

    user: FakeUser
    status: str = "member"  # creator, administrator, member, restricted, left, kicked
    rights: dict[str, bool] = field(default_factory=dict)
    until_date: int = 0

    def can(self, right: str, chat: FakeChat) -> bool:
        if self.status == "creator":
            return True
        if self.status == "administrator":
            return self.rights.get(
                right, right.startswith("can_send") or right == "can_add_web_page_previews"
            )
        if self.status == "restricted":
            return self.rights.get(right, False)
        return self.status == "member" and chat.permissions.get(right, True)

    def payload(self, chat: FakeChat) -> dict[str, Any]:
        data: dict[str, Any] = {"status": self.status, "user": self.user.payload()}
        if self.status == "creator":
            data["is_anonymous"] = False
        elif self.status == "administrator":
            data.update({"can_be_edited": False, "is_anonymous": False})
            data.update({k: self.rights.get(k, False) for k in ADMIN_RIGHTS})
        elif self.status == "restricted":
            data.update({"is_member": True, "until_date": self.until_date, "can_edit_tag": False})
            data.update({k: self.rights.get(k, False) for k in ALL_PERMISSIONS})
        elif self.status == "kicked":
            data["until_date"] = self.until_date
        return data


@dataclass
class Topic:
    thread_id: int
    name: str
    closed: bool = False
    icon_color: int = 7322096


@dataclass
class StoredMessage:
    """A message as Telegram holds it: every version (``versions[-1]`` is now) and its fate."""

    versions: list[dict[str, Any]]
    sent_at: datetime
    deleted: bool = False

    @property
    def now(self) -> dict[str, Any]:
        return self.versions[-1]

    @property
    def text(self) -> str | None:
        return self.now.get("text", self.now.get("caption"))


@dataclass
class FakeChat:
    """A private chat, group or supergroup (``is_forum`` for topics), with members and messages."""

    id: int
    type: str
    title: str | None = None
    user: FakeUser | None = None  # the other side of a private chat
    is_forum: bool = False
    username: str | None = None
    members: dict[int, Member] = field(default_factory=dict)
    permissions: dict[str, bool] = field(default_factory=lambda: dict(ALL_PERMISSIONS))
    topics: dict[int, Topic] = field(default_factory=dict)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    blocked: bool = False  # private: the user blocked the bot
    migrated_to: int | None = None
    next_message_id: int = 1

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.user is not None:
            data.update(
                {
                    k: v
                    for k, v in self.user.payload().items()
                    if k in ("first_name", "last_name", "username")
                }
            )
        else:
            data["title"] = self.title
        if self.username:
            data["username"] = self.username
        if self.is_forum:
            data["is_forum"] = True
        return data

    def member(self, user_id: int) -> Member | None:
        return self.members.get(user_id)


@dataclass
class Call:
    """One request the bot made: method, decoded parameters, uploaded files, when, the answer."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes]
    at: float
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class CallbackQuery:
    id: str
    user: FakeUser
    data: str
    pressed_at: datetime
    answered: bool = False


@dataclass
class CallbackAnswer:
    """An answerCallbackQuery the fake accepted (``error`` set when it refused one)."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    error: str | None = None


@dataclass
class RateLimitHit:
    method: str
    chat_id: int
    scope: str  # chat, group, overall, setWebhook
    retry_after: int


@dataclass
class WebhookDelivery:
    update_id: int
    url: str
    status: int | None  # None: no HTTP answer at all
    error: str | None = None


def decode_param(name: str, raw: Any) -> Any:
    """A parameter as Telegram reads it: every value arrives as text, typed per field."""
    if not isinstance(raw, str):
        return raw
    if name in _JSON_ARGS:
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise bad(f"can't parse {name} JSON object") from exc
    if name in _INT_ARGS and re.fullmatch(r"-?\d+", raw.strip()):
        return int(raw)
    if name in _BOOL_ARGS:
        return raw.lower() in ("true", "1")
    return raw
