"""Block Kit for the study features: personal stats, daily-question schedules, and the short
endings of daily questions and mistake reviews.

Pure functions like :mod:`adapters.slack.blocks` (whose helpers they use); untrusted text
(names, topics, bank text) is escaped.
"""

from __future__ import annotations

from typing import Any

from adapters.slack.blocks import Block, context, escape, message, section, slack_date
from bot.views import DailyView, PlayerStats, QuizResults, RoundOutcome

MAX_TOPICS = 8
MAX_WINNERS_SHOWN = 10


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "n/a"


def stats_lines(stats: PlayerStats) -> list[str]:
    """The lines of a player's record (answers, streaks, reviews due), mrkdwn, escaped."""
    if stats.answered:
        answers = (
            f"*Answers:* {stats.answered} · {stats.correct} right "
            f"({percent(stats.correct, stats.answered)}) · {_plural(stats.points, 'point')}"
        )
    else:
        answers = "*Answers:* none yet: join a quiz with `/quiz start`"
    return [
        answers,
        f"*Streak:* {stats.streak} right in a row (best {stats.best_streak})",
        f"*Daily question streak:* {_plural(stats.daily_streak, 'day')} "
        f"(best {stats.best_daily_streak})",
        f"*Flashcards due:* {stats.cards_due} (reviewed so far: {stats.cards_reviewed})",
        f"*Mistakes to review:* {stats.mistakes_due} due of {stats.mistakes}",
    ]


def topic_lines(stats: PlayerStats, limit: int = MAX_TOPICS) -> list[str]:
    """Accuracy per topic, the most answered first."""
    topics = sorted(stats.topics, key=lambda t: (-t.answered, t.topic))
    lines = [
        f"• {escape(t.topic)}: {t.correct}/{t.answered} ({percent(t.correct, t.answered)})"
        for t in topics[:limit]
    ]
    if len(topics) > limit:
        lines.append(f"… and {_plural(len(topics) - limit, 'more topic')}")
    return lines


def stats_message(stats: PlayerStats) -> dict[str, Any]:
    """``/quiz stats``: the player's own record (sent ephemeral)."""
    name = escape(stats.name or stats.user)
    blocks: list[Block] = [
        section(f"*Your quiz record, {name}*"),
        section("\n".join(stats_lines(stats))),
    ]
    topics = topic_lines(stats)
    if topics:
        blocks.append(section("*By topic*\n" + "\n".join(topics)))
    hints = []
    if stats.mistakes_due:
        hints.append("`/quiz mistakes` reviews what you got wrong")
    if stats.cards_due:
        hints.append("`/quiz flashcards` reviews your cards")
    if hints:
        blocks.append(context(" · ".join(hints)))
    fallback = (
        f"Your record: {stats.answered} answers, {stats.correct} right, "
        f"streak {stats.streak}, {stats.cards_due} flashcards due"
    )
    return message(fallback, blocks)


def daily_message(daily: DailyView, changed: str = "") -> dict[str, Any]:
    """A channel's daily-question schedule (``changed``: what was just done, e.g. "Set")."""
    text = escape(daily.describe())
    if daily.enabled and daily.next_run_at is not None:
        text += "\nNext one: " + slack_date(daily.next_run_at, "{date_short_pretty} at {time}")
    if changed:
        text = f":calendar: {changed}. {text}"
    blocks = [section(text)]
    if not daily.enabled:
        blocks.append(
            context("A moderator can set one: `/quiz daily 09:00 Europe/London [bank] [minutes]`")
        )
    return message(text, blocks)


def daily_results_message(outcome: RoundOutcome) -> dict[str, Any]:
    """The short ending of a daily question, posted when it closes (the question's own
    message shows the full reveal)."""
    answer = escape(outcome.correct_text)
    if outcome.correct_label:
        answer = f"{outcome.correct_label}. {answer}"
    right = len(outcome.winners)
    text = f":calendar: *Daily question closed* · answer: *{answer}* · "
    if not outcome.answered:
        text += "nobody answered"
    else:
        text += f"{right} of {outcome.answered} right"
        shown = ", ".join(escape(n) for n in outcome.winners[:MAX_WINNERS_SHOWN])
        if shown:
            more = right - MAX_WINNERS_SHOWN
            text += f": {shown}" + (f" and {more} more" if more > 0 else "")
    streaks = "Right answers on days in a row build a streak: `/quiz stats`"
    blocks = [section(text), context(streaks)]
    return message(text, blocks)


def review_results_message(results: QuizResults) -> dict[str, Any]:
    """The end of a mistakes review, for its player alone."""
    mine = results.standings[0] if results.standings else None
    correct = mine.correct if mine else 0
    played = results.rounds_played
    text = f"*Review over* · {correct} of {_plural(played, 'question')} right"
    tip = "The ones you missed come back on their spaced-repetition schedule: `/quiz mistakes`."
    return message(text, [section(text), context(tip)])
