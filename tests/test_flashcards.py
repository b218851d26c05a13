"""Flashcard reviews on the fsrs schedule: new cards in deck order, due cards first, ratings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.errors import EmptyBankError, QuizbotError
from bot.services import QuizApp
from bot.views import PlayerRef

ANN = PlayerRef("slack", "T1", "U1", "Ann")
BOB = PlayerRef("slack", "T1", "U2", "Bob")


async def test_review_in_deck_order_then_due_cards_first(app: QuizApp, clock: FakeClock) -> None:
    first = await app.next_flashcard(ANN)  # the default: the first bank with flashcards
    assert first.bank == "crm-flashcards"
    assert first.front == "What is CRM?"
    assert first.due == 0 and first.new == 42
    second = await app.rate_flashcard(ANN, first.card_id, "good")
    assert second.card_id != first.card_id and second.new == 41
    third = await app.rate_flashcard(ANN, second.card_id, "again")  # back in a minute
    assert third.card_id not in (first.card_id, second.card_id)
    clock.advance(minutes=2)
    again = await app.next_flashcard(ANN, "crm-flashcards")
    assert again.card_id == second.card_id and again.due >= 1
    # Bob's schedule is his own.
    assert (await app.next_flashcard(BOB)).card_id == first.card_id


async def test_easy_card_is_not_due_for_days_and_the_deck_reports_done(
    app: QuizApp, clock: FakeClock
) -> None:
    card = await app.next_flashcard(ANN, "demo")
    assert card.front == "What does CPU stand for?" and card.back == "Central Processing Unit"
    done = await app.rate_flashcard(ANN, card.card_id, "easy")
    assert done.done and done.card_id is None
    assert done.next_due is not None and done.next_due > clock.now() + timedelta(days=1)
    clock.advance(days=60)
    assert (await app.next_flashcard(ANN, "demo")).card_id == card.card_id


async def test_bad_ratings_and_banks_without_cards(app: QuizApp) -> None:
    card = await app.next_flashcard(ANN)
    with pytest.raises(QuizbotError, match="again, hard, good, easy"):
        await app.rate_flashcard(ANN, card.card_id, "meh")
    with pytest.raises(EmptyBankError):
        await app.next_flashcard(ANN, "crm-podcast")
    with pytest.raises(QuizbotError):
        await app.rate_flashcard(ANN, 10**9, "good")


async def test_a_card_by_id_shows_its_back_and_the_counts(app: QuizApp) -> None:
    first = await app.next_flashcard(ANN)
    shown = await app.flashcard(ANN, first.card_id)
    assert (shown.front, shown.back) == (first.front, first.back)
    assert shown.back.startswith("Customer Relationship Management")
    assert shown.new == 42
    with pytest.raises(QuizbotError, match="no longer exists"):
        await app.flashcard(ANN, 10**9)
