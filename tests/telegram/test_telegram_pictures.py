"""Pictures on Telegram: a question's or flashcard's picture is a photo message sent just
before its text (uploaded when stored, by address when the bank gave one), captioned with
its alt text; the question stays a text message, so its buttons and the reveal work as
ever. The fake Bot API enforces the photo's size and kind and the caption's 1,024.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.domain import Question, QuestionKind
from bot.images import image_from_url
from bot.services.importer import BankImporter
from tests.image_samples import import_picture_banks
from tests.telegram.conftest import MakeFake
from tests.telegram.fake_telegram import FakeTelegram, RateLimits
from tests.telegram.harness import running_bot


@pytest.fixture
async def fake(make_fake_telegram: MakeFake, clock: FakeClock) -> FakeTelegram:
    return await make_fake_telegram(clock=clock, rate_limits=RateLimits(enabled=False))


def _photo_bytes(fake: FakeTelegram, message: dict) -> bytes:
    return fake.files[message["photo"][0]["file_id"]][1]


async def test_questions_and_cards_come_with_their_photos(
    fake: FakeTelegram, prepared_sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    alice = fake.add_user("Alice")
    group = fake.add_group("Study group", [alice])
    async with running_bot(fake, prepared_sqlite_url, clock, tmp_path) as bot:
        pictures = await import_picture_banks(bot.app, tmp_path)
        fake.send_text(alice, group, "/quiz start pics 2 20")
        question = await bot.message(group, "Question 1/2")
        messages = fake.bot_messages(group)
        photo = messages[messages.index(question) - 1]  # just before the question
        prompt = next(p for p in pictures if p in question["text"])
        assert _photo_bytes(fake, photo) == pictures[prompt]
        assert photo["caption"] in ("Shade 0", "Shade 1")
        assert question["reply_markup"]  # still a text message with its buttons

        fake.start_bot(alice)
        private = fake.private_chat(alice)
        assert private is not None
        fake.send_text(alice, group, "/flashcards piccards")
        card = await bot.message(private, "Flashcard · piccards")
        held = fake.bot_messages(private)
        photo = held[held.index(card) - 1]
        assert _photo_bytes(fake, photo) == pictures["Name this picture"]
        assert photo["caption"] == "One pixel"


async def test_a_web_address_is_handed_to_telegram_and_a_long_alt_is_cut(
    fake: FakeTelegram, prepared_sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    alice = fake.add_user("Alice")
    group = fake.add_group("Group", [alice])
    async with running_bot(fake, prepared_sqlite_url, clock, tmp_path) as bot:
        question = Question(
            kind=QuestionKind.TYPED,
            prompt="Which flag?",
            accepted=("France",),
            image=image_from_url("https://example.org/fr.png", alt="Blue, white, red. " * 100),
        )
        async with bot.app.db.transaction() as session:
            await BankImporter(session, bot.app.clock, bank_name="flags").run([question], "made")
        fake.send_text(alice, group, "/quiz start flags 1 20")
        await bot.message(group, "Question 1/1")
        [call] = fake.of("sendPhoto")
        assert call.params["photo"] == "https://example.org/fr.png"
        [photo] = [m for m in fake.bot_messages(group) if "photo" in m]
        assert len(photo["caption"]) <= 1024 and photo["caption"].endswith("…")


async def test_a_refused_photo_leaves_the_question_asked(
    fake: FakeTelegram, prepared_sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    """A group where the bot may not send photos still gets the question (as text)."""
    alice = fake.add_user("Alice")
    group = fake.add_group("Group", [alice])
    group.permissions["can_send_photos"] = False
    async with running_bot(fake, prepared_sqlite_url, clock, tmp_path) as bot:
        await import_picture_banks(bot.app, tmp_path)
        fake.send_text(alice, group, "/quiz start pics 1 20")
        await bot.message(group, "Question 1/1")
        assert fake.of("sendPhoto") and not [m for m in fake.bot_messages(group) if "photo" in m]
