"""The slash commands' descriptions and choice names in each user's language.

Discord shows every user the localizations for their client's locale (``es-ES``, ``es-419``,
``de``...), sent once with the commands when they are registered. discord.py asks a
:class:`discord.app_commands.Translator` for each of them while syncing; ours reads
quizbot's catalogs (:mod:`bot.i18n`). A description is marked with ``N_`` where the command
is declared (or built with :func:`described` when it has ``{fields}``); a fixed choice's
display name is translated from :func:`choice_names`.

Command and option NAMES stay English, deliberately: help texts and Slack's and Telegram's
typed grammar say ``/quiz start``, and the members of one group, whose Discord clients may
use different languages, must be able to tell each other the same command. Only what
explains a command (its description, its options', its choices' display names) is
translated; choice values stay as the code reads them.
"""

from __future__ import annotations

from typing import Any

from discord import Locale, app_commands
from discord.app_commands import TranslationContextLocation as Where
from discord.app_commands import locale_str

from bot.i18n import formatting as fmt
from bot.i18n import gettext, pgettext, use_language

#: The Discord locales quizbot writes localizations for, and the language of each.
LOCALES: dict[str, str] = {"es-ES": "es", "es-419": "es", "de": "de"}
#: The weekday choices of ``/quiz schedule day``, Monday first.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Where a description is (names are never translated).
DESCRIPTIONS = frozenset(
    {Where.command_description, Where.group_description, Where.parameter_description}
)


def described(message: str, **fields: object) -> locale_str:
    """A description with ``{fields}``: the English filled in (what Discord shows when it has
    no localization), ``message`` (marked with ``N_`` by the caller) kept to translate."""
    return locale_str(message.format(**fields), message=message, fields=fields)


def choice_names() -> dict[str, str]:
    """The display name of each fixed choice's value, in the current language."""
    names = {
        "random": pgettext("slash command choice", "random"),
        "hardest": pgettext("slash command choice", "hardest"),
        "channel": pgettext("slash command choice", "channel"),
        "server": pgettext("slash command choice", "server"),
        "all": pgettext("slash command choice", "all"),
        "today": pgettext("slash command choice", "today"),
        "week": pgettext("slash command choice", "week"),
        "month": pgettext("slash command choice", "month"),
        "list": pgettext("slash command choice", "list"),
        "daily": pgettext("slash command choice", "daily"),
        "weekly": pgettext("slash command choice", "weekly"),
        "off": pgettext("slash command choice", "off"),
    }
    names.update({day: fmt.weekday(index) for index, day in enumerate(WEEKDAYS)})
    return names


def translated(string: locale_str, location: Where, language: str) -> str | None:
    """``string`` in ``language`` where Discord shows it; None: leave it English."""
    with use_language(language):
        if location in DESCRIPTIONS:
            message = str(string.extras.get("message", string.message))
            fields: dict[str, Any] = dict(string.extras.get("fields", {}))
            # ``message`` was marked with N_ where the command is declared.
            text = gettext(message).format(**fields)
        elif location is Where.choice_name:
            text = choice_names().get(string.message, "")
        else:  # command, group and option names stay English (see the module's docstring)
            return None
    return text if text and text != string.message else None


class CatalogTranslator(app_commands.Translator):
    """discord.py's translator over quizbot's catalogs (set on the command tree)."""

    async def translate(
        self,
        string: locale_str,
        locale: Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        language = LOCALES.get(locale.value)
        if language is None:
            return None
        return translated(string, context.location, language)
