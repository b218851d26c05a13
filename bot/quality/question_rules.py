"""The lint's checks on one question of any kind: its explanation, a flashcard's back, and
whether its text fits each chat platform.

The platforms' limits are an argument (:class:`TextLimits`, one per platform), so the core
knows no platform: the CLI passes ``adapters.kit.limits.LIMITS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from bot.domain import OPTION_LETTERS, PLAYABLE_KINDS, Question, QuestionKind
from bot.i18n import _, ngettext

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
        return [_("no explanation: players who get it wrong are not told why")]
    return []


def long_back(question: Question) -> list[str]:
    """A flashcard whose back is longer than :data:`MAX_BACK` characters."""
    if question.kind is QuestionKind.FLASHCARD and len(question.back) > MAX_BACK:
        length = len(question.back)
        return [
            ngettext(
                "the back is {length} character (at most {limit}): shorten it or split the card",
                "the back is {length} characters (at most {limit}): shorten it or split the card",
                length,
            ).format(length=length, limit=MAX_BACK)
        ]
    return []


def too_long(question: Question, limits: Mapping[str, TextLimits]) -> list[str]:
    """Texts longer than a platform shows whole: the question (a flashcard's front and
    back), each option, and the explanation, against each platform's limits."""
    found = []
    for platform, limit in limits.items():
        parts: list[str] = []
        if len(question.prompt) > limit.prompt:
            parts.append(_characters("question", len(question.prompt), limit.prompt))
        if question.kind is QuestionKind.FLASHCARD and len(question.back) > limit.prompt:
            parts.append(_characters("back", len(question.back), limit.prompt))
        for i, option in enumerate(question.options):
            if len(option) > limit.option:
                parts.append(_characters("option", len(option), limit.option, OPTION_LETTERS[i]))
        if len(question.explanation) > limit.explanation:
            parts.append(_characters("explanation", len(question.explanation), limit.explanation))
        if parts:
            found.append(
                _(
                    "too long for {platform}, which will cut it: {texts} (its limit in brackets)"
                ).format(platform=platform, texts="; ".join(parts))
            )
    return found


def _characters(what: str, length: int, limit: int, letter: str = "") -> str:
    """One text over a platform's limit: ``the question is 4200 characters (4096)``."""
    if what == "question":
        message = ngettext(
            "the question is {length} character ({limit})",
            "the question is {length} characters ({limit})",
            length,
        )
    elif what == "back":
        message = ngettext(
            "the back is {length} character ({limit})",
            "the back is {length} characters ({limit})",
            length,
        )
    elif what == "option":
        message = ngettext(
            "option {letter} is {length} character ({limit})",
            "option {letter} is {length} characters ({limit})",
            length,
        )
    else:
        message = ngettext(
            "the explanation is {length} character ({limit})",
            "the explanation is {length} characters ({limit})",
            length,
        )
    return message.format(length=length, limit=limit, letter=letter)
