"""Discord as ``quizbot run`` knows it: its settings, and its service built on demand."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.discord.settings import DiscordSettings
from adapters.kit.contract import Platform, PlatformSettings, Runtime, Service


def settings_from_env(env: Mapping[str, str]) -> DiscordSettings:
    return DiscordSettings.from_env(env)


def build(runtime: Runtime, settings: PlatformSettings) -> Service:
    from adapters.discord.service import DiscordService

    assert isinstance(settings, DiscordSettings)
    return DiscordService(runtime, settings)


PLATFORM = Platform(
    name="discord",
    extra="discord",
    summary="Discord: slash commands and buttons over the gateway (the worker process)",
    settings=settings_from_env,
    build=build,
)
