"""Replies through ``response_url`` (receipts, command replies) go over one kept-alive HTTP
session: Bolt's own ``respond()`` opened a session and a connection (TLS to hooks.slack.com
included) for every message, so a busy channel paid a connection per click."""

from __future__ import annotations

import pytest

from adapters.slack.respond import KeptAliveRespond
from tests.slack.conftest import CHANNEL, SlackDriver


async def test_receipts_reuse_one_connection(slack: SlackDriver) -> None:
    assert (await slack.command("start slack-mc 2 60", "U0HOST", "host")).status == 200
    [question] = await slack.stub.wait_for("chat.postMessage", lambda c: bool(c.buttons()))
    buttons = question.buttons()
    players = ["U0ANN", "U0BEN", "U0CAT", "U0DAN"]
    for n, user in enumerate(players):  # one after another: each finds the connection idle
        reply = await slack.click(
            buttons[n % len(buttons)], user, user.lower(), message_ts=question.ts
        )
        assert reply.status == 200
        await slack.stub.wait_for_ephemerals(user, within=10)

    receipts = slack.stub.ephemerals()
    assert [r.user for r in receipts] == players
    assert all("Recorded" in r.text and r.channel == CHANNEL for r in receipts)
    # The same message as before: ephemeral, not replacing the question.
    assert all(r.call.params["response_type"] == "ephemeral" for r in receipts)
    assert all(r.call.params["replace_original"] is False for r in receipts)
    peers = {c.peer for c in slack.stub.of("response_url")}
    assert len(peers) == 1 and None not in peers

    # The session is the process's, closed when Slack stops.
    session = slack.bot.responder.session
    assert not session.closed
    await slack.service.close()
    assert session.closed


async def test_respond_takes_a_whole_message_and_needs_a_response_url(
    slack: SlackDriver,
) -> None:
    url = slack.response_url("U0ANN", CHANNEL, "action")
    respond = KeptAliveRespond(response_url=url, session=slack.bot.responder.session)
    sent = await respond({"text": "as a dict", "response_type": "ephemeral"})
    assert sent.status_code == 200
    [shown] = await slack.stub.wait_for_ephemerals("U0ANN", within=10)
    assert shown.text == "as a dict"

    with pytest.raises(ValueError, match="no response_url"):
        await KeptAliveRespond(response_url=None, session=slack.bot.responder.session)("hi")
