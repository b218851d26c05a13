"""The lint's checks on one question of any kind: its explanation, a flashcard's back, and
whether its text fits each chat platform.

The platforms' limits are an argument (:class:`TextLimits`, one per platform), so the core
knows no platform: the CLI passes ``adapters.kit.limits.LIMITS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from bot.domain import OPTION_LETTERS, PLAYABLE_KINDS, Question, QuestionKind

#: A flashcard's back longer than this is hard to recall in one go (and to read in chat).
MAX_BACK = 400


class TextLimits(Protocol):
    """How long a question's texts may be on one platform to be shown whole."""

    @property
    def prompt(self) -> int: ...

    @property
    def option(self) -> int: ...

    @property
    def explanation(self) -> int: ...


def missing_explanation(question: Question) -> list[str]:
    """A playable question with no explanation: players who got it wrong learn nothing."""
    if question.kind in PLAYABLE_KINDS and not question.explanation.strip():
        return ["no explanation: players who get it wrong are not told why"]
    return []


def long_back(question: Question) -> list[str]:
    """A flashcard whose back is longer than :data:`MAX_BACK` characters."""
    if question.kind is QuestionKind.FLASHCARD and len(question.back) > MAX_BACK:
        return [
            f"the back is {len(question.back)} characters (at most {MAX_BACK}): "
            "shorten it or split the card"
        ]
    return []


def too_long(question: Question, limits: Mapping[str, TextLimits]) -> list[str]:
    """Texts longer than a platform shows whole: the question (a flashcard's front and
    back), each option, and the explanation, against each platform's limits."""
    found = []
    for platform, limit in limits.items():
        parts: list[str] = []
        if len(question.prompt) > limit.prompt:
            parts.append(f"the question is {len(question.prompt)} characters ({limit.prompt})")
        if question.kind is QuestionKind.FLASHCARD and len(question.back) > limit.prompt:
            parts.append(f"the back is {len(question.back)} characters ({limit.prompt})")
        for i, option in enumerate(question.options):
            if len(option) > limit.option:
                parts.append(
                    f"option {OPTION_LETTERS[i]} is {len(option)} characters ({limit.option})"
                )
        if len(question.explanation) > limit.explanation:
            parts.append(
                f"the explanation is {len(question.explanation)} characters ({limit.explanation})"
            )
        if parts:
            found.append(
                f"too long for {platform}, which will cut it: {'; '.join(parts)} "
                "(its limit in brackets)"
            )
    return found
