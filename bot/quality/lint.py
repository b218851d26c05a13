"""The lint: every rule with its name and severity, running them on a bank, and the bank's
quality figures (how often the key is the longest option, absolute words in distractors).

``lint(questions, limits)`` takes the questions of one bank in order and returns a
:class:`LintReport`; where each finding is (file:line, or the question's number) is the
caller's to print. ``docs/LINT.md`` documents each rule with a bad and a good example.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from bot.domain import OPTION_LETTERS, Question
from bot.i18n import N_, _
from bot.quality import bank_rules, option_rules, question_rules
from bot.quality.bank_rules import Numbered, Spot, key_is_longest
from bot.quality.findings import Finding, Severity
from bot.quality.option_rules import has_options
from bot.quality.question_rules import TextLimits
from bot.quality.text import absolutes


@dataclass(frozen=True, slots=True)
class Rule:
    """A lint rule: its name (used by ``--ignore``; the same in every language), severity
    and one-line summary (``about``, in English: :attr:`summary` is in the current
    language)."""

    name: str
    severity: Severity
    about: str

    @property
    def summary(self) -> str:
        """The one-line summary in the current language."""
        return _(self.about).format(limit=question_rules.MAX_BACK)


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

#: Checks on one multiple-choice question's options: rule -> check.
OPTION_CHECKS: dict[Rule, Callable[[Question], list[str]]] = {
    Rule("duplicate-options", _E, N_("two options are the same apart from case and punctuation")): (
        option_rules.duplicate_options
    ),
    Rule("near-duplicate-options", _W, N_("two options have the same words or nearly the same")): (
        option_rules.near_duplicate_options
    ),
    Rule("all-none-of-the-above", _W, N_('an option is "all/none of the above" or alike')): (
        option_rules.all_or_none_of_the_above
    ),
    Rule("absolute-words", _W, N_("absolute words in distractors but not in the key")): (
        option_rules.absolute_words
    ),
    Rule("stem-clue", _W, N_("a word of the stem appears in the key and no distractor")): (
        option_rules.stem_clue
    ),
    Rule("option-length", _W, N_("an option is far longer or shorter than the others")): (
        option_rules.option_length
    ),
    Rule("option-form", _W, N_("an option's grammar does not fit the others or the stem")): (
        option_rules.option_form
    ),
}
#: Checks on one question of any kind (the platform check is separate: it needs limits).
QUESTION_CHECKS: dict[Rule, Callable[[Question], list[str]]] = {
    Rule("missing-explanation", _W, N_("a playable question has no explanation")): (
        question_rules.missing_explanation
    ),
    Rule("long-back", _W, N_("a flashcard's back is over {limit} characters")): (
        question_rules.long_back
    ),
}
TOO_LONG = Rule("too-long", _W, N_("a text is longer than a chat platform shows whole"))
#: Checks across the bank.
BANK_CHECKS: dict[Rule, Callable[[Numbered], list[Spot]]] = {
    Rule("longest-key", _W, N_("the key is the longest option more often than chance")): (
        bank_rules.longest_key
    ),
    Rule("near-duplicate-questions", _W, N_("two questions are near the same, same answer")): (
        bank_rules.near_duplicate_questions
    ),
    Rule("similar-questions", _I, N_("two questions are near the same, different answers")): (
        bank_rules.similar_questions
    ),
    Rule("confusable-fronts", _W, N_("two flashcards ask for the same thing, different backs")): (
        bank_rules.confusable_fronts
    ),
}
RULES: dict[str, Rule] = {
    rule.name: rule for rule in [*OPTION_CHECKS, *QUESTION_CHECKS, TOO_LONG, *BANK_CHECKS]
}


@dataclass(frozen=True, slots=True)
class BankFigures:
    """A bank's quality figures over its multiple-choice questions."""

    questions: int = 0
    multiple_choice: int = 0
    key_longest: int = 0
    key_shortest: int = 0
    distractors: int = 0
    absolute_distractors: int = 0
    absolute_keys: int = 0
    letters: dict[str, int] = field(default_factory=dict)

    @property
    def key_longest_share(self) -> float:
        return self.key_longest / self.multiple_choice if self.multiple_choice else 0.0

    @property
    def absolute_share(self) -> float:
        return self.absolute_distractors / self.distractors if self.distractors else 0.0


@dataclass(frozen=True, slots=True)
class LintReport:
    """The findings on one bank, most severe first in question order, and its figures."""

    findings: list[Finding]
    figures: BankFigures

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)


def bank_figures(questions: Sequence[Question]) -> BankFigures:
    """How often the key is the longest (or shortest) option, how many distractors and
    keys have absolute words, and how often each letter is the key."""
    mc = [q for q in questions if has_options(q)]
    shortest = distractors = absolute_distractors = absolute_keys = 0
    for q in mc:
        assert q.correct_option is not None
        others = [len(o) for i, o in enumerate(q.options) if i != q.correct]
        shortest += len(q.correct_option) < min(others)
        distractors += len(others)
        absolute_distractors += sum(
            1 for i, o in enumerate(q.options) if i != q.correct and absolutes(o)
        )
        absolute_keys += bool(absolutes(q.correct_option))
    letters = Counter(OPTION_LETTERS[q.correct] for q in mc if q.correct is not None)
    return BankFigures(
        questions=len(questions),
        multiple_choice=len(mc),
        key_longest=sum(1 for q in mc if key_is_longest(q)),
        key_shortest=shortest,
        distractors=distractors,
        absolute_distractors=absolute_distractors,
        absolute_keys=absolute_keys,
        letters=dict(sorted(letters.items())),
    )


def lint(
    questions: Sequence[Question],
    limits: Mapping[str, TextLimits] | None = None,
    *,
    ignore: Collection[str] = (),
) -> LintReport:
    """Run every rule (but the ignored ones) on a bank's questions, in bank order.

    ``limits`` are the chat platforms' text limits, by platform; without them the
    ``too-long`` rule is not run.
    """
    unknown = set(ignore) - set(RULES)
    if unknown:
        raise ValueError(f"unknown rule(s): {', '.join(sorted(unknown))}")
    numbered = list(enumerate(questions, start=1))
    findings: list[Finding] = []

    def add(rule: Rule, message: str, number: int | None, others: tuple[int, ...] = ()) -> None:
        question = questions[number - 1] if number is not None else None
        findings.append(
            Finding(
                rule=rule.name,
                severity=rule.severity,
                message=message,
                number=number,
                line=question.line if question is not None else None,
                prompt=question.prompt if question is not None else "",
                others=others,
            )
        )

    for number, question in numbered:
        for rule, check in QUESTION_CHECKS.items():
            if rule.name not in ignore:
                for message in check(question):
                    add(rule, message, number)
        if limits and TOO_LONG.name not in ignore:
            for message in question_rules.too_long(question, limits):
                add(TOO_LONG, message, number)
        if has_options(question):
            for rule, check in OPTION_CHECKS.items():
                if rule.name not in ignore:
                    for message in check(question):
                        add(rule, message, number)
    for rule, bank_check in BANK_CHECKS.items():
        if rule.name not in ignore:
            for spot in bank_check(numbered):
                add(rule, spot.message, spot.number, spot.others)
    findings.sort(key=lambda f: (f.number is not None, f.number or 0, -f.severity.rank))
    return LintReport(findings, bank_figures(questions))
