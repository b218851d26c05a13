"""The app's Home tab: the user's own record, flashcards and mistakes due, per-deck buttons.

Published with ``views.publish`` whenever the user opens the tab (``app_home_opened``).
The record is the core's ``player_stats`` for that user in this workspace (answers,
accuracy overall and per topic, streaks, reviews due); the flashcard decks are listed
with their counts and a button to review them in a DM, and mistakes due with a button to
start a review there. It is written in the user's language (their Slack locale, else the
install's), set by the listener.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks, study_blocks
from bot.errors import QuizbotError
from bot.i18n import _
from bot.views import PlayerRef, PlayerStats

if TYPE_CHECKING:
    from adapters.slack.app import SlackBot

log = logging.getLogger(__name__)

MAX_BANKS_SHOWN = 10


def _mistakes_section(stats: PlayerStats) -> dict[str, Any]:
    if not stats.mistakes:
        return blocks.section(_("*Your mistakes:* none yet. Questions you miss come back here."))
    text = _("*Your mistakes:* {due} due to review · {total} in all").format(
        due=stats.mistakes_due, total=stats.mistakes
    )
    section = blocks.section(text)
    section["accessory"] = blocks.button(blocks.HOME_MISTAKES_ACTION, _("Review in a DM"), "review")
    return section


async def _deck_sections(bot: SlackBot, who: PlayerRef) -> list[dict[str, Any]]:
    decks = [b for b in await bot.quiz.list_banks() if b.flashcards]
    if not decks:
        return [blocks.section(_("No bank has flashcards yet."))]
    found = []
    for bank in decks[:MAX_BANKS_SHOWN]:
        try:
            card = await bot.quiz.next_flashcard(who, bank=bank.name)
        except QuizbotError:
            continue
        text = _("*{bank}*: {due} due · {new} new").format(
            bank=blocks.escape(bank.title or bank.name), due=card.due, new=card.new
        )
        if card.done and card.next_due is not None:
            when = blocks.slack_date(card.next_due, "{date_short_pretty} {time}")
            text += " · " + _("next {when}").format(when=when)
        section = blocks.section(text)
        if not card.done:
            section["accessory"] = blocks.button(
                blocks.HOME_FLASHCARDS_ACTION, _("Review in a DM"), bank.name
            )
        found.append(section)
    return found


async def home_view(bot: SlackBot, who: PlayerRef) -> dict[str, Any]:
    """The Home tab's view for one user."""
    stats = await bot.quiz.player_stats(who)
    view_blocks: list[dict[str, Any]] = [
        blocks.section(_("*Your quiz record in this workspace*")),
        blocks.section("\n".join(study_blocks.stats_lines(stats))),
    ]
    topics = study_blocks.topic_lines(stats)
    if topics:
        view_blocks.append(blocks.section(_("*By topic*") + "\n" + "\n".join(topics)))
    view_blocks += [
        {"type": "divider"},
        _mistakes_section(stats),
        blocks.section(_("*Your flashcards:* {due} due").format(due=stats.cards_due)),
        *await _deck_sections(bot, who),
        blocks.context(
            _("Start a quiz in a channel with `/quiz start`; `/quiz help` lists every command.")
        ),
    ]
    return {"type": "home", "blocks": view_blocks[:100]}


async def publish(bot: SlackBot, client: AsyncWebClient, who: PlayerRef) -> None:
    """Publish the Home tab for ``who``."""
    view = await home_view(bot, who)
    try:
        await client.views_publish(user_id=who.user, view=view)
    except SlackApiError as exc:
        log.warning("views.publish failed: %s", exc.response.get("error"))
