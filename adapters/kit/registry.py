"""The platforms quizbot can run, found by their folders: ``adapters/<name>/platform.py``.

A new platform is one new folder with a ``platform.py`` declaring ``PLATFORM``; nothing
else changes for ``quizbot run`` to know it. Besides platform names, ``quizbot run`` takes
the roles a PaaS process plays:

- ``web``: every configured platform that receives over HTTP (Slack's events, Telegram's
  webhook), served on ``$PORT`` with ``/health`` (even when none is configured, so the web
  process always answers);
- ``worker``: every configured platform that connects out (Discord's gateway, Slack's
  Socket Mode, Telegram's long polling);
- ``all``: every configured platform, in one process.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from adapters.kit.contract import Platform, PlatformSettings
from bot.errors import ConfigError
from bot.i18n import _

ADAPTERS = Path(__file__).resolve().parents[1]
ROLES = ("web", "worker", "all")


def platform_names() -> list[str]:
    """Every folder of ``adapters/`` with a ``platform.py``, sorted."""
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(ADAPTERS)])
        if info.ispkg and (ADAPTERS / info.name / "platform.py").is_file()
    )


def platform(name: str) -> Platform:
    """The platform called ``name``; ConfigError naming the known ones if there is none."""
    if name not in platform_names():
        known = ", ".join([*platform_names(), *ROLES])
        raise ConfigError(
            _("unknown platform {name} (one of: {known})").format(name=repr(name), known=known)
        )
    module = importlib.import_module(f"adapters.{name}.platform")
    found = module.PLATFORM
    assert isinstance(found, Platform) and found.name == name
    return found


@dataclass(frozen=True)
class Selected:
    """A platform chosen to run, with its settings read from the environment."""

    platform: Platform
    settings: PlatformSettings


def configured(env: Mapping[str, str]) -> list[Selected]:
    """Every platform the environment sets up (settings not checked)."""
    found = (platform(name) for name in platform_names())
    chosen = (Selected(p, p.settings(env)) for p in found)
    return [s for s in chosen if s.settings.configured]


def select(names: list[str], env: Mapping[str, str]) -> list[Selected]:
    """The platforms to run for ``names`` (platform names and roles), settings checked.

    A platform named outright must be configured (its check says what is missing); a role
    takes the configured platforms that fit it. ConfigError when nothing is left to run
    (except for ``web``, which still serves ``/health``).
    """
    chosen: dict[str, Selected] = {}
    for name in names or ["all"]:
        if name in ROLES:
            for candidate in platform_names():
                found = platform(candidate)
                settings = found.settings(env)
                if not settings.configured:
                    continue
                if name == "all" or (name == "web") == settings.serves_http:
                    chosen.setdefault(candidate, Selected(found, settings))
        else:
            found = platform(name)
            chosen[name] = Selected(found, found.settings(env))
    if not chosen and names != ["web"]:
        raise ConfigError(
            _(
                "nothing to run: no chat platform is configured (set DISCORD_TOKEN, "
                "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, or TELEGRAM_TOKEN; see the README)"
            )
        )
    for selected in chosen.values():
        selected.settings.check()
    return list(chosen.values())
