"""The platform registry: which platforms ``quizbot run`` finds, which each role runs, and
each platform's settings read only when it runs (Discord's shards above all)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.discord.settings import DiscordSettings
from adapters.kit import registry
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
SHARDED = {"DISCORD_TOKEN": "t", "DISCORD_SHARD_COUNT": "4", "DISCORD_WORKERS": "2"}
SLACK = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}


def names(selected: list[registry.Selected]) -> list[str]:
    return [s.platform.name for s in selected]


def test_every_platform_folder_is_found() -> None:
    assert {"discord", "slack"} <= set(registry.platform_names())
    assert "kit" not in registry.platform_names() and "console" not in registry.platform_names()


def test_roles_take_the_configured_platforms_that_fit() -> None:
    env = {"DISCORD_TOKEN": "t", **SLACK}
    assert names(registry.select(["web"], env)) == ["slack"]
    assert names(registry.select(["worker"], env)) == ["discord"]
    assert names(registry.select(["all"], env)) == ["discord", "slack"]
    assert names(registry.select([], env)) == ["discord", "slack"]
    socket = {**SLACK, "SLACK_APP_TOKEN": "xapp-1", "SLACK_SOCKET_MODE": "1"}
    assert names(registry.select(["worker"], socket)) == ["slack"]
    assert names(registry.select(["web"], {})) == []  # still serves /health


def test_a_web_process_is_not_blocked_by_the_workers_shards() -> None:
    """The finding: shards were worked out for every command, so a web or release process
    with DISCORD_WORKERS set (and DYNO=web.1) refused to start."""
    env = {**SHARDED, **SLACK, "DYNO": "web.3"}
    assert names(registry.select(["web"], env)) == ["slack"]
    with pytest.raises(ConfigError, match=r"DISCORD_WORKERS=2 needs DYNO=worker\.N"):
        registry.select(["discord"], env)  # only running Discord works them out


def test_release_and_one_off_processes_ignore_discord_sharding(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "DYNO"))}
    env.update(SHARDED, DYNO="release.7", DATABASE_URL=f"sqlite:///{tmp_path / 'q.db'}")
    for args in (["db", "upgrade"], ["banks", "list"]):
        result = subprocess.run(
            [sys.executable, "-m", "cli.main", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, (None, None)),
        ({"DISCORD_SHARD_COUNT": "4"}, (4, None)),
        ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "1,3"}, (4, (1, 3))),
        ({"DISCORD_SHARD_COUNT": "5", "DISCORD_WORKERS": "2", "DYNO": "worker.1"}, (5, (0, 2, 4))),
        ({"DISCORD_SHARD_COUNT": "5", "DISCORD_WORKERS": "2", "DYNO": "worker.2"}, (5, (1, 3))),
    ],
)
def test_discord_shards_split_between_worker_processes(
    env: dict[str, str], expected: tuple[int | None, tuple[int, ...] | None]
) -> None:
    settings = DiscordSettings.from_env({"DISCORD_TOKEN": "t", **env}).resolved()
    assert (settings.shard_count, settings.shard_ids) == expected


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DISCORD_SHARD_IDS": "0"}, "needs DISCORD_SHARD_COUNT"),
        ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "5"}, "between 0 and 1"),
        ({"DISCORD_SHARD_COUNT": "x"}, "whole number"),
        ({"DISCORD_SHARD_COUNT": "4", "DISCORD_WORKERS": "2"}, "needs DYNO=worker.N"),
        ({"DISCORD_SHARD_COUNT": "4", "DISCORD_WORKERS": "2", "DYNO": "worker.3"}, "from 1 to 2"),
        ({"DISCORD_WORKERS": "2", "DYNO": "worker.1"}, "needs DISCORD_SHARD_COUNT"),
        ({"DISCORD_SHARD_COUNT": "1", "DISCORD_WORKERS": "2", "DYNO": "worker.2"}, "no shard"),
        ({"DISCORD_MODERATOR_ROLE": "Quizmaster"}, "must be a role id"),
    ],
)
def test_bad_discord_settings_are_one_clear_error(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        registry.select(["discord"], {"DISCORD_TOKEN": "t", **env})
