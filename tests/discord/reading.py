"""Test users, and reading what the bot sent: buttons, embeds, questions, reveals, replies.

Shared by the Discord end-to-end tests. The demo bank's answer key lets a test click the
right (or a wrong) option of any question the bot asks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.discord.fake_discord import (
    DEFAULT_PERMISSIONS,
    MANAGE_GUILD,
    MODERATOR_ROLE_ID,
    FakeDiscord,
    FakeUser,
    Sent,
)

ALICE = FakeUser(3_000_000_000_000_000_001, "alice")
BOB = FakeUser(3_000_000_000_000_000_002, "bob")
CAROL = FakeUser(3_000_000_000_000_000_003, "carol")
DANA = FakeUser(3_000_000_000_000_000_004, "dana")
QUIZMASTER = FakeUser(3_000_000_000_000_000_005, "quinn", roles=(MODERATOR_ROLE_ID,))
ADMIN = FakeUser(3_000_000_000_000_000_006, "erin", permissions=DEFAULT_PERMISSIONS | MANAGE_GUILD)

EPHEMERAL = 64
DEMO = Path(__file__).resolve().parents[2] / "questions" / "demo.yaml"


def answer_key() -> dict[str, dict[str, Any]]:
    """The demo bank's questions by prompt: kind and the right answer's text."""
    key = {}
    for q in yaml.safe_load(DEMO.read_text())["questions"]:
        if q["type"] == "multiple_choice":
            right = q["options"]["ABCDEFGHIJ".index(q["answer"])]
        elif q["type"] == "true_false":
            right = "True" if q["answer"] else "False"
        elif q["type"] == "typed":
            right = q["answers"][0]
        else:
            continue
        key[q["question"]] = {"kind": q["type"], "right": str(right), "why": q["explanation"]}
    return key


KEY = answer_key()


# -- reading what the bot sent --------------------------------------------------------------


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """custom_id -> label of a message's buttons."""
    return {
        c["custom_id"]: c.get("label", "")
        for row in message["components"]
        for c in row["components"]
        if "custom_id" in c
    }


def embed(message: dict[str, Any]) -> dict[str, Any]:
    return message["embeds"][0]


def field(message_embed: dict[str, Any], name: str) -> str | None:
    return next((f["value"] for f in message_embed.get("fields", []) if f["name"] == name), None)


def prompt_of(message: dict[str, Any]) -> str:
    description = embed(message)["description"]
    return next(p for p in KEY if description.startswith(p))


def question_message(fake: FakeDiscord, number: int, total: int) -> dict[str, Any] | None:
    """The public message asking question ``number``, once posted."""
    for message in fake.channel_messages():
        if message["embeds"] and embed(message)["title"].startswith(f"Question {number}/{total}"):
            return message
    return None


def option_buttons(message: dict[str, Any]) -> tuple[str, str]:
    """(a right option's custom id, a wrong one's) of a multiple-choice or true/false question."""
    right_text = KEY[prompt_of(message)]["right"]
    right = wrong = None
    for custom_id, label in buttons(message).items():
        if label.split(" · ", 1)[1] == right_text:
            right = custom_id
        else:
            wrong = custom_id
    assert right and wrong
    return right, wrong


def results_message(fake: FakeDiscord) -> dict[str, Any] | None:
    return next(
        (
            m
            for m in fake.channel_messages()
            if m["embeds"] and embed(m)["title"].startswith("Quiz over")
        ),
        None,
    )


def revealed(fake: FakeDiscord, message_id: int) -> bool:
    message = fake.messages[message_id]
    return not message["components"] and field(embed(message), "Answer") is not None


async def private_reply(fake: FakeDiscord, sent: Any, within: float = 30.0) -> str:
    """The ephemeral text the bot answered an interaction with (waiting up to ``within`` s)."""
    reply = await fake.reply_to(sent, within)
    assert reply["type"] == 4, reply
    assert reply["data"]["flags"] & EPHEMERAL, reply
    return str(reply["data"]["content"])


def assert_never_pings(fake: FakeDiscord) -> None:
    """Every message the bot sent or edited had mentions disabled."""
    calls = fake.message_calls()
    assert calls
    for call in calls:
        body = call.json["data"] if call.path.endswith("/callback") else call.json
        assert body.get("allowed_mentions") == {"parse": []}, (call.method, call.path, body)


def results_messages(fake: FakeDiscord) -> list[dict[str, Any]]:
    """Every public "Quiz over" message, oldest first."""
    return [
        m
        for m in fake.channel_messages()
        if m["embeds"] and embed(m)["title"].startswith("Quiz over")
    ]


async def answer(
    fake: FakeDiscord, user: FakeUser, message: dict[str, Any], *, right: bool
) -> Sent:
    """Answer a question the bot showed, rightly or not: click an option, or (for a typed
    answer) press Answer and submit the form. Returns the interaction that answered."""
    mid = int(message["id"])
    key = KEY[prompt_of(message)]
    if key["kind"] != "typed":
        right_id, wrong_id = option_buttons(message)
        return await fake.click(user, mid, right_id if right else wrong_id)
    (typed_button,) = buttons(message)
    modal = await fake.reply_to(await fake.click(user, mid, typed_button))
    assert modal["type"] == 9, modal
    text = key["right"] if right else "no idea"
    return await fake.submit_modal(
        user, modal["data"]["custom_id"], {"answer": text}, message_id=mid
    )
