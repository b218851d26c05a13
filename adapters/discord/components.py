"""Buttons and the typed-answer form: what their custom ids say, and building them.

Labels are written in the current language (the channel's for a public message, the
player's for their own); custom ids never change with it.

Every component's custom id carries what the core needs, so a click is served by any
process, also after a restart, with no view kept in memory (the cog parses the id in
``on_interaction``):

- ``quiz:answer:{round_id}:{label}``    an option of a multiple-choice / true-false question
- ``quiz:typed:{round_id}``             opens the form for a typed-answer question
- ``quiz:typed-modal:{round_id}:{user}`` the form's submission (the user keeps two players'
  forms apart in discord.py's memory)
- ``quiz:join:{quiz_id}``               joins a quiz (its lobby's Join button)
- ``quiz:begin:{quiz_id}``              begins it now (its lobby's Start button)
- ``fc:show:{card_id}:{bank}``          shows a flashcard's back
- ``fc:rate:{card_id}:{rating}:{bank}`` rates a flashcard (again / hard / good / easy)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import discord

from adapters.discord import render
from adapters.kit import limits, lobby, texts
from bot.i18n import _, pgettext
from bot.views import FlashcardView, LobbyView, QuestionView

ANSWER_INPUT = "answer"
STYLES = {
    "again": discord.ButtonStyle.danger,
    "hard": discord.ButtonStyle.secondary,
    "good": discord.ButtonStyle.primary,
    "easy": discord.ButtonStyle.success,
}
#: Option texts up to this long are written on their buttons; longer ones show letters only.
SHORT_OPTION = 40


@dataclass(frozen=True, slots=True)
class Answer:
    round_id: int
    choice: str


@dataclass(frozen=True, slots=True)
class OpenTypedForm:
    round_id: int


@dataclass(frozen=True, slots=True)
class TypedForm:
    round_id: int


@dataclass(frozen=True, slots=True)
class ShowCard:
    card_id: int
    bank: str


@dataclass(frozen=True, slots=True)
class RateCard:
    card_id: int
    rating: str
    bank: str


@dataclass(frozen=True, slots=True)
class LobbyAction:
    """A lobby's Join or Start button (``action``: :data:`adapters.kit.lobby.JOIN`/``START``)."""

    quiz_id: int
    action: str


Component = Answer | OpenTypedForm | TypedForm | ShowCard | RateCard | LobbyAction

ANSWER_ID = re.compile(r"quiz:answer:(?P<round>[0-9]+):(?P<label>[A-J])")
TYPED_ID = re.compile(r"quiz:typed:(?P<round>[0-9]+)")
MODAL_ID = re.compile(r"quiz:typed-modal:(?P<round>[0-9]+)(?::[0-9]+)?")
LOBBY_ID = re.compile(r"quiz:(?P<action>join|begin):(?P<quiz>[0-9]+)")
LOBBY_WORDS = {"join": lobby.JOIN, "begin": lobby.START}
SHOW_ID = re.compile(r"fc:show:(?P<card>[0-9]+):(?P<bank>.*)")
_RATINGS = "|".join(texts.RATINGS)
RATE_ID = re.compile(rf"fc:rate:(?P<card>[0-9]+):(?P<rating>{_RATINGS}):(?P<bank>.*)")


def submitted_value(components: Any, custom_id: str) -> str | None:
    """The value of the input ``custom_id`` anywhere in a modal submission's components."""
    if isinstance(components, dict):
        if components.get("custom_id") == custom_id and "value" in components:
            return str(components["value"])
        components = list(components.get("components") or []) + (
            [components["component"]] if "component" in components else []
        )
    if isinstance(components, list):
        for child in components:
            found = submitted_value(child, custom_id)
            if found is not None:
                return found
    return None


def parse(data: dict[str, Any]) -> Component | None:
    """What a component or modal interaction's data asks for (None: not one of ours)."""
    custom_id = str(data.get("custom_id", ""))
    if match := ANSWER_ID.fullmatch(custom_id):
        return Answer(int(match["round"]), match["label"])
    if match := TYPED_ID.fullmatch(custom_id):
        return OpenTypedForm(int(match["round"]))
    if match := MODAL_ID.fullmatch(custom_id):
        return TypedForm(int(match["round"]))
    if match := LOBBY_ID.fullmatch(custom_id):
        return LobbyAction(int(match["quiz"]), LOBBY_WORDS[match["action"]])
    if match := SHOW_ID.fullmatch(custom_id):
        return ShowCard(int(match["card"]), match["bank"])
    if match := RATE_ID.fullmatch(custom_id):
        return RateCard(int(match["card"]), match["rating"], match["bank"])
    return None


def typed_text(data: dict[str, Any]) -> str:
    return submitted_value(data.get("components") or [], ANSWER_INPUT) or ""


class TypedAnswerModal(discord.ui.Modal):
    """The form a typed answer is entered in (its submission is parsed from its id), in the
    current language (the player's)."""

    def __init__(self, round_id: int, user_id: int) -> None:
        super().__init__(
            title=_("Your answer"), custom_id=f"quiz:typed-modal:{round_id}:{user_id}", timeout=300
        )
        self.answer: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label=_("Your answer"), custom_id=ANSWER_INPUT, max_length=500
        )
        self.add_item(self.answer)


def _bank_part(bank: str) -> str:
    # The bank is a hint for finding the card again; drop it if it would not fit an id.
    return bank if len(bank) <= 60 else ""


def _button(label: str, custom_id: str, style: discord.ButtonStyle, **extra: Any) -> Any:
    return discord.ui.Button(
        style=style,
        label=render.cut(label, limits.DISCORD_BUTTON_LABEL),
        custom_id=custom_id,
        **extra,
    )


def question_view(question: QuestionView) -> discord.ui.View:
    """The buttons under a question: one per option, or the typed-answer button."""
    view = discord.ui.View(timeout=None)
    if question.is_typed or not question.options:
        view.add_item(
            _button(
                pgettext("button", "Answer"),
                f"quiz:typed:{question.round_id}",
                discord.ButtonStyle.primary,
                emoji="✍️",
            )
        )
        return view
    short = all(len(o.text) <= SHORT_OPTION for o in question.options)
    for option in question.options:
        label = f"{option.label} · {option.text}" if short else option.label
        custom_id = f"quiz:answer:{question.round_id}:{option.label}"
        view.add_item(_button(label, custom_id, discord.ButtonStyle.primary))
    return view


def flashcard_view(card: FlashcardView, *, show_back: bool = False) -> discord.ui.View | None:
    """The "Show answer" button under a front; rating buttons under a back; none when done."""
    if card.done or card.card_id is None:
        return None
    view = discord.ui.View(timeout=None)
    bank = _bank_part(card.bank)
    if show_back:
        for rating in texts.RATINGS:
            custom_id = f"fc:rate:{card.card_id}:{rating}:{bank}"
            view.add_item(_button(texts.rating_label(rating), custom_id, STYLES[rating]))
    else:
        custom_id = f"fc:show:{card.card_id}:{bank}"
        view.add_item(_button(_("Show answer"), custom_id, discord.ButtonStyle.primary))
    return view


def lobby_view(view: LobbyView) -> discord.ui.View | None:
    """A lobby's Join and Start buttons; none once it began or ended."""
    if view.begun or view.ended:
        return None
    buttons = discord.ui.View(timeout=None)
    join, start = f"quiz:join:{view.quiz_id}", f"quiz:begin:{view.quiz_id}"
    buttons.add_item(_button(_("Join"), join, discord.ButtonStyle.success))
    buttons.add_item(_button(_("Start"), start, discord.ButtonStyle.primary))
    return buttons
