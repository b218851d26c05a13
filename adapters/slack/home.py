"""The app's Home tab: the user's own scores in the workspace and the flashcards due.

Published with ``views.publish`` whenever the user opens the tab (``app_home_opened``).
The core has no per-player statistics call, so a player's line is found in the workspace
leaderboard (read up to :data:`HOME_LEADERBOARD_LIMIT` rows).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks
from adapters.slack.app import PLATFORM, SlackBot
from bot.errors import QuizbotError
from bot.views import ChannelRef, PlayerRef, Standing

log = logging.getLogger(__name__)

HOME_LEADERBOARD_LIMIT = 1000
HOME_PERIODS: tuple[tuple[str, str], ...] = (
    ("week", "This week"),
    ("month", "This month"),
    ("all", "All time"),
)
MAX_BANKS_SHOWN = 10


def _score_line(title: str, row: Standing | None) -> str:
    if row is None:
        return f"*{title}:* no answers yet"
    points = "1 point" if row.points == 1 else f"{row.points} points"
    return f"*{title}:* {points} · #{row.rank} · {row.correct}/{row.answered} right"


async def home_view(bot: SlackBot, who: PlayerRef) -> dict[str, Any]:
    """The Home tab's view for one user."""
    where = ChannelRef(PLATFORM, who.workspace, "")
    lines = []
    for period, title in HOME_PERIODS:
        board = await bot.quiz.leaderboard(
            where, scope="workspace", period=period, limit=HOME_LEADERBOARD_LIMIT
        )
        mine = next((row for row in board.rows if row.player == who.user), None)
        lines.append(_score_line(title, mine))
    view_blocks: list[dict[str, Any]] = [
        blocks.section("*Your quiz scores in this workspace*"),
        blocks.section("\n".join(lines)),
        {"type": "divider"},
        blocks.section("*Your flashcards*"),
    ]
    decks = [b for b in await bot.quiz.list_banks() if b.flashcards]
    if not decks:
        view_blocks.append(blocks.section("No bank has flashcards yet."))
    for bank in decks[:MAX_BANKS_SHOWN]:
        try:
            card = await bot.quiz.next_flashcard(who, bank=bank.name)
        except QuizbotError:
            continue
        text = f"*{blocks.escape(bank.title or bank.name)}*: {card.due} due · {card.new} new"
        section = blocks.section(text)
        if not card.done:
            section["accessory"] = blocks.button(
                blocks.HOME_FLASHCARDS_ACTION, "Review in a DM", bank.name
            )
        view_blocks.append(section)
    view_blocks.append(
        blocks.context(
            "Start a quiz in a channel with `/quiz start`; `/quiz help` lists every command."
        )
    )
    return {"type": "home", "blocks": view_blocks}


async def publish(bot: SlackBot, client: AsyncWebClient, who: PlayerRef) -> None:
    """Publish the Home tab for ``who``."""
    view = await home_view(bot, who)
    try:
        await client.views_publish(user_id=who.user, view=view)
    except SlackApiError as exc:
        log.warning("views.publish failed: %s", exc.response.get("error"))
