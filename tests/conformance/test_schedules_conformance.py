"""Scheduled quizzes on every chat adapter, through its fake platform: a player who does not
moderate is refused ``/quiz schedule weekly ...`` (and nothing is scheduled), a moderator's
schedule is announced to the channel and listed, and when it falls due the platform's own
ticker posts question 1 in the channel, with no one typing ``/quiz start``; ``schedule off``
removes it. (The terminal has no channel to schedule a quiz in.)"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conformance.drivers import Driver
from tests.conformance.test_conformance import BOB, driver, needs
from tests.discord.reading import KEY

__all__ = ["driver"]  # the fixture, run on every platform

WEEKLY = "weekly fri 17:00 Europe/London 2 questions demo"


async def schedule(driver: Driver, player: int | None, words: str) -> str:
    """``/quiz schedule WORDS`` by ``player`` (None: a moderator); the reply they see."""
    if driver.name == "discord":
        from tests.discord.reading import QUIZMASTER

        user = QUIZMASTER if player is None else driver.USERS[player]  # type: ignore[attr-defined]
        fake = driver.fake  # type: ignore[attr-defined]
        options: dict[str, object] = {}
        parts = words.split()
        if parts and parts[0] in ("daily", "weekly", "off", "list"):
            options["every"] = parts.pop(0)
        if options.get("every") == "weekly":
            options["day"] = parts.pop(0)
        if options.get("every") in ("daily", "weekly"):
            options["time"], options["timezone"] = parts.pop(0), parts.pop(0)
            options["questions"], _, options["bank"] = int(parts[0]), parts[1], parts[2]
        elif options.get("every") == "off" and parts:
            options["number"] = int(parts[0])
        reply = await fake.reply_to(await fake.slash(user, "quiz", "schedule", **options))
        return str(reply["data"].get("content") or "")
    if driver.name == "slack":
        from tests.conformance.drivers import wait_until
        from tests.slack.slack_reading import text_of

        user, name = ("U0ADMIN", "admin") if player is None else driver.USERS[player]  # type: ignore[attr-defined]
        stub = driver.stub  # type: ignore[attr-defined]
        before = len(stub.calls)
        await driver.slack.command(f"schedule {words}".strip(), user, name)  # type: ignore[attr-defined]

        def said() -> str | None:
            for call in stub.calls[before:]:
                if call.method == "response_url" and call.source == "command":
                    return text_of(call)
            return None

        return await wait_until(said, what="the schedule reply")
    if driver.name == "telegram":
        fake = driver.fake  # type: ignore[attr-defined]
        group = driver.group  # type: ignore[attr-defined]
        user = driver.moderator if player is None else driver.users[player]  # type: ignore[attr-defined]
        before = len(fake.bot_messages(group))
        fake.send_text(user, group, f"/quiz schedule {words}".strip())
        messages = await fake.wait_for(
            lambda: fake.bot_messages(group)[before:], what="the schedule reply"
        )
        return str(messages[-1]["text"])
    raise AssertionError(f"no /quiz schedule on {driver.name}")


async def test_a_due_schedule_posts_question_one(driver: Driver) -> None:
    if not driver.channel_settings:
        pytest.skip(f"{driver.name} has no channel to schedule a quiz in")
    needs(driver, seats=2)
    driver.clock.set(datetime(2026, 12, 1, 12, tzinfo=UTC))  # a Tuesday, GMT
    refused = await schedule(driver, BOB, WEEKLY)
    assert "only a moderator" in refused.lower()
    assert "No quiz is scheduled here" in await schedule(driver, BOB, "")
    added = await schedule(driver, None, WEEKLY)
    assert "scheduled a quiz" in added and "every Friday at 17:00 (Europe/London)" in added
    listed = await schedule(driver, BOB, "list")
    assert "#1: a quiz every Friday at 17:00" in listed and "Fri 4 Dec 2026, 17:00" in listed

    driver.clock.set(datetime(2026, 12, 4, 16, 59, tzinfo=UTC))
    await driver.tick()
    driver.clock.set(datetime(2026, 12, 4, 17, 0, 1, tzinfo=UTC))
    await driver.tick()
    asked = await driver.question(1, 2)  # posted by the ticker: nobody typed /quiz start
    assert asked.prompt in KEY
    assert "stopped by" in (await driver.stop(None)).lower()

    removed = await schedule(driver, None, "off 1")
    assert "removed the scheduled quiz #1" in removed
    assert "No quiz is scheduled here" in await schedule(driver, BOB, "list")
