"""The study features in Slack: ``/quiz mistakes``, ``/quiz daily``, ``/quiz stats``, and
the Home tab's "review my mistakes" button.

- A mistakes review runs in the direct message between the app and the player (so the
  ticker can reveal and move on when a deadline passes, and nothing is ever in a channel):
  the review is started with that DM as its channel, and :mod:`adapters.slack.announcer`
  sends anything private there whatever happens.
- Daily questions: only moderators (workspace admins and owners per ``users.info``, or
  ``SLACK_MODERATORS``) may set or stop one; the core refuses everyone else
  (:class:`~bot.errors.NotAllowedError`, shown as an ephemeral line). The ticker posts them.
- Stats come from the core's ``player_stats`` and are shown to the player alone.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks, commands, study_blocks
from adapters.slack.app import PLATFORM, SlackBot
from bot.errors import EmptyBankError
from bot.views import ChannelRef, PlayerRef

log = logging.getLogger(__name__)

NO_MISTAKES = (
    ":tada: No mistakes to review yet. Play a quiz (`/quiz start`): the questions you miss "
    "come back here on a spaced-repetition schedule."
)


async def start_review(
    bot: SlackBot, client: AsyncWebClient, who: PlayerRef, count: int | None = None
) -> str:
    """Start ``who``'s mistakes review in their DM with the app; returns what to tell them
    (the caller shows it privately)."""
    try:
        dm = await bot.private_channel(client, who.workspace, who.user)
    except SlackApiError as exc:
        log.warning("conversations.open failed: %s", exc.response.get("error"))
        return ":warning: I can't open a direct message with you, so no review for now."
    options: dict[str, Any] = {"count": count} if count else {}
    try:
        view = await bot.quiz.start_review(ChannelRef(PLATFORM, who.workspace, dm), who, **options)
    except EmptyBankError:
        return NO_MISTAKES
    try:
        await bot.post_question(client, view)
    except SlackApiError as exc:
        log.warning("posting review question failed: %s", exc.response.get("error"))
        return ":warning: I couldn't send your review to our direct messages."
    return (
        f":mag: Your review of {view.total} missed question{'s' if view.total != 1 else ''} "
        "is in your direct messages with me (just for you)."
    )


async def run(
    bot: SlackBot,
    parsed: commands.Mistakes | commands.Daily | commands.Stats,
    where: ChannelRef,
    who: PlayerRef,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    """Act on a study subcommand of ``/quiz``; QuizbotErrors are the caller's to show."""
    if isinstance(parsed, commands.Mistakes):
        text = await start_review(bot, client, who, parsed.count)
        await respond(response_type="ephemeral", **blocks.notice(text))
    elif isinstance(parsed, commands.Stats):
        stats = await bot.quiz.player_stats(who)
        await respond(response_type="ephemeral", **study_blocks.stats_message(stats))
    else:
        await daily(bot, parsed, where, who, client, respond)


async def daily(
    bot: SlackBot,
    parsed: commands.Daily,
    where: ChannelRef,
    who: PlayerRef,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    """``/quiz daily [...]``: show the schedule to anyone; set or stop it (moderators)."""
    if parsed.action == "show":
        schedule = await bot.quiz.daily(where)
        await respond(response_type="ephemeral", **study_blocks.daily_message(schedule))
        return
    moderator = await bot.is_moderator(client, who.user)
    name = blocks.escape(who.display_name)
    if parsed.action == "off":
        schedule = await bot.quiz.daily_off(where, who, is_moderator=moderator)
        changed = f"{name} turned the daily question off"
    else:
        schedule = await bot.quiz.set_daily(
            where,
            who,
            parsed.at,
            parsed.timezone,
            parsed.bank,
            is_moderator=moderator,
            open_minutes=parsed.minutes,
        )
        changed = f"{name} set a daily question"
    # The channel is told: everyone here gets the question.
    await respond(response_type="in_channel", **study_blocks.daily_message(schedule, changed))
