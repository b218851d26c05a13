"""Discord in the group's language: a real discord.py client against the fake Discord.

What only the asker sees (ephemeral replies, errors, the typed-answer form) follows their
Discord client's locale; what the channel sees (questions, live counts, reveals, results, the
lobby and its buttons) follows the channel's ``language`` setting, whoever caused it. The
slash commands are registered with Spanish and German descriptions and choice names, which
the fake checks against Discord's rules for localizations (a translation too long for
Discord is refused there, as Discord refuses it).
"""

from __future__ import annotations

from typing import Any

import pytest

from adapters.discord import localized
from bot.clock import FakeClock
from tests.discord.fake_discord import CHANNEL_ID, FakeDiscord, FakeUser
from tests.discord.fake_rules import COMMAND_DESCRIPTION, EMBED_LINKS, command_errors
from tests.discord.harness import StartBot
from tests.discord.reading import (
    ADMIN,
    ALICE,
    BOB,
    EPHEMERAL,
    KEY,
    buttons,
    embed,
    field,
    private_reply,
    prompt_of,
)


def public_question(fake: FakeDiscord) -> dict[str, Any] | None:
    """The first public question message (an embed with answer buttons)."""
    for message in fake.channel_messages():
        if message["embeds"] and message["components"] and "fields" in embed(message):
            return message
    return None


def the_message(fake: FakeDiscord, title_start: str) -> dict[str, Any] | None:
    return next(
        (
            m
            for m in fake.channel_messages()
            if m["embeds"] and embed(m)["title"].startswith(title_start)
        ),
        None,
    )


async def set_language(fake: FakeDiscord, language: str) -> dict[str, Any]:
    """A moderator sets the channel's language (``/quiz settings language:``)."""
    reply = await fake.reply_to(await fake.slash(ADMIN, "quiz", "settings", language=language))
    assert not reply["data"].get("flags", 0) & EPHEMERAL, reply  # the channel is told
    return reply


async def answer_as(
    fake: FakeDiscord, user: FakeUser, message: dict[str, Any], locale: str, *, right: bool
) -> str:
    """Click an option of a public question as ``user`` from a client in ``locale``; the
    private receipt."""
    mid = int(message["id"])
    key = KEY[prompt_of(message)]
    assert key["kind"] != "typed"
    right_text = key["right"]
    chosen = next(
        custom_id
        for custom_id, label in buttons(message).items()
        if (label.split(" · ", 1)[-1] == right_text) == right
    )
    return await private_reply(fake, await fake.click(user, mid, chosen, locale=locale))


async def type_as(
    fake: FakeDiscord, user: FakeUser, message: dict[str, Any], locale: str, text: str
) -> tuple[str, str]:
    """Press Answer under a typed question as ``user`` from a client in ``locale`` and send
    ``text`` through the form: (the form's title, the private receipt)."""
    mid = int(message["id"])
    (typed,) = buttons(message)
    modal = await fake.reply_to(await fake.click(user, mid, typed, locale=locale))
    assert modal["type"] == 9, modal
    sent = await fake.submit_modal(
        user, modal["data"]["custom_id"], {"answer": text}, message_id=mid, locale=locale
    )
    return modal["data"]["title"], await private_reply(fake, sent)


# -- the asker's language and the channel's ----------------------------------------------------


async def test_a_spanish_client_reads_spanish_replies_in_an_english_channel(
    fake: FakeDiscord, start_bot: StartBot, clock: FakeClock
) -> None:
    bot = await start_bot()
    await set_language(fake, "en")

    # Only Alice sees these: in her client's Spanish.
    banks = await fake.reply_to(await fake.slash(ALICE, "quiz", "banks", locale="es-ES"))
    assert banks["data"]["flags"] & EPHEMERAL
    assert embed(banks["data"])["title"] == "Bancos de preguntas"
    assert "preguntas" in embed(banks["data"])["description"]
    # The same command from an English client stays English.
    english = await fake.reply_to(await fake.slash(BOB, "quiz", "banks"))
    assert embed(english["data"])["title"] == "Question banks"

    # An error only she sees: Spanish too.
    fake.set_permissions(CHANNEL_ID, revoke=EMBED_LINKS)
    refused = await private_reply(
        fake, await fake.slash(ALICE, "quiz", "start", bank="demo", locale="es-419")
    )
    assert refused.startswith("Aquí necesito el permiso Embed Links: pide a un moderador"), refused
    fake.set_permissions(CHANNEL_ID, grant=EMBED_LINKS)

    # She starts a quiz: everyone sees it, in the channel's English.
    start = await fake.slash(
        ALICE, "quiz", "start", bank="demo", topic="Space", seconds=20, locale="es-ES"
    )
    reply = await fake.reply_to(start)
    assert not reply["data"].get("flags", 0) & EPHEMERAL
    question = await fake.wait_for(lambda: public_question(fake), what="the question")
    assert embed(question)["title"].startswith("Question 1/1")
    assert field(embed(question), "Answers") == "no answers yet"
    assert "Closes <t:" in embed(question)["description"]

    mid = int(question["id"])
    bob_receipt = await answer_as(fake, BOB, question, "en-US", right=False)
    assert bob_receipt.startswith("recorded: "), bob_receipt
    await fake.wait_for(
        lambda: field(embed(fake.messages[mid]), "Answers") == "1 answered", what="Bob's count"
    )
    receipt = await answer_as(fake, ALICE, question, "es-ES", right=True)
    assert receipt.startswith("registrada: "), receipt
    await fake.wait_for(  # the public count: English, though Alice's click was Spanish
        lambda: field(embed(fake.messages[mid]), "Answers") == "2 answered",
        what="the count, in English",
    )

    clock.advance(seconds=21)
    await bot.client.ticker.tick()
    results = await fake.wait_for(lambda: the_message(fake, "Quiz over"), what="the results")
    revealed = embed(fake.messages[mid])
    assert field(revealed, "Answer") is not None
    assert field(revealed, "Got it right") == "Alice"
    assert results["embeds"][0]["footer"]["text"] == "1 question played"
    for message in fake.channel_messages():  # nothing public went out in Spanish
        text = str(message)
        assert "registrada" not in text and "Respuesta" not in text and "Pregunta" not in text


async def test_a_german_channel_gets_german_public_messages_whoever_plays(
    fake: FakeDiscord, start_bot: StartBot, clock: FakeClock
) -> None:
    bot = await start_bot()
    await set_language(fake, "de")

    # An English client starts a quiz with a lobby: the lobby is the channel's, in German.
    start = await fake.slash(
        ALICE, "quiz", "start", bank="demo", topic="Geography", seconds=20, lobby=True
    )
    await fake.reply_to(start)
    lobby = fake.response_message(start)
    labels = sorted(buttons(lobby).values())
    assert labels == ["Mitmachen", "Starten"]  # Join and Start, in German
    join_id = next(c for c, label in buttons(lobby).items() if label == "Mitmachen")
    begin_id = next(c for c, label in buttons(lobby).items() if label == "Starten")
    for user in (ALICE, BOB):
        await private_reply(fake, await fake.click(user, int(lobby["id"]), join_id))
    await fake.click(ALICE, int(lobby["id"]), begin_id)  # acknowledged as an update

    question = await fake.wait_for(lambda: public_question(fake), what="question 1")
    assert embed(question)["title"].startswith("Frage 1/1")
    assert field(embed(question), "Antworten") == "noch keine Antworten"
    assert list(buttons(question).values()) == ["Antworten"]  # the Answer button
    assert "**Antworten**" in embed(question)["description"]

    # Alice's client is English: her form and receipt are English, the public count German.
    title, receipt = await type_as(fake, ALICE, question, "en-US", "Paris")
    assert title == "Your answer"
    assert "gespeichert" not in receipt
    mid = int(question["id"])
    await fake.wait_for(
        lambda: field(embed(fake.messages[mid]), "Antworten") == "1 hat geantwortet",
        what="the count, in German",
    )
    # Bob's client is German: his form is too. His answer closes the round (all have answered).
    title, _receipt = await type_as(fake, BOB, question, "de", "Lyon")
    assert title == "Deine Antwort"

    clock.advance(seconds=21)
    await bot.client.ticker.tick()
    results = await fake.wait_for(lambda: the_message(fake, "Quiz vorbei"), what="the results")
    revealed = embed(fake.messages[mid])
    assert field(revealed, "Antwort") is not None
    assert field(revealed, "Richtig geantwortet") == "Alice"
    assert results["embeds"][0]["footer"]["text"] == "1 Frage gespielt"
    assert "**1.** Alice — " in results["embeds"][0]["description"]
    assert " Pkt. (1/1 richtig)" in results["embeds"][0]["description"]


async def test_a_german_client_reviews_flashcards_with_german_buttons(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot()
    review = await fake.slash(ALICE, "flashcards", bank="demo", locale="de")
    await fake.reply_to(review)
    card = fake.response_message(review)
    assert embed(card)["title"] == "Karteikarten · demo"
    assert embed(card)["footer"]["text"] == "Jetzt fällig: 0 · neu: 1"
    (show,) = buttons(card).items()
    assert show[1] == "Antwort zeigen"
    await fake.reply_to(await fake.click(ALICE, int(card["id"]), show[0], locale="de"))
    turned = fake.messages[int(card["id"])]
    assert sorted(buttons(turned).values()) == ["Gut", "Leicht", "Nochmal", "Schwer"]
    assert field(embed(turned), "Antwort") is not None


async def test_banks_say_their_language_and_can_be_filtered_by_it(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot()
    english = await fake.reply_to(await fake.slash(BOB, "quiz", "banks", language="en"))
    listed = embed(english["data"])["description"]
    assert "**demo** — " in listed and "questions in English" in listed
    german = await fake.reply_to(await fake.slash(BOB, "quiz", "banks", locale="de"))
    assert "Fragen auf Englisch" in embed(german["data"])["description"]
    spanish = await fake.reply_to(
        await fake.slash(ALICE, "quiz", "banks", language="es", locale="es-ES")
    )
    assert embed(spanish["data"])["description"] == "Aún no hay bancos."  # none in Spanish


# -- the slash commands' localizations -------------------------------------------------------


def _command(fake: FakeDiscord, name: str) -> dict[str, Any]:
    return next(c for c in fake.commands if c["name"] == name)


def _option(command: dict[str, Any], *names: str) -> dict[str, Any]:
    for name in names:
        command = next(o for o in command["options"] if o["name"] == name)
    return command


async def test_the_synced_commands_carry_spanish_and_german_localizations(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot()
    quiz = _command(fake, "quiz")
    assert quiz["description"] == "Quizzes in this channel"
    assert quiz["description_localizations"] == {
        "es-ES": "Quiz en este canal",
        "es-419": "Quiz en este canal",
        "de": "Quiz in diesem Kanal",
    }
    questions = _option(quiz, "start", "questions")
    assert questions["description"] == "How many questions (1-100)"
    assert questions["description_localizations"]["de"] == "Wie viele Fragen (1-100)"
    mode = _option(quiz, "start", "mode")
    hardest = next(c for c in mode["choices"] if c["value"] == "hardest")
    assert hardest["name"] == "hardest"
    assert hardest["name_localizations"]["es-ES"] == "las más difíciles"
    day = _option(quiz, "schedule", "day")
    friday = next(c for c in day["choices"] if c["value"] == "fri")
    assert friday["name_localizations"] == {
        "es-ES": "viernes",
        "es-419": "viernes",
        "de": "Freitag",
    }
    language = _option(quiz, "settings", "language")
    assert [c["name"] for c in language["choices"]] == ["English", "Español", "Deutsch"]
    assert "description_localizations" in _command(fake, "flashcards")

    # Names stay English in every client: one command for the whole group.
    def names(item: dict[str, Any]) -> None:
        assert not item.get("name_localizations"), item["name"]
        for child in item.get("options") or []:
            names(child)

    for command in fake.commands:
        names(command)
    # Every description everywhere has its German and Spanish.
    described: list[dict[str, Any]] = []

    def descriptions(item: dict[str, Any]) -> None:
        described.append(item)
        for child in item.get("options") or []:
            descriptions(child)

    for command in fake.commands:
        descriptions(command)
    for item in described:
        assert set(item.get("description_localizations") or {}) == set(localized.LOCALES), item
    assert not fake.refused_commands


async def test_a_translated_description_too_long_for_discord_is_refused(
    fake: FakeDiscord, start_bot: StartBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = localized.gettext

    def wordy(message: str) -> str:
        text = real(message)
        if message == "Only questions on this topic" and text != message:
            return text + " " + "x" * COMMAND_DESCRIPTION
        return text

    monkeypatch.setattr(localized, "gettext", wordy)
    await start_bot()
    await fake.wait_for(lambda: fake.refused_commands, what="the sync to be refused")
    (errors,) = fake.refused_commands
    topic = errors["0"]["options"]["0"]["options"]["3"]
    assert set(topic["description_localizations"]) == {"es-ES", "es-419", "de"}
    assert not fake.commands  # Discord kept none of them
    fake.refused_commands.clear()  # seen: the fixture would fail the test for it


def test_the_fake_knows_discords_rules_for_localizations() -> None:
    def command(**changes: Any) -> list[dict[str, Any]]:
        base = {"name": "quiz", "type": 1, "description": "Quizzes", "options": []}
        return [{**base, **changes}]

    assert command_errors(command(description_localizations={"de": "Quiz hier"})) == {}
    bad_locale = command_errors(command(description_localizations={"es": "Quiz"}))
    assert "es" in bad_locale["0"]["description_localizations"]
    empty = command_errors(command(description_localizations={"de": ""}))
    assert "de" in empty["0"]["description_localizations"]
    long_choice = command(
        options=[
            {
                "type": 3,
                "name": "mode",
                "description": "Which",
                "choices": [{"name": "a", "value": "a", "name_localizations": {"de": "b" * 101}}],
            }
        ]
    )
    assert command_errors(long_choice)["0"]["options"]["0"]["choices"]["0"]
    assert command_errors(command(name="Quiz"))  # names are lower case
    huge = command(
        options=[
            {
                "type": 1,
                "name": f"sub{n}",
                "description": "d" * 100,
                "description_localizations": {"de": "e" * 100},
                "options": [
                    {"type": 3, "name": f"o{m}", "description": "f" * 100} for m in range(5)
                ],
            }
            for n in range(7)
        ]
    )
    assert "APPLICATION_COMMAND_TOO_LARGE" in str(command_errors(huge))


def test_command_names_are_never_translated() -> None:
    from discord.app_commands import TranslationContextLocation as Where
    from discord.app_commands import locale_str

    assert localized.translated(locale_str("start"), Where.command_name, "es") is None
    assert localized.translated(locale_str("bank"), Where.parameter_name, "de") is None
    described = localized.described("How many questions ({low}-{high})", low=1, high=5)
    assert str(described) == "How many questions (1-5)"
    assert (
        localized.translated(described, Where.parameter_description, "es")
        == "Cuántas preguntas (1-5)"
    )
    assert localized.translated(locale_str("off"), Where.choice_name, "de") == "entfernen"


async def test_a_changed_translation_registers_the_commands_again(
    fake: FakeDiscord, start_bot: StartBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def syncs() -> int:
        return sum(1 for c in fake.calls if c.method == "PUT" and c.path.endswith("/commands"))

    bot = await start_bot()
    assert syncs() == 1
    await bot.stop()
    bot = await start_bot()  # the same commands and translations: not registered again
    assert syncs() == 1
    await bot.stop()

    real = localized.gettext

    def retranslated(message: str) -> str:
        text = real(message)
        return "Quiz hier" if text == "Quiz in diesem Kanal" else text

    monkeypatch.setattr(localized, "gettext", retranslated)
    await start_bot()
    await fake.wait_for(lambda: syncs() == 2, what="the commands registered again")
    assert _command(fake, "quiz")["description_localizations"]["de"] == "Quiz hier"
