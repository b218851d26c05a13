"""Which languages quizbot speaks, and how a platform's or a terminal's language tag maps to one.

Platforms name languages their own way (Discord ``es-ES``, Slack ``es-ES``, Telegram ``es``,
a terminal ``es_ES.UTF-8``); :func:`normalize` turns each into one of :data:`LANGUAGES`,
or None when quizbot does not speak it (the caller then falls back to the channel's or
the install's language).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

#: The languages shipped complete (a test checks every message has a translation in each),
#: each with its own name for itself.
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español", "de": "Deutsch"}
#: What quizbot speaks when nobody chose.
FALLBACK = "en"
#: The install's default, read from the environment (a channel's setting wins over it).
DEFAULT_VARIABLE = "QUIZBOT_LANGUAGE"
#: The terminal's own settings, in the order gettext reads them.
TERMINAL_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def normalize(tag: str | None) -> str | None:
    """``es-ES``, ``es_ES.UTF-8``, ``de_DE@euro``, ``DE`` -> ``es``/``de``; ``C`` and ``POSIX``
    -> ``en``; None for a language quizbot does not speak, or no tag."""
    if not tag:
        return None
    text = str(tag).strip()
    if text.upper() in ("C", "POSIX") or text.upper().startswith("C."):
        return FALLBACK
    base = text.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return base if base in LANGUAGES else None


def check(tag: str) -> str:
    """A language a person chose (a setting, an option): normalized, or ValueError saying
    which languages there are."""
    language = normalize(tag)
    if language is None:
        raise ValueError(f"unknown language {tag!r} (languages: {', '.join(sorted(LANGUAGES))})")
    return language


def install_default(env: Mapping[str, str] | None = None) -> str:
    """The install's language: ``QUIZBOT_LANGUAGE`` when set to one quizbot speaks, else English."""
    env = os.environ if env is None else env
    return normalize(env.get(DEFAULT_VARIABLE)) or FALLBACK


def terminal(env: Mapping[str, str] | None = None) -> str:
    """A terminal's language: the first of ``LANGUAGE`` (a colon list), ``LC_ALL``,
    ``LC_MESSAGES``, ``LANG`` that is set decides (as gettext reads them); a language quizbot
    does not speak there, or ``C``, means English; none set: the install's default."""
    env = os.environ if env is None else env
    for name in TERMINAL_VARIABLES:
        value = env.get(name, "")
        if not value:
            continue
        if name == "LANGUAGE":
            for part in value.split(":"):
                if normalize(part):
                    return normalize(part) or FALLBACK
            continue
        return normalize(value) or FALLBACK
    return install_default(env)


_CONTENT_TAG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


def content_tag(tag: str) -> str:
    """The language of a bank's questions as a tag (any language, not only those quizbot's
    own texts speak): ``ES_es`` -> ``es-es``, ``pt-BR`` -> ``pt-br``; ValueError when it does
    not look like a language tag (two or three letters, then optional ``-`` parts)."""
    text = tag.strip().replace("_", "-").lower()
    if not _CONTENT_TAG.match(text):
        raise ValueError(f"{tag!r} is not a language tag (use a code such as en, es, de or pt-br)")
    return text


def primary(tag: str) -> str:
    """A tag's language without its region or script: ``pt-br`` -> ``pt``."""
    return tag.split("-", 1)[0]
