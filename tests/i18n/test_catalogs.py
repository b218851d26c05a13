"""Every message quizbot says is translated in every shipped language, with the same fields.

The check extracts the marked text from the code as ``pybabel extract`` does, reads each
language's ``.po`` files and reports what is missing or wrong (``python -m bot.i18n.check``
prints the same list). The other tests here prove the check fails when it should.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import _, ngettext, use_language
from bot.i18n.catalogs import LOCALE_DIR
from bot.i18n.check import Extracted, extract, fields, problems
from bot.i18n.languages import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_is_translated_in_every_shipped_language() -> None:
    messages = extract(ROOT)
    assert len(messages) > 50, "the extraction found almost nothing: is babel.cfg's map wrong?"
    found = list(problems(messages))
    assert not found, "\n".join(found[:50]) + (
        f"\n... and {len(found) - 50} more" if len(found) > 50 else ""
    )


def test_shipped_languages_have_catalogs() -> None:
    for language in LANGUAGES:
        if language != "en":
            assert list((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po")), language


def _write(tmp_path: Path, source: str) -> Path:
    package = tmp_path / "bot"
    package.mkdir()
    (package / "new.py").write_text(source, encoding="utf-8")
    return tmp_path


def test_the_check_fails_when_a_message_is_added_untranslated(tmp_path: Path) -> None:
    root = _write(
        tmp_path, 'from bot.i18n import _\n\nprint(_("A message nobody translated yet"))\n'
    )
    messages = extract(root)
    assert [message.id for message in messages] == ["A message nobody translated yet"]
    found = list(problems(messages))
    assert len(found) == 2  # Spanish and German
    assert all("bot/new.py:3" in line and "no translation" in line for line in found)


def test_the_check_fails_when_a_plural_form_is_missing(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        'from bot.i18n import ngettext\n\nngettext("{n} nobody knows", "{n} nobody know", 2)\n',
    )
    found = list(problems(extract(root)))
    assert found and all("no translation" in line for line in found)


def test_the_check_fails_when_a_translation_changes_a_field(tmp_path: Path) -> None:
    locale = tmp_path / "locale" / "es" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    (locale / "quizbot.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "{name} wins"\nmsgstr "gana {nombre}"\n\n'
        'msgid "{count} left"\nmsgstr "quedan {count"\n\n'
        'msgid "fine"\nmsgstr "bien"\n',
        encoding="utf-8",
    )
    messages = [
        Extracted("{name} wins", None, ("a.py:1",)),
        Extracted("{count} left", None, ("a.py:2",)),
        Extracted("fine", None, ("a.py:3",)),
    ]
    found = list(problems(messages, ["es"], tmp_path / "locale"))
    assert len(found) == 2
    assert "a.py:1" in found[0] and "['nombre']" in found[0]
    assert "a.py:2" in found[1] and "broken" in found[1]


def test_fields_ignore_doubled_braces() -> None:
    assert fields("{{literal}} {name} {count:,}") == ["count:,", "name"]


@pytest.mark.parametrize("language", ["es", "de"])
def test_translations_are_used_in_their_language(language: str) -> None:
    messages = extract(ROOT)
    plain = next(m for m in messages if isinstance(m.id, str) and not m.context and "{" not in m.id)
    with use_language(language):
        assert _(plain.id) != plain.id or plain.id.isupper(), plain.id
    with use_language("en"):
        assert _(plain.id) == plain.id
        assert ngettext("{n} x", "{n} xs", 1) == "{n} x"
