"""Is every message translated? Extracts the text marked for people from the code (as
``pybabel extract`` does, with ``babel.cfg``'s methods) and checks each shipped language's
catalogs: every message has a translation that is not fuzzy, with the same ``{fields}`` as
the English, one per plural form.

``python -m bot.i18n.check`` prints each problem as ``file:line: language: what`` and exits
1 when there is any (the tests run the same check).
"""

from __future__ import annotations

import re
import string
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.i18n.catalogs import LOCALE_DIR, read_catalog
from bot.i18n.languages import FALLBACK, LANGUAGES

#: The folders holding text for people, under the repository's top folder.
SOURCE_FOLDERS = ("bot", "adapters", "cli")
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "N_": None,
}
_FIELD = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


@dataclass(frozen=True)
class Extracted:
    """One message the code says: its id (a tuple for singular and plural), context, where."""

    id: str | tuple[str, str]
    context: str | None
    where: tuple[str, ...] = field(default=())

    @property
    def singular(self) -> str:
        return self.id[0] if isinstance(self.id, tuple) else self.id


def extract(root: Path, folders: Iterable[str] = SOURCE_FOLDERS) -> list[Extracted]:
    """Every message marked in ``folders`` under ``root`` (one entry per id and context)."""
    from babel.messages.extract import extract_from_dir

    found: dict[tuple[object, str | None], list[str]] = {}
    for folder in folders:
        base = root / folder
        if not base.is_dir():
            continue
        for filename, line, message, _comments, context in extract_from_dir(
            str(base), METHOD_MAP, keywords=KEYWORDS, strip_comment_tags=True
        ):
            key = (tuple(message) if isinstance(message, tuple | list) else message, context)
            if not key[0] or (isinstance(key[0], tuple) and not key[0][0]):
                continue
            found.setdefault(key, []).append(f"{folder}/{filename}:{line}")
    return [
        Extracted(message, context, tuple(where)) for (message, context), where in found.items()
    ]


def fields(text: str) -> list[str]:
    """The ``{fields}`` of a format string, sorted (``{{`` and ``}}`` are not fields)."""
    return sorted(_FIELD.findall(text))


def _format_error(text: str) -> str | None:
    try:
        list(string.Formatter().parse(text))
    except ValueError as error:
        return str(error)
    return None


def problems(
    messages: Iterable[Extracted],
    languages: Iterable[str] | None = None,
    locale_dir: Path = LOCALE_DIR,
) -> Iterator[str]:
    """``where: language: what`` for each message a language lacks or gets wrong."""
    messages = list(messages)
    for language in languages or [code for code in LANGUAGES if code != FALLBACK]:
        catalog = read_catalog(language, locale_dir)
        plurals = catalog.num_plurals
        for message in messages:
            where = message.where[0] if message.where else "?"
            entry = catalog.get(message.id, message.context)
            label = repr(
                message.singular if len(message.singular) < 60 else message.singular[:57] + "..."
            )
            if entry is None:
                yield f"{where}: {language}: no translation of {label}"
                continue
            if entry.fuzzy:
                yield f"{where}: {language}: the translation of {label} is marked fuzzy"
                continue
            if isinstance(message.id, tuple):
                forms = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
                if len(forms) != plurals or not all(forms):
                    yield (
                        f"{where}: {language}: {label} needs {plurals} plural forms, "
                        f"has {sum(1 for form in forms if form)}"
                    )
                    continue
                originals = [message.id[0]] + [message.id[1]] * (plurals - 1)
                pairs = list(zip(originals, forms, strict=True))
            else:
                if not entry.string or isinstance(entry.string, tuple | list):
                    yield f"{where}: {language}: no translation of {label}"
                    continue
                pairs = [(message.id, entry.string)]
            for original, translated in pairs:
                error = _format_error(translated)
                if error:
                    yield f"{where}: {language}: the translation of {label} is broken: {error}"
                elif fields(original) != fields(translated) and (
                    # a singular form may say "one" where English says {count}
                    not isinstance(message.id, tuple)
                    or not set(fields(translated)) <= set(fields(message.id[1]))
                ):
                    yield (
                        f"{where}: {language}: the translation of {label} has fields "
                        f"{fields(translated)}, the English {fields(original)}"
                    )


def main() -> int:
    root = Path(__file__).resolve().parents[2]
    found = list(problems(extract(root)))
    for line in found:
        print(line)
    count = len(found)
    print(f"{count} problem(s)" if count else "every message is translated", file=sys.stderr)
    return 1 if count else 0


if __name__ == "__main__":
    raise SystemExit(main())
