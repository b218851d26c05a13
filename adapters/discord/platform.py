"""Discord as ``quizbot run`` knows it: its settings, and its service (built when it runs)."""

from __future__ import annotations

from adapters.discord.settings import DiscordSettings
from adapters.kit.contract import Platform

PLATFORM = Platform(
    name="discord",
    extra="discord",
    summary="Discord: slash commands and buttons over the gateway (the worker process)",
    settings=DiscordSettings.from_env,
    service="adapters.discord.service:DiscordService",
)
