"""Signed links (bot.links): what they carry, and that any change, expiry, or another key
makes them fail; the secret's settings (adapters.web.settings)."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.web.settings import chat_signer, pages_signer, secret_for
from bot.config import Settings
from bot.errors import ConfigError
from bot.links import PREFIX, BadLink, LinkSigner, Scope, parse_duration

SECRET = "s" * 32
NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


def token_of(url: str) -> str:
    return url.split(PREFIX, 1)[1]


def test_a_link_carries_its_scope_until_it_expires() -> None:
    signer = LinkSigner(SECRET, "https://quiz.example.org/")
    url = signer.make(
        "leaderboard", NOW, timedelta(hours=24), platform="slack", workspace="T1", channel="C1"
    )
    assert url.startswith("https://quiz.example.org/l/")
    scope = signer.verify(token_of(url), NOW + timedelta(hours=23))
    assert scope == Scope(
        kind="leaderboard",
        platform="slack",
        workspace="T1",
        channel="C1",
        expires=int((NOW + timedelta(hours=24)).timestamp()),
    )
    with pytest.raises(BadLink, match="expired"):
        signer.verify(token_of(url), NOW + timedelta(hours=24))


def test_every_one_character_change_fails() -> None:
    signer = LinkSigner(SECRET, "http://localhost:3000")
    token = token_of(
        signer.make("player", NOW, timedelta(days=1), platform="p", workspace="w", user="u")
    )
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for i, old in enumerate(token):
        for new in alphabet:
            if new == old:
                continue
            changed = token[:i] + new + token[i + 1 :]
            with pytest.raises(BadLink):
                signer.verify(changed, NOW)


def test_another_key_or_a_forged_scope_fails() -> None:
    mine, theirs = LinkSigner(SECRET, "http://x"), LinkSigner("t" * 32, "http://x")
    token = token_of(theirs.make("bank", NOW, timedelta(days=1), bank="crm-podcast"))
    with pytest.raises(BadLink):
        mine.verify(token, NOW)
    # Another tenant's scope with this link's signature.
    good = token_of(mine.make("leaderboard", NOW, timedelta(days=1), platform="p", workspace="A"))
    other = token_of(mine.make("leaderboard", NOW, timedelta(days=1), platform="p", workspace="B"))
    forged = other.split(".")[0] + "." + good.split(".")[1]
    with pytest.raises(BadLink):
        mine.verify(forged, NOW)
    for junk in ["", ".", "abc", "a.b", "é.é", good + ".x"]:
        with pytest.raises(BadLink):
            mine.verify(junk, NOW)


def test_durations() -> None:
    assert parse_duration("90m") == timedelta(minutes=90)
    assert parse_duration("24h") == timedelta(hours=24)
    assert parse_duration("7d") == timedelta(days=7)
    assert parse_duration("2w") == timedelta(weeks=2)
    for bad in ["", "h", "0h", "-1d", "1y", "1.5h"]:
        with pytest.raises(ConfigError):
            parse_duration(bad)


def test_secret_settings(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path)}
    sqlite = Settings.from_env(env)
    first = secret_for(sqlite, env)
    assert secret_for(sqlite, env) == first  # kept, so the CLI and the server agree
    kept = tmp_path / "quizbot" / "secret_key"
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
    postgres = Settings.from_env({**env, "DATABASE_URL": "postgresql://u@h/db"})
    with pytest.raises(ConfigError, match="QUIZBOT_SECRET_KEY is not set"):
        secret_for(postgres, env)
    with pytest.raises(ConfigError, match="too short"):
        secret_for(Settings.from_env({**env, "QUIZBOT_SECRET_KEY": "short"}), env)
    # The web process: on with a key, off without one, an error when asked for without one.
    assert pages_signer(env) is None
    assert pages_signer({**env, "QUIZBOT_SECRET_KEY": SECRET}) is not None
    assert pages_signer({**env, "QUIZBOT_SECRET_KEY": SECRET, "QUIZBOT_WEB_PAGES": "off"}) is None
    with pytest.raises(ConfigError, match="QUIZBOT_SECRET_KEY is not set"):
        pages_signer({**env, "QUIZBOT_WEB_PAGES": "on"})
    # Chats get links only with a key and a public address.
    assert chat_signer({**env, "QUIZBOT_SECRET_KEY": SECRET}) is None
    signer = chat_signer(
        {**env, "QUIZBOT_SECRET_KEY": SECRET, "QUIZBOT_PUBLIC_URL": "https://q.example/"}
    )
    assert signer is not None and signer.public_url == "https://q.example"
    with pytest.raises(ConfigError, match="QUIZBOT_PUBLIC_URL"):
        Settings.from_env({"QUIZBOT_PUBLIC_URL": "q.example"})
    assert "s" * 32 not in repr(Settings.from_env({"QUIZBOT_SECRET_KEY": SECRET}))
