"""What a hint shows: pure functions, no database.

A typed question's hint is the shape of its answer, each letter or digit a ``_`` (spaces and
punctuation kept), with some letters shown. A player may take one hint per question, so the
"step by step" is across the round: the later in the round a player asks, the more letters
their hint shows, from none (the shape alone) at the start to half of them at the deadline;
the first letter of each word comes first, then the others in an order fixed by the round.

A multiple-choice question's hint removes one wrong option (the issue's "50:50" taken as one
option out, not half of them), chosen by the round so every player asking sees the same one.
A question of two options (true/false) has no hint: removing the wrong one would give the
answer away.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

HIDDEN = "_"
#: Characters a hint shows as they are (a code span in every platform's markup).
KEPT_AS_IS = frozenset(" -'.,&/:;!?()")
#: The most of an answer's letters a hint shows (at the deadline).
MOST_SHOWN = 0.5


def _letter_positions(answer: str) -> list[int]:
    return [i for i, c in enumerate(answer) if c.isalnum()]


def reveal_order(answer: str, seed: str) -> list[int]:
    """Where letters are shown, first to last: each word's first letter, then the others in
    an order fixed by ``seed``."""
    letters = _letter_positions(answer)
    firsts = [i for i in letters if i == 0 or not answer[i - 1].isalnum()]
    rest = [i for i in letters if i not in set(firsts)]
    random.Random(seed).shuffle(rest)
    return firsts + rest


def letters_shown(answer: str, elapsed: float) -> int:
    """How many letters a hint taken ``elapsed`` (0 to 1) of the way through the round shows."""
    count = len(_letter_positions(answer))
    share = max(0.0, min(1.0, elapsed)) * MOST_SHOWN
    return min(int(count * share), int(count * MOST_SHOWN))


def typed_hint(answer: str, elapsed: float, seed: str) -> str:
    """The shape of ``answer`` with the letters due at ``elapsed`` shown: ``C _ _   _ _ _``
    (letters one space apart, words three)."""
    answer = " ".join(answer.split())
    shown = set(reveal_order(answer, seed)[: letters_shown(answer, elapsed)])
    words: list[str] = []
    start = 0
    for word in answer.split(" "):
        cells = []
        for offset, char in enumerate(word):
            at = start + offset
            if char.isalnum():
                cells.append(char if at in shown else HIDDEN)
            elif char in KEPT_AS_IS:
                cells.append(char)
            else:
                cells.append(HIDDEN)  # a backtick or markup character is not shown as itself
        words.append(" ".join(cells))
        start += len(word) + 1
    return "   ".join(words)


def removed_option(labels: Sequence[str], correct: str, seed: str) -> str | None:
    """The wrong option a 50:50 hint removes (by its letter); None when there are not at
    least two wrong options."""
    wrong = [label for label in labels if label != correct]
    if len(wrong) < 2:
        return None
    return random.Random(seed).choice(wrong)
