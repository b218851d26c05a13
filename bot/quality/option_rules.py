"""The lint's checks on one multiple-choice question: its options against its key and stem.

Each check takes a :class:`~bot.domain.Question` with options and returns its messages
(empty when the question passes). The rule table in :mod:`bot.quality.lint` gives each
check its name and severity; ``docs/LINT.md`` has a bad and a good example of each.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from difflib import SequenceMatcher

from bot.domain import OPTION_LETTERS, Question, QuestionKind
from bot.i18n import N_, _, ngettext
from bot.i18n import formatting as fmt
from bot.quality.text import absolutes, content_stems, join_words, quoted, stem, words

#: Options whose texts are at least this similar (difflib's ratio, ignoring case and
#: spacing) are near-duplicates.
NEAR_DUPLICATE_RATIO = 0.9
#: An option is far from the others in length when it is this many times longer (or
#: shorter) than the median of the others...
LENGTH_FACTOR = 2.0
#: ...and at least this many characters away from it (so "SOSTAC" against "The 7Ps" is fine).
LENGTH_MIN_GAP = 20

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ABOVE = re.compile(
    r"\b(all|none|both|neither|any)\s+of\s+(the\s+)?(above|these|those|them|the\s+options)\b"
    r"|^\s*(both|neither)\s+[a-j]\s+(and|nor)\s+[a-j]\b"
    r"|^\s*[a-j]\s+and\s+[a-j]\s*$",
    re.IGNORECASE,
)
_GERUND = re.compile(r"\s*([A-Za-z]{2,}ing)\s+[A-Za-z]")
_GERUND_EXCEPTIONS = frozenset(
    {"nothing", "something", "anything", "everything", "during", "thing", "king", "ring"}
    | {"spring", "string", "morning", "evening", "ceiling", "wedding", "building"}
)


def has_options(question: Question) -> bool:
    """Whether the option checks apply: a multiple-choice question with a key."""
    return (
        question.kind is QuestionKind.MULTIPLE_CHOICE
        and len(question.options) >= 2
        and question.correct is not None
        and 0 <= question.correct < len(question.options)
    )


def _letter(index: int) -> str:
    return OPTION_LETTERS[index]


def _distractors(question: Question) -> list[tuple[int, str]]:
    return [(i, o) for i, o in enumerate(question.options) if i != question.correct]


def _plain(text: str) -> str:
    """Lower case letters and digits only, single-spaced: what is left to compare."""
    return _NON_ALNUM.sub(" ", text.casefold()).strip()


def duplicate_options(question: Question) -> list[str]:
    """Two options that are the same once case, spacing and punctuation are set aside."""
    found = []
    seen: dict[str, int] = {}
    for i, option in enumerate(question.options):
        key = _plain(option)
        if key in seen:
            found.append(
                _("options {first} and {second} are the same").format(
                    first=_letter(seen[key]), second=_letter(i)
                )
            )
        else:
            seen[key] = i
    return found


def near_duplicate_options(question: Question) -> list[str]:
    """Two options with the same content words (order and endings aside) or nearly the
    same text: a student sees one answer twice, or a pair of opposites that gives the key
    away."""
    found = []
    options = question.options
    for i in range(len(options)):
        for j in range(i + 1, len(options)):
            a, b = _plain(options[i]), _plain(options[j])
            if a == b:
                continue  # duplicate_options reports it
            same_words = content_stems(a) == content_stems(b) and bool(content_stems(a))
            ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
            if same_words or ratio >= NEAR_DUPLICATE_RATIO:
                if same_words:
                    how = _("the same content words")
                else:
                    how = _("{share} the same text").format(share=fmt.percent(ratio))
                found.append(
                    _("options {first} and {second} are near-duplicates ({how})").format(
                        first=_letter(i), second=_letter(j), how=how
                    )
                )
    return found


def all_or_none_of_the_above(question: Question) -> list[str]:
    """An option such as "all of the above": it tests reading, not knowing."""
    return [
        _("option {letter} {text} is an all/none-of-the-above option").format(
            letter=_letter(i), text=quoted(o)
        )
        for i, o in enumerate(question.options)
        if _ABOVE.search(o)
    ]


def absolute_words(question: Question) -> list[str]:
    """Distractors with absolute words ("never", "only", "guaranteed"...) the key lacks."""
    assert question.correct_option is not None
    in_key = set(absolutes(question.correct_option))
    marked = []
    for i, option in _distractors(question):
        extra = [w for w in dict.fromkeys(absolutes(option)) if w not in in_key]
        if extra:
            marked.append(f"{_letter(i)} ({join_words(repr(w) for w in extra)})")
    if not marked:
        return []
    key = _letter(question.correct)  # type: ignore[arg-type]
    return [
        ngettext(
            "absolute words in distractor(s) {distractors} but not in the key {key}: "
            "a test-wise student rules them out",
            "absolute words in distractor(s) {distractors} but not in the key {key}: "
            "a test-wise student rules them out",
            len(marked),
        ).format(distractors=join_words(marked), key=key)
    ]


def stem_clue(question: Question) -> list[str]:
    """A content word of the stem that appears in the key and in no distractor."""
    assert question.correct_option is not None
    key_stems = content_stems(question.correct_option)
    others: set[str] = set()
    for _i, option in _distractors(question):
        others |= content_stems(option)
    clues: dict[str, str] = {}
    for word in words(question.prompt):
        root = stem(word)
        if root in key_stems and root not in others and root in content_stems(word):
            clues.setdefault(root, word)
    if not clues:
        return []
    listed = join_words(repr(w) for w in clues.values())
    return [
        ngettext(
            "the stem's word {words} appears in the key only: it points to the answer",
            "the stem's words {words} appear in the key only: it points to the answer",
            len(clues),
        ).format(words=listed)
    ]


def option_length(question: Question) -> list[str]:
    """An option far longer or shorter than the others (the median of the others)."""
    if len(question.options) < 3:
        return []
    found = []
    lengths = [len(" ".join(o.split())) for o in question.options]
    for i, length in enumerate(lengths):
        typical = statistics.median(lengths[:i] + lengths[i + 1 :])
        if abs(length - typical) < LENGTH_MIN_GAP:
            continue
        if length > LENGTH_FACTOR * typical or length * LENGTH_FACTOR < typical:
            found.append(
                ngettext(
                    "option {letter} is {length} character, the others about {typical}",
                    "option {letter} is {length} characters, the others about {typical}",
                    length,
                ).format(
                    letter=_letter(i),
                    length=length,
                    typical=f"{typical:.0f}",
                )
            )
    return found


def _is_number(option: str) -> bool:
    return bool(re.fullmatch(r"[-+]?[\d.,\s%]+", option.strip()))


def _first_word(option: str) -> str:
    found = words(option)
    return found[0] if found else ""


def _is_gerund(option: str) -> bool:
    """Starts like "Tracking the ...": an -ing word of 5+ letters followed by another word
    (so "Marketing, management and measurement", a list of nouns, does not count)."""
    match = _GERUND.match(option)
    return bool(match) and match.group(1).casefold() not in _GERUND_EXCEPTIONS  # type: ignore[union-attr]


#: The forms compared across options: how to tell, and what is said of a lone odd option
#: when it has the form and when it lacks it (``{letter}`` is the option's letter).
_FORMS: tuple[tuple[Callable[[str], bool], str, str], ...] = (
    (
        lambda o: o.rstrip().endswith(".") and len(o.split()) > 1,
        N_("option {letter} alone ends with a full stop"),
        N_("option {letter} alone does not end with a full stop"),
    ),
    (
        lambda o: _first_word(o) == "to",
        N_("option {letter} alone starts with 'To'"),
        N_("option {letter} alone does not start with 'To'"),
    ),
    (
        _is_number,
        N_("option {letter} alone is a number"),
        N_("option {letter} alone is not a number"),
    ),
    (
        _is_gerund,
        N_("option {letter} alone starts with an -ing word"),
        N_("option {letter} alone does not start with an -ing word"),
    ),
)


def option_form(question: Question) -> list[str]:
    """An option whose grammar does not fit: it alone differs in form from all the others
    (a full stop, "To ...", a number, an -ing start), or it breaks a stem ending in
    "a"/"an"."""
    found = []
    options = question.options
    if len(options) >= 3:
        for test, has, lacks in _FORMS:
            marks = [test(o) for o in options]
            for odd, phrase in ((True, has), (False, lacks)):
                if marks.count(odd) == 1:
                    found.append(_(phrase).format(letter=_letter(marks.index(odd))))
    article = re.search(r"\b(a|an)\s*(\.{3}|_+)?\s*$", question.prompt.strip(), re.IGNORECASE)
    if article:
        wants_vowel = article.group(1).lower() == "an"
        for i, option in enumerate(options):
            first = option.strip()[:1].lower()
            if first.isalpha() and (first in "aeiou") != wants_vowel:
                found.append(
                    _(
                        "option {letter} {text} does not follow {article} at the end of the stem"
                    ).format(letter=_letter(i), text=quoted(option), article=repr(article.group(1)))
                )
    return found
