"""The rules real Discord enforces, as the fake Discord (``fake_discord.py``) applies them.

Kept apart from the server so each rule reads as a table: the permission bits, the rate-limit
buckets, the interaction deadlines and the size limits of a message, each with where the
number comes from. Every rule can be changed (or switched off) on :class:`DiscordRules`; the
defaults are the real ones.

Sources (docs.discord.com/developers, mirrored in github.com/discord/discord-api-docs):

- interactions/receiving-and-responding: "Interaction tokens are valid for 15 minutes ...
  you must send an initial response within 3 seconds of receiving the event"; interaction
  endpoints (callbacks and the interaction webhooks) "are not bound to the application's
  Global Rate Limit"; "Interactions webhooks share the same rate limit properties as normal
  webhooks";
- topics/rate-limits: the ``X-RateLimit-*`` headers, the 429 body (``message``,
  ``retry_after``, ``global``), ``X-RateLimit-Scope`` (``user``, ``global``, ``shared``),
  buckets per top-level resource (channel, guild, webhook id + token), "All bots can make up
  to 50 requests per second";
- topics/opcodes-and-status-codes (JSON): 10003 Unknown channel, 10008 Unknown message,
  10015 Unknown webhook, 10062 Unknown interaction, 40060 Interaction has already been
  acknowledged, 50001 Missing access, 50005 Cannot edit a message authored by another user,
  50013 Missing permissions, 50027 Invalid webhook token, 50035 Invalid form body;
- resources/message (embed limits): title 256, description 4096, 25 fields, field name 256,
  value 1024, footer text 2048, author name 256, 6000 characters in all the embeds of a
  message, 10 embeds; content 2000 characters; change-log 2023-12-19 "Limit Number of Fields
  in Embeds" (more than 25 is now an error);
- components/reference (legacy action rows): 5 action rows a message, 5 buttons a row,
  button label 80, custom_id 100;
- interactions/application-commands ("Application Command Object", "Localization",
  "Limits"): a name 1-32 letters, digits, ``-`` and ``_``,
  lowercase where the letter has a lowercase; a CHAT_INPUT command's or option's description
  1-100 characters; 25 options; 25 choices, each name 1-100 characters and string value up
  to 100; ``name_localizations`` and ``description_localizations`` keyed by the locales of
  reference#locales only, each value under the rules of the field it localizes; a
  command's name, description and value properties (its options' and choices' too) at most
  4,000 characters in all, counting only the longest localization of each field (the
  default included).

Not documented, and so taken as commonly observed (the headers of real responses):
message create and edit in one channel share a bucket of 5 per 5 s; reactions 1 per 0.25 s
per channel; a webhook (an interaction's token) 5 per 2 s. Editing one's own message needs
View Channel only (Send Messages restricts new messages, not edits: a Discord engineer on
discord-api-docs#3096); without Embed Links a bot's channel message is accepted with its
embeds removed (interaction responses keep them: change-log 2022-06-29 "Changes to Bot
Permissions for Interactions and Webhooks" leaves EMBED_LINKS out).
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field
from typing import Any

# -- permission bits (topics/permissions) --------------------------------------------------
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31

#: What the bot may do in a channel unless a test says otherwise: what it is usually invited
#: with, and what @everyone has by default.
BOT_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | ADD_REACTIONS
    | USE_APPLICATION_COMMANDS
)

PERMISSION_NAMES = {
    ADD_REACTIONS: "Add Reactions",
    VIEW_CHANNEL: "View Channel",
    SEND_MESSAGES: "Send Messages",
    MANAGE_MESSAGES: "Manage Messages",
    EMBED_LINKS: "Embed Links",
    ATTACH_FILES: "Attach Files",
    READ_MESSAGE_HISTORY: "Read Message History",
    USE_APPLICATION_COMMANDS: "Use Application Commands",
}


# -- JSON error codes ----------------------------------------------------------------------
@dataclass(frozen=True)
class ApiError:
    """An error Discord answers with: HTTP status, JSON code and message."""

    status: int
    code: int
    message: str

    def body(self) -> dict[str, Any]:
        return {"message": self.message, "code": self.code}


UNKNOWN_CHANNEL = ApiError(404, 10003, "Unknown Channel")
UNKNOWN_MESSAGE = ApiError(404, 10008, "Unknown Message")
UNKNOWN_WEBHOOK = ApiError(404, 10015, "Unknown Webhook")
UNKNOWN_INTERACTION = ApiError(404, 10062, "Unknown interaction")
ALREADY_ACKNOWLEDGED = ApiError(400, 40060, "Interaction has already been acknowledged")
MISSING_ACCESS = ApiError(403, 50001, "Missing Access")
NOT_AUTHOR = ApiError(403, 50005, "Cannot edit a message authored by another user")
MISSING_PERMISSIONS = ApiError(403, 50013, "Missing Permissions")
INVALID_WEBHOOK_TOKEN = ApiError(401, 50027, "Invalid Webhook Token")
INVALID_FORM_BODY = ApiError(400, 50035, "Invalid Form Body")


# -- configuration ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Limit:
    """``count`` requests per ``per`` seconds (before the time scale)."""

    count: int
    per: float


@dataclass
class DiscordRules:
    """What the fake enforces. The defaults are Discord's; tests may change any of them.

    ``time_scale`` multiplies every rate-limit window (0.02 makes a 5 s window last 0.1 s,
    so a test of the limits runs fast); it does not touch the interaction deadlines, which
    have their own settings.
    """

    interaction_deadline: float = 3.0  # s from INTERACTION_CREATE to the initial response
    token_lifetime: float = 15 * 60.0  # s the token takes follow-ups and @original edits
    rate_limits: bool = True
    time_scale: float = 1.0
    message: Limit = Limit(5, 5.0)  # create + edit message, per channel (one shared bucket)
    reaction: Limit = Limit(1, 0.25)  # add a reaction, per channel
    webhook: Limit = Limit(5, 2.0)  # follow-ups and edits, per interaction token
    global_limit: Limit = Limit(50, 1.0)  # every bot request but the interaction endpoints
    permissions: bool = True
    size_limits: bool = True
    #: Uploads with one request (resources/message "Uploading Files": 10 files; the default
    #: upload limit, 10 MiB since 2024-09): 413 40005 past the bytes, 400 50035 past the count.
    upload_files: int = 10
    upload_bytes: int = 10 * 1024 * 1024
    #: The application command rules on a command sync (names, descriptions, localizations).
    command_limits: bool = True

    def limit(self, bucket: str) -> Limit:
        return {
            "message": self.message,
            "reaction": self.reaction,
            "webhook": self.webhook,
            "global": self.global_limit,
        }[bucket]

    @classmethod
    def lenient(cls) -> DiscordRules:
        """Nothing enforced: the fake as it was before it knew the rules."""
        return cls(
            interaction_deadline=math.inf,
            token_lifetime=math.inf,
            rate_limits=False,
            permissions=False,
            size_limits=False,
            command_limits=False,
        )


# -- rate limits ------------------------------------------------------------------------------
@dataclass
class Window:
    """One bucket's current window: Discord's buckets reset all at once ``per`` s after the
    first request of the window."""

    started: float
    used: int = 0


@dataclass(frozen=True)
class Decision:
    """What a bucket says about one request, and the headers that tell the client so."""

    allowed: bool
    limit: int
    remaining: int
    reset_after: float
    bucket: str

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": f"{time.time() + self.reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{self.reset_after:.3f}",
            "X-RateLimit-Bucket": self.bucket,
        }


@dataclass
class RateLimiter:
    """Fixed windows per bucket key, e.g. ``("message", channel_id)``."""

    windows: dict[tuple[Any, ...], Window] = field(default_factory=dict)

    def take(self, key: tuple[Any, ...], limit: Limit, scale: float) -> Decision:
        now = time.monotonic()
        per = limit.per * scale
        window = self.windows.get(key)
        if window is None or now >= window.started + per:
            window = self.windows[key] = Window(now)
        reset_after = max(window.started + per - now, 0.0)
        bucket = f"{key[0]}-bucket"
        if window.used >= limit.count:
            return Decision(False, limit.count, 0, reset_after, bucket)
        window.used += 1
        return Decision(True, limit.count, limit.count - window.used, reset_after, bucket)


def rate_limited_body(retry_after: float, *, is_global: bool) -> dict[str, Any]:
    return {
        "message": "You are being rate limited.",
        "retry_after": retry_after,
        "global": is_global,
    }


def rate_limited_headers(decision: Decision, *, is_global: bool) -> dict[str, str]:
    """The headers of a 429: discord.py needs ``Via`` (else it takes the 429 for a
    Cloudflare ban) and reads ``retry_after`` from the body."""
    headers = {} if is_global else decision.headers()
    headers.update(
        {
            "Retry-After": str(max(1, math.ceil(decision.reset_after))),
            "X-RateLimit-Scope": "global" if is_global else "user",
            "Via": "1.1 google",
        }
    )
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    return headers


# -- size limits (400 Invalid Form Body) ------------------------------------------------------
CONTENT = 2000
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
AUTHOR_NAME = 256
EMBEDS_TOTAL = 6000
ACTION_ROWS = 5
ROW_COMPONENTS = 5
BUTTON_LABEL = 80
CUSTOM_ID = 100


def _put(tree: dict[str, Any], path: list[str], code: str, message: str) -> None:
    """Add an error at ``path`` in Discord's nested ``errors`` shape."""
    node = tree
    for part in path:
        node = node.setdefault(part, {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


def _too_long(tree: dict[str, Any], path: list[str], value: Any, limit: int) -> None:
    if isinstance(value, str) and len(value) > limit:
        _put(tree, path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _too_many(tree: dict[str, Any], path: list[str], items: list[Any], limit: int) -> None:
    if len(items) > limit:
        _put(tree, path, "BASE_TYPE_BAD_LENGTH", f"Must be between 0 and {limit} in length.")


def _embed_errors(tree: dict[str, Any], embeds: list[dict[str, Any]]) -> None:
    _too_many(tree, ["embeds"], embeds, EMBEDS)
    total = 0
    for i, embed in enumerate(embeds):
        at = ["embeds", str(i)]
        title, description = embed.get("title") or "", embed.get("description") or ""
        _too_long(tree, [*at, "title"], title, EMBED_TITLE)
        _too_long(tree, [*at, "description"], description, EMBED_DESCRIPTION)
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        _too_long(tree, [*at, "footer", "text"], footer, FOOTER_TEXT)
        _too_long(tree, [*at, "author", "name"], author, AUTHOR_NAME)
        fields = embed.get("fields") or []
        _too_many(tree, [*at, "fields"], fields, EMBED_FIELDS)
        total += len(title) + len(description) + len(footer) + len(author)
        for j, item in enumerate(fields):
            name, value = item.get("name") or "", item.get("value") or ""
            _too_long(tree, [*at, "fields", str(j), "name"], name, FIELD_NAME)
            _too_long(tree, [*at, "fields", str(j), "value"], value, FIELD_VALUE)
            total += len(name) + len(value)
    if total > EMBEDS_TOTAL:
        _put(
            tree,
            ["embeds"],
            "MAX_EMBED_SIZE_EXCEEDED",
            f"Embed size exceeds maximum size of {EMBEDS_TOTAL}",
        )


def _component_errors(tree: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    _too_many(tree, ["components"], rows, ACTION_ROWS)
    for r, row in enumerate(rows):
        children = row.get("components") or []
        _too_many(tree, ["components", str(r), "components"], children, ROW_COMPONENTS)
        for c, child in enumerate(children):
            at = ["components", str(r), "components", str(c)]
            _too_long(tree, [*at, "label"], child.get("label"), BUTTON_LABEL)
            _too_long(tree, [*at, "custom_id"], child.get("custom_id"), CUSTOM_ID)


def message_errors(body: dict[str, Any] | None) -> dict[str, Any]:
    """Discord's ``errors`` object for a message body over the limits ({} when it fits)."""
    tree: dict[str, Any] = {}
    if not isinstance(body, dict):
        return tree
    _too_long(tree, ["content"], body.get("content"), CONTENT)
    _embed_errors(tree, list(body.get("embeds") or []))
    _component_errors(tree, list(body.get("components") or []))
    return tree


def invalid_form_body(errors: dict[str, Any]) -> dict[str, Any]:
    return {**INVALID_FORM_BODY.body(), "errors": errors}


# -- application commands (400 Invalid Form Body on a sync) -----------------------------------
#: reference#locales: the only keys a localization dictionary may have.
LOCALES = frozenset(
    {
        "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu",
        "nl", "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru",
        "uk", "hi", "th", "zh-CN", "ja", "zh-TW", "ko",
    }
)  # fmt: skip
COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")
COMMAND_DESCRIPTION = 100
COMMAND_OPTIONS = 25
OPTION_CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
COMMAND_TOTAL = 4000
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2


def _name_error(tree: dict[str, Any], path: list[str], name: Any) -> None:
    if not isinstance(name, str) or not COMMAND_NAME.match(name) or name != name.lower():
        _put(tree, path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")


def _length_error(tree: dict[str, Any], path: list[str], text: Any, limit: int) -> None:
    if not isinstance(text, str) or not 1 <= len(text) <= limit:
        _put(tree, path, "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {limit} in length.")


def _localized(
    tree: dict[str, Any], at: list[str], item: dict[str, Any], key: str, check: Any
) -> int:
    """Check ``item[key]`` and its localizations with ``check``; the longest one's length."""
    check(tree, [*at, key], item.get(key))
    longest = len(str(item.get(key) or ""))
    localizations = item.get(f"{key}_localizations") or {}
    for locale, text in localizations.items():
        if locale not in LOCALES:
            _put(
                tree,
                [*at, f"{key}_localizations", str(locale)],
                "LOCALE_INVALID",
                f"Invalid locale {locale!r}",
            )
            continue
        check(tree, [*at, f"{key}_localizations", locale], text)
        longest = max(longest, len(str(text or "")))
    return longest


def _description(limit: int) -> Any:
    def check(tree: dict[str, Any], path: list[str], text: Any) -> None:
        _length_error(tree, path, text, limit)

    return check


def _option_errors(tree: dict[str, Any], at: list[str], option: dict[str, Any]) -> int:
    """Check one option (a subcommand's options too); the characters it counts."""
    total = _localized(tree, at, option, "name", _name_error)
    total += _localized(tree, at, option, "description", _description(COMMAND_DESCRIPTION))
    choices = list(option.get("choices") or [])
    _too_many(tree, [*at, "choices"], choices, OPTION_CHOICES)
    for index, choice in enumerate(choices):
        where = [*at, "choices", str(index)]
        total += _localized(tree, where, choice, "name", _description(CHOICE_NAME))
        value = choice.get("value")
        if isinstance(value, str):
            _too_long(tree, [*where, "value"], value, CHOICE_VALUE)
        total += len(str(value))
    children = list(option.get("options") or [])
    if option.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
        _too_many(tree, [*at, "options"], children, COMMAND_OPTIONS)
        for index, child in enumerate(children):
            total += _option_errors(tree, [*at, "options", str(index)], child)
    return total


def command_errors(commands: Any) -> dict[str, Any]:
    """Discord's ``errors`` object for a bulk overwrite of slash commands ({} when valid)."""
    tree: dict[str, Any] = {}
    if not isinstance(commands, list):
        _put(tree, [], "BASE_TYPE_ARRAY", "Must be an array.")
        return tree
    for index, command in enumerate(commands):
        at = [str(index)]
        total = _localized(tree, at, command, "name", _name_error)
        if command.get("type", 1) == 1:  # CHAT_INPUT: a description is required
            total += _localized(tree, at, command, "description", _description(100))
        options = list(command.get("options") or [])
        _too_many(tree, [*at, "options"], options, COMMAND_OPTIONS)
        for number, option in enumerate(options):
            total += _option_errors(tree, [*at, "options", str(number)], option)
        if total > COMMAND_TOTAL:
            _put(
                tree,
                at,
                "APPLICATION_COMMAND_TOO_LARGE",
                f"Command exceeds maximum size ({COMMAND_TOTAL})",
            )
    return tree
