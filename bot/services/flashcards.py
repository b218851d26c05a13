"""Flashcard reviews on a spaced-repetition schedule per player, kept by the ``fsrs`` package.

Each player's card state is fsrs's own ``Card`` (serialised with ``to_dict``) in SQL; the
next card shown is the one most overdue, then a new one in deck order.
"""

from __future__ import annotations

from fsrs import Card, Rating, Scheduler
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.domain import QuestionKind
from bot.errors import EmptyBankError, QuizbotError
from bot.i18n import _
from bot.services.banks import find_bank, image_from_row
from bot.services.records import ensure_player
from bot.store.database import Database
from bot.store.models import BankRow, FlashcardStateRow, QuestionRow
from bot.views import FlashcardView, PlayerRef

FLASHCARD_DECK = "flashcard"

RATINGS: dict[str, Rating] = {
    "again": Rating.Again,
    "hard": Rating.Hard,
    "good": Rating.Good,
    "easy": Rating.Easy,
}


class Flashcards:
    """Flashcard reviews for one player at a time."""

    def __init__(self, db: Database, clock: Clock, scheduler: Scheduler | None = None) -> None:
        self.db = db
        self.clock = clock
        self.scheduler = scheduler or Scheduler()

    async def default_bank(self, session: AsyncSession) -> str:
        name = (
            await session.execute(
                select(BankRow.name)
                .join(QuestionRow, QuestionRow.bank_id == BankRow.id)
                .where(
                    QuestionRow.kind == QuestionKind.FLASHCARD.value, QuestionRow.active.is_(True)
                )
                .order_by(BankRow.name)
                .limit(1)
            )
        ).scalar()
        if name is None:
            raise EmptyBankError(_("no bank has flashcards yet"))
        return name

    async def next_card(self, who: PlayerRef, bank: str | None = None) -> FlashcardView:
        """The card to review now (most overdue first, then new ones), or done."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            bank_row = await find_bank(session, bank or await self.default_bank(session))
            player_id = await ensure_player(session, who)
            return await self._next(session, bank_row, player_id, now)

    async def _next(
        self, session: AsyncSession, bank: BankRow, player_id: int, now
    ) -> FlashcardView:
        cards = select(QuestionRow).where(
            QuestionRow.bank_id == bank.id,
            QuestionRow.kind == QuestionKind.FLASHCARD.value,
            QuestionRow.active.is_(True),
        )
        mine = (
            FlashcardStateRow.player_id == player_id,
            FlashcardStateRow.bank_id == bank.id,
            FlashcardStateRow.deck == FLASHCARD_DECK,
        )
        states = select(FlashcardStateRow).where(*mine)
        due_count = (
            await session.execute(
                select(func.count()).select_from(
                    states.where(FlashcardStateRow.due <= now).subquery()
                )
            )
        ).scalar_one()
        seen = select(FlashcardStateRow.question_id).where(*mine)
        new_query = cards.where(QuestionRow.id.not_in(seen))
        new_count = (
            await session.execute(select(func.count()).select_from(new_query.subquery()))
        ).scalar_one()
        if due_count:
            question = (
                await session.execute(
                    select(QuestionRow)
                    .join(FlashcardStateRow, FlashcardStateRow.question_id == QuestionRow.id)
                    .where(*mine, FlashcardStateRow.due <= now, QuestionRow.active.is_(True))
                    .order_by(FlashcardStateRow.due)
                    .limit(1)
                )
            ).scalar()
        elif new_count:
            question = (
                await session.execute(new_query.order_by(QuestionRow.position).limit(1))
            ).scalar()
        else:
            question = None
        upcoming = (
            await session.execute(
                select(func.min(FlashcardStateRow.due)).where(*mine, FlashcardStateRow.due > now)
            )
        ).scalar()
        if question is None:
            total = select(func.count()).select_from(cards.subquery())
            if not (await session.execute(total)).scalar_one():
                raise EmptyBankError(
                    _("the bank {bank} has no flashcards").format(bank=repr(bank.name))
                )
            return FlashcardView(bank.name, None, "", "", 0, 0, next_due=upcoming, done=True)
        return FlashcardView(
            bank=bank.name,
            card_id=question.id,
            front=question.prompt,
            back=question.back,
            due=due_count,
            new=new_count,
            next_due=upcoming,
            image=image_from_row(question),
        )

    async def card(self, who: PlayerRef, card_id: int) -> FlashcardView:
        """One flashcard by id (to show its back), with the player's due and new counts."""
        now = self.clock.now()
        async with self.db.sessions() as session:
            question = await session.get(QuestionRow, card_id)
            if question is None or question.kind != QuestionKind.FLASHCARD.value:
                raise QuizbotError(_("that flashcard no longer exists"))
            bank = await session.get(BankRow, question.bank_id)
            assert bank is not None
            player_id = await ensure_player(session, who)
            counts = await self._next(session, bank, player_id, now)
            await session.commit()
        return FlashcardView(
            bank=bank.name,
            card_id=question.id,
            front=question.prompt,
            back=question.back,
            due=counts.due,
            new=counts.new,
            next_due=counts.next_due,
            image=image_from_row(question),
        )

    async def rate(self, who: PlayerRef, card_id: int, rating: str) -> FlashcardView:
        """Record how well the player knew a card, reschedule it, and return the next card."""
        fsrs_rating = RATINGS.get(rating.strip().lower())
        if fsrs_rating is None:
            raise QuizbotError(
                _("rate a card with one of: {ratings}").format(ratings=", ".join(RATINGS))
            )
        now = self.clock.now()
        async with self.db.transaction() as session:
            question = await session.get(QuestionRow, card_id)
            if question is None or question.kind != QuestionKind.FLASHCARD.value:
                raise QuizbotError(_("that flashcard no longer exists"))
            player_id = await ensure_player(session, who)
            state = (
                await session.execute(
                    select(FlashcardStateRow).where(
                        FlashcardStateRow.player_id == player_id,
                        FlashcardStateRow.question_id == card_id,
                    )
                )
            ).scalar()
            # An explicit card_id: without one fsrs sleeps 1 ms (in the event loop) to make one.
            card = Card.from_dict(state.card) if state else Card(card_id=card_id, due=now)
            card, _log = self.scheduler.review_card(card, fsrs_rating, now)
            if state is None:
                state = FlashcardStateRow(
                    player_id=player_id,
                    question_id=card_id,
                    bank_id=question.bank_id,
                    card={},
                    due=now,
                    reviews=0,
                )
                session.add(state)
            state.card = card.to_dict()
            state.due = card.due
            state.reviews += 1
            state.last_rating = rating.strip().lower()
            state.last_review = now
            await session.flush()
            bank = await session.get(BankRow, question.bank_id)
            assert bank is not None
            return await self._next(session, bank, player_id, now)
