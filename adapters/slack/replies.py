"""Showing the kit's replies in Slack: Block Kit for each view, sent where it belongs.

A command's reply goes back through the command's ``response_url``: ephemeral for the
one who asked, ``in_channel`` for everyone. A quiz's final standings after ``/quiz stop``
are a message of their own in the channel (as they are when a quiz ends by itself). The
caller renders a reply inside ``use_language(reply.language)``.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncRespond

from adapters.kit import rendering, texts
from adapters.kit.dispatch import DailyChanged, Notice, Reply, ReplyView
from adapters.kit.surface import Surface
from adapters.slack import blocks, study_blocks
from bot.i18n import _, ngettext
from bot.views import (
    BankSummary,
    DailyView,
    FlashcardView,
    LeaderboardView,
    PlayerStats,
    QuestionView,
    QuizResults,
)


def notice(text: str, icon: str = "") -> dict[str, Any]:
    """A one-line message of quizbot's own words (escaped here)."""
    shown = blocks.escape(text)
    return blocks.notice(f"{icon} {shown}" if icon else shown)


def warning(text: str) -> dict[str, Any]:
    """An error a user caused, said to them."""
    return notice(texts.sentence(text), ":warning:")


class SlackReplies:
    """Block Kit for each kind of reply (see :class:`adapters.kit.rendering.Renderer`)."""

    def notice(self, text: str) -> dict[str, Any]:
        return notice(text)

    def help(self, reason: str) -> dict[str, Any]:
        return blocks.help_message(reason)

    def banks(self, banks: tuple[BankSummary, ...]) -> dict[str, Any]:
        return blocks.banks_message(list(banks))

    def daily_changed(self, change: DailyChanged) -> dict[str, Any]:
        name = blocks.escape(change.by)
        if change.action == "off":
            changed = _("{name} turned the daily question off").format(name=name)
        else:
            changed = _("{name} set a daily question").format(name=name)
        return study_blocks.daily_message(change.schedule, changed)

    def review_started(self, question: QuestionView) -> dict[str, Any]:
        text = ngettext(
            "Your review of {count} missed question is in your direct messages with me "
            "(just for you).",
            "Your review of {count} missed questions is in your direct messages with me "
            "(just for you).",
            question.total,
        ).format(count=question.total)
        return blocks.notice(f":mag: {text}")

    def daily(self, daily: DailyView) -> dict[str, Any]:
        return study_blocks.daily_message(daily)

    def flashcard(self, card: FlashcardView) -> dict[str, Any]:
        return blocks.flashcard_message(card, card.bank)

    def leaderboard(self, board: LeaderboardView) -> dict[str, Any]:
        return blocks.leaderboard_message(board)

    def stats(self, stats: PlayerStats) -> dict[str, Any]:
        return study_blocks.stats_message(stats)

    def question(self, question: QuestionView) -> dict[str, Any]:
        return blocks.question_message(question)

    def results(self, results: QuizResults) -> dict[str, Any]:
        return blocks.results_message(results)


RENDERER = SlackReplies()


def render(view: ReplyView) -> dict[str, Any]:
    """The Slack message for a reply's view (a notice with the emoji it names)."""
    if isinstance(view, Notice) and view.icon:
        return notice(view.text, blocks.MRKDWN.icon(view.icon))
    return rendering.render(view, RENDERER)


async def send(reply: Reply, respond: AsyncRespond, surface: Surface) -> None:
    """Send a command's reply: through the command's response_url, or (a quiz's results)
    as a message of its own in the channel."""
    if isinstance(reply.view, QuizResults) and reply.public:
        await surface.post_results(reply.view)
        return
    response_type = "in_channel" if reply.public else "ephemeral"
    await respond(response_type=response_type, **render(reply.view))
