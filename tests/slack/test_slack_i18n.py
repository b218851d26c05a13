"""Slack speaks each reader's language: end to end through the real Bolt app, the stub Web
API and the real core.

What only one user sees (command replies, receipts, modals, flashcards) is in their Slack
locale (``users.info`` with ``include_locale=true``, asked once and kept) when quizbot speaks
it, else in the channel's language; what the channel sees (questions, reveals, results, the
lobby and its buttons) is in the channel's language (``/quiz settings language:de``). A
``users.info`` that fails (``missing_scope``, ``user_not_found``, slow) falls back to the
channel's language without holding the request up.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from adapters.slack import blocks
from adapters.slack.locales import UserLocales
from bot.clock import FakeClock
from bot.i18n import use_language
from bot.services import QuizApp
from bot.services.importer import load_shipped_banks
from bot.views import BankSummary
from tests.slack.conftest import CHANNEL, SlackDriver
from tests.slack.slack_reading import correct_button, text_of, wait_receipts, wrong_button
from tests.slack.stub_slack_api import Call, StubSlackApi

SPANISH_HELP = "quiz y tarjetas para grupos de estudio"
GERMAN_HELP = "Quiz und Karteikarten für Lerngruppen"
ENGLISH_HELP = "quizzes and flashcards for study groups"


@pytest.fixture(autouse=True)
def _english_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUIZBOT_LANGUAGE", raising=False)


def speakers(stub: StubSlackApi) -> None:
    """Ana's Slack is in Spanish, Emil's in English; Bob's says nothing (no locale)."""
    stub.users["U0ANA"] = {"locale": "es-ES"}
    stub.users["U0EMIL"] = {"locale": "en-US"}


def locale_lookups(stub: StubSlackApi, user: str) -> list[Call]:
    return [c for c in stub.user_lookups(locales=True) if c.params["user"] == user]


async def reply_to(slack: SlackDriver, text: str, user: str, name: str) -> Call:
    """Run ``/quiz <text>`` and return its reply (through the command's response_url)."""
    before = len(await slack.stub.command_replies(0))
    await slack.command(text, user, name)
    return (await slack.stub.command_replies(before + 1))[before]


async def set_channel_language(slack: SlackDriver, language: str) -> Call:
    """A moderator (SLACK_MODERATORS) sets the channel's language; the public notice."""
    return await reply_to(slack, f"settings language:{language}", "U0MOD", "mod")


# --- the stub models users.info as Slack does ------------------------------------------------


async def test_stub_users_info_locale_scope_and_unknown_users(slack: SlackDriver) -> None:
    stub, client = slack.stub, slack.bot.bolt.client
    speakers(stub)
    plain = await client.users_info(user="U0ANA")
    assert "locale" not in plain["user"]  # only for those who ask
    asked = await client.users_info(user="U0ANA", include_locale=True)
    assert asked["user"]["locale"] == "es-ES"
    stub.unknown_users.add("U0GHOST")
    with pytest.raises(Exception) as missing:
        await client.users_info(user="U0GHOST", include_locale=True)
    assert missing.value.response["error"] == "user_not_found"  # type: ignore[attr-defined]
    stub.take_scope("users:read")
    with pytest.raises(Exception) as refused:
        await client.users_info(user="U0ANA", include_locale=True)
    answer = refused.value.response  # type: ignore[attr-defined]
    assert answer["error"] == "missing_scope" and answer["needed"] == "users:read"
    assert "users:read" not in answer["provided"] and "chat:write" in answer["provided"]
    await client.chat_postMessage(channel=CHANNEL, text="still allowed")  # other scopes stay


# --- a Spanish user in an English channel ------------------------------------------------------


async def test_spanish_user_gets_spanish_private_replies_while_the_channel_stays_english(
    slack: SlackDriver, clock: FakeClock
) -> None:
    stub = slack.stub
    speakers(stub)

    help_reply = await reply_to(slack, "help", "U0ANA", "ana")
    assert help_reply.params["response_type"] == "ephemeral"
    assert SPANISH_HELP in help_reply.params["text"]
    english = await reply_to(slack, "help", "U0BOB", "bob")
    assert ENGLISH_HELP in english.params["text"]

    # Ana starts a quiz: the channel's question is in English, its buttons too.
    await slack.command("start slack-typed", "U0ANA", "ana")
    [question] = await stub.wait_for("chat.postMessage")
    shown = text_of(question)
    assert "Question 1/1" in shown and "Pregunta" not in shown
    assert "Type your answer in this channel, or answer privately" in shown
    assert [b["text"]["text"] for b in question.buttons()] == ["Answer privately"]

    # Her answer form is in Spanish; Bob's in English.
    await slack.click(question.buttons()[0], "U0ANA", "ana", message_ts=question.ts)
    [form] = await stub.wait_for("views.open")
    modal = form.params["view"]
    assert modal["submit"]["text"] == "Responder" and modal["close"]["text"] == "Cancelar"
    assert modal["title"]["text"] == "Pregunta 1/1"
    assert "Tu respuesta" in str(modal["blocks"])
    await slack.click(question.buttons()[0], "U0BOB", "bob", message_ts=question.ts)
    bobs = (await stub.wait_for("views.open", count=2))[1].params["view"]
    assert bobs["submit"]["text"] == "Answer" and "Your answer" in str(bobs["blocks"])

    # Her answer (the form) is acknowledged in Spanish; Bob's (typed in the channel) in English.
    values = {"typed_answer": {"answer": {"type": "plain_text_input", "value": "Paris"}}}
    await slack.submit_view(modal, values, "U0ANA", "ana")
    [recorded] = await wait_receipts(slack, "U0ANA", 1)
    assert recorded.startswith(":ballot_box_with_check: Registrada: Paris")
    await slack.message("Lyon", "U0BOB")
    [bobs_receipt] = await wait_receipts(slack, "U0BOB", 1)
    assert "Recorded: Lyon" in bobs_receipt

    # Her stats: Spanish; the reveal the whole channel sees: English.
    stats = await reply_to(slack, "stats", "U0ANA", "ana")
    assert "Tu historial de quiz, ana" in text_of(stats)
    clock.advance(31)
    assert await slack.tick() == 1
    [reveal] = await stub.wait_for("chat.update")
    assert "*Question 1/1* (closed)" in text_of(reveal)
    assert "Got it right: ana · 2 answers" in text_of(reveal)
    results = (await stub.wait_for("chat.postMessage", count=2))[1]
    assert results.params["text"].startswith("Quiz over. Winner: ana")

    # Asked once for all of that (five requests of Ana's), and Bob once.
    assert len(locale_lookups(stub, "U0ANA")) == 1
    assert len(locale_lookups(stub, "U0BOB")) == 1


async def test_the_locale_is_asked_once_however_many_requests_come_at_once(
    slack: SlackDriver,
) -> None:
    stub = slack.stub
    speakers(stub)
    stub.latency["users.info"] = 0.3
    await asyncio.gather(*(slack.command("help", "U0ANA", "ana") for _ in range(4)))
    replies = await stub.command_replies(4)
    assert all(SPANISH_HELP in c.params["text"] for c in replies)
    assert len(locale_lookups(stub, "U0ANA")) == 1


# --- a German channel ----------------------------------------------------------------------------


async def test_german_channel_gets_german_questions_buttons_reveals_and_results(
    slack: SlackDriver,
) -> None:
    stub = slack.stub
    speakers(stub)
    changed = await set_channel_language(slack, "de")
    assert changed.params["response_type"] == "in_channel"

    # A lobby with German buttons, started by Bob (no locale: the channel's language).
    await slack.command("start slack-mc 2 20 lobby:on", "U0BOB", "bob")
    [lobby] = await stub.wait_for("chat.postMessage")
    assert [b["text"]["text"] for b in lobby.buttons()] == ["Mitmachen", "Starten"]
    join, start = lobby.buttons()
    # Emil's Slack is in English: his own "you're in" is English; the lobby stays German.
    await slack.click(join, "U0EMIL", "emil", message_ts=lobby.ts)
    [joined] = await wait_receipts(slack, "U0EMIL", 1)
    assert joined.startswith("You're in")
    await slack.click(start, "U0BOB", "bob", message_ts=lobby.ts)

    for number in (1, 2):  # each round closes when both players have answered
        question = (await stub.wait_for("chat.postMessage", count=number + 1))[number]
        shown = text_of(question)
        assert f"*Frage {number}/2*" in shown
        assert "Eine Antwort pro Person" in shown and "schließt um" in shown
        await slack.click(correct_button(question), "U0BOB", "bob", message_ts=question.ts)
        await slack.click(wrong_button(question), "U0EMIL", "emil", message_ts=question.ts)
        assert "Gespeichert:" in (await wait_receipts(slack, "U0BOB", number))[-1]
        assert "Recorded:" in (await wait_receipts(slack, "U0EMIL", number + 1))[-1]
        ts = question.ts
        reveal = (await stub.wait_for("chat.update", lambda c, ts=ts: c.ts == ts))[-1]
        assert f"*Frage {number}/2* (geschlossen)" in text_of(reveal)
        assert "Question" not in text_of(reveal)

    results = (await stub.wait_for("chat.postMessage", count=4))[3]
    assert results.params["text"].startswith("Quiz vorbei. Es gewinnt bob")
    assert "Quiz over" not in text_of(results)

    # Help asked in the German channel: German for Bob, English for Emil.
    bob = await reply_to(slack, "help", "U0BOB", "bob")
    assert GERMAN_HELP in bob.params["text"]
    emil = await reply_to(slack, "help", "U0EMIL", "emil")
    assert ENGLISH_HELP in emil.params["text"]


# --- when users.info cannot say ----------------------------------------------------------------


async def test_missing_scope_falls_back_to_the_channel_language_and_is_logged_once(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    stub = slack.stub
    speakers(stub)
    await set_channel_language(slack, "de")
    stub.take_scope("users:read")  # installed before the app asked for users:read
    caplog.set_level(logging.WARNING, logger="adapters.slack.locales")

    ana = await reply_to(slack, "help", "U0ANA", "ana")
    assert GERMAN_HELP in ana.params["text"]  # her Spanish is unknown: the channel's German
    emil = await reply_to(slack, "help", "U0EMIL", "emil")
    assert GERMAN_HELP in emil.params["text"]
    again = await reply_to(slack, "stats", "U0ANA", "ana")
    assert "Deine Quiz-Bilanz, ana" in text_of(again)

    refused = [c for c in stub.errors if c.method == "users.info"]
    assert [c.error for c in refused] == ["missing_scope"]  # the workspace is not asked again
    warnings = [r for r in caplog.records if "users.info" in r.getMessage()]
    assert len(warnings) == 1 and "missing_scope" in warnings[0].getMessage()


async def test_unknown_user_falls_back_to_the_channel_language(slack: SlackDriver) -> None:
    stub = slack.stub
    await set_channel_language(slack, "de")
    stub.unknown_users.add("U0GHOST")
    ghost = await reply_to(slack, "help", "U0GHOST", "ghost")
    assert GERMAN_HELP in ghost.params["text"]
    assert [c.error for c in stub.errors if c.method == "users.info"] == ["user_not_found"]


async def test_a_slow_users_info_holds_nothing_up(slack: SlackDriver) -> None:
    """Slack waits 3 s for an acknowledgement: the command is acknowledged at once, answered
    in the channel's language after the lookup's short wait, and the locale that arrives
    later serves the user's next request."""
    stub = slack.stub
    speakers(stub)
    slack.bot.locales.wait = 2.0
    stub.latency["users.info"] = 4.0
    acknowledged = await slack.command("help", "U0ANA", "ana")
    # waiting for the lookup would take 2 s or more; the margin leaves room for a busy machine
    assert acknowledged.seconds < 1.5
    [first] = await stub.command_replies(1)
    assert ENGLISH_HELP in first.params["text"]  # the channel's (English) for now
    await stub.wait_for("users.info")
    for _ in range(1500):  # the answer is kept when it comes
        if slack.bot.locales.known(slack.team, "U0ANA"):
            break
        await asyncio.sleep(0.01)
    second = await reply_to(slack, "help", "U0ANA", "ana")
    assert SPANISH_HELP in second.params["text"]
    assert len(locale_lookups(stub, "U0ANA")) == 1


async def test_an_answer_never_waits_for_the_locale(slack: SlackDriver) -> None:
    """An answer's time is the player's: a click from someone whose locale is not known yet is
    recorded at once, its receipt in the channel's language (the question's own), and it asks
    Slack nothing (a busy quiz's clicks stay one Web API call each); the player's next command
    asks, and from then on their replies are in their language. With the answer waiting for
    the lookup, its receipt would take a minute here."""
    stub = slack.stub
    speakers(stub)
    slack.bot.locales.wait = 60.0
    await slack.command("start slack-mc 2 20", "U0BOB", "bob")  # nobody asks about Ana
    [question] = await stub.wait_for("chat.postMessage")
    stub.latency["users.info"] = 60.0
    await slack.click(correct_button(question), "U0ANA", "ana", message_ts=question.ts)
    [receipt] = await asyncio.wait_for(wait_receipts(slack, "U0ANA", 1), 20)
    assert "Recorded" in receipt  # the channel's English
    assert locale_lookups(stub, "U0ANA") == []
    stub.latency["users.info"] = 0.0
    assert SPANISH_HELP in (await reply_to(slack, "help", "U0ANA", "ana")).params["text"]
    assert len(locale_lookups(stub, "U0ANA")) == 1


# --- /quiz banks [language] -------------------------------------------------------------------

SPANISH_BANK = """
bank: geo-es
title: Geografía
language: es
questions:
  - type: multiple_choice
    question: ¿Cuál es la capital de Italia?
    options: [Roma, Milán]
    answer: A
"""


async def test_banks_are_filtered_by_language_and_say_theirs(
    slack: SlackDriver, quiz: QuizApp, clock: FakeClock, tmp_path: Path
) -> None:
    speakers(slack.stub)
    folder = tmp_path / "spanish"
    folder.mkdir()
    (folder / "geo-es.yaml").write_text(SPANISH_BANK, encoding="utf-8")
    async with quiz.db.transaction() as session:
        await load_shipped_banks(session, clock, folder=folder)

    only = await reply_to(slack, "banks es", "U0BOB", "bob")
    listed = text_of(only)
    assert "*geo-es*" in listed and "questions in Spanish" in listed
    assert "slack-mc" not in listed  # no language said: not in Spanish
    every = await reply_to(slack, "banks", "U0ANA", "ana")
    assert "*Bancos de preguntas*" in text_of(every)
    assert "preguntas en español" in text_of(every) and "*slack-mc*" in text_of(every)


# --- the pieces ------------------------------------------------------------------------------


def test_banks_show_their_language_in_the_reader_s_words() -> None:
    banks = [
        BankSummary("geo-es", "Geografía", "", 10, 0, language="es"),
        BankSummary("plain", "No language said", "", 3, 0),
    ]
    with use_language("de"):
        german = blocks.banks_message(banks)["text"]
    with use_language("en"):
        english = blocks.banks_message(banks)["text"]
    assert "Fragen auf Spanisch" in german and german.startswith("Fragenbanken:")
    assert "questions in Spanish" in english
    assert english.count("questions in") == 1  # a bank without a language says none


async def test_user_locales_are_kept_an_hour_and_bounded() -> None:
    class Client:
        calls = 0

        async def users_info(self, user: str, include_locale: bool) -> dict[str, object]:
            assert include_locale is True
            Client.calls += 1
            return {"ok": True, "user": {"id": user, "locale": "de-DE"}}

    now = [0.0]
    locales = UserLocales(clock=lambda: now[0], max_kept=2)
    client = Client()
    assert await locales.locale(client, "T1", "U1") == "de-DE"  # type: ignore[arg-type]
    assert await locales.locale(client, "T1", "U1") == "de-DE"  # type: ignore[arg-type]
    assert Client.calls == 1 and locales.known("T1", "U1")
    now[0] = 3601.0
    assert not locales.known("T1", "U1")
    await locales.locale(client, "T1", "U1")  # type: ignore[arg-type]
    assert Client.calls == 2
    for user in ("U2", "U3", "U4"):
        await locales.locale(client, "T1", user)  # type: ignore[arg-type]
    assert len(locales._kept) <= 2
