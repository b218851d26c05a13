"""The rules real Slack enforces, as the stub Web API (``stub_slack_api.py``) applies them.

Every number can be changed (or the rule switched off) on :class:`SlackRules`; the defaults
are Slack's. Sources (docs.slack.dev, formerly api.slack.com):

- apis/web-api/rate-limits: limits apply "per API method per workspace per app"; Tier 1
  1+ per minute, Tier 2 20+, Tier 3 50+, Tier 4 100+; chat.postMessage (special tier)
  "generally allows posting one message per second per channel", "short bursts >1 allowed";
  over a limit: HTTP 429 with a ``Retry-After`` header (seconds) and ``ratelimited``;
- each method's page (reference/methods/...) for its tier, as slack_sdk's Java sibling
  tabulates them (MethodsRateLimits): chat.update Tier 3, chat.delete Tier 3,
  chat.postEphemeral Tier 4, users.info Tier 4, conversations.open Tier 3, views.open /
  views.publish / views.update / views.push Tier 4, oauth.v2.access Tier 4,
  apps.connections.open Tier 1; auth.test is "special" (left unlimited here);
- reference/block-kit (blocks, block elements, composition objects, surfaces): 50 blocks a
  message, 100 a modal or Home tab; section text 1-3,000 characters, 10 fields of 2,000;
  actions 25 elements; context 10 elements; header 150; button text 75, value 2,000, url
  3,000; action_id and block_id 255; modal title, submit and close 24, private_metadata
  3,000, callback_id 255; an image block (reference/block-kit/blocks/image-block): exactly
  one of ``image_url`` (at most 3,000, a public address) or ``slack_file``, ``alt_text``
  required, at most 2,000, "supported file types include png, jpg, jpeg, and gif" (an
  address Slack cannot fetch or read as one of those fails with ``invalid_blocks``, "downloading
  image failed"; the stub fetches nothing and refuses addresses under :data:`UNREACHABLE`
  and names ending in another image type). Slack answers ``invalid_blocks`` (messages) or
  ``invalid_arguments`` (views) with messages like ``must be less than 3001 characters
  [json-pointer:/blocks/0/text/text]``;
- the error tables of chat.postMessage / chat.update / chat.postEphemeral: ``no_text``,
  ``msg_too_long``, ``not_in_channel``, ``channel_not_found``, ``is_archived``,
  ``message_not_found``; every method: ``not_authed``, ``invalid_auth``,
  ``account_inactive`` ("token is for a deleted user or workspace"), ``token_revoked``
  ("... or the app has been removed");
- interactivity/handling (response_url): "up to 5 times within 30 minutes";
- reference/methods/users.info: scope ``users:read`` (bot tokens), errors ``user_not_found``
  and ``user_not_visible``; ``include_locale`` "Set this to true to receive the locale for
  this user. Defaults to false" (the changelog "Locale locale locale", 2017-09: the
  ``locale`` field is an IETF language tag such as ``es-ES``, ``de-DE``, and is only sent to
  whoever asks for it); a token without a method's scope gets ``missing_scope`` with
  ``needed`` and ``provided`` (reference/scopes, the error of every method);
- each method's "Required scopes": chat.postMessage, chat.update, chat.postEphemeral
  ``chat:write``; conversations.open ``im:write`` (for a DM); users.info ``users:read``.

Not documented, so taken as commonly observed: how long chat.postMessage's burst may be
(reports see 25 or more posts go through before 429s; 10 here, below that).
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

TIER_1, TIER_2, TIER_3, TIER_4 = 1, 20, 50, 100

#: Requests per minute per method per workspace, for the methods quizbot calls.
METHOD_TIERS: dict[str, int] = {
    "chat.update": TIER_3,
    "chat.delete": TIER_3,
    "chat.postEphemeral": TIER_4,
    "users.info": TIER_4,
    "conversations.open": TIER_3,
    "views.open": TIER_4,
    "views.publish": TIER_4,
    "views.update": TIER_4,
    "views.push": TIER_4,
    "oauth.v2.access": TIER_4,
    "apps.connections.open": TIER_1,
}

#: The bot scope each method needs (methods not listed need none the app could lack).
METHOD_SCOPES: dict[str, str] = {
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "conversations.open": "im:write",
    "users.info": "users:read",
}
#: The scopes the app asks for in its manifest (what installing it grants), which a token has
#: unless a test takes one; read from manifest.yml, not copied from the app's code.
APP_SCOPES = frozenset(
    yaml.safe_load((Path(__file__).parents[2] / "manifest.yml").read_text(encoding="utf-8"))[
        "oauth_config"
    ]["scopes"]["bot"]
)


def scope_error(method: str, granted: frozenset[str]) -> dict[str, Any] | None:
    """``missing_scope`` when a token with ``granted`` scopes calls ``method``, else None."""
    needed = METHOD_SCOPES.get(method)
    if needed is None or needed in granted:
        return None
    return {
        "ok": False,
        "error": "missing_scope",
        "needed": needed,
        "provided": ",".join(sorted(granted)),
    }


def truthy(value: Any) -> bool:
    """A boolean argument as Slack reads it (``true``, ``1``; slack_sdk sends ``1``)."""
    return value is True or str(value).strip().lower() in ("1", "true")


#: Methods that take a ``channel`` and so answer the channel's errors.
CHANNEL_METHODS = frozenset(
    {"chat.postMessage", "chat.update", "chat.postEphemeral", "chat.delete", "conversations.info"}
)
#: Methods that carry a message (text and blocks).
MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral"})
VIEW_METHODS = frozenset({"views.open", "views.publish", "views.update", "views.push"})


@dataclass
class SlackRules:
    """What the stub enforces. ``time_scale`` multiplies every rate-limit window (0.01
    makes a minute last 0.6 s); ``Retry-After`` stays whole seconds, as Slack sends it."""

    rate_limits: bool = True
    time_scale: float = 1.0
    tiers: dict[str, int] = field(default_factory=lambda: dict(METHOD_TIERS))
    post_per_second: float = 1.0  # chat.postMessage, per channel
    post_burst: int = 10  # undocumented: how many posts a channel takes at once
    block_kit: bool = True
    response_url_uses: int = 5
    response_url_window: float = 30 * 60.0

    @classmethod
    def lenient(cls) -> SlackRules:
        """Nothing enforced: the stub as it was before it knew the rules."""
        return cls(rate_limits=False, block_kit=False, response_url_uses=10**9)


# -- rate limits -------------------------------------------------------------------------------
@dataclass
class SlidingWindow:
    """At most ``limit`` requests in any ``window`` seconds."""

    stamps: deque[float] = field(default_factory=deque)

    def take(self, limit: int, window: float) -> float:
        """0 if the request may go (and count it), else the seconds until it may."""
        now = time.monotonic()
        while self.stamps and self.stamps[0] <= now - window:
            self.stamps.popleft()
        if len(self.stamps) >= limit:
            return self.stamps[0] + window - now
        self.stamps.append(now)
        return 0.0


@dataclass
class TokenBucket:
    """``burst`` requests at once, refilled at ``rate`` a second."""

    tokens: float
    updated: float = field(default_factory=time.monotonic)

    def take(self, rate: float, burst: int) -> float:
        now = time.monotonic()
        self.tokens = min(float(burst), self.tokens + (now - self.updated) * rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / rate


@dataclass
class RateLimiter:
    """The stub's buckets: a window per (team, method), a token bucket per posting channel."""

    windows: dict[tuple[str, str], SlidingWindow] = field(default_factory=dict)
    buckets: dict[tuple[str, str], TokenBucket] = field(default_factory=dict)

    def wait(self, rules: SlackRules, team: str, method: str, params: dict[str, Any]) -> float:
        """0 if the call may go now, else how long (seconds) until it may."""
        if not rules.rate_limits:
            return 0.0
        if method == "chat.postMessage":
            key = (team, str(params.get("channel")))
            bucket = self.buckets.setdefault(key, TokenBucket(float(rules.post_burst)))
            return bucket.take(rules.post_per_second / rules.time_scale, rules.post_burst)
        per_minute = rules.tiers.get(method)
        if per_minute is None:
            return 0.0
        window = self.windows.setdefault((team, method), SlidingWindow())
        return window.take(per_minute, 60.0 * rules.time_scale)


def retry_after(wait: float) -> str:
    """Slack's ``Retry-After``: whole seconds (slack_sdk's retry handler reads an int)."""
    return str(max(1, math.ceil(wait)))


# -- Block Kit -----------------------------------------------------------------------------------
MESSAGE_BLOCKS = 50
SURFACE_BLOCKS = 100  # modals and the Home tab
SECTION_TEXT = 3000
SECTION_FIELDS = 10
FIELD_TEXT = 2000
ACTIONS_ELEMENTS = 25
CONTEXT_ELEMENTS = 10
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
URL = 3000
ID = 255  # action_id, block_id, callback_id
INPUT_LABEL = 2000
PLACEHOLDER = 150
MODAL_TITLE = 24
PRIVATE_METADATA = 3000
TEXT = 40000  # a message's text
IMAGE_URL = 3000
IMAGE_ALT = 2000
IMAGE_NAMES = (".png", ".jpg", ".jpeg", ".gif")
#: Image addresses the stub treats as ones Slack cannot download.
UNREACHABLE = ("http://localhost", "http://127.0.0.1", "https://unreachable.invalid")


class Problems:
    """Slack's error lines for one payload, each ending with its JSON pointer."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, what: str, pointer: str) -> None:
        self.lines.append(f"{what} [json-pointer:{pointer}]")

    def length(self, value: Any, limit: int, pointer: str, *, required: bool = False) -> None:
        if value is None and not required:
            return
        text = value if isinstance(value, str) else ""
        if len(text) > limit:
            self.add(f"must be less than {limit + 1} characters", pointer)
        elif required and not text:
            self.add("must be more than 0 characters", pointer)

    def items(self, values: list[Any], limit: int, pointer: str) -> None:
        if len(values) > limit:
            self.add(f"no more than {limit} items allowed", pointer)


def _text(problems: Problems, obj: Any, limit: int, pointer: str) -> None:
    """A text object: ``{"type": "plain_text"|"mrkdwn", "text": ...}``."""
    if not isinstance(obj, dict):
        problems.add("must be a text object", pointer)
        return
    problems.length(obj.get("text"), limit, f"{pointer}/text", required=True)


def _element(problems: Problems, element: dict[str, Any], pointer: str) -> None:
    problems.length(element.get("action_id"), ID, f"{pointer}/action_id")
    kind = element.get("type")
    if kind == "button":
        _text(problems, element.get("text"), BUTTON_TEXT, f"{pointer}/text")
        problems.length(element.get("value"), BUTTON_VALUE, f"{pointer}/value")
        problems.length(element.get("url"), URL, f"{pointer}/url")
    elif kind == "plain_text_input" and "placeholder" in element:
        _text(problems, element["placeholder"], PLACEHOLDER, f"{pointer}/placeholder")


def _block(problems: Problems, block: dict[str, Any], pointer: str) -> None:
    problems.length(block.get("block_id"), ID, f"{pointer}/block_id")
    kind = block.get("type")
    if kind == "section":
        fields = list(block.get("fields") or [])
        if "text" in block or not fields:
            _text(problems, block.get("text"), SECTION_TEXT, f"{pointer}/text")
        problems.items(fields, SECTION_FIELDS, f"{pointer}/fields")
        for i, item in enumerate(fields):
            _text(problems, item, FIELD_TEXT, f"{pointer}/fields/{i}")
        if isinstance(block.get("accessory"), dict):
            _element(problems, block["accessory"], f"{pointer}/accessory")
    elif kind == "actions":
        elements = list(block.get("elements") or [])
        problems.items(elements, ACTIONS_ELEMENTS, f"{pointer}/elements")
        for i, element in enumerate(elements):
            _element(problems, element, f"{pointer}/elements/{i}")
    elif kind == "context":
        elements = list(block.get("elements") or [])
        problems.items(elements, CONTEXT_ELEMENTS, f"{pointer}/elements")
        for i, element in enumerate(elements):
            if element.get("type") in ("mrkdwn", "plain_text"):
                _text(problems, element, SECTION_TEXT, f"{pointer}/elements/{i}")
    elif kind == "header":
        _text(problems, block.get("text"), HEADER_TEXT, f"{pointer}/text")
    elif kind == "image":
        _image(problems, block, pointer)
    elif kind == "input":
        _text(problems, block.get("label"), INPUT_LABEL, f"{pointer}/label")
        if isinstance(block.get("element"), dict):
            _element(problems, block["element"], f"{pointer}/element")


def _image(problems: Problems, block: dict[str, Any], pointer: str) -> None:
    """An image block: one public address of a PNG/JPEG/GIF, and its alt text."""
    problems.length(block.get("alt_text"), IMAGE_ALT, f"{pointer}/alt_text", required=True)
    url = block.get("image_url")
    if ("slack_file" in block) == (url is not None):
        problems.add("must provide exactly one of image_url or slack_file", pointer)
        return
    if url is None:
        return
    problems.length(url, IMAGE_URL, f"{pointer}/image_url", required=True)
    path = str(url).split("?", 1)[0].lower()
    if not str(url).startswith(("https://", "http://")) or str(url).startswith(UNREACHABLE):
        problems.add("downloading image failed", f"{pointer}/image_url")
    elif path.rsplit("/", 1)[-1].count(".") and not path.endswith(IMAGE_NAMES):
        problems.add("invalid image type", f"{pointer}/image_url")


def block_problems(blocks: Any, limit: int, pointer: str = "/blocks") -> list[str]:
    """What Slack would say is wrong with ``blocks`` ([] when they are valid)."""
    problems = Problems()
    if not isinstance(blocks, list):
        problems.add("must be an array", pointer)
        return problems.lines
    problems.items(blocks, limit, pointer)
    for i, block in enumerate(blocks):
        _block(problems, block, f"{pointer}/{i}")
    return problems.lines


def view_problems(view: Any) -> list[str]:
    """What Slack would say is wrong with a modal or Home tab view."""
    if not isinstance(view, dict):
        return ["must be an object [json-pointer:/view]"]
    problems = Problems()
    if view.get("type") == "modal":
        for part in ("title", "submit", "close"):
            if part in view or part == "title":
                _text(problems, view.get(part), MODAL_TITLE, f"/view/{part}")
    problems.length(view.get("callback_id"), ID, "/view/callback_id")
    problems.length(view.get("private_metadata"), PRIVATE_METADATA, "/view/private_metadata")
    return problems.lines + block_problems(view.get("blocks") or [], SURFACE_BLOCKS, "/view/blocks")


def message_error(params: dict[str, Any]) -> dict[str, Any] | None:
    """The error answer for a message's text and blocks, or None when Slack takes it."""
    blocks, text = params.get("blocks"), params.get("text")
    if not text and not blocks and not params.get("attachments"):
        return {"ok": False, "error": "no_text"}
    if isinstance(text, str) and len(text) > TEXT:
        return {"ok": False, "error": "msg_too_long"}
    if blocks is None:
        return None
    problems = block_problems(blocks, MESSAGE_BLOCKS)
    if not problems:
        return None
    return {
        "ok": False,
        "error": "invalid_blocks",
        "errors": problems,
        "response_metadata": {"messages": [f"[ERROR] {p}" for p in problems]},
    }


def view_error(view: Any) -> dict[str, Any] | None:
    problems = view_problems(view)
    if not problems:
        return None
    return {
        "ok": False,
        "error": "invalid_arguments",
        "response_metadata": {"messages": [f"[ERROR] {p}" for p in problems]},
    }
