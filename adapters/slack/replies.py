"""Showing the kit's replies in Slack: Block Kit for each view, sent where it belongs.

A command's reply goes back through the command's ``response_url``: ephemeral for the
one who asked, ``in_channel`` for everyone. A quiz's final standings after ``/quiz stop``
are a message of their own in the channel (as they are when a quiz ends by itself).
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncRespond

from adapters.kit import texts
from adapters.kit.dispatch import (
    BanksView,
    DailyChanged,
    HelpView,
    Notice,
    Reply,
    ReplyView,
    ReviewStarted,
)
from adapters.kit.surface import Surface
from adapters.slack import blocks, study_blocks
from bot.views import (
    DailyView,
    FlashcardView,
    LeaderboardView,
    PlayerStats,
    QuizResults,
)

#: Emoji in front of a notice, by what it says.
ICONS = {texts.NO_MISTAKES: ":tada:"}


def notice(text: str, icon: str = "") -> dict[str, Any]:
    """A one-line message of quizbot's own words (escaped here)."""
    shown = blocks.escape(text)
    return blocks.notice(f"{icon} {shown}" if icon else shown)


def warning(text: str) -> dict[str, Any]:
    """An error a user caused, said to them."""
    return notice(texts.sentence(text), ":warning:")


def render(view: ReplyView) -> dict[str, Any]:
    """The Slack message for a reply's view."""
    match view:
        case Notice(text=text):
            return notice(text, ICONS.get(text, ""))
        case HelpView(reason=reason):
            return blocks.help_message(reason)
        case BanksView(banks=banks):
            return blocks.banks_message(list(banks))
        case DailyChanged(schedule=schedule, by=by, action=action):
            name = blocks.escape(by)
            changed = (
                f"{name} turned the daily question off"
                if action == "off"
                else f"{name} set a daily question"
            )
            return study_blocks.daily_message(schedule, changed)
        case ReviewStarted(question=question):
            count = texts.plural(question.total, "missed question")
            return blocks.notice(
                f":mag: Your review of {count} is in your direct messages with me (just for you)."
            )
        case DailyView():
            return study_blocks.daily_message(view)
        case FlashcardView():
            return blocks.flashcard_message(view, view.bank)
        case LeaderboardView():
            return blocks.leaderboard_message(view)
        case PlayerStats():
            return study_blocks.stats_message(view)
        case QuizResults():
            return blocks.results_message(view)
    raise TypeError(f"no Slack rendering for {type(view).__name__}")


async def send(reply: Reply, respond: AsyncRespond, surface: Surface) -> None:
    """Send a command's reply: through the command's response_url, or (a quiz's results)
    as a message of its own in the channel."""
    if isinstance(reply.view, QuizResults) and reply.public:
        await surface.post_results(reply.view)
        return
    response_type = "in_channel" if reply.public else "ephemeral"
    await respond(response_type=response_type, **render(reply.view))
