"""Anki packages for the tests, written by a third-party writer (genanki), and variants of them.

genanki writes the older schema (``collection.anki2``); :func:`as_anki21` re-zips a package
the way Anki 2.1's "Support older Anki versions" export lays it out: the collection as
``collection.anki21`` and a placeholder ``collection.anki2`` whose one card says to update.
"""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import genanki

from tests.image_samples import png

#: The placeholder card Anki puts in an export's ``collection.anki2`` (it must never show up).
PLACEHOLDER = "Please update to the latest Anki version, then import the .colpkg/.apkg file again."

VOCAB_MODEL = genanki.Model(
    1607392319,
    "Vocab (custom)",
    fields=[{"name": "Word"}, {"name": "Meaning"}, {"name": "Example"}],
    templates=[
        {
            "name": "Recognise",
            "qfmt": "<div class=word>{{Word}}</div>{{#Example}}<i>{{Example}}</i>{{/Example}}",
            "afmt": "{{FrontSide}}<hr id=answer>"
            "{{text:Meaning}}{{^Example}} (no example){{/Example}}",
        }
    ],
)


def sample_package(path: Path) -> Path:
    """A deck "Geography" with a subdeck "Geography::Europe": Basic notes (one with a picture,
    HTML and tags), a Basic-and-reversed note, optional-reversed notes (one reversed), a
    Cloze note with three clozes (one with a hint) and a custom note type. 10 cards."""
    top = genanki.Deck(2059400110, "Geography", description="<b>Capitals</b> and flags")
    europe = genanki.Deck(2059400111, "Geography::Europe")
    top.add_note(
        genanki.Note(
            model=genanki.BASIC_MODEL,
            fields=["What is the capital of <b>France</b>?", "Paris&nbsp;<br>(on the Seine)"],
            tags=["capitals", "europe::west"],
        )
    )
    top.add_note(
        genanki.Note(
            model=genanki.BASIC_MODEL,
            fields=[
                'Which country has this flag?<br><img src="flag_mali.png" alt="a flag">',
                "Mali",
            ],
            tags=["flags"],
        )
    )
    europe.add_note(
        genanki.Note(model=genanki.BASIC_AND_REVERSED_CARD_MODEL, fields=["Germany", "Berlin"])
    )
    europe.add_note(
        genanki.Note(
            model=genanki.BASIC_OPTIONAL_REVERSED_CARD_MODEL, fields=["Spain", "Madrid", "y"]
        )
    )
    europe.add_note(
        genanki.Note(model=genanki.BASIC_OPTIONAL_REVERSED_CARD_MODEL, fields=["Italy", "Rome", ""])
    )
    europe.add_note(
        genanki.Note(
            model=genanki.CLOZE_MODEL,
            fields=[
                "{{c1::Vienna}} is the capital of {{c2::Austria::a country}}; "
                "the {{c3::Danube}} flows through it",
                "Back extra: <i>since 1918</i>",
            ],
            tags=["cloze"],
        )
    )
    europe.add_note(genanki.Note(model=VOCAB_MODEL, fields=["la mer", "the sea", ""]))
    package = genanki.Package([top, europe])
    picture = path.parent / "flag_mali.png"
    picture.write_bytes(png(7))
    package.media_files = [str(picture)]
    package.write_to_file(str(path), timestamp=1_700_000_000)
    return path


def basic_package(path: Path, notes: list[tuple[str, str]], media: dict[str, bytes]) -> Path:
    """Basic notes in one deck "Deck", with media files of the given names and bytes."""
    deck = genanki.Deck(1400000000, "Deck")
    for front, back in notes:
        deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=[front, back]))
    package = genanki.Package(deck)
    files = []
    for name, data in media.items():
        file = path.parent / name
        file.write_bytes(data)
        files.append(str(file))
    package.media_files = files
    package.write_to_file(str(path), timestamp=1_700_000_000)
    return path


def _placeholder_collection(folder: Path) -> bytes:
    """A collection.anki2 with the one "please update" card, as Anki writes beside newer ones."""
    deck = genanki.Deck(1, "Default")
    deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=[PLACEHOLDER, ""]))
    placeholder = folder / "placeholder.apkg"
    genanki.Package(deck).write_to_file(str(placeholder), timestamp=1_700_000_000)
    with zipfile.ZipFile(placeholder) as archive:
        return archive.read("collection.anki2")


def rezip(
    source: Path, target: Path, *, rename: dict[str, str] | None = None, add: dict | None = None
) -> Path:
    """``source`` zipped again as ``target`` with members renamed and others added."""
    rename = rename or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(rename.get(info.filename, info.filename), old.read(info.filename))
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return target


def as_anki21(source: Path, target: Path) -> Path:
    """The package laid out as Anki 2.1 exports it with "Support older Anki versions": the
    collection as ``collection.anki21``, a placeholder ``collection.anki2``, a ``meta`` member
    saying version 2."""
    return rezip(
        source,
        target,
        rename={"collection.anki2": "collection.anki21"},
        add={"collection.anki2": _placeholder_collection(target.parent), "meta": b"\x08\x02"},
    )


def collection_of(package: Path, folder: Path) -> Path:
    """The package's collection.anki2 copied out, to change with sqlite3."""
    path = folder / "collection.anki2"
    with zipfile.ZipFile(package) as archive:
        path.write_bytes(archive.read("collection.anki2"))
    return path


def with_collection(package: Path, collection: Path, target: Path) -> Path:
    """``package`` with its collection.anki2 replaced by the file ``collection``."""
    with zipfile.ZipFile(package) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = (
                collection.read_bytes()
                if info.filename == "collection.anki2"
                else old.read(info.filename)
            )
            new.writestr(info.filename, data)
    return target


def execute(collection: Path, sql: str, *args: object) -> None:
    """Run one statement on a copied-out collection and commit."""
    with sqlite3.connect(collection) as database:
        database.execute(sql, args)
    database.close()
