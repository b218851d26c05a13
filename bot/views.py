"""Plain view objects the services return and adapters render.

They say what to show (text, options, who got it right), never how: no platform types,
no markup. Bank text and player names in them are untrusted; adapters send them with
mentions disabled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.domain import Image, QuestionKind
from bot.i18n import _, ngettext
from bot.i18n import formatting as fmt


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """Where a quiz runs: a channel of a workspace (Discord server, Slack team) on a platform."""

    platform: str
    workspace: str
    channel: str


@dataclass(frozen=True, slots=True)
class PlayerRef:
    """Who acts: a user of a workspace on a platform, with the name to show for them."""

    platform: str
    workspace: str
    user: str
    name: str = ""

    @property
    def display_name(self) -> str:
        return self.name or self.user


@dataclass(frozen=True, slots=True)
class OptionView:
    """One option as shown: its letter and its text."""

    label: str
    text: str


@dataclass(frozen=True, slots=True)
class QuestionView:
    """A question being asked: the round to answer and what to show."""

    quiz_id: int
    round_id: int
    channel: ChannelRef
    number: int
    total: int
    kind: QuestionKind
    prompt: str
    options: tuple[OptionView, ...]
    deadline: datetime
    seconds: int
    topic: str = ""
    bank_title: str = ""
    message_ref: str | None = None
    private_to: str | None = None
    mode: str = "normal"
    #: The question's picture (without its bytes: an adapter that uploads them loads them).
    image: Image | None = None

    @property
    def is_typed(self) -> bool:
        return self.kind is QuestionKind.TYPED


class AnswerStatus(StrEnum):
    """What became of an answer."""

    RECORDED = "recorded"
    ALREADY_ANSWERED = "already_answered"
    CLOSED = "closed"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class WebLink:
    """A signed link to a web page (see :mod:`bot.links`) shown under a view in chat."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Standing:
    """A player's place in a quiz's results or a leaderboard."""

    rank: int
    player: str
    name: str
    points: int
    correct: int
    answered: int


@dataclass(frozen=True, slots=True)
class TeamStanding:
    """A team's place in a team game: its name (text, never a mention), its players' points
    so far, and its players' names."""

    rank: int
    team: int
    name: str
    points: int
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QuizResults:
    """The end of a quiz: final standings, in order (``private_to``: a player's own review).

    When the quiz was stopped, ``closed_rounds`` holds the round(s) the stop closed, so the
    adapter can reveal their answers on the question messages.
    """

    quiz_id: int
    channel: ChannelRef
    bank_title: str
    rounds_played: int
    standings: tuple[Standing, ...]
    stopped_by: str | None = None
    closed_rounds: tuple[RoundOutcome, ...] = ()
    private_to: str | None = None
    links: tuple[WebLink, ...] = ()
    teams: tuple[TeamStanding, ...] = ()  # a team game's team leaderboard


@dataclass(frozen=True, slots=True)
class Halted:
    """A quiz stopped because its channel refused it (a lost permission, a removed app):
    its results so far, and who started it (to be told why, once)."""

    results: QuizResults
    starter: PlayerRef


@dataclass(frozen=True, slots=True)
class LobbyView:
    """A quiz's join phase: who joined so far, and until when it waits (``until``; None
    once the game began, ``begun``). Only the starter, or a moderator, may start it early."""

    quiz_id: int
    channel: ChannelRef
    bank_title: str
    total: int
    seconds: int
    starter: str
    players: tuple[str, ...]
    until: datetime | None
    message_ref: str | None = None
    max_seconds: int | None = None  # relaxed mode: each round waits for everyone up to this
    begun: bool = False
    ended: bool = False  # stopped (or finished) before it began
    teams: tuple[TeamStanding, ...] = ()  # a team game's teams, once it began


@dataclass(frozen=True, slots=True)
class Begun:
    """A quiz whose join phase just ended: the lobby as it began, and its first question."""

    lobby: LobbyView
    question: QuestionView


@dataclass(frozen=True, slots=True)
class RoundOutcome:
    """A round that has just closed: the reveal, then what comes next.

    Exactly one process gets this for a round (the one whose UPDATE closed it), so
    whoever holds it announces it: edit ``message_ref`` to reveal the answer, then post
    ``next_question`` or ``results``.
    """

    quiz_id: int
    round_id: int
    channel: ChannelRef
    message_ref: str | None
    number: int
    total: int
    kind: QuestionKind
    prompt: str
    options: tuple[OptionView, ...]
    correct_label: str | None
    correct_text: str
    explanation: str
    winners: tuple[str, ...]
    answered: int
    next_question: QuestionView | None = None
    results: QuizResults | None = None
    private_to: str | None = None
    mode: str = "normal"
    image: Image | None = None  # the question's picture, shown again with the answer
    team_scores: tuple[TeamStanding, ...] = ()  # a team game's totals after this round


@dataclass(frozen=True, slots=True)
class AnswerReceipt:
    """What the player who answered is told (privately), and the round's count so far.

    ``outcome`` is set when this answer was the last one expected and closed the round.
    """

    status: AnswerStatus
    round_id: int
    message: str
    choice: str = ""
    correct: bool | None = None
    answered: int = 0
    outcome: RoundOutcome | None = None


@dataclass(frozen=True, slots=True)
class LeaderboardView:
    """A ranked table of players for a scope and period."""

    title: str
    scope: str
    period: str
    rows: tuple[Standing, ...]
    links: tuple[WebLink, ...] = ()


@dataclass(frozen=True, slots=True)
class BankSummary:
    """A bank as listed to users."""

    name: str
    title: str
    description: str
    questions: int
    flashcards: int
    topics: tuple[str, ...] = field(default=())
    link: WebLink | None = None  # its web page, shown to moderators
    language: str = ""  # the language of its questions ("" when nobody said)


@dataclass(frozen=True, slots=True)
class FlashcardView:
    """The next flashcard for a player, or none (``done``).

    ``due`` and ``new`` count the cards waiting now; ``next_due`` is when the next card not
    yet due will be.
    """

    bank: str
    card_id: int | None
    front: str
    back: str
    due: int
    new: int
    next_due: datetime | None = None
    done: bool = False
    image: Image | None = None  # the front's picture


@dataclass(frozen=True, slots=True)
class TopicStats:
    """A player's answers on one topic."""

    topic: str
    answered: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class PlayerStats:
    """A player's record: answers and accuracy (overall and per topic), streaks, reviews due.

    ``streak`` counts answers in a row that were right (``best_streak`` the longest run);
    ``daily_streak`` counts days in a row the player got a daily question right.
    """

    platform: str
    workspace: str
    user: str
    name: str
    answered: int
    correct: int
    points: int
    streak: int
    best_streak: int
    daily_streak: int
    best_daily_streak: int
    cards_due: int
    mistakes_due: int
    mistakes: int
    cards_reviewed: int
    topics: tuple[TopicStats, ...]
    links: tuple[WebLink, ...] = ()

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class DailyView:
    """A channel's daily-question schedule, or that it has none (``enabled`` false)."""

    channel: ChannelRef
    enabled: bool
    at_time: str = ""
    timezone: str = ""
    bank: str = ""
    open_minutes: int = 0
    next_run_at: datetime | None = None

    def describe(self) -> str:
        """One sentence, in the current language."""
        if not self.enabled:
            return _("No daily question here.")
        return ngettext(
            "A daily question from {bank} at {time} ({zone}), open for {count} minute.",
            "A daily question from {bank} at {time} ({zone}), open for {count} minutes.",
            self.open_minutes,
        ).format(
            bank=self.bank,
            time=self.at_time,
            zone=self.timezone,
            count=fmt.number(self.open_minutes),
        )


@dataclass(frozen=True, slots=True)
class QuizScheduleView:
    """A quiz that starts itself in a channel, ``every`` "daily" or "weekly" (on
    ``weekday``, 0 = Monday) at ``at_time`` in ``timezone``. A bank, questions or seconds of
    None are the channel's defaults when it starts."""

    schedule_id: int
    channel: ChannelRef
    every: str
    weekday: int | None
    at_time: str
    timezone: str
    bank: str | None
    questions: int | None
    seconds: int | None
    next_run_at: datetime

    def describe(self) -> str:
        """One line, in the current language: "#3: a quiz every Friday at 17:00
        (Europe/London), 10 questions from demo" (the ``#3: `` part in every language)."""
        if self.weekday is None:
            when = _("a quiz every day at {time} ({zone})")
        else:
            when = _("a quiz every {weekday} at {time} ({zone})")
        when = when.format(
            weekday=fmt.weekday(self.weekday) if self.weekday is not None else "",
            time=self.at_time,
            zone=self.timezone,
        )
        if self.questions and self.bank:
            what = ngettext(
                "{count} question from {bank}", "{count} questions from {bank}", self.questions
            )
        elif self.questions:
            what = ngettext(
                "{count} question from the channel's bank",
                "{count} questions from the channel's bank",
                self.questions,
            )
        elif self.bank:
            what = _("the usual questions from {bank}")
        else:
            what = _("the usual questions from the channel's bank")
        what = what.format(count=self.questions, bank=self.bank)
        if self.seconds:
            what = _("{questions}, {seconds} s each").format(questions=what, seconds=self.seconds)
        return f"#{self.schedule_id}: {when}, {what}"
