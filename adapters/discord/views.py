"""Buttons and modals: persistent (dynamic) items whose custom id says what they act on.

Every button is a :class:`discord.ui.DynamicItem` whose ``custom_id`` carries what the core
needs (the round and option, or the flashcard and rating), so a click is served by any
process, also after a restart, with no view kept in memory:

- ``quiz:answer:{round_id}:{label}``   an option of a multiple-choice / true-false question
- ``quiz:typed:{round_id}``             opens the modal for a typed-answer question
- ``fc:show:{card_id}:{bank}``           shows a flashcard's back
- ``fc:rate:{card_id}:{rating}:{bank}``  rates a flashcard (again / hard / good / easy)

The behaviour behind a click lives in :class:`adapters.discord.client.QuizClient`'s helpers;
the items here only parse ids and call them.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, cast

import discord

from adapters.discord import render
from adapters.discord.refs import interaction_player
from bot.errors import QuizbotError
from bot.views import AnswerStatus, FlashcardView, QuestionView

if TYPE_CHECKING:
    from adapters.discord.client import QuizClient

log = logging.getLogger(__name__)

RATINGS: tuple[tuple[str, discord.ButtonStyle], ...] = (
    ("again", discord.ButtonStyle.danger),
    ("hard", discord.ButtonStyle.secondary),
    ("good", discord.ButtonStyle.primary),
    ("easy", discord.ButtonStyle.success),
)
ANSWER_INPUT = "answer"
BUTTON_LABEL_LIMIT = 80


def quiz_client(interaction: discord.Interaction) -> QuizClient:
    """The quizbot client an interaction arrived on."""
    return cast("QuizClient", interaction.client)


async def reply_private(interaction: discord.Interaction, text: str) -> None:
    """Answer the user who acted, and only them."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=render.NO_MENTIONS)
    else:
        await interaction.response.send_message(
            text, ephemeral=True, allowed_mentions=render.NO_MENTIONS
        )


# -- quiz questions ---------------------------------------------------------------------------


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"quiz:answer:(?P<round>[0-9]+):(?P<label>[A-J])",
):
    """One option of a question; a click records that option for the clicker."""

    def __init__(self, round_id: int, label: str, text: str = "") -> None:
        shown = f"{label} · {text}" if text else label
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.primary,
                label=render.cut(shown, BUTTON_LABEL_LIMIT),
                custom_id=f"quiz:answer:{round_id}:{label}",
            )
        )
        self.round_id = round_id
        self.label = label

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AnswerButton:
        return cls(int(match["round"]), match["label"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await submit_answer(interaction, self.round_id, self.label)


class TypedAnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"quiz:typed:(?P<round>[0-9]+)",
):
    """Opens a modal to type the answer to a typed-answer question."""

    def __init__(self, round_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.primary,
                label="Answer",
                emoji="✍️",
                custom_id=f"quiz:typed:{round_id}",
            )
        )
        self.round_id = round_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> TypedAnswerButton:
        return cls(int(match["round"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(TypedAnswerModal(self.round_id, interaction.user.id))


class TypedAnswerModal(discord.ui.Modal):
    """The form a typed answer is entered in.

    Its submission is handled by :func:`handle_modal_submit` from the custom id and the
    submitted values alone, so it works in any process, also after a restart; the id names
    the user too, so two players' forms never share discord.py's in-memory modal slot.
    """

    answer: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Your answer", custom_id=ANSWER_INPUT, max_length=500
    )

    def __init__(self, round_id: int, user_id: int) -> None:
        super().__init__(
            title="Your answer", custom_id=f"quiz:typed-modal:{round_id}:{user_id}", timeout=300
        )


MODAL_ID = re.compile(r"quiz:typed-modal:(?P<round>[0-9]+)(?::[0-9]+)?")


def _submitted_value(components: Any, custom_id: str) -> str | None:
    """The value of the input ``custom_id`` anywhere in a modal submission's components."""
    if isinstance(components, dict):
        if components.get("custom_id") == custom_id and "value" in components:
            return str(components["value"])
        components = list(components.get("components") or []) + (
            [components["component"]] if "component" in components else []
        )
    if isinstance(components, list):
        for child in components:
            found = _submitted_value(child, custom_id)
            if found is not None:
                return found
    return None


async def handle_modal_submit(interaction: discord.Interaction) -> bool:
    """Serve a typed-answer form submission; False when the interaction is not one."""
    data: Any = interaction.data or {}
    match = MODAL_ID.fullmatch(str(data.get("custom_id", "")))
    if match is None or interaction.response.is_done():
        return False
    text = _submitted_value(data.get("components") or [], ANSWER_INPUT) or ""
    await submit_answer(interaction, int(match["round"]), text)
    return True


async def submit_answer(interaction: discord.Interaction, round_id: int, choice: str) -> None:
    """Record a click or a typed answer, tell the clicker alone, then update the question.

    In a player's review of their mistakes the answer closes the round at once (reviews are
    solo), and the reveal and the next question go to that player alone.
    """
    client = quiz_client(interaction)
    try:
        receipt = await client.quiz_app.answer(round_id, interaction_player(interaction), choice)
    except QuizbotError as error:
        await reply_private(interaction, str(error))
        return
    outcome = receipt.outcome
    if outcome is not None and outcome.private_to:
        # A review of the player's mistakes: the reveal replaces their question message.
        await client.announcer.announce_privately(interaction, outcome, receipt.correct)
        return
    try:
        await reply_private(interaction, render.receipt_text(receipt))
    except discord.HTTPException:
        # The answer counts anyway; and an outcome must still be announced.
        log.warning("could not send the receipt of round %s", round_id, exc_info=True)
    if outcome is not None:
        await client.announcer.announce(outcome)
    elif (
        receipt.status is AnswerStatus.RECORDED
        and interaction.message is not None
        and not interaction.message.flags.ephemeral
    ):
        await client.announcer.show_count(interaction.message, round_id, receipt.answered)


def question_view(question: QuestionView) -> discord.ui.View:
    """The buttons under a question: one per option, or the typed-answer button."""
    view = discord.ui.View(timeout=None)
    if question.is_typed or not question.options:
        view.add_item(TypedAnswerButton(question.round_id))
        return view
    short = all(len(o.text) <= 40 for o in question.options)
    for option in question.options:
        view.add_item(AnswerButton(question.round_id, option.label, option.text if short else ""))
    return view


# -- flashcards -------------------------------------------------------------------------------


def _bank_part(bank: str) -> str:
    # The bank is a hint for finding the card again; drop it if it would not fit an id.
    return bank if len(bank) <= 60 else ""


class FlashcardShowButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"fc:show:(?P<card>[0-9]+):(?P<bank>.*)",
):
    """Turns a flashcard over."""

    def __init__(self, card_id: int, bank: str) -> None:
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.primary,
                label="Show answer",
                custom_id=f"fc:show:{card_id}:{_bank_part(bank)}",
            )
        )
        self.card_id = card_id
        self.bank = bank

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FlashcardShowButton:
        return cls(int(match["card"]), match["bank"])

    async def callback(self, interaction: discord.Interaction) -> None:
        client = quiz_client(interaction)
        try:
            card = await client.quiz_app.next_flashcard(
                interaction_player(interaction), self.bank or None
            )
        except QuizbotError as error:
            await reply_private(interaction, str(error))
            return
        # The card is still the one due unless it was rated elsewhere meanwhile; then the
        # review simply goes on with the card that is due now.
        turned = card.card_id == self.card_id
        await interaction.response.edit_message(
            embed=render.flashcard_embed(card, show_back=turned),
            view=flashcard_view(card, show_back=turned),
            allowed_mentions=render.NO_MENTIONS,
        )


class FlashcardRateButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"fc:rate:(?P<card>[0-9]+):(?P<rating>again|hard|good|easy):(?P<bank>.*)",
):
    """Rates a flashcard, which reschedules it, and shows the next one."""

    def __init__(self, card_id: int, rating: str, bank: str) -> None:
        style = dict(RATINGS)[rating]
        super().__init__(
            discord.ui.Button(
                style=style,
                label=rating.capitalize(),
                custom_id=f"fc:rate:{card_id}:{rating}:{_bank_part(bank)}",
            )
        )
        self.card_id = card_id
        self.rating = rating

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FlashcardRateButton:
        return cls(int(match["card"]), match["rating"], match["bank"])

    async def callback(self, interaction: discord.Interaction) -> None:
        client = quiz_client(interaction)
        try:
            card = await client.quiz_app.rate_flashcard(
                interaction_player(interaction), self.card_id, self.rating
            )
        except QuizbotError as error:
            await reply_private(interaction, str(error))
            return
        await interaction.response.edit_message(
            embed=render.flashcard_embed(card),
            view=flashcard_view(card),
            allowed_mentions=render.NO_MENTIONS,
        )


def flashcard_view(card: FlashcardView, *, show_back: bool = False) -> discord.ui.View | None:
    """The "Show answer" button under a front; rating buttons under a back; none when done."""
    if card.done or card.card_id is None:
        return None
    view = discord.ui.View(timeout=None)
    if show_back:
        for rating, _style in RATINGS:
            view.add_item(FlashcardRateButton(card.card_id, rating, card.bank))
    else:
        view.add_item(FlashcardShowButton(card.card_id, card.bank))
    return view


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnswerButton,
    TypedAnswerButton,
    FlashcardShowButton,
    FlashcardRateButton,
)

__all__ = [
    "DYNAMIC_ITEMS",
    "AnswerButton",
    "FlashcardRateButton",
    "FlashcardShowButton",
    "TypedAnswerButton",
    "TypedAnswerModal",
    "flashcard_view",
    "handle_modal_submit",
    "question_view",
    "submit_answer",
]
