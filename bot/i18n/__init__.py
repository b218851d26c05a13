"""What quizbot says, in its reader's language: gettext through Babel-managed catalogs.

Marking text for people (never log lines, never bank content)::

    from bot.i18n import _, N_, ngettext

    _("The quiz is over.")                                   # translated now
    _("{name} wins with {points} points").format(name=..., points=...)
    ngettext("{count} question", "{count} questions", n).format(count=n)
    STOPPED = N_("stopped")      # a constant: marked for extraction, translated by _(STOPPED)

Placeholders are ``{name}`` fields filled with ``str.format`` *after* translation, so a
translation may move them (a test checks every translation keeps the same fields).

Which language: :func:`use_language` sets it for a block of code (a context variable, so
each asyncio task keeps its own); outside any block, the process default
(:func:`set_default_language`, else ``QUIZBOT_LANGUAGE``, else English). Chat adapters set
a channel's language around its public messages and a player's around private replies
(see ``adapters/kit/languages.py``); the CLI sets the terminal's (``LANG``) at start-up.
Numbers, dates and durations for the same language: :mod:`bot.i18n.formatting`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from bot.i18n.catalogs import translations
from bot.i18n.languages import FALLBACK, LANGUAGES, install_default, normalize

__all__ = [
    "LANGUAGES",
    "N_",
    "_",
    "current_language",
    "gettext",
    "ngettext",
    "set_default_language",
    "use_language",
]

_current: ContextVar[str | None] = ContextVar("quizbot_language", default=None)
_default: list[str] = []


def set_default_language(language: str | None) -> None:
    """The process's language outside any :func:`use_language` block (None: the environment's
    ``QUIZBOT_LANGUAGE``, else English)."""
    _default.clear()
    if language:
        _default.append(normalize(language) or FALLBACK)


def default_language() -> str:
    return _default[0] if _default else install_default()


def current_language() -> str:
    """The language text is being written in now."""
    return _current.get() or default_language()


@contextmanager
def use_language(language: str | None) -> Iterator[str]:
    """Write in ``language`` (any tag :func:`~bot.i18n.languages.normalize` knows) inside the
    block; None or a language quizbot does not speak keeps the current one."""
    chosen = normalize(language) or current_language()
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    """``message`` in the current language (itself in English or when not translated)."""
    language = current_language()
    if language == FALLBACK:
        return message
    return translations(language).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for ``count`` in the current language's plural rules."""
    language = current_language()
    if language == FALLBACK:
        return singular if count == 1 else plural
    return translations(language).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """``message`` where the same English text needs other words in another context."""
    language = current_language()
    if language == FALLBACK:
        return message
    return translations(language).pgettext(context, message)


def N_(message: str) -> str:
    """Mark a constant for extraction; translate it where it is shown with ``_(CONSTANT)``."""
    return message


_ = gettext
