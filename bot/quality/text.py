"""Words for the lint: tokens, a light stemmer, stop words, and absolute words.

The stemmer is deliberately small: it strips a few English endings and keeps at most six
letters, so "personalization" and "personalized", or "differentiates" and "different",
count as one word. It is for comparing the words of a stem with those of its options, not
for linguistics.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from bot.i18n import current_language
from bot.i18n import formatting as fmt
from bot.text import without_controls

_WORD = re.compile(r"[a-z0-9]+")
_POSSESSIVE = re.compile(r"['\u2019]s\b")


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of a text, as a set (for word lists in the source)."""
    return frozenset(text.split())


#: Function words (and the words of question frames) that say nothing about the content.
STOP_WORDS = word_set(
    """
    a about above after again against all also am an and any are as at be because been
    before being below best between both but by can could describe describes did do does
    doing down during each either else for from further had has have having he her here
    hers him his how i if in into is it its itself just may me might more most much must my
    no nor not now of off on once one only or other our ours out over own per same she
    should so some such than that the their theirs them then there these they this those
    through to too under until up upon us very via was we were what when where which while
    who whom whose why will with within would yet you your following considered
    """
)

#: Words and phrases that make an option absolute; test-wise students learn that options
#: with them are usually wrong. Matched on whole words, ignoring case.
ABSOLUTE_PHRASES: tuple[str, ...] = (
    "always",
    "never",
    "only",
    "every",
    "everyone",
    "everything",
    "everybody",
    "all",
    "none",
    "nobody",
    "nothing",
    "no one",
    "no longer",
    "no further",
    "without any",
    "at all",
    "guarantee",
    "guarantees",
    "guaranteed",
    "completely",
    "entirely",
    "totally",
    "altogether",
    "solely",
    "invariably",
    "impossible",
    "whatsoever",
)
_ABSOLUTE = re.compile(
    r"\b(" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ABSOLUTE_PHRASES) + r")\b",
    re.IGNORECASE,
)

_ENDINGS = (
    "ations",
    "ation",
    "ities",
    "ity",
    "ments",
    "ment",
    "ness",
    "ings",
    "ing",
    "ies",
    "ied",
    "ed",
    "es",
    "s",
)
STEM_LENGTH = 6


def squash(text: str) -> str:
    """Lower case, runs of whitespace as one space, none at the ends."""
    return " ".join(text.split()).casefold()


def words(text: str) -> list[str]:
    """The words of a text in lower case (letters and digits; possessive 's dropped)."""
    return _WORD.findall(_POSSESSIVE.sub("", text.casefold()))


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light stem: a few English endings off, then at most :data:`STEM_LENGTH` letters."""
    if len(word) > 4 and not word.endswith(("ss", "us", "is")):
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                word = word[: -len(ending)]
                if ending in ("ies", "ied"):
                    word += "y"
                break
    return word[:STEM_LENGTH]


def content_stems(text: str) -> set[str]:
    """The stems of a text's content words: no stop words, no bare numbers."""
    return {stem(w) for w in words(text) if w not in STOP_WORDS and not w.isdigit()}


def absolutes(text: str) -> list[str]:
    """The absolute words and phrases in a text, in lower case, in order."""
    return [" ".join(m.group(1).casefold().split()) for m in _ABSOLUTE.finditer(text)]


def quoted(text: str, width: int = 60) -> str:
    """A text in quotes, shortened to about ``width`` characters, for messages (without
    control characters: a message may be printed to a terminal)."""
    flat = " ".join(without_controls(text).split())
    if len(flat) > width:
        flat = flat[: width - 1].rstrip() + "…"
    return f'"{flat}"'


def join_words(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c' (without a comma before "and"); in another language, the
    list as that language writes it ('a, b y c', 'a, b und c')."""
    listed = list(items)
    if len(listed) <= 1:
        return "".join(listed)
    if current_language() != "en":
        return fmt.items(listed)
    return ", ".join(listed[:-1]) + " and " + listed[-1]
