"""What quizbot says about a game, phrased once, in any platform's markup.

Lines that every text-based platform shows alike (a standings row, a player's record, who
got a question right, the end of a daily question or of a review) are written here; a
platform passes its :class:`Markup` (how it writes bold, italics and its emoji, and how it
escapes untrusted text: bank text and names always go through ``escape``).

Every line is written in the current language (:func:`bot.i18n.use_language`), numbers and
percentages the language's way (:mod:`bot.i18n.formatting`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from adapters.kit import texts
from bot.i18n import _, ngettext
from bot.i18n import formatting as fmt
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
    return fmt.percent(part / whole) if whole else _("n/a")


def heading(mode: str, number: int, total: int) -> str:
    """What a question is called: "Daily question", "Question 2/5"."""
    if mode == "daily":
        return _("Daily question")
    return _("Question {number}/{total}").format(number=number, total=total)


def points(count: int) -> str:
    """ "1 point", "1,250 points"."""
    return ngettext("{count} point", "{count} points", count).format(count=fmt.number(count))


def standing(row: Standing, m: Markup) -> str:
    """One row of results or a leaderboard."""
    name = m.escape(row.name or row.player)
    return ngettext(
        "{place} {name} — {points} point ({correct}/{answered} right)",
        "{place} {name} — {points} points ({correct}/{answered} right)",
        row.points,
    ).format(
        place=m.place(row.rank),
        name=name,
        points=fmt.number(row.points),
        correct=row.correct,
        answered=row.answered,
    )


def standings(rows: Iterable[Standing], m: Markup, empty: str) -> list[str]:
    return [standing(row, m) for row in rows] or [empty]


def _members(team: TeamStanding, m: Markup) -> str:
    return f" ({', '.join(m.escape(n) for n in team.members)})" if team.members else ""


def teams_line(teams: Iterable[TeamStanding], m: Markup) -> str:
    """A team game's totals on one line, best first, with each team's players:
    ``Teams: Red 20 (Ann, Dan) · Blue 10 (Bob, Cat)`` (empty when not a team game)."""
    shown = [f"{m.bold(m.escape(t.name))} {fmt.number(t.points)}" + _members(t, m) for t in teams]
    return _("Teams: {teams}").format(teams=" · ".join(shown)) if shown else ""


def team_standings(teams: Iterable[TeamStanding], m: Markup) -> list[str]:
    """A team game's leaderboard, a line a team: place, name, points, players."""
    return [
        _("{place} {team} — {points} pts").format(
            place=m.place(t.rank), team=m.bold(m.escape(t.name)), points=fmt.number(t.points)
        )
        + _members(t, m)
        for t in teams
    ]


def questions(count: int) -> str:
    """ "1 question", "5 questions"."""
    return ngettext("{count} question", "{count} questions", count).format(count=count)


def results_heading(results: QuizResults, m: Markup) -> str:
    over = m.bold(_("Quiz over"))
    title = f"{over} · {m.escape(results.bank_title)} · "
    title += questions(results.rounds_played)
    if results.stopped_by:
        title += "\n" + _("Stopped by {name}.").format(name=m.escape(results.stopped_by))
    return title


def review_over(results: QuizResults, m: Markup) -> tuple[str, str]:
    """The end of a review of mistakes, for its player alone: the line, and a tip."""
    mine = results.standings[0] if results.standings else None
    correct = mine.correct if mine else 0
    played = results.rounds_played
    tip = _("The ones you missed come back on their spaced-repetition schedule: {command}.")
    line = ngettext(
        "{review_over} · {correct} of {count} question right",
        "{review_over} · {correct} of {count} questions right",
        played,
    ).format(review_over=m.bold(_("Review over")), correct=correct, count=played)
    return line, tip.format(command=m.code("/quiz mistakes"))


def answers(count: int) -> str:
    """ "1 answer", "3 answers"."""
    return ngettext("{count} answer", "{count} answers", count).format(count=count)


def who_got_it(outcome: RoundOutcome, m: Markup) -> str:
    """The last line of a reveal: who got it right (or, in a review, how the player did)."""
    if outcome.private_to is not None:  # a review: its player alone reads this
        if outcome.winners:
            right = _("You got it right")
            return f"{m.icon('tada')} {right}".strip()
        if outcome.answered:
            return _("You missed it: it will come back in a later review")
        return _("Not answered in time")
    if outcome.winners:
        names = ", ".join(m.escape(n) for n in outcome.winners)
        who = _("Got it right: {names}").format(names=names)
    else:
        who = _("Nobody got it right.")
    return f"{who} · {answers(outcome.answered)}"


def revealed_options(
    outcome: RoundOutcome, m: Markup, texts_shown: list[str] | None = None
) -> list[str]:
    """The options of a closed question, the right one marked (or the typed answer)."""
    if not outcome.options:
        answer = m.escape(outcome.correct_text)
        label = m.bold(_("Answer:"))
        return [f"{m.icon('right')} {label} {answer}".strip()]
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
    closed = _("{closed} · answer: {answer}").format(
        closed=m.bold(_("Daily question closed")), answer=m.bold(answer)
    )
    text = f"{m.icon('calendar')} {closed} · "
    if not outcome.answered:
        return text + _("nobody answered")
    right = len(outcome.winners)
    shown = ", ".join(m.escape(n) for n in outcome.winners[:WINNERS_SHOWN])
    more = right - WINNERS_SHOWN
    if not shown:
        done = _("{right} of {answered} right")
        return text + done.format(right=right, answered=outcome.answered)
    if more > 0:
        shown = ngettext("{names} and {count} more", "{names} and {count} more", more).format(
            names=shown, count=more
        )
    return text + _("{right} of {answered} right: {names}").format(
        right=right, answered=outcome.answered, names=shown
    )


def stats_lines(stats: PlayerStats, m: Markup) -> list[str]:
    """A player's record: answers, streaks, reviews due."""
    if stats.answered:
        answers = _("{label} {answered} · {correct} right ({percent}) · {points}").format(
            label=m.bold(_("Answers:")),
            answered=fmt.number(stats.answered),
            correct=fmt.number(stats.correct),
            percent=percent(stats.correct, stats.answered),
            points=points(stats.points),
        )
    else:
        answers = _("{label} none yet: join a quiz with {command}").format(
            label=m.bold(_("Answers:")), command=m.code("/quiz start")
        )
    days = ngettext(
        "{label} {count} day (best {best})",
        "{label} {count} days (best {best})",
        stats.daily_streak,
    )
    return [
        answers,
        _("{label} {streak} right in a row (best {best})").format(
            label=m.bold(_("Streak:")), streak=stats.streak, best=stats.best_streak
        ),
        days.format(
            label=m.bold(_("Daily question streak:")),
            count=stats.daily_streak,
            best=stats.best_daily_streak,
        ),
        _("{label} {due} (reviewed so far: {reviewed})").format(
            label=m.bold(_("Flashcards due:")),
            due=fmt.number(stats.cards_due),
            reviewed=fmt.number(stats.cards_reviewed),
        ),
        _("{label} {due} due of {total}").format(
            label=m.bold(_("Mistakes to review:")),
            due=fmt.number(stats.mistakes_due),
            total=fmt.number(stats.mistakes),
        ),
    ]


def topic_lines(stats: PlayerStats, m: Markup, limit: int = TOPIC_LINES) -> list[str]:
    """Accuracy per topic, the most answered first."""
    topics = sorted(stats.topics, key=lambda t: (-t.answered, t.topic))
    no_topic = _("No topic")
    lines = [
        f"• {m.escape(t.topic) if t.topic else no_topic}: {t.correct}/{t.answered} "
        f"({percent(t.correct, t.answered)})"
        for t in topics[:limit]
    ]
    if len(topics) > limit:
        more = len(topics) - limit
        lines.append(
            ngettext("… and {count} more topic", "… and {count} more topics", more).format(
                count=more
            )
        )
    return lines


def bank_line(bank: BankSummary, m: Markup) -> str:
    size = questions(bank.questions)
    if bank.flashcards:
        cards = ngettext("{count} flashcard", "{count} flashcards", bank.flashcards)
        size = _("{questions}, {flashcards}").format(
            questions=size, flashcards=cards.format(count=bank.flashcards)
        )
    line = f"{m.bold(m.escape(bank.name))} — {m.escape(bank.title)} ({size})"
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
