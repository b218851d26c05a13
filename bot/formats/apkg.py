"""Anki packages (``.apkg`` decks and ``.colpkg`` collections): every card as a flashcard.

A package is a zip archive holding an Anki collection (a SQLite database) and its media:

- ``collection.anki21`` (Anki 2.1) or ``collection.anki2`` (Anki 2.0, and what genanki and
  other tools write); the first is read when both are there. The database is copied out to
  a temporary file (SQLite reads files, not streams) and its notes and cards are read with
  a cursor, one at a time, so memory stays flat whatever the size of the deck.
- ``media``: a JSON map from the archive's member names (``"0"``) to the media's file names.

Packages exported by Anki 2.1.50+ *without* "Support older Anki versions" hold a
``collection.anki21b`` (zstd-compressed, newer schema) and a placeholder ``collection.anki2``
whose one card says to update Anki; they are refused with a message saying to export again
with that box ticked.

What becomes of a package:

- The whole package is one bank, named by the file (or ``--bank``); its title is the top
  deck's name when every card is under one top deck, and its description that deck's.
- Each card is a flashcard, in the order of the notes, a note's cards together. Its topic is
  its deck's full name with ``::`` written ``/`` (``Spanish::Verbs`` -> ``Spanish/Verbs``);
  the note's tags are its tags.
- The card's sides are its note type's templates rendered (:mod:`bot.formats._anki_templates`):
  Basic gives one card, Basic-and-reversed two (the reversed card is a card of its own), a
  Cloze note one card per cloze number (``[...]`` or ``[hint]`` on the front, the answer on
  the back); other note types are rendered the same way. HTML becomes plain text.
- The first picture on the front (``<img src="x.png">``) becomes the card's image, read from
  the package's media (checked like any image: PNG, JPEG, GIF or WebP, at most 2 MB); a
  picture the package lacks is an error naming the note. A front that is only a picture
  reads as the picture's alt text, or "(picture)" (as in Anki text exports). Pictures on the
  back (they would give the answer away) and sounds (``[sound:x.mp3]``) are left out, with
  one warning each; image-occlusion notes are skipped.
- Anki's scheduling (due dates, intervals, review history) is not imported: quizbot
  schedules the cards itself, from new.

There are no line numbers in a package: errors and warnings name the note by its id
(``deck.apkg: note 1502817711412: ...``).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from bot.domain import BankInfo, Image, Notice, Question, QuestionKind, Skipped
from bot.errors import BankFormatError
from bot.formats._anki_templates import is_empty, render_card
from bot.formats._text import name_from_source, strip_html
from bot.formats.anki import PICTURE_ONLY
from bot.formats.errors import ErrorList
from bot.formats.hygiene import COUNT_LIMITS, TEXT_LIMITS, tidy
from bot.i18n import N_, _, ngettext
from bot.images import MAX_IMAGE_BYTES, html_image, image_from_bytes, image_from_url, is_web_address

#: The collection members, the one read first.
COLLECTIONS = ("collection.anki21", "collection.anki2")
NEWEST_COLLECTION = "collection.anki21b"
#: The package format versions (Anki's ``meta`` member): 1 and 2 are the older ones.
_LATEST_VERSION = 3
_TOO_NEW = N_(
    "this package was exported in Anki's newest format, which quizbot cannot read; "
    'in Anki, export it again with "Support older Anki versions" ticked'
)
_CLOZE_TYPE = 1
_SOUND = "[sound:"
_NO_SCHEDULING = N_(
    "Anki's scheduling (due dates, intervals, review history) is not imported; "
    "quizbot schedules these cards itself, starting from new"
)
#: What SQLite raises on a damaged database (its message itself may not be UTF-8).
_DB_ERRORS = (sqlite3.Error, UnicodeDecodeError)
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError)
_CARDS = (
    "SELECT c.nid, CASE WHEN c.odid != 0 THEN c.odid ELSE c.did END, c.ord, "
    "n.mid, n.tags, n.flds FROM cards AS c JOIN notes AS n ON n.id = c.nid "
    "ORDER BY c.nid, c.ord"
)


@dataclass(frozen=True, slots=True)
class _Template:
    name: str
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class _NoteType:
    name: str
    cloze: bool
    fields: tuple[str, ...]
    templates: tuple[_Template, ...]


def _fail(source: str, message: str) -> BankFormatError:
    return BankFormatError(source, None, message)


def _by_ord(items: list[object], what: str, source: str) -> list[dict[str, object]]:
    """A note type's fields or templates as dicts, in their ``ord`` order."""
    if not all(isinstance(item, dict) for item in items):
        raise _fail(
            source, _("the collection's note types are malformed ({part})").format(part=_(what))
        )
    dicts: list[dict[str, object]] = items  # type: ignore[assignment]
    return sorted(
        dicts, key=lambda item: item.get("ord") if isinstance(item.get("ord"), int) else 0
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _note_types(raw: object, source: str) -> dict[int, _NoteType]:
    """The ``col.models`` JSON as note types by id."""
    if not isinstance(raw, dict):
        raise _fail(source, _("the collection's note types are malformed"))
    types: dict[int, _NoteType] = {}
    for key, model in raw.items():
        if not isinstance(model, dict) or not str(key).lstrip("-").isdigit():
            raise _fail(source, _("the collection's note types are malformed"))
        fields = model.get("flds")
        templates = model.get("tmpls")
        if not isinstance(fields, list) or not isinstance(templates, list):
            raise _fail(
                source,
                _("note type {name} is malformed").format(name=repr(_text(model.get("name")))),
            )
        types[int(key)] = _NoteType(
            name=_text(model.get("name")),
            cloze=model.get("type") == _CLOZE_TYPE,
            fields=tuple(_text(f.get("name")) for f in _by_ord(fields, N_("fields"), source)),
            templates=tuple(
                _Template(_text(t.get("name")), _text(t.get("qfmt")), _text(t.get("afmt")))
                for t in _by_ord(templates, N_("templates"), source)
            ),
        )
    return types


def _decks(raw: object, source: str) -> dict[int, tuple[str, str]]:
    """The ``col.decks`` JSON as (name, description) by deck id."""
    if not isinstance(raw, dict):
        raise _fail(source, _("the collection's decks are malformed"))
    decks: dict[int, tuple[str, str]] = {}
    for key, deck in raw.items():
        if isinstance(deck, dict) and str(key).lstrip("-").isdigit():
            decks[int(key)] = (_text(deck.get("name")).strip(), _text(deck.get("desc")))
    return decks


def _json(text: object, what: str, source: str) -> object:
    try:
        return json.loads(text) if isinstance(text, str | bytes) else None
    except (ValueError, RecursionError):
        raise _fail(source, _(what)) from None


def _read_member(archive: zipfile.ZipFile, name: str, source: str, limit: int = -1) -> bytes:
    try:
        with archive.open(name) as member:
            return member.read(limit)
    except _READ_ERRORS as exc:
        raise _fail(
            source,
            _("cannot read {member} in the package: {problem}").format(
                member=repr(name), problem=exc
            ),
        ) from None


def _package_version(archive: zipfile.ZipFile, names: set[str], source: str) -> int | None:
    """The version the ``meta`` member gives (a protobuf message whose field 1 is the
    version, a small number), or None without one."""
    if "meta" not in names:
        return None
    meta = _read_member(archive, "meta", source, 64)
    if len(meta) >= 2 and meta[0] == 0x08:  # field 1, varint
        return meta[1]
    return 0 if not meta else None


def _collection_member(archive: zipfile.ZipFile, source: str) -> str:
    names = set(archive.namelist())
    version = _package_version(archive, names, source)
    if version is not None and version >= _LATEST_VERSION:
        raise _fail(source, _(_TOO_NEW))
    for name in COLLECTIONS:
        if name in names:
            if name == "collection.anki2" and NEWEST_COLLECTION in names:
                raise _fail(source, _(_TOO_NEW))  # the anki2 is the "please update" placeholder
            return name
    if NEWEST_COLLECTION in names:
        raise _fail(source, _(_TOO_NEW))
    raise _fail(
        source,
        _("not an Anki package: the zip archive has no collection.anki21 or collection.anki2"),
    )


def _media(archive: zipfile.ZipFile, source: str) -> dict[str, str]:
    """The media's file names -> their members in the archive."""
    if "media" not in archive.namelist():
        return {}
    raw = _read_member(archive, "media", source)
    try:
        listed = json.loads(raw) if raw.strip() else {}
    except (ValueError, RecursionError):
        raise _fail(source, _("the package's media list is not readable JSON")) from None
    if not isinstance(listed, dict):
        raise _fail(source, _("the package's media list is malformed"))
    return {str(name): str(member) for member, name in listed.items()}


class _Package:
    """An open package: its archive, media list and collection, for one parse."""

    def __init__(self, archive: zipfile.ZipFile, database: sqlite3.Connection, source: str):
        self.archive = archive
        self.db = database
        self.source = source
        self.media = _media(archive, source)
        self.names = set(archive.namelist())
        row = database.execute("SELECT models, decks FROM col").fetchone()
        if row is None:
            raise _fail(source, _("the collection has no note types or decks (its col row)"))
        self.types = _note_types(
            _json(row[0], N_("the collection's note types are not readable JSON"), source), source
        )
        self.decks = _decks(
            _json(row[1], N_("the collection's decks are not readable JSON"), source), source
        )
        if not self.types and self._has_table("notetypes"):
            raise _fail(source, _(_TOO_NEW))
        self.sounds = 0  # cards whose sounds were left out
        self.back_pictures = 0  # cards with a picture on the back only

    def _has_table(self, name: str) -> bool:
        found = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        return found is not None

    def bank_info(self) -> BankInfo:
        """The bank's name (the file's), title and description (the one top deck's)."""
        used = [did for (did,) in self.db.execute("SELECT DISTINCT did FROM cards")]
        tops = {self.decks.get(did, ("", ""))[0].split("::")[0].strip() for did in used}
        title = description = ""
        if len(tops) == 1:
            title = tops.pop()
            top = next((deck for deck in self.decks.values() if deck[0] == title), None)
            description = strip_html(top[1]) if top else ""
        limit = TEXT_LIMITS["bank description"]
        return BankInfo(
            name=name_from_source(self.source, "anki"),
            title=title[: TEXT_LIMITS["bank title"]],
            description=description[:limit],
        )

    def image(self, src: str, alt: str, where: str) -> Image:
        """The picture ``src`` names: a web address, or the package's media file."""
        if is_web_address(src):
            return image_from_url(src, alt=alt, source=self.source)
        member = self.media.get(src)
        if member is None or member not in self.names:
            raise _fail(
                self.source,
                _(
                    "{where}: picture {src} is not in the package "
                    "(in Anki, Tools > Check Media, then export again)"
                ).format(where=where, src=repr(src)),
            )
        data = _read_member(self.archive, member, self.source, MAX_IMAGE_BYTES + 1)
        try:
            return image_from_bytes(data, alt=alt, name=src, source=self.source)
        except BankFormatError as error:
            raise _fail(self.source, f"{where}: {error.message}") from None

    def cards(self) -> Iterator[Question | Skipped]:
        """Every card, as a flashcard or a skip; a card's error names its note."""
        with ErrorList(self.source) as errors:
            for row in self.db.execute(_CARDS):
                try:
                    yield self.card(row)
                except BankFormatError as error:
                    errors.add(error)

    def card(self, row: tuple[object, ...]) -> Question | Skipped:
        note_id, deck_id, ordinal, type_id, tags, fields = row
        if not all(isinstance(v, int) for v in (note_id, deck_id, ordinal, type_id)) or not (
            isinstance(tags, str) and isinstance(fields, str)
        ):
            raise _fail(
                self.source, _("note {note}: the note's row is malformed").format(note=note_id)
            )
        assert isinstance(ordinal, int) and isinstance(type_id, int)  # for the type checker
        where = _("note {note}").format(note=note_id)
        note_type = self.types.get(type_id)
        if note_type is None:
            return Skipped(
                None,
                _("{where}: its note type is missing from the package; skipped").format(
                    where=where
                ),
            )
        values = fields.split("\x1f")
        named = dict(zip(note_type.fields, values + [""] * len(note_type.fields), strict=False))
        if note_type.cloze:
            template = note_type.templates[0] if note_type.templates else None
            cloze: int | None = ordinal + 1
            if any("image-occlusion:" in value for value in values):
                return Skipped(None, _("{where}: image occlusion card skipped").format(where=where))
        else:
            template = note_type.templates[ordinal] if ordinal < len(note_type.templates) else None
            cloze = None
        if template is None:
            return Skipped(
                None,
                _("{where}: card {card} has no template; skipped").format(
                    where=where, card=ordinal + 1
                ),
            )
        deck = self.decks.get(deck_id, ("", ""))[0]
        card = render_card(
            template.question,
            template.answer,
            named,
            cloze=cloze,
            tags=tags,
            note_type=note_type.name,
            deck=deck,
            template_name=template.name,
        )
        if not card.asked:
            return Skipped(
                None,
                _("{where}: cloze {cloze} is not in the note; card skipped").format(
                    where=where, cloze=cloze
                ),
            )
        if _SOUND in card.front or _SOUND in card.back:
            self.sounds += 1
        found = html_image(card.front)
        image = self.image(found[0], found[1], where) if found else None
        front = strip_html(_without_sounds(card.front))
        back = strip_html(_without_sounds(card.back))
        if not found and html_image(card.back):
            self.back_pictures += 1
        if not front and image is not None:
            front = image.alt or PICTURE_ONLY
        if not front:
            return Skipped(
                None,
                _("{where}: card {card} has nothing on its front; skipped").format(
                    where=where, card=ordinal + 1
                ),
            )
        if not back or is_empty(back):
            return Skipped(
                None,
                _("{where}: card {card}'s back has no text; skipped").format(
                    where=where, card=ordinal + 1
                ),
            )
        question = Question(
            kind=QuestionKind.FLASHCARD,
            prompt=front,
            back=back,
            topic="/".join(part.strip() for part in deck.split("::"))[: TEXT_LIMITS["topic"]],
            tags=_tags(tags),
            image=image,
        )
        try:
            tidy(question, self.source)  # limits, reported with the note's id
        except BankFormatError as error:
            raise _fail(self.source, f"{where}: {error.message}") from None
        return question

    def notices(self) -> Iterator[Notice]:
        """What was left out of the cards that were read, once each."""
        yield Notice(None, _(_NO_SCHEDULING))
        if self.sounds:
            yield Notice(
                None,
                ngettext(
                    "sounds left out of {count} card(s) ([sound:...])",
                    "sounds left out of {count} card(s) ([sound:...])",
                    self.sounds,
                ).format(count=self.sounds),
            )
        if self.back_pictures:
            yield Notice(
                None,
                ngettext(
                    "pictures on the back left out of {count} card(s) "
                    "(a card's picture is shown with its front)",
                    "pictures on the back left out of {count} card(s) "
                    "(a card's picture is shown with its front)",
                    self.back_pictures,
                ).format(count=self.back_pictures),
            )


def _without_sounds(html: str) -> str:
    if _SOUND not in html:
        return html
    out, rest = [], html
    while _SOUND in rest:
        before, _sound, after = rest.partition(_SOUND)
        out.append(before)
        rest = after.partition("]")[2]
    out.append(rest)
    return "".join(out)


def _tags(raw: str) -> tuple[str, ...]:
    """A note's tags (space-separated), within the limits: longer tags left out, the first
    50 kept (some shared decks carry long hierarchical tags by the dozen)."""
    limit = TEXT_LIMITS["tag"]
    kept = [tag for tag in dict.fromkeys(raw.split()) if len(tag) <= limit]
    return tuple(kept[: COUNT_LIMITS["tags"]])


def _text_of(data: bytes) -> str:
    """A text column's value; bytes that are not UTF-8 are replaced, not fatal."""
    return data.decode("utf-8", "replace")


def _open_collection(archive: zipfile.ZipFile, folder: str, source: str) -> sqlite3.Connection:
    member = _collection_member(archive, source)
    path = Path(folder) / "collection.sqlite"
    try:
        with archive.open(member) as packed, path.open("wb") as unpacked:
            shutil.copyfileobj(packed, unpacked, 1024 * 1024)
    except _READ_ERRORS as exc:
        raise _fail(
            source,
            _("cannot read {member} in the package: {problem}").format(
                member=repr(member), problem=exc
            ),
        ) from None
    try:
        database = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        database.text_factory = _text_of
        database.execute("SELECT 1 FROM col LIMIT 1")
    except _DB_ERRORS as exc:
        raise _fail(
            source,
            _("{member} in the package is not an Anki collection ({problem})").format(
                member=repr(member), problem=exc
            ),
        ) from None
    return database


def parse(stream: BinaryIO, source: str) -> Iterator[BankInfo | Question | Skipped | Notice]:
    """Read an Anki package card by card (see the module's documentation)."""
    try:
        archive = zipfile.ZipFile(stream)
    except _READ_ERRORS:
        raise _fail(
            source, _("not an Anki package (.apkg/.colpkg files are zip archives)")
        ) from None
    with archive, tempfile.TemporaryDirectory(prefix="quizbot-apkg-") as folder:
        database = _open_collection(archive, folder, source)
        try:
            package = _Package(archive, database, source)
            yield package.bank_info()
            yield from package.cards()
            yield from package.notices()
        except _DB_ERRORS as exc:
            raise _fail(
                source,
                _("the collection in the package is damaged ({problem})").format(problem=exc),
            ) from None
        finally:
            database.close()
