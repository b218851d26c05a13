"""Telegram as ``quizbot run`` knows it: its settings, and its service built on demand."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.kit.contract import Platform, PlatformSettings, Runtime, Service
from adapters.telegram.settings import TelegramSettings


def settings_from_env(env: Mapping[str, str]) -> TelegramSettings:
    return TelegramSettings.from_env(env)


def build(runtime: Runtime, settings: PlatformSettings) -> Service:
    from adapters.telegram.service import TelegramService

    assert isinstance(settings, TelegramSettings)
    return TelegramService(runtime, settings)


PLATFORM = Platform(
    name="telegram",
    extra="telegram",
    summary="Telegram: /quiz in groups, by webhook on the web process or long polling",
    settings=settings_from_env,
    build=build,
)
