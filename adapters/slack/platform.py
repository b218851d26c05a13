"""Slack as ``quizbot run`` knows it: its settings, and its service (built when it runs).

``SLACK_SOCKET_MODE=1`` (or ``quizbot run slack --socket``) connects over Socket Mode
instead of serving HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping

from adapters.kit.contract import Platform
from adapters.slack.settings import SlackSettings

SOCKET_MODE_VARIABLE = "SLACK_SOCKET_MODE"


def settings_from_env(env: Mapping[str, str]) -> SlackSettings:
    socket = env.get(SOCKET_MODE_VARIABLE, "").strip().lower() in ("1", "true", "yes")
    return SlackSettings.from_env(env, socket_mode=socket)


PLATFORM = Platform(
    name="slack",
    extra="slack",
    summary="Slack: /quiz over HTTP on $PORT (the web process), or Socket Mode",
    settings=settings_from_env,
    service="adapters.slack.service:SlackService",
    prepare="adapters.slack.tables:prepare",
)
