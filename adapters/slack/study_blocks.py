"""Block Kit for the study features: personal stats, daily-question schedules, and the short
endings of daily questions and mistake reviews.

Pure functions like :mod:`adapters.slack.blocks` (whose helpers they use); untrusted text
(names, topics, bank text) is escaped.
"""

from __future__ import annotations

from typing import Any

from adapters.kit import words
from adapters.slack.blocks import (
    MRKDWN,
    Block,
    context,
    day_and_time,
    escape,
    message,
    section,
    slack_date,
)
from bot.i18n import _, ngettext
from bot.views import DailyView, PlayerStats, QuizResults, RoundOutcome


def stats_lines(stats: PlayerStats) -> list[str]:
    """The lines of a player's record (answers, streaks, reviews due), mrkdwn, escaped."""
    return words.stats_lines(stats, MRKDWN)


def topic_lines(stats: PlayerStats, limit: int = words.TOPIC_LINES) -> list[str]:
    """Accuracy per topic, the most answered first."""
    return words.topic_lines(stats, MRKDWN, limit)


def stats_message(stats: PlayerStats) -> dict[str, Any]:
    """``/quiz stats``: the player's own record (sent ephemeral)."""
    name = escape(stats.name or stats.user)
    blocks: list[Block] = [
        section(_("*Your quiz record, {name}*").format(name=name)),
        section("\n".join(stats_lines(stats))),
    ]
    topics = topic_lines(stats)
    if topics:
        blocks.append(section(_("*By topic*") + "\n" + "\n".join(topics)))
    hints = []
    if stats.mistakes_due:
        hints.append(_("`/quiz mistakes` reviews what you got wrong"))
    if stats.cards_due:
        hints.append(_("`/quiz flashcards` reviews your cards"))
    if hints:
        blocks.append(context(" · ".join(hints)))
    if stats.links:
        blocks.append(context(words.web_links(stats.links, MRKDWN)))
    fallback = ngettext(
        "Your record: {answered} answer, {correct} right, streak {streak}, {cards} flashcards due",
        "Your record: {answered} answers, {correct} right, streak {streak}, {cards} flashcards due",
        stats.answered,
    ).format(
        answered=stats.answered,
        correct=stats.correct,
        streak=stats.streak,
        cards=stats.cards_due,
    )
    return message(fallback, blocks)


def daily_message(daily: DailyView, changed: str = "") -> dict[str, Any]:
    """A channel's daily-question schedule (``changed``: what was just done, a sentence
    without its full stop, e.g. "ann set a daily question")."""
    text = escape(daily.describe())
    if daily.enabled and daily.next_run_at is not None:
        when = slack_date(daily.next_run_at, day_and_time())
        text += "\n" + _("Next one: {when}").format(when=when)
    if changed:
        text = f":calendar: {changed}. {text}"
    blocks = [section(text)]
    if not daily.enabled:
        blocks.append(
            context(
                _("A moderator can set one: `/quiz daily 09:00 Europe/London [bank] [minutes]`")
            )
        )
    return message(text, blocks)


def daily_results_message(outcome: RoundOutcome) -> dict[str, Any]:
    """The short ending of a daily question, posted when it closes (the question's own
    message shows the full reveal)."""
    text = words.daily_end(outcome, MRKDWN)
    streaks = _("Right answers on days in a row build a streak: `/quiz stats`")
    return message(text, [section(text), context(streaks)])


def review_results_message(results: QuizResults) -> dict[str, Any]:
    """The end of a mistakes review, for its player alone."""
    text, tip = words.review_over(results, MRKDWN)
    return message(text, [section(text), context(tip)])
