"""Typed-answer matching: case, accents, punctuation, leading articles, small typos,
Unicode's composed and decomposed forms, invisible and control characters."""

from __future__ import annotations

import pytest

from bot.answers import edit_distance, matches, normalise


@pytest.mark.parametrize(
    ("given", "accepted"),
    [
        ("paris", ["Paris"]),
        ("  PARIS!! ", ["Paris"]),
        ("São Paulo", ["Sao Paulo"]),
        ("sao paulo", ["São Paulo"]),
        ("Beatles", ["The Beatles"]),
        ("the beatles", ["Beatles"]),
        ("an apple", ["apple"]),
        ("Beatels", ["The Beatles"]),  # one typo in a long answer
        ("customer retentoin", ["customer retention"]),  # two typos in a longer one
        ("rock & roll", ["rock and roll"]),
        ("Lyon", ["Paris", "Lyon"]),
        ("mercado", ["el mercado"]),  # Spanish and German articles too
        ("La fidelización", ["fidelizacion"]),
        ("Kundenbindung", ["die Kundenbindung"]),
        ("einen Kunden", ["Kunden"]),
    ],
)
def test_matches(given: str, accepted: list[str]) -> None:
    assert matches(given, accepted)


@pytest.mark.parametrize(
    ("given", "accepted"),
    [
        ("cat", ["car"]),  # short answers must be exact
        ("", ["anything"]),
        ("!!!", ["Paris"]),
        ("Pars", ["Lyon"]),
        ("Beetlz", ["The Beatles"]),  # too many typos
        ("Paris", [""]),
        ("die", ["tod"]),  # an article alone is a word, not set aside
        ("el", ["la"]),
    ],
)
def test_does_not_match(given: str, accepted: list[str]) -> None:
    assert not matches(given, accepted)


@pytest.mark.parametrize(
    ("given", "accepted"),
    [
        ("Oslo", ["O\u200bslo"]),  # short answers are exact: the invisible space is not a typo
        ("O\u200bslo", ["Oslo"]),
        ("Ro\u00adme", ["Rome"]),  # a soft hyphen
        ("\ufeffNice\u2060", ["Nice"]),
        ("Bern\x1b[0m", ["Bern"]),
        ("Cafe\u0301", ["Café"]),  # decomposed, composed
        ("Café", ["Cafe\u0301"]),
        ("Cafe\u0301", ["Cafe"]),
        ("\uac00", ["\u1100\u1161"]),  # Hangul: one syllable, its two letters
    ],
)
def test_what_looks_the_same_matches(given: str, accepted: list[str]) -> None:
    assert matches(given, accepted)


def test_normalise() -> None:
    assert normalise("  The  Crème-Brûlée! ") == "creme brulee"


def test_edit_distance_stops_past_its_limit() -> None:
    assert edit_distance("kitten", "sitting", 5) == 3
    assert edit_distance("kitten", "sitting", 1) == 2  # limit + 1
    assert edit_distance("beatels", "beatles", 2) == 1  # a swap is one edit
