"""Reading what the app sent: the texts of a recorded call, its winners, its receipts, and
the right or wrong button of a question from the test banks."""

from __future__ import annotations

import re
from typing import Any

from tests.slack.conftest import SlackDriver
from tests.slack.stub_slack_api import Call

#: Prompt (a part of it) -> the text of the right option, for the test banks.
CORRECT = {
    "Who gets pinged": "Nobody",
    "How many sides": "6",
    "capital of Italy": "Rome",
    "longest river": "Nile",
    "7 x 8": "56",
}


def mrkdwn_texts(call: Call) -> list[str]:
    """The fallback text and every mrkdwn text of a message or view."""
    found = [str(call.params.get("text", ""))]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(call.blocks)
    return found


def text_of(call: Call) -> str:
    return "\n".join(mrkdwn_texts(call))


def winners(call: Call) -> set[str]:
    """The names after "Got it right:" in a reveal."""
    found = re.search(r"Got it right: (.*?) ·", text_of(call))
    return set(found.group(1).split(", ")) if found else set()


def correct_button(call: Call) -> dict[str, Any]:
    text = text_of(call)
    right = next(answer for prompt, answer in CORRECT.items() if prompt in text)
    return next(b for b in call.buttons() if b["text"]["text"].split(". ", 1)[1].startswith(right))


def wrong_button(call: Call) -> dict[str, Any]:
    right = correct_button(call)
    return next(b for b in call.buttons() if b["action_id"] != right["action_id"])


def receipts_for(slack: SlackDriver, user: str) -> list[str]:
    """The ephemeral messages ``user`` was shown (receipts, private replies), in order."""
    return [e.text for e in slack.stub.ephemerals(user)]


async def wait_receipts(slack: SlackDriver, user: str, count: int) -> list[str]:
    await slack.stub.wait_for_ephemerals(user, count=count)
    return receipts_for(slack, user)
