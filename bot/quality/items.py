"""Item analysis: how each question of a bank behaved in play.

From the answers players gave, per question:

- **asked**: how many answers it had;
- **share right** (its difficulty index): the share of those answers that were right;
- **discrimination**: the corrected point-biserial correlation between answering it right
  and the player's share right on the bank's *other* questions (their rest score). Strong
  players should get a good question right more often than weak ones (r > 0); a negative r
  means the stronger players chose something else, and the key may be wrong;
- each option's **pick rate** (over the answers whose option is known), and its own
  point-biserial (a distractor that draws the strongest players is suspect);
- **flags**, each raised only from a minimum number of answers (:class:`Thresholds`); a
  dead distractor only where there are three options or more (with two, it is "too easy").

The input is plain :class:`Response` values (see :mod:`bot.services.item_stats` for reading
them from the store), so this module knows nothing of the database.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.domain import OPTION_LETTERS
from bot.i18n import _, ngettext
from bot.i18n import formatting as fmt


@dataclass(frozen=True, slots=True)
class Response:
    """``count`` identical answers by one player to one question.

    ``option`` is the index of the chosen option *in the bank's order* (not the shuffled
    letter the player saw), or None for a typed answer.
    """

    player: int
    question: int
    correct: bool
    option: int | None = None
    count: int = 1


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When each flag is raised, and from how many answers."""

    too_easy: float = 0.95  # share right above this
    too_hard: float = 0.20  # share right below this
    dead_distractor: float = 0.05  # a distractor picked by fewer than this share
    negative_discrimination: float = 0.0  # discrimination below this
    min_for_difficulty: int = 20  # answers before too easy / too hard
    min_for_distractors: int = 30  # answers with a known option before a dead distractor
    min_for_discrimination: int = 50  # answers from players with a rest score


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True, slots=True)
class Flag:
    """Something about a question worth a moderator's look."""

    name: str  # key-may-be-wrong | dead-distractor | too-easy | too-hard
    message: str
    option: int | None = None  # the bank option it is about (dead-distractor)


@dataclass(frozen=True, slots=True)
class OptionStats:
    """How often one of the bank's options was picked."""

    index: int
    picks: int
    share: float | None  # of the answers whose option is known
    discrimination: float | None
    key: bool

    @property
    def letter(self) -> str:
        return OPTION_LETTERS[self.index]


@dataclass(frozen=True, slots=True)
class ItemStats:
    """The figures and flags of one question."""

    question: int
    asked: int
    right: int
    discrimination: float | None
    discrimination_n: int  # answers that had a rest score
    options: tuple[OptionStats, ...] = ()
    flags: tuple[Flag, ...] = field(default=())

    @property
    def share_right(self) -> float | None:
        return self.right / self.asked if self.asked else None


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """What the analysis needs to know of a question: its options and key (bank order)."""

    question: int
    options: int  # how many options (0 for a typed question)
    correct: int | None


def correlation(pairs: Iterable[tuple[float, float, int]]) -> tuple[float | None, int]:
    """Pearson's r of weighted (x, y, weight) points, and the total weight; r is None when
    either variable does not vary."""
    n = sx = sy = sxx = syy = sxy = 0.0
    for x, y, w in pairs:
        n += w
        sx += w * x
        sy += w * y
        sxx += w * x * x
        syy += w * y * y
        sxy += w * x * y
    spread = (n * sxx - sx * sx) * (n * syy - sy * sy)
    if n < 2 or spread <= 1e-12:
        return None, int(n)
    return (n * sxy - sx * sy) / math.sqrt(spread), int(n)


def _rest_scores(responses: Sequence[Response]) -> dict[tuple[int, int], float]:
    """Each (player, question)'s rest score: the player's share right on other questions."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    per_item: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for r in responses:
        totals[r.player][0] += r.count
        totals[r.player][1] += r.count * r.correct
        per_item[(r.player, r.question)][0] += r.count
        per_item[(r.player, r.question)][1] += r.count * r.correct
    rest = {}
    for (player, question), (n_item, right_item) in per_item.items():
        n_all, right_all = totals[player]
        if n_all > n_item:
            rest[(player, question)] = (right_all - right_item) / (n_all - n_item)
    return rest


def _pct(share: float) -> str:
    return fmt.percent(share)


def _signed(value: float) -> str:
    """A discrimination with its sign and two decimals: ``+0.35``, ``-0,12``."""
    return ("+" if value >= 0 else "") + fmt.number(value, 2)


def _flags(stats: ItemStats, known: int, thresholds: Thresholds) -> tuple[Flag, ...]:
    flags = []
    t = thresholds
    if (
        stats.discrimination is not None
        and stats.discrimination_n >= t.min_for_discrimination
        and stats.discrimination < t.negative_discrimination
    ):
        message = ngettext(
            "negative discrimination ({discrimination} over {count} answer): stronger players "
            "get it wrong more often; the key may be wrong",
            "negative discrimination ({discrimination} over {count} answers): stronger players "
            "get it wrong more often; the key may be wrong",
            stats.discrimination_n,
        ).format(discrimination=_signed(stats.discrimination), count=stats.discrimination_n)
        rivals = [o for o in stats.options if not o.key and (o.discrimination or 0) > 0]
        if rivals:
            best = max(rivals, key=lambda o: o.discrimination or 0)
            message += " " + _(
                "(option {letter} draws the stronger players: {discrimination})"
            ).format(letter=best.letter, discrimination=_signed(best.discrimination or 0))
        flags.append(Flag("key-may-be-wrong", message))
    if known >= t.min_for_distractors and len(stats.options) >= 3:
        for option in stats.options:
            if not option.key and option.share is not None and option.share < t.dead_distractor:
                flags.append(
                    Flag(
                        "dead-distractor",
                        ngettext(
                            "option {letter} is picked by {share} of {count} answer "
                            "(under {threshold}): it distracts nobody; replace it",
                            "option {letter} is picked by {share} of {count} answers "
                            "(under {threshold}): it distracts nobody; replace it",
                            known,
                        ).format(
                            letter=option.letter,
                            share=_pct(option.share),
                            count=known,
                            threshold=_pct(t.dead_distractor),
                        ),
                        option=option.index,
                    )
                )
    share = stats.share_right
    if share is not None and stats.asked >= t.min_for_difficulty:
        if share > t.too_easy:
            flags.append(
                Flag(
                    "too-easy",
                    ngettext(
                        "{share} right over {count} answer (over {threshold}): "
                        "it tells players apart little",
                        "{share} right over {count} answers (over {threshold}): "
                        "it tells players apart little",
                        stats.asked,
                    ).format(share=_pct(share), count=stats.asked, threshold=_pct(t.too_easy)),
                )
            )
        elif share < t.too_hard:
            flags.append(
                Flag(
                    "too-hard",
                    ngettext(
                        "{share} right over {count} answer (under {threshold}): "
                        "check the key and the wording",
                        "{share} right over {count} answers (under {threshold}): "
                        "check the key and the wording",
                        stats.asked,
                    ).format(share=_pct(share), count=stats.asked, threshold=_pct(t.too_hard)),
                )
            )
    return tuple(flags)


def analyse(
    specs: Sequence[ItemSpec],
    responses: Iterable[Response],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[ItemStats]:
    """Item statistics for each question in ``specs`` (in its order) from the responses.

    Responses to questions not in ``specs`` are ignored; rest scores are taken over the
    questions in ``specs``.
    """
    wanted = {s.question for s in specs}
    kept = [r for r in responses if r.question in wanted]
    rest = _rest_scores(kept)
    by_question: dict[int, list[Response]] = defaultdict(list)
    for r in kept:
        by_question[r.question].append(r)
    results = []
    for spec in specs:
        answers = by_question.get(spec.question, [])
        asked = sum(r.count for r in answers)
        right = sum(r.count for r in answers if r.correct)
        scored = [
            (r, rest[(r.player, r.question)]) for r in answers if (r.player, r.question) in rest
        ]
        r_item, n_item = correlation((float(r.correct), y, r.count) for r, y in scored)
        picks = [0] * spec.options
        for r in answers:
            if r.option is not None and 0 <= r.option < spec.options:
                picks[r.option] += r.count
        known = sum(picks)
        options = tuple(
            OptionStats(
                index=i,
                picks=picks[i],
                share=picks[i] / known if known else None,
                discrimination=correlation(
                    (float(r.option == i), y, r.count) for r, y in scored if r.option is not None
                )[0],
                key=i == spec.correct,
            )
            for i in range(spec.options)
        )
        stats = ItemStats(spec.question, asked, right, r_item, n_item, options)
        results.append(dataclasses.replace(stats, flags=_flags(stats, known, thresholds)))
    return results


def describe_thresholds(thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Mapping[str, str]:
    """Each flag with when it is raised, for people (the CLI prints these)."""
    t = thresholds
    return {
        "key-may-be-wrong": ngettext(
            "discrimination below {threshold}, from {count} answer by players with other "
            "answers in the bank",
            "discrimination below {threshold}, from {count} answers by players with other "
            "answers in the bank",
            t.min_for_discrimination,
        ).format(threshold=_signed(t.negative_discrimination), count=t.min_for_discrimination),
        "dead-distractor": ngettext(
            "a wrong option picked by under {threshold} of answers, from {count} answer",
            "a wrong option picked by under {threshold} of answers, from {count} answers",
            t.min_for_distractors,
        ).format(threshold=_pct(t.dead_distractor), count=t.min_for_distractors),
        "too-easy": ngettext(
            "over {threshold} right, from {count} answer",
            "over {threshold} right, from {count} answers",
            t.min_for_difficulty,
        ).format(threshold=_pct(t.too_easy), count=t.min_for_difficulty),
        "too-hard": ngettext(
            "under {threshold} right, from {count} answer",
            "under {threshold} right, from {count} answers",
            t.min_for_difficulty,
        ).format(threshold=_pct(t.too_hard), count=t.min_for_difficulty),
    }


def from_tallies(
    spec: ItemSpec,
    tallies: Mapping[int, tuple[int, int]],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> ItemStats:
    """A question's statistics from counts alone: ``tallies`` maps each bank option (any
    other key, e.g. -1, for typed answers and unknown options) to (answers, right ones).

    Without per-player answers there is no discrimination, so no "key may be wrong" flag;
    share right, option picks and the other flags are as :func:`analyse` gives them.
    """
    asked = sum(n for n, _right in tallies.values())
    right = sum(r for _n, r in tallies.values())
    picks = [tallies.get(i, (0, 0))[0] for i in range(spec.options)]
    known = sum(picks)
    options = tuple(
        OptionStats(
            index=i,
            picks=picks[i],
            share=picks[i] / known if known else None,
            discrimination=None,
            key=i == spec.correct,
        )
        for i in range(spec.options)
    )
    stats = ItemStats(spec.question, asked, right, None, 0, options)
    return dataclasses.replace(stats, flags=_flags(stats, known, thresholds))
