"""The Slack surface: what the conductor asks of Slack, done with the Web API.

Questions are Block Kit messages with buttons (``chat.postMessage``), reveals edit them
(``chat.update``), results and the end of a daily question are new messages. One rule lives
here and nowhere else: anything with ``private_to`` set (a review of mistakes, its reveal,
its results) goes to the direct message between the app and that user, never to a channel.

Slack's refusals that stay until someone acts (the app is not in the channel, the channel
was archived or deleted, the app was uninstalled) become
:class:`~adapters.kit.surface.PostRefused`, so the conductor stops the quiz and says why;
rate limits are waited out by the client's retry handler (see :mod:`adapters.slack.app`).
Everything is written in the language the conductor sets (the channel's for the channel,
the player's for what only they see).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.kit.surface import Capabilities, PostRefused
from adapters.slack import blocks, study_blocks
from adapters.slack.lobby_blocks import lobby_message
from adapters.slack.pictures import has_images, warn_without_public_url, without_images
from bot.i18n import N_, _
from bot.views import ChannelRef, LobbyView, QuestionView, QuizResults, RoundOutcome

log = logging.getLogger(__name__)

#: Slack errors that mean the bot cannot post there until someone acts, and what to say.
REFUSALS: dict[str, str] = {
    "not_in_channel": N_("I'm not a member of this channel: invite me with `/invite @quizbot`"),
    "channel_not_found": N_("I can't see this channel any more"),
    "is_archived": N_("this channel was archived"),
    "restricted_action": N_("this workspace doesn't let me post in this channel"),
    "missing_scope": N_("I lack a permission (scope) to post here: reinstall the app"),
    "account_inactive": N_("the app was removed from this workspace"),
    "token_revoked": N_("the app's access to this workspace was revoked"),
    "invalid_auth": N_("the app's access to this workspace is no longer valid"),
}
#: Refusals after which nothing can be said there at all.
GONE = {"channel_not_found", "is_archived", "account_inactive", "token_revoked", "invalid_auth"}


def parse_message_ref(ref: str, default_channel: str) -> tuple[str, str]:
    """``"channel:ts"`` (what this adapter stores) -> (channel, ts)."""
    channel, sep, ts = ref.partition(":")
    return (channel, ts) if sep else (default_channel, ref)


def refusal(exc: SlackApiError) -> PostRefused | None:
    """The refusal a Web API error stands for, or None for a passing failure."""
    error = str(exc.response.get("error") or "")
    if error not in REFUSALS:
        return None
    return PostRefused(_(REFUSALS[error]), gone=error in GONE)


class Workspaces(Protocol):
    """How the surface reaches a workspace (the Slack app holds the tokens and the DMs)."""

    async def client_for(self, workspace: str) -> AsyncWebClient: ...

    async def private_channel(self, client: AsyncWebClient, workspace: str, user: str) -> str: ...


class SlackSurface:
    """The conductor's view of Slack (see :class:`adapters.kit.surface.Surface`)."""

    platform = "slack"
    capabilities = Capabilities(
        private_chats=True,
        live_counts=False,
        lobby=True,
    )

    def __init__(self, workspaces: Workspaces) -> None:
        self.bot = workspaces
        warn_without_public_url()

    async def _client(self, workspace: str) -> AsyncWebClient:
        try:
            return await self.bot.client_for(workspace)
        except LookupError:
            raise PostRefused(_(REFUSALS["account_inactive"]), gone=True) from None

    async def _call(self, method: str, client: AsyncWebClient, **params: Any) -> Any:
        """Call a Web API method; a lasting refusal becomes PostRefused."""
        try:
            return await getattr(client, method)(**params)
        except SlackApiError as exc:
            refused = refusal(exc)
            if refused is not None:
                raise refused from None
            raise

    async def _destination(
        self, client: AsyncWebClient, where: ChannelRef, owner: str | None
    ) -> str:
        if owner is None:
            return where.channel
        return await self._private_channel(client, where.workspace, owner)

    async def _private_channel(self, client: AsyncWebClient, workspace: str, user: str) -> str:
        try:
            return await self.bot.private_channel(client, workspace, user)
        except SlackApiError as exc:
            raise refusal(exc) or PostRefused(_("I can't open a direct message with you")) from None

    async def post_question(self, question: QuestionView) -> str:
        client = await self._client(question.channel.workspace)
        channel = await self._destination(client, question.channel, question.private_to)
        response = await self._send(
            "chat_postMessage", client, channel=channel, **blocks.question_message(question)
        )
        return f"{response['channel']}:{response['ts']}"

    async def post_lobby(self, lobby: LobbyView) -> str:
        client = await self._client(lobby.channel.workspace)
        response = await self._call(
            "chat_postMessage", client, channel=lobby.channel.channel, **lobby_message(lobby)
        )
        return f"{response['channel']}:{response['ts']}"

    async def edit_lobby(self, lobby: LobbyView) -> None:
        if lobby.message_ref is None:
            return
        client = await self._client(lobby.channel.workspace)
        channel, ts = parse_message_ref(lobby.message_ref, lobby.channel.channel)
        await self._call("chat_update", client, channel=channel, ts=ts, **lobby_message(lobby))

    async def _send(self, method: str, client: AsyncWebClient, **content: Any) -> Any:
        """Post or update a message; one Slack refuses for its picture (an address it cannot
        download) goes again with the picture as a link."""
        try:
            return await self._call(method, client, **content)
        except SlackApiError as exc:
            if exc.response.get("error") != "invalid_blocks" or not has_images(content):
                raise
            log.warning("Slack could not show a question's picture: %s", exc.response.get("errors"))
            return await self._call(method, client, **without_images(content))

    async def reveal(self, outcome: RoundOutcome, *, stopped: bool = False) -> None:
        client = await self._client(outcome.channel.workspace)
        content = blocks.reveal_message(outcome, stopped=stopped)
        if not outcome.message_ref:
            channel = await self._destination(client, outcome.channel, outcome.private_to)
            await self._call("chat_postMessage", client, channel=channel, **content)
            return
        channel, ts = parse_message_ref(outcome.message_ref, outcome.channel.channel)
        if outcome.private_to is not None:
            owner_dm = await self._private_channel(
                client, outcome.channel.workspace, outcome.private_to
            )
            if channel != owner_dm:  # a private answer is only ever shown in its owner's DM
                log.warning("not revealing private round %s outside its DM", outcome.round_id)
                return
        try:
            await self._send("chat_update", client, channel=channel, ts=ts, **content)
        except SlackApiError as exc:
            if exc.response.get("error") != "message_not_found":
                raise
            await self._call("chat_postMessage", client, channel=channel, **content)

    async def post_results(self, results: QuizResults) -> None:
        client = await self._client(results.channel.workspace)
        if results.private_to is not None:
            channel = await self._destination(client, results.channel, results.private_to)
            content = study_blocks.review_results_message(results)
        else:
            channel, content = results.channel.channel, blocks.results_message(results)
        await self._call("chat_postMessage", client, channel=channel, **content)

    async def end_daily(self, outcome: RoundOutcome) -> None:
        client = await self._client(outcome.channel.workspace)
        content = study_blocks.daily_results_message(outcome)
        await self._call("chat_postMessage", client, channel=outcome.channel.channel, **content)

    async def open_private(self, where: ChannelRef, user: str) -> str:
        client = await self._client(where.workspace)
        return await self._private_channel(client, where.workspace, user)

    async def tell(self, where: ChannelRef, user: str, text: str) -> None:
        """An ephemeral line in the channel; where the app cannot post there, a DM."""
        client = await self._client(where.workspace)
        content = blocks.notice(blocks.escape(text))
        try:
            await self._call(
                "chat_postEphemeral", client, channel=where.channel, user=user, **content
            )
        except PostRefused:
            dm = await self._private_channel(client, where.workspace, user)
            await self._call("chat_postMessage", client, channel=dm, **content)

    def owns(self, workspace: str) -> bool:
        return True  # every process serves every workspace
