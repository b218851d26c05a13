"""Requests signed as Slack signs them, for the adapter's end-to-end tests.

Slack sends ``X-Slack-Request-Timestamp`` and ``X-Slack-Signature``: ``v0=`` followed by the
hex HMAC-SHA256, keyed with the app's signing secret, of ``v0:{timestamp}:{body}``.
Slash commands and interactive payloads are form posts; events are JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode


def signature(secret: str, timestamp: str, body: str) -> str:
    """The ``X-Slack-Signature`` value for ``body`` sent at ``timestamp``."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, body: str, content_type: str, timestamp: int | None = None
) -> dict[str, str]:
    """Headers for a request Slack would send with this body (now, unless told when)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(secret, ts, body),
    }


def command_body(fields: dict[str, str]) -> str:
    """A slash command's form body."""
    return urlencode(fields)


def interactive_body(payload: dict[str, Any]) -> str:
    """An interactive (``block_actions``, ``view_submission``) form body: ``payload=<json>``."""
    return urlencode({"payload": json.dumps(payload)})


def event_body(envelope: dict[str, Any]) -> str:
    """An Events API (or ``url_verification``) JSON body."""
    return json.dumps(envelope)


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
