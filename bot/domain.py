"""The domain: banks and the four kinds of question, as plain immutable values.

Every bank format parses into these, the store persists them, and the engine asks them.
A true/false question is a two-option multiple choice whose options are not shuffled.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bot.i18n import N_, _, use_language
from bot.i18n.languages import normalize
from bot.text import comparison_key, shows_nothing


class QuestionKind(StrEnum):
    """What kind of question a :class:`Question` is; the value is what bank files write."""

    MULTIPLE_CHOICE = "multiple_choice"
    TRUE_FALSE = "true_false"
    TYPED = "typed"
    FLASHCARD = "flashcard"


#: Kinds that can be asked as a round of a quiz (flashcards are reviewed, not asked).
PLAYABLE_KINDS: frozenset[QuestionKind] = frozenset(
    {QuestionKind.MULTIPLE_CHOICE, QuestionKind.TRUE_FALSE, QuestionKind.TYPED}
)

#: A true/false question's options as stored (in English, whatever the bank's language: they
#: are quizbot's words, not its author's); shown by :func:`shown_options`.
TRUE_FALSE_OPTIONS: tuple[str, str] = (N_("True"), N_("False"))
OPTION_LETTERS = "ABCDEFGHIJ"


def shown_options(options: Sequence[str], bank_language: str | None) -> tuple[str, ...]:
    """A question's options as players see them: a true/false question's two in the language
    of its bank's questions when quizbot speaks it (else as stored); others as written."""
    if tuple(options) != TRUE_FALSE_OPTIONS or normalize(bank_language) is None:
        return tuple(options)
    with use_language(bank_language):
        return (_(TRUE_FALSE_OPTIONS[0]), _(TRUE_FALSE_OPTIONS[1]))


MAX_OPTIONS = len(OPTION_LETTERS)


@dataclass(frozen=True, slots=True)
class Image:
    """A picture on a question or flashcard, with its alt text.

    Either stored (``digest`` is the SHA-256 of ``data``, kept content-addressed in the
    database) or a web address the chat platform fetches itself (``url``). ``data`` is set
    when the image was just read (from a file beside the bank or embedded in an import) and
    when it is loaded to be sent; it takes no part in comparisons (the digest does).
    :mod:`bot.images` makes them, checking the bytes.
    """

    digest: str = ""
    url: str = ""
    alt: str = ""
    media_type: str = ""
    name: str = ""
    data: bytes | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        """What identifies the picture: its digest, or its address."""
        return self.digest or self.url


@dataclass(frozen=True, slots=True)
class Question:
    """One question of a bank.

    - multiple choice: ``options`` (2-10) and ``correct``, the index of the one right option;
    - true/false: ``options`` is :data:`TRUE_FALSE_OPTIONS`, ``correct`` 0 (true) or 1 (false);
    - typed: ``accepted`` holds the accepted answers (matched after normalisation);
    - flashcard: ``prompt`` is the front, ``back`` the back.

    ``image`` is an optional picture shown with the prompt (see :class:`Image`).
    ``line`` is the line of the source file the question came from, when there is one.
    """

    kind: QuestionKind
    prompt: str
    options: tuple[str, ...] = ()
    correct: int | None = None
    accepted: tuple[str, ...] = ()
    back: str = ""
    explanation: str = ""
    topic: str = ""
    tags: tuple[str, ...] = ()
    source: str = ""
    image: Image | None = None
    line: int | None = field(default=None, compare=False)

    @classmethod
    def true_false(cls, prompt: str, answer: bool, **extra: object) -> Question:
        """A true/false question whose answer is ``answer``."""
        return cls(
            kind=QuestionKind.TRUE_FALSE,
            prompt=prompt,
            options=TRUE_FALSE_OPTIONS,
            correct=0 if answer else 1,
            **extra,  # type: ignore[arg-type]
        )

    @property
    def correct_option(self) -> str | None:
        """The text of the right option, for multiple choice and true/false."""
        if self.correct is None or not self.options:
            return None
        return self.options[self.correct]

    def problems(self) -> list[str]:
        """What is wrong with this question, as messages in the current language; empty when
        it is sound."""
        found: list[str] = []
        if shows_nothing(self.prompt):  # blank, or nothing that shows
            found.append(_("the question text is empty"))
        kind = self.kind
        if kind in (QuestionKind.MULTIPLE_CHOICE, QuestionKind.TRUE_FALSE):
            options = self.options
            if len(options) < 2:
                found.append(_("a multiple-choice question needs at least 2 options"))
            if len(options) > MAX_OPTIONS:
                found.append(_("a question has at most {most} options").format(most=MAX_OPTIONS))
            keys = [comparison_key(o) for o in options]
            if not all(keys):
                found.append(_("an option is empty"))
            if len(set(keys)) != len(keys):
                found.append(_("two options are the same"))
            if self.correct is None or not 0 <= self.correct < len(options):
                found.append(_("exactly one option must be marked correct"))
        elif kind is QuestionKind.TYPED:
            if all(map(shows_nothing, self.accepted)):
                found.append(_("a typed-answer question needs at least one accepted answer"))
        elif kind is QuestionKind.FLASHCARD and shows_nothing(self.back):
            found.append(_("the flashcard has no back"))
        return found

    def identity_key(self) -> str:
        """What identifies the question in its bank: its kind and its text as compared
        (:func:`bot.text.comparison_key`: case, spacing, invisible characters and Unicode's
        equivalent forms set aside).

        Importing a question with the same key but other content updates it. A question
        with a picture is also told apart by it ("Which flag is this?" asked of many
        pictures); the key of a question without one is as it always was.
        """
        raw = f"{self.kind.value}\n{comparison_key(self.prompt)}"
        if self.image is not None:
            raw += f"\n{self.image.key}"
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    def content_hash(self) -> str:
        """A digest of everything a player sees; equal hashes mean an unchanged question."""
        lists = "\x1e".join  # control characters as separators: cheaper than JSON
        payload = "\x1f".join(
            [
                self.kind.value,
                self.prompt,
                lists(self.options),
                "" if self.correct is None else str(self.correct),
                lists(self.accepted),
                self.back,
                self.explanation,
                self.topic,
                lists(self.tags),
                self.source,
            ]
        )
        if self.image is not None:  # absent from older digests, so they stay unchanged
            payload += f"\x1f{self.image.key}\x1e{self.image.alt}"
        return hashlib.sha256(payload.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class BankInfo:
    """A bank's own description: its name (a slug used in commands) and what it is."""

    name: str
    title: str = ""
    description: str = ""
    source: str = ""
    #: The language its questions are written in (a tag such as ``es`` or ``pt-br``; "" unknown).
    language: str = ""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A question a parser read but cannot play (an essay, a numeric question...)."""

    line: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning about the file that skips nothing: what an import leaves out of the
    questions it reads (an Anki package's scheduling, sounds on its cards...)."""

    line: int | None
    reason: str


@dataclass(slots=True)
class Bank:
    """A bank held in memory: its description and its questions in file order."""

    info: BankInfo
    questions: list[Question] = field(default_factory=list)
