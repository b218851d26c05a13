"""``/quiz settings`` in words: a channel's settings as every platform shows them.

The text's only markup is ``code`` in backticks (a :class:`~adapters.kit.dispatch.Notice`),
so each platform's renderer shows it as it shows any notice.
"""

from __future__ import annotations

from adapters.kit.commands import quoted
from bot.services.app import DEFAULT_BANK, DEFAULT_QUESTIONS, DEFAULT_SECONDS
from bot.services.channel_settings import ChannelSettings

#: How to change settings, for the one who asked to see them.
HOW_TO_CHANGE = (
    "Moderators change them with `/quiz settings questions:10 seconds:20 bank:NAME "
    "speed_bonus:on streak_bonus:off hints:on lobby:on relaxed:off relaxed_max_seconds:120` "
    "(any of them; `NAME:default` resets one), or `/quiz settings reset`."
)


def _on(flag: bool) -> str:
    return "on" if flag else "off"


def _given(value: object, default: object) -> str:
    return f"`{value}`" if value is not None else f"`{default}` (default)"


def describe(settings: ChannelSettings) -> str:
    """The settings, one per line."""
    bank = quoted(settings.bank) if settings.bank is not None else None
    relaxed = (
        f"on (a round waits up to {settings.relaxed_max_seconds} s for every player who joined)"
        if settings.relaxed
        else "off"
    )
    lines = [
        f"Bank: {_given(bank, DEFAULT_BANK)}",
        f"Questions: {_given(settings.questions, DEFAULT_QUESTIONS)}",
        f"Seconds per question: {_given(settings.seconds, DEFAULT_SECONDS)}",
        f"Speed bonus: {_on(settings.speed_bonus)}",
        f"Streak bonus: {_on(settings.streak_bonus)}",
        f"Hints: {_on(settings.hints)}",
        f"Lobby: {_on(settings.lobby)}",
        f"Relaxed mode: {relaxed}",
    ]
    return "\n".join(lines)


def shown(settings: ChannelSettings) -> str:
    """``/quiz settings``: what this channel's next quiz starts with, and how to change it."""
    return f"This channel's quiz settings:\n{describe(settings)}\n{HOW_TO_CHANGE}"


def changed(settings: ChannelSettings, by: str, *, reset: bool = False) -> str:
    """What the channel is told when a moderator changed (or reset) its settings."""
    what = "reset this channel's quiz settings" if reset else "changed this channel's settings"
    return f"{quoted(by)} {what}. The next quiz starts with:\n{describe(settings)}"
