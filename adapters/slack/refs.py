"""Slack's ids in the core's terms: the platform's name, and a request's workspace."""

from __future__ import annotations

from slack_bolt.async_app import AsyncBoltContext

PLATFORM = "slack"


def workspace_of(context: AsyncBoltContext) -> str:
    """The workspace (team) a request came from."""
    return context.team_id or context.enterprise_id or ""
