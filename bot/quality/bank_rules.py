"""The lint's checks across a bank: the key as the longest option too often, near-duplicate
questions, and flashcard fronts that are easy to confuse.

Each check takes the bank's questions numbered from 1 (``(number, question)`` pairs) and
returns :class:`Spot` s. Pairs are compared only when they share a content word that is not
in most of the bank, so a bank of thousands of questions is checked in seconds.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

from bot.domain import Question, QuestionKind
from bot.i18n import _
from bot.i18n import formatting as fmt
from bot.quality.option_rules import has_options
from bot.quality.text import STOP_WORDS, content_stems, quoted, squash, stem, word_set, words

Numbered = Sequence[tuple[int, Question]]

#: The key may be the longest option this much more often than chance (1 in k for k
#: options) before the bank is flagged...
LONGEST_KEY_MARGIN = 0.10
#: ...counted over at least this many questions with three or more options.
LONGEST_KEY_MIN_QUESTIONS = 8
#: Two texts are near the same when difflib's ratio of their letters and digits is at least
#: this, or when their content words' Jaccard index is at least SIMILAR_WORDS.
SIMILAR_TEXT = 0.9
SIMILAR_WORDS = 0.85
#: How much of each text a pair's message quotes (near-duplicates differ late, if at all).
WIDE = 120
#: Words that narrow a question without changing what it asks for: two flashcard fronts
#: that differ only in these (and numbers) ask for the same thing.
QUALIFIERS = frozenset(
    stem(w)
    for w in word_set(
        """
    main key core typical basic general important essential primary major
    overall common various specific two three four five six seven eight nine ten
    company companies organisation organisations organization organizations firm
    """
    )
)


@dataclass(frozen=True, slots=True)
class Spot:
    """What a bank check found: a message, the question it is about (if one) and others."""

    message: str
    number: int | None = None
    others: tuple[int, ...] = ()


# -- the key as the longest option ---------------------------------------------------------


def key_is_longest(question: Question) -> bool:
    """Whether the key is strictly longer than every other option."""
    assert question.correct_option is not None
    right = len(" ".join(question.correct_option.split()))
    return all(
        right > len(" ".join(o.split()))
        for i, o in enumerate(question.options)
        if i != question.correct
    )


def longest_key(numbered: Numbered) -> list[Spot]:
    """The key is the longest option in more of the bank's questions than chance allows."""
    eligible = [(n, q) for n, q in numbered if has_options(q) and len(q.options) >= 3]
    if len(eligible) < LONGEST_KEY_MIN_QUESTIONS:
        return []
    longest = [n for n, q in eligible if key_is_longest(q)]
    chance = statistics.fmean(1 / len(q.options) for _n, q in eligible)
    share = len(longest) / len(eligible)
    if share <= chance + LONGEST_KEY_MARGIN:
        return []
    listed = ", ".join(f"Q{n}" for n in longest)
    return [
        Spot(
            _(
                "the key is the longest option in {count} of {total} questions "
                "({share}; chance is {chance}, flagged above {threshold}): {questions}"
            ).format(
                count=len(longest),
                total=len(eligible),
                share=fmt.percent(share),
                chance=fmt.percent(chance),
                threshold=fmt.percent(chance + LONGEST_KEY_MARGIN),
                questions=listed,
            ),
            others=tuple(longest),
        )
    ]


# -- pairs of similar questions ------------------------------------------------------------


def _plain(text: str) -> str:
    return " ".join(words(text))


def _candidate_pairs(stem_sets: Sequence[set[str]]) -> Iterator[tuple[int, int]]:
    """Index pairs (i < j) worth comparing: they share at least half the content words of
    the shorter text (texts 90% the same do), counting only words found in few of the texts
    (in at most 50, or 5% of a big bank)."""
    common = max(50, len(stem_sets) // 20)
    holders: dict[str, list[int]] = defaultdict(list)
    for i, stems in enumerate(stem_sets):
        for s in stems:
            holders[s].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for indexes in holders.values():
        if len(indexes) <= common:
            shared.update(combinations(indexes, 2))
    for (i, j), count in sorted(shared.items()):
        if 2 * count >= min(len(stem_sets[i]), len(stem_sets[j])):
            yield i, j


def similarity(
    a: str, b: str, stems_a: set[str] | None = None, stems_b: set[str] | None = None
) -> str | None:
    """How two texts are near the same (for a message), or None when they are not."""
    plain_a, plain_b = _plain(a), _plain(b)
    if plain_a == plain_b:
        return _("the same words")
    stems_a = content_stems(a) if stems_a is None else stems_a
    stems_b = content_stems(b) if stems_b is None else stems_b
    if stems_a and stems_b:
        jaccard = len(stems_a & stems_b) / len(stems_a | stems_b)
        if jaccard >= SIMILAR_WORDS:
            return _("{share} of their content words shared").format(share=fmt.percent(jaccard))
    matcher = SequenceMatcher(None, plain_a, plain_b, autojunk=False)
    if matcher.real_quick_ratio() >= SIMILAR_TEXT and matcher.quick_ratio() >= SIMILAR_TEXT:
        ratio = matcher.ratio()
        if ratio >= SIMILAR_TEXT:
            return _("{share} the same text").format(share=fmt.percent(ratio))
    return None


def answer_text(question: Question) -> str:
    """What counts as a question's answer: its key, accepted answers, or a card's back."""
    if question.kind is QuestionKind.FLASHCARD:
        return question.back
    if question.kind is QuestionKind.TYPED:
        return " / ".join(sorted(squash(a) for a in question.accepted))
    return question.correct_option or ""


def _same_answer(a: Question, b: Question) -> bool:
    return similarity(answer_text(a), answer_text(b)) is not None


def _group(question: Question) -> str:
    return "card" if question.kind is QuestionKind.FLASHCARD else "question"


def _similar_prompts(numbered: Numbered) -> Iterator[tuple[int, Question, int, Question, str]]:
    """Pairs of the same group (questions, or flashcards) whose prompts are near the same."""
    stem_sets = [content_stems(q.prompt) for _n, q in numbered]
    for i, j in _candidate_pairs(stem_sets):
        (na, a), (nb, b) = numbered[i], numbered[j]
        if _group(a) != _group(b):
            continue
        how = similarity(a.prompt, b.prompt, stem_sets[i], stem_sets[j])
        if how is not None:
            yield na, a, nb, b, how


def near_duplicate_questions(numbered: Numbered) -> list[Spot]:
    """Two questions (or cards) with nearly the same text and the same answer."""
    return [
        Spot(
            _(
                "Q{first} and Q{second} are near-duplicates ({how}) with the same answer: "
                "{first_text} / {second_text}"
            ).format(
                first=na,
                second=nb,
                how=how,
                first_text=quoted(a.prompt, WIDE),
                second_text=quoted(b.prompt, WIDE),
            ),
            number=nb,
            others=(na,),
        )
        for na, a, nb, b, how in _similar_prompts(numbered)
        if _same_answer(a, b)
    ]


def similar_questions(numbered: Numbered) -> list[Spot]:
    """Two playable questions with nearly the same text but different answers: fine when
    they ask different things, worth a look when they ask the same."""
    return [
        Spot(
            _(
                "Q{first} and Q{second} are nearly the same text ({how}) with different answers: "
                "check they ask different things: {first_text} / {second_text}"
            ).format(
                first=na,
                second=nb,
                how=how,
                first_text=quoted(a.prompt, WIDE),
                second_text=quoted(b.prompt, WIDE),
            ),
            number=nb,
            others=(na,),
        )
        for na, a, nb, b, how in _similar_prompts(numbered)
        if a.kind is not QuestionKind.FLASHCARD and not _same_answer(a, b)
    ]


def _asked_for(front: str) -> set[str]:
    """A front's content words without numbers and qualifiers: what the card asks for."""
    return {s for s in content_stems(front) if s not in QUALIFIERS and s not in STOP_WORDS}


def confusable_fronts(numbered: Numbered) -> list[Spot]:
    """Two flashcards with different backs whose fronts ask for the same thing: nearly the
    same text, or the same words apart from numbers and qualifiers ("the four company
    benefits of CRM" against "the benefits of CRM")."""
    cards = [(n, q) for n, q in numbered if q.kind is QuestionKind.FLASHCARD]
    found = []
    stem_sets = [content_stems(q.prompt) for _n, q in cards]
    for i, j in _candidate_pairs(stem_sets):
        (na, a), (nb, b) = cards[i], cards[j]
        if _same_answer(a, b):
            continue  # a duplicate card: near_duplicate_questions reports it
        how = similarity(a.prompt, b.prompt, stem_sets[i], stem_sets[j])
        if how is None and _asked_for(a.prompt) and _asked_for(a.prompt) == _asked_for(b.prompt):
            how = _("the same words apart from numbers and qualifiers")
        if how is not None:
            found.append(
                Spot(
                    _(
                        "cards Q{first} and Q{second} have confusable fronts ({how}) but "
                        "different backs: {first_text} / {second_text}"
                    ).format(
                        first=na,
                        second=nb,
                        how=how,
                        first_text=quoted(a.prompt, WIDE),
                        second_text=quoted(b.prompt, WIDE),
                    ),
                    number=nb,
                    others=(na,),
                )
            )
    return found
