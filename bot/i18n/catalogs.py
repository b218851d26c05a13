"""The message catalogs: ``bot/locale/<language>/LC_MESSAGES/*.po``, read with Babel.

The ``.po`` files are the source (translators edit them; nothing compiled is kept in the
repository): the first time a process needs a language other than English, its catalogs
are read and turned into a :class:`gettext.GNUTranslations` in memory (about 0.1 s for
1,300 messages, Babel's import included), fuzzy and empty entries left out so they fall
back to English. English needs no catalog.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

#: Where the catalogs live; ``quizbot.pot`` there is the template ``pybabel extract`` writes.
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "quizbot"


def catalog_files(language: str, locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """A language's ``.po`` files, ``quizbot.po`` first (its translation wins)."""
    folder = locale_dir / language / "LC_MESSAGES"
    files = sorted(folder.glob("*.po"), key=lambda path: (path.stem != DOMAIN, path.name))
    return files


def read_catalog(language: str, locale_dir: Path = LOCALE_DIR):  # -> babel Catalog
    """One Babel catalog holding every ``.po`` file of ``language`` (the first file to
    translate a message wins)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    merged = Catalog(locale=language, domain=DOMAIN)
    for path in catalog_files(language, locale_dir):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if not message.id:
                continue
            known = merged.get(message.id, message.context)
            if known is not None and _translated(known):
                continue
            if known is not None:
                merged.delete(message.id, message.context)
            merged[message.id] = message
    return merged


def _translated(message) -> bool:  # a babel Message
    if message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings)


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The translations for ``language`` (English: none, the message ids are English)."""
    if language == "en":
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo

    catalog = read_catalog(language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
