"""Pictures on Discord: a question's or flashcard's stored picture is uploaded with its
message and shown as the embed's image (``attachment://``), so no public address is
needed; a bank's web address is the embed image as it is. The fake enforces Discord's
upload limits (10 files, 10 MiB) and shows ``attachment://`` images as Discord does.
"""

from __future__ import annotations

from pathlib import Path

from bot.clock import FakeClock
from bot.domain import Question, QuestionKind
from bot.formats import parse_path
from bot.images import image_from_url
from bot.services.importer import BankImporter
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import StartBot, wait_until
from tests.discord.reading import ALICE, DANA, EPHEMERAL, buttons, embed, question_message
from tests.formats.anki_packages import sample_package
from tests.image_samples import import_picture_banks, png


def _shown(fake: FakeDiscord, message: dict) -> bytes:
    """The bytes of the picture a message's embed shows (one of its uploaded files)."""
    url = embed(message)["image"]["url"]
    (attachment,) = [a for a in message["attachments"] if a["url"] == url]
    return fake.uploads[int(attachment["id"])]


async def test_questions_show_their_stored_pictures(
    fake: FakeDiscord, start_bot: StartBot, clock: FakeClock, tmp_path: Path
) -> None:
    bot = await start_bot()
    pictures = await import_picture_banks(bot.app, tmp_path)

    start = await fake.slash(ALICE, "quiz", "start", bank="pics", questions=2, seconds=20)
    reply = await fake.reply_to(start)
    first = fake.response_message(start)  # the first question is the reply to /quiz start
    assert reply["data"]["embeds"][0]["image"]["url"].startswith("https://cdn.discordapp.com/")
    assert _shown(fake, first) == pictures[embed(first)["description"].split("\n")[0]]

    clock.advance(seconds=20)
    assert await bot.client.ticker.tick() == 1
    await wait_until(lambda: question_message(fake, 2, 2) is not None, what="question 2")
    second = question_message(fake, 2, 2)
    assert second is not None
    assert _shown(fake, second) == pictures[embed(second)["description"].split("\n")[0]]
    # The reveal keeps the uploaded picture on the question's message.
    await wait_until(lambda: "Answer" in str(fake.messages[int(first["id"])]["embeds"]))
    assert fake.messages[int(first["id"])]["attachments"]


async def test_a_flashcard_shows_its_picture_and_the_next_card_replaces_it(
    fake: FakeDiscord, start_bot: StartBot, tmp_path: Path
) -> None:
    bot = await start_bot()
    pictures = await import_picture_banks(bot.app, tmp_path)
    review = await fake.slash(DANA, "flashcards", bank="piccards")
    reply = await fake.reply_to(review)
    assert reply["data"]["flags"] & EPHEMERAL
    card = fake.response_message(review)
    assert embed(card)["description"] == "Name this picture"
    assert _shown(fake, card) == pictures["Name this picture"]


async def test_a_web_address_is_the_embed_image(
    fake: FakeDiscord, start_bot: StartBot, tmp_path: Path
) -> None:
    bot = await start_bot()
    question = Question(
        kind=QuestionKind.TRUE_FALSE,
        prompt="Is this a flag?",
        options=("True", "False"),
        correct=0,
        image=image_from_url("https://example.org/flag.png", alt="A flag"),
    )
    async with bot.app.db.transaction() as session:
        await BankImporter(session, bot.app.clock, bank_name="web").run([question], "made")
    start = await fake.slash(ALICE, "quiz", "start", bank="web", questions=1)
    reply = await fake.reply_to(start)
    assert reply["data"]["embeds"][0]["image"]["url"] == "https://example.org/flag.png"
    assert not [c for c in fake.calls if c.files]  # nothing uploaded


async def test_the_fake_refuses_uploads_over_discords_limit(
    fake: FakeDiscord, start_bot: StartBot, tmp_path: Path
) -> None:
    """A picture over the upload limit is refused as Discord does (413), so a change that
    sent bigger files would fail here."""
    fake.rules.upload_bytes = 10  # every picture is bigger
    bot = await start_bot()
    await import_picture_banks(bot.app, tmp_path)
    start = await fake.slash(ALICE, "quiz", "start", bank="pics", questions=2, seconds=20)
    await wait_until(lambda: any(c.status == 413 for c in fake.calls), what="a 413")
    assert not any(c.ok and c.files for c in fake.calls)
    del start


async def test_an_anki_packages_card_shows_its_picture(
    fake: FakeDiscord, start_bot: StartBot, tmp_path: Path
) -> None:
    """A package written by genanki (Basic, reversed and Cloze notes, a picture in its
    media) imports with a card per Anki card, and its picture card shows the picture."""
    bot = await start_bot()
    package = sample_package(tmp_path / "geography.apkg")
    async with bot.app.db.transaction() as session:
        summary = await BankImporter(session, bot.app.clock).run(parse_path(package), str(package))
    assert (summary.bank, summary.new, summary.skipped) == ("geography", 11, 0)

    review = await fake.slash(DANA, "flashcards", bank="geography")
    await fake.reply_to(review)
    card = fake.response_message(review)
    message_id = int(card["id"])
    assert embed(card)["description"] == "What is the capital of France?"
    assert not card["attachments"]
    (show,) = buttons(fake.messages[message_id])
    await fake.reply_to(await fake.click(DANA, message_id, show))
    good = next(c for c, label in buttons(fake.messages[message_id]).items() if label == "Good")
    await fake.reply_to(await fake.click(DANA, message_id, good))
    flag = fake.messages[message_id]  # the next card replaces the first
    assert embed(flag)["description"] == "Which country has this flag?"
    assert _shown(fake, flag) == png(7)  # the package's flag_mali.png
