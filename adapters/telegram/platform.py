"""Telegram as ``quizbot run`` knows it: its settings, and its service (built when it runs)."""

from __future__ import annotations

from adapters.kit.contract import Platform
from adapters.telegram.settings import TelegramSettings

PLATFORM = Platform(
    name="telegram",
    extra="telegram",
    summary="Telegram: /quiz in groups, by webhook on the web process or long polling",
    settings=TelegramSettings.from_env,
    service="adapters.telegram.service:TelegramService",
)
