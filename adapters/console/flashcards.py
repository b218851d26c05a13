"""Flashcard review in the terminal: front, Enter for the back, then a rating.

Ratings are typed as again / hard / good / easy (or 1-4, or their first letters); ``q``
stops. The schedule is the core's (fsrs), the same one Discord and Slack use. Cards are
printed without control characters or escape sequences (see :mod:`adapters.console.surface`).
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TextIO

from adapters.console.game import InputEndedError, local_player
from adapters.console.lines import TerminalLines
from adapters.console.pictures import picture_line
from adapters.kit.images import Pictures
from bot.i18n import _, ngettext
from bot.services import QuizApp
from bot.text import without_controls
from bot.views import FlashcardView

RATING_WORDS = {
    "1": "again",
    "a": "again",
    "again": "again",
    "2": "hard",
    "h": "hard",
    "hard": "hard",
    "3": "good",
    "g": "good",
    "good": "good",
    "4": "easy",
    "e": "easy",
    "easy": "easy",
}
MAX_BAD_LINES = 3


def when(moment: datetime | None, now: datetime) -> str:
    """'Next card in 10 minutes.', 'Next card in 3 days.': when the next card is due."""
    if moment is None:
        return _("Next card not scheduled.")
    seconds = max(0, int((moment - now).total_seconds()))
    if seconds >= 86400:
        days = seconds // 86400
        return ngettext("Next card in {count} day.", "Next card in {count} days.", days).format(
            count=days
        )
    if seconds >= 3600:
        hours = seconds // 3600
        return ngettext("Next card in {count} hour.", "Next card in {count} hours.", hours).format(
            count=hours
        )
    if seconds >= 60:
        minutes = seconds // 60
        return ngettext(
            "Next card in {count} minute.", "Next card in {count} minutes.", minutes
        ).format(count=minutes)
    return _("Next card now.")


async def review_flashcards(
    app: QuizApp,
    *,
    bank: str | None,
    limit: int,
    name: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Review up to ``limit`` cards; returns how many were rated."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    player = local_player(name)

    def say(text: str = "") -> None:  # control characters in a card are dropped, not obeyed
        stdout.write(without_controls(text) + "\n")
        stdout.flush()

    lines = TerminalLines(stdin)

    async def read() -> str | None:
        line = await lines.readline()
        if line is None:
            return None
        if not stdin.isatty():
            say(line.rstrip("\n"))
        return line.strip().lower()

    pictures = Pictures(app)
    card: FlashcardView = await app.next_flashcard(player, bank)
    say(_("{bank}: {due} due, {new} new.").format(bank=card.bank, due=card.due, new=card.new))
    rated = 0
    while not card.done and rated < limit:
        say()
        say(card.front)
        picture = await picture_line(pictures, card.image)
        if picture is not None:
            say(picture)
        stdout.write(_("(Enter to see the answer) "))
        stdout.flush()
        if await read() is None:
            break
        say(card.back)
        rating = None
        for _attempt in range(MAX_BAD_LINES):
            stdout.write(_("How well did you know it? again / hard / good / easy (q to stop) "))
            stdout.flush()
            line = await read()
            if line is None or line == "q":
                break
            rating = RATING_WORDS.get(line)
            if rating:
                break
            say(_("type again, hard, good or easy (or 1-4)"))
        if rating is None:
            if line is None or line == "q":
                break
            raise InputEndedError(
                ngettext(
                    "no usable rating in {count} line",
                    "no usable rating in {count} lines",
                    MAX_BAD_LINES,
                ).format(count=MAX_BAD_LINES)
            )
        card = await app.rate_flashcard(player, card.card_id, rating)
        rated += 1
    say()
    if card.done:
        say(_("Nothing more due.") + " " + when(card.next_due, app.now()))
    else:
        say(
            _("Reviewed {rated}. Still waiting: {due} due, {new} new.").format(
                rated=rated, due=card.due, new=card.new
            )
        )
    return rated
