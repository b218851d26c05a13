"""Telegram's settings, read from the environment only when Telegram is run.

- ``TELEGRAM_TOKEN``: the bot token from @BotFather;
- ``TELEGRAM_WEBHOOK_URL``: the public https URL of the web process's webhook, e.g.
  ``https://quizbot.example.com/telegram/webhook``; set, Telegram delivers updates to the web
  process (which then serves Telegram); unset, the bot long-polls (a laptop, or a worker);
- ``TELEGRAM_WEBHOOK_SECRET``: the secret Telegram sends with each webhook delivery
  (1-256 of ``A-Z a-z 0-9 _ -``); unset, one is derived from the token, so every web
  process agrees on it without another setting;
- ``TELEGRAM_API_URL`` (tests and staging only): another Bot API server than Telegram's,
  e.g. ``http://127.0.0.1:8081/bot``.

What is wrong with them is said in the terminal's language (the variables' names stay).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from bot.errors import ConfigError
from bot.i18n import _

SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class TelegramSettings:
    """Everything the Telegram adapter reads from its environment."""

    token: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    api_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TelegramSettings:
        return cls(
            token=env.get("TELEGRAM_TOKEN", "").strip() or None,
            webhook_url=env.get("TELEGRAM_WEBHOOK_URL", "").strip() or None,
            webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET", "").strip() or None,
            api_url=env.get("TELEGRAM_API_URL", "").strip() or None,
        )

    @property
    def configured(self) -> bool:
        return bool(self.token)

    @property
    def serves_http(self) -> bool:
        return bool(self.webhook_url)

    @property
    def secret(self) -> str:
        """The webhook's secret token: the one set, or one derived from the bot token."""
        if self.webhook_secret:
            return self.webhook_secret
        return hashlib.sha256(f"quizbot-webhook:{self.token}".encode()).hexdigest()

    @property
    def webhook_path(self) -> str:
        return urlparse(self.webhook_url or "").path or "/telegram/webhook"

    def secrets(self) -> list[str]:
        return [
            v for v in (self.token, self.webhook_secret, self.secret if self.token else None) if v
        ]

    def check(self) -> None:
        if not self.token:
            raise ConfigError(_("TELEGRAM_TOKEN is not set: create a bot with @BotFather"))
        if not TOKEN.match(self.token):
            raise ConfigError(
                _("TELEGRAM_TOKEN does not look like a bot token (digits, a colon, then letters)")
            )
        if self.webhook_url:
            parsed = urlparse(self.webhook_url)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ConfigError(
                    _(
                        "TELEGRAM_WEBHOOK_URL must be the web process's public URL, e.g. "
                        "https://quizbot.example.com/telegram/webhook"
                    )
                )
        if self.webhook_secret and not SECRET.match(self.webhook_secret):
            raise ConfigError(
                _("TELEGRAM_WEBHOOK_SECRET must be 1-256 letters, digits, _ or - (Telegram's rule)")
            )
        if self.api_url:
            parsed = urlparse(self.api_url)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ConfigError(_("TELEGRAM_API_URL must be an http(s) URL ending in /bot"))
