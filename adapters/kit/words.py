"""What quizbot says about a game, phrased once, in any platform's markup.

Lines that every text-based platform shows alike (a standings row, a player's record, who
got a question right, the end of a daily question or of a review) are written here; a
platform passes its :class:`Markup` (how it writes bold, italics and its emoji, and how it
escapes untrusted text: bank text and names always go through ``escape``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from adapters.kit import texts
from bot.views import (
    AnswerReceipt,
    AnswerStatus,
    BankSummary,
    PlayerStats,
    QuizResults,
    RoundOutcome,
    Standing,
    TeamStanding,
    WebLink,
)

TOPIC_LINES = 8
WINNERS_SHOWN = 10
#: The emoji the lines use, by name (each platform writes them its own way).
EMOJI_NAMES = ("tada", "calendar", "bulb", "right", "other", "mag", "warning", "recorded")


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Markup:
    """A platform's way of writing."""

    escape: Callable[[str], str]
    bold: Callable[[str], str]
    italic: Callable[[str], str]
    code: Callable[[str], str] = _same
    emoji: Mapping[str, str] = field(default_factory=dict)
    medals: Mapping[int, str] = field(default_factory=dict)
    #: A link: (label, url) -> text. Plain text shows "label: url".
    link: Callable[[str, str], str] = lambda label, url: f"{label}: {url}"

    def icon(self, name: str) -> str:
        return self.emoji.get(name, "")

    def place(self, rank: int) -> str:
        return self.medals.get(rank, f"{rank}.")


PLAIN = Markup(escape=_same, bold=_same, italic=_same)


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "n/a"


def heading(mode: str, number: int, total: int) -> str:
    """What a question is called: "Daily question", "Question 2/5"."""
    return "Daily question" if mode == "daily" else f"Question {number}/{total}"


def standing(row: Standing, m: Markup) -> str:
    """One row of results or a leaderboard."""
    name = m.escape(row.name or row.player)
    points = texts.plural(row.points, "point")
    return f"{m.place(row.rank)} {name} — {points} ({row.correct}/{row.answered} right)"


def standings(rows: Iterable[Standing], m: Markup, empty: str) -> list[str]:
    return [standing(row, m) for row in rows] or [empty]


def teams_line(teams: Iterable[TeamStanding], m: Markup) -> str:
    """A team game's totals on one line, best first, with each team's players:
    ``Teams: Red 20 (Ann, Dan) · Blue 10 (Bob, Cat)`` (empty when not a team game)."""
    shown = [
        f"{m.bold(m.escape(t.name))} {t.points}"
        + (f" ({', '.join(m.escape(n) for n in t.members)})" if t.members else "")
        for t in teams
    ]
    return f"Teams: {' · '.join(shown)}" if shown else ""


def team_standings(teams: Iterable[TeamStanding], m: Markup) -> list[str]:
    """A team game's leaderboard, a line a team: place, name, points, players."""
    return [
        f"{m.place(t.rank)} {m.bold(m.escape(t.name))} — {t.points} pts"
        + (f" ({', '.join(m.escape(n) for n in t.members)})" if t.members else "")
        for t in teams
    ]


def results_heading(results: QuizResults, m: Markup) -> str:
    played = texts.plural(results.rounds_played, "question")
    title = f"{m.bold('Quiz over')} · {m.escape(results.bank_title)} · {played}"
    if results.stopped_by:
        title += f"\nStopped by {m.escape(results.stopped_by)}."
    return title


def review_over(results: QuizResults, m: Markup) -> tuple[str, str]:
    """The end of a review of mistakes, for its player alone: the line, and a tip."""
    mine = results.standings[0] if results.standings else None
    correct = mine.correct if mine else 0
    played = texts.plural(results.rounds_played, "question")
    tip = (
        "The ones you missed come back on their spaced-repetition schedule: "
        + m.code("/quiz mistakes")
        + "."
    )
    return f"{m.bold('Review over')} · {correct} of {played} right", tip


def who_got_it(outcome: RoundOutcome, m: Markup) -> str:
    """The last line of a reveal: who got it right (or, in a review, how the player did)."""
    if outcome.private_to is not None:  # a review: its player alone reads this
        if outcome.winners:
            return f"{m.icon('tada')} You got it right".strip()
        if outcome.answered:
            return "You missed it: it will come back in a later review"
        return "Not answered in time"
    names = ", ".join(m.escape(n) for n in outcome.winners)
    who = f"Got it right: {names}" if outcome.winners else "Nobody got it right."
    return f"{who} · {texts.plural(outcome.answered, 'answer')}"


def revealed_options(
    outcome: RoundOutcome, m: Markup, texts_shown: list[str] | None = None
) -> list[str]:
    """The options of a closed question, the right one marked (or the typed answer)."""
    if not outcome.options:
        return [f"{m.icon('right')} {m.bold('Answer:')} {m.escape(outcome.correct_text)}".strip()]
    shown = texts_shown or [o.text for o in outcome.options]
    lines = []
    for option, text in zip(outcome.options, shown, strict=True):
        if option.label == outcome.correct_label:
            lines.append(f"{m.icon('right')} {m.bold(f'{option.label}. ' + m.escape(text))}")
        else:
            lines.append(f"{m.icon('other')} {option.label}. {m.escape(text)}")
    return lines


def daily_end(outcome: RoundOutcome, m: Markup) -> str:
    """The short ending of a daily question, posted when it closes."""
    answer = m.escape(outcome.correct_text)
    if outcome.correct_label:
        answer = f"{outcome.correct_label}. {answer}"
    text = f"{m.icon('calendar')} {m.bold('Daily question closed')} · answer: {m.bold(answer)} · "
    if not outcome.answered:
        return text + "nobody answered"
    right = len(outcome.winners)
    text += f"{right} of {outcome.answered} right"
    shown = ", ".join(m.escape(n) for n in outcome.winners[:WINNERS_SHOWN])
    if shown:
        more = right - WINNERS_SHOWN
        text += f": {shown}" + (f" and {more} more" if more > 0 else "")
    return text


def stats_lines(stats: PlayerStats, m: Markup) -> list[str]:
    """A player's record: answers, streaks, reviews due."""
    if stats.answered:
        answers = (
            f"{m.bold('Answers:')} {stats.answered} · {stats.correct} right "
            f"({percent(stats.correct, stats.answered)}) · {texts.plural(stats.points, 'point')}"
        )
    else:
        answers = f"{m.bold('Answers:')} none yet: join a quiz with {m.code('/quiz start')}"
    return [
        answers,
        f"{m.bold('Streak:')} {stats.streak} right in a row (best {stats.best_streak})",
        f"{m.bold('Daily question streak:')} {texts.plural(stats.daily_streak, 'day')} "
        f"(best {stats.best_daily_streak})",
        f"{m.bold('Flashcards due:')} {stats.cards_due} (reviewed so far: {stats.cards_reviewed})",
        f"{m.bold('Mistakes to review:')} {stats.mistakes_due} due of {stats.mistakes}",
    ]


def topic_lines(stats: PlayerStats, m: Markup, limit: int = TOPIC_LINES) -> list[str]:
    """Accuracy per topic, the most answered first."""
    topics = sorted(stats.topics, key=lambda t: (-t.answered, t.topic))
    lines = [
        f"• {m.escape(t.topic or 'No topic')}: {t.correct}/{t.answered} "
        f"({percent(t.correct, t.answered)})"
        for t in topics[:limit]
    ]
    if len(topics) > limit:
        lines.append(f"… and {texts.plural(len(topics) - limit, 'more topic')}")
    return lines


def bank_line(bank: BankSummary, m: Markup) -> str:
    line = f"{m.bold(m.escape(bank.name))} — {m.escape(bank.title)} ({bank.questions} questions"
    if bank.flashcards:
        line += f", {bank.flashcards} flashcards"
    line += ")"
    if bank.link is not None:
        line += " · " + m.link(bank.link.label, bank.link.url)
    return line


def web_links(links: Iterable[WebLink], m: Markup) -> str:
    """A view's links to its web pages on one line ("" when there are none)."""
    return " · ".join(m.link(link.label, link.url) for link in links)


def receipt(answer: AnswerReceipt, m: Markup) -> str:
    """What the player who answered is told: the core's words as a sentence, ticked when
    the answer was recorded."""
    text = m.escape(texts.sentence(answer.message))
    return f"{m.icon('recorded')} {text}" if answer.status is AnswerStatus.RECORDED else text
