"""Posting the core's views in Slack: questions, reveals, results, daily questions.

:class:`Announcer` is the half of :class:`adapters.slack.app.SlackBot` that writes to
channels. One rule lives here and nowhere else: anything with ``private_to`` set (a
"review my mistakes" question, its reveal, its results) goes to the direct message
between the app and that user, never to a channel, whoever asks to post it (a click, the
ticker closing a round whose deadline passed, a restart).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks, study_blocks
from bot.services import QuizApp
from bot.views import ChannelRef, QuestionView, QuizResults, RoundOutcome

log = logging.getLogger(__name__)


def parse_message_ref(ref: str, default_channel: str) -> tuple[str, str]:
    """``"channel:ts"`` (what this adapter stores) -> (channel, ts)."""
    channel, sep, ts = ref.partition(":")
    return (channel, ts) if sep else (default_channel, ref)


class Announcer:
    """Posts and edits messages for the listeners and the ticker (a mixin of SlackBot)."""

    quiz: QuizApp
    #: (workspace, user) -> the id of the app's DM with that user (conversations.open).
    dms: dict[tuple[str, str], str]
    client_for: Callable[[str], Awaitable[AsyncWebClient]]

    async def private_channel(self, client: AsyncWebClient, workspace: str, user: str) -> str:
        """The DM between the app and ``user`` (opened once, then remembered)."""
        key = (workspace, user)
        if key not in self.dms:
            response = await client.conversations_open(users=user)
            self.dms[key] = str(response["channel"]["id"])
        return self.dms[key]

    async def destination(
        self, client: AsyncWebClient, where: ChannelRef, private_to: str | None
    ) -> str:
        """Where something is posted: its channel, or the owner's DM if it is private."""
        if private_to is None:
            return where.channel
        return await self.private_channel(client, where.workspace, private_to)

    async def post_question(self, client: AsyncWebClient, view: QuestionView) -> None:
        """Post a question (in its channel, or privately) and remember its message."""
        channel = await self.destination(client, view.channel, view.private_to)
        response = await client.chat_postMessage(channel=channel, **blocks.question_message(view))
        ref = f"{response['channel']}:{response['ts']}"
        await self.quiz.set_round_message(view.round_id, ref)

    async def post_daily(self, view: QuestionView) -> None:
        """The ticker's ``post``: a daily question that has just come due, in its channel."""
        client = await self.client_for(view.channel.workspace)
        await self.post_question(client, view)
        log.info("posted the daily question in %s", view.channel.channel)

    async def reveal(
        self,
        client: AsyncWebClient,
        outcome: RoundOutcome,
        fallback_ref: str | None = None,
        stopped: bool = False,
    ) -> None:
        """Edit a closed round's question message to show the answer (buttons removed)."""
        ref = outcome.message_ref or fallback_ref
        if not ref:
            return
        channel, ts = parse_message_ref(ref, outcome.channel.channel)
        try:
            if outcome.private_to is not None:
                where, owner = outcome.channel.workspace, outcome.private_to
                if channel != await self.private_channel(client, where, owner):
                    # A private answer is only ever shown in its owner's DM.
                    log.warning("not revealing private round %s outside its DM", outcome.round_id)
                    return
            await client.chat_update(
                channel=channel, ts=ts, **blocks.reveal_message(outcome, stopped=stopped)
            )
        except SlackApiError as exc:
            log.warning("chat.update failed for round %s: %s", outcome.round_id, exc)

    async def announce(
        self,
        outcome: RoundOutcome,
        client: AsyncWebClient | None = None,
        fallback_ref: str | None = None,
    ) -> None:
        """Reveal a closed round in its message, then post the next question or the results.

        The ticker calls this with the outcome alone; a click that closed the round passes
        its request's client and the clicked message (in case the round's message was not
        recorded yet). A daily question ends with a short line instead of standings.
        """
        if client is None:
            client = await self.client_for(outcome.channel.workspace)
        await self.reveal(client, outcome, fallback_ref)
        if outcome.next_question is not None:
            try:
                await self.post_question(client, outcome.next_question)
            except SlackApiError as exc:
                log.warning("posting question of quiz %s failed: %s", outcome.quiz_id, exc)
        elif outcome.mode == "daily":
            await self._post(
                client,
                outcome.channel.channel,
                study_blocks.daily_results_message(outcome),
                f"daily results of quiz {outcome.quiz_id}",
            )
        elif outcome.results is not None:
            await self.post_results(client, outcome.channel, outcome.results)

    async def post_results(
        self, client: AsyncWebClient, where: ChannelRef, results: QuizResults
    ) -> None:
        """Post a quiz's final standings in its channel (a review's, to its player alone)."""
        if results.private_to is not None:
            channel = await self.destination(client, where, results.private_to)
            content = study_blocks.review_results_message(results)
        else:
            channel, content = where.channel, blocks.results_message(results)
        await self._post(client, channel, content, f"results of quiz {results.quiz_id}")

    async def _post(
        self, client: AsyncWebClient, channel: str, content: dict[str, object], what: str
    ) -> None:
        try:
            await client.chat_postMessage(channel=channel, **content)
        except SlackApiError as exc:
            log.warning("posting %s failed: %s", what, exc.response.get("error"))
