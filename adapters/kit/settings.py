"""``/quiz settings`` in words: a channel's settings as every platform shows them.

The text's only markup is ``code`` in backticks (a :class:`~adapters.kit.dispatch.Notice`),
so each platform's renderer shows it as it shows any notice. It is written in the current
language; the setting names and values people type (``questions:10``, ``on``) stay as typed.
"""

from __future__ import annotations

from adapters.kit.commands import quoted
from bot.i18n import N_, _, pgettext
from bot.i18n import formatting as fmt
from bot.i18n.languages import LANGUAGES, install_default
from bot.services.app import DEFAULT_BANK, DEFAULT_QUESTIONS, DEFAULT_SECONDS
from bot.services.channel_settings import ChannelSettings

#: How to change settings, for the one who asked to see them (see :func:`how_to_change`).
HOW_TO_CHANGE = N_(
    "Moderators change them with `/quiz settings questions:10 seconds:20 bank:NAME "
    "speed_bonus:on streak_bonus:off hints:on lobby:on relaxed:off relaxed_max_seconds:120 "
    "language:es` (any of them; `NAME:default` resets one; languages: {languages}), or "
    "`/quiz settings reset`."
)


def how_to_change() -> str:
    """How a moderator changes the settings, in the current language."""
    return _(HOW_TO_CHANGE).format(languages=", ".join(f"`{code}`" for code in LANGUAGES))


def _on(flag: bool) -> str:
    return pgettext("setting", "on") if flag else pgettext("setting", "off")


def _given(value: object, default: object) -> str:
    if value is not None:
        return f"`{value}`"
    return _("`{value}` (default)").format(value=default)


def language_line(settings: ChannelSettings) -> str:
    """ "Language: `es` (Español)", or the install's language marked "(default)"."""
    if settings.language in LANGUAGES:
        code = settings.language
        return _("Language: `{code}` ({name})").format(code=code, name=LANGUAGES[code])
    code = install_default()
    return _("Language: `{code}` ({name}) (default)").format(code=code, name=LANGUAGES[code])


def describe(settings: ChannelSettings) -> str:
    """The settings, one per line."""
    bank = quoted(settings.bank) if settings.bank is not None else None
    if settings.relaxed:
        relaxed = _("on (a round waits up to {seconds} s for every player who joined)").format(
            seconds=fmt.number(settings.relaxed_max_seconds)
        )
    else:
        relaxed = pgettext("setting", "off")
    lines = [
        _("Bank: {bank}").format(bank=_given(bank, DEFAULT_BANK)),
        _("Questions: {questions}").format(questions=_given(settings.questions, DEFAULT_QUESTIONS)),
        _("Seconds per question: {seconds}").format(
            seconds=_given(settings.seconds, DEFAULT_SECONDS)
        ),
        _("Speed bonus: {on_off}").format(on_off=_on(settings.speed_bonus)),
        _("Streak bonus: {on_off}").format(on_off=_on(settings.streak_bonus)),
        _("Hints: {on_off}").format(on_off=_on(settings.hints)),
        _("Lobby: {on_off}").format(on_off=_on(settings.lobby)),
        _("Relaxed mode: {relaxed}").format(relaxed=relaxed),
        language_line(settings),
    ]
    return "\n".join(lines)


def shown(settings: ChannelSettings) -> str:
    """``/quiz settings``: what this channel's next quiz starts with, and how to change it."""
    return _("This channel's quiz settings:\n{settings}\n{how_to_change}").format(
        settings=describe(settings), how_to_change=how_to_change()
    )


def changed(settings: ChannelSettings, by: str, *, reset: bool = False) -> str:
    """What the channel is told when a moderator changed (or reset) its settings."""
    if reset:
        text = _(
            "{name} reset this channel's quiz settings. The next quiz starts with:\n{settings}"
        )
    else:
        text = _("{name} changed this channel's settings. The next quiz starts with:\n{settings}")
    return text.format(name=quoted(by), settings=describe(settings))
