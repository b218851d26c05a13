"""Slack as ``quizbot run`` knows it: its settings, and its service built on demand."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.kit.contract import Platform, PlatformSettings, Runtime, Service
from adapters.slack.settings import SlackSettings

SOCKET_MODE_VARIABLE = "SLACK_SOCKET_MODE"


def settings_from_env(env: Mapping[str, str]) -> SlackSettings:
    socket = env.get(SOCKET_MODE_VARIABLE, "").strip().lower() in ("1", "true", "yes")
    return SlackSettings.from_env(env, socket_mode=socket)


def build(runtime: Runtime, settings: PlatformSettings) -> Service:
    from adapters.slack.service import SlackService

    assert isinstance(settings, SlackSettings)
    return SlackService(runtime, settings)


PLATFORM = Platform(
    name="slack",
    extra="slack",
    summary="Slack: /quiz over HTTP on $PORT (the web process), or Socket Mode",
    settings=settings_from_env,
    build=build,
)
