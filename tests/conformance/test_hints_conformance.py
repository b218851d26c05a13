"""Hints on every chat adapter, through its fake platform: ``/quiz hint`` is shown to the
asker alone (Discord: an ephemeral response; Slack: an ephemeral ``response_url`` post;
Telegram: a message in their private chat, nothing in the group), a second hint on the same
question is refused (Telegram says so in the group, as it says every refusal), a hinted right
answer scores the rules' hint cost less, and it rates the player's mistake card Hard. (The
terminal has no ``/quiz`` commands: it has no hints.)"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.scoring import ScoringRules
from bot.services import QuizApp
from bot.store.models import AnswerRow, FlashcardStateRow, PlayerRow
from tests.conformance.drivers import Asked, Driver
from tests.conformance.test_conformance import ALICE, BOB, driver, needs
from tests.discord.reading import EPHEMERAL, KEY

__all__ = ["driver"]  # the fixture, run on every platform


@dataclass
class Shown:
    """What the one who asked was shown, and whether only they could see it."""

    text: str
    private: bool


async def ask_hint(driver: Driver, player: int) -> Shown:
    """``/quiz hint`` typed by ``player`` in the quiz's channel, as each platform does it."""
    if driver.name == "discord":
        user = driver.USERS[player]  # type: ignore[attr-defined]
        fake = driver.fake  # type: ignore[attr-defined]
        reply = await fake.reply_to(await fake.slash(user, "quiz", "hint"))
        data = reply["data"]
        return Shown(str(data.get("content") or ""), bool(data.get("flags", 0) & EPHEMERAL))
    if driver.name == "slack":
        from tests.conformance.drivers import wait_until
        from tests.slack.slack_reading import text_of

        user, name = driver.USERS[player]  # type: ignore[attr-defined]
        stub = driver.stub  # type: ignore[attr-defined]
        before = len(stub.calls)
        await driver.slack.command("hint", user, name)  # type: ignore[attr-defined]

        def said() -> Shown | None:
            for call in stub.calls[before:]:
                if call.method == "response_url" and call.source == "command":
                    private = call.params.get("response_type") == "ephemeral"
                    return Shown(text_of(call), private)
            return None

        return await wait_until(said, what="the hint reply")
    if driver.name == "telegram":
        fake = driver.fake  # type: ignore[attr-defined]
        user = driver.users[player]  # type: ignore[attr-defined]
        group = driver.group  # type: ignore[attr-defined]
        chat = fake.private_chat(user)
        in_group = len(fake.bot_messages(group))
        in_private = len(fake.bot_messages(chat)) if chat is not None else 0
        fake.send_text(user, group, "/quiz hint")

        def said() -> Shown | None:
            private = fake.bot_messages(fake.private_chat(user))[in_private:]
            public = fake.bot_messages(group)[in_group:]
            if private or public:
                return Shown(str((private or public)[-1]["text"]), bool(private) and not public)
            return None

        return await fake.wait_for(said, what="the hint reply")
    raise AssertionError(f"no /quiz hint on {driver.name}")


async def _points_and_ratings(database_url: str) -> dict[str, tuple[int, str | None]]:
    """(points of their answers, their mistake card's last rating) by lower-case name."""
    app = await QuizApp.open(database_url, load_banks=False)
    try:
        async with app.db.reads() as session:
            points = dict(
                (
                    await session.execute(
                        select(PlayerRow.name, AnswerRow.points).join(
                            AnswerRow, AnswerRow.player_id == PlayerRow.id
                        )
                    )
                ).all()
            )
            ratings = dict(
                (
                    await session.execute(
                        select(PlayerRow.name, FlashcardStateRow.last_rating).join(
                            FlashcardStateRow, FlashcardStateRow.player_id == PlayerRow.id
                        )
                    )
                ).all()
            )
    finally:
        await app.close()
    return {str(n).lower(): (int(p), ratings.get(n)) for n, p in points.items()}


async def test_a_hint_is_private_once_per_question_costs_points_and_rates_hard(
    driver: Driver,
) -> None:
    needs(driver, seats=2)
    if driver.name not in ("discord", "slack", "telegram"):
        return  # the terminal: no /quiz commands, no hints
    await driver.start_quiz(ALICE, count=4)
    for number in range(1, 5):  # the first question that is not true/false
        asked: Asked = await driver.question(number, 4)
        if KEY[asked.prompt]["kind"] != "true_false":
            break
        refused = await ask_hint(driver, BOB)  # it would give the answer away
        assert "give the answer away" in refused.text, refused
        await driver.deadline()
    shown = await ask_hint(driver, BOB)
    assert shown.private, shown
    assert (
        f"Hint for question {asked.number}" in shown.text
        and f"{ScoringRules().hint_cost} points" in (shown.text)
    )
    again = await ask_hint(driver, BOB)
    # (a refusal shows nothing of the answer: Telegram says it where the command was typed)
    assert "one hint per question" in again.text.lower(), again
    assert again.private or driver.name == "telegram"
    assert await driver.answer(BOB, asked, right=True) == "recorded"
    assert await driver.answer(ALICE, asked, right=True) == "recorded"
    await driver.deadline()
    await driver.revealed(asked)
    found = await _points_and_ratings(driver.database_url)
    correct = ScoringRules().correct
    assert found["alice"] == (correct, None)  # right unaided: no card
    assert found["bob"] == (correct - ScoringRules().hint_cost, "hard")
