"""Matching typed answers: normalise both sides, then allow a small edit distance on long ones.

"The Beatles", "beatles" and "Beatels" all match "The Beatles"; "Cat" does not match "Car".
A leading article is set aside in each language quizbot speaks ("el mercado" matches
"mercado", "Kundenbindung" matches "die Kundenbindung"), on both sides, whatever the bank's
language: a word such as "die" or "la" begins an answer in another language rarely, and
then both sides lose it alike.
Both sides are compared in one Unicode form with invisible characters (zero-width spaces,
soft hyphens...) and control characters set aside, so what looks the same matches.
"""

from __future__ import annotations

import re
import unicodedata

from bot.text import without_controls, without_invisible

#: Leading articles, after accents and case are gone: English, Spanish, German.
_ARTICLE_WORDS = (
    "the a an",
    "el la los las un una unos unas",
    "der die das den dem des ein eine einen einem einer eines",
)
_ARTICLES = re.compile(rf"^({'|'.join(' '.join(_ARTICLE_WORDS).split())})\s+")
_NOT_WORD = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")

#: Answers at least this long (after normalisation) tolerate one typo; twice as long, two.
TYPO_MIN_LENGTH = 5


def normalise(text: str) -> str:
    """Lower-case, strip accents, punctuation, invisible characters and a leading article
    (:data:`_ARTICLE_WORDS`), squash spaces."""
    text = without_invisible(without_controls(text))
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _NOT_WORD.sub(" ", plain.replace("&", " and "))
    plain = _SPACES.sub(" ", plain).strip()
    return _ARTICLES.sub("", plain)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edit distance (insert, delete, substitute, swap two neighbours) between a and b.

    Returns ``limit + 1`` as soon as the distance is known to exceed ``limit``.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def allowed_typos(answer: str) -> int:
    """How many typos a normalised accepted answer of this length tolerates."""
    if len(answer) < TYPO_MIN_LENGTH:
        return 0
    return 1 if len(answer) < 2 * TYPO_MIN_LENGTH else 2


def matches(given: str, accepted: tuple[str, ...] | list[str]) -> bool:
    """Whether a typed answer matches any of the accepted answers."""
    guess = normalise(given)
    if not guess:
        return False
    for answer in accepted:
        target = normalise(answer)
        if not target:
            continue
        limit = allowed_typos(target)
        if guess == target or (limit and edit_distance(guess, target, limit) <= limit):
            return True
    return False
