"""Showing a reply's view: which rendering each kind of view gets, decided once.

A platform writes a :class:`Renderer` (one method per kind of view, returning whatever it
sends: an embed, Block Kit, HTML) and calls :func:`render`; the kinds of view a command can
answer with are listed here and nowhere else.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from adapters.kit.dispatch import (
    BanksView,
    DailyChanged,
    HelpView,
    Notice,
    ReplyView,
    ReviewStarted,
)
from bot.views import (
    BankSummary,
    DailyView,
    FlashcardView,
    LeaderboardView,
    PlayerStats,
    QuestionView,
    QuizResults,
)

T_co = TypeVar("T_co", covariant=True)


class Renderer(Protocol[T_co]):
    """How a platform shows each kind of reply."""

    def notice(self, text: str) -> T_co: ...
    def help(self, reason: str) -> T_co: ...
    def banks(self, banks: tuple[BankSummary, ...]) -> T_co: ...
    def daily_changed(self, change: DailyChanged) -> T_co: ...
    def review_started(self, question: QuestionView) -> T_co: ...
    def daily(self, daily: DailyView) -> T_co: ...
    def flashcard(self, card: FlashcardView) -> T_co: ...
    def leaderboard(self, board: LeaderboardView) -> T_co: ...
    def stats(self, stats: PlayerStats) -> T_co: ...
    def question(self, question: QuestionView) -> T_co: ...
    def results(self, results: QuizResults) -> T_co: ...


def render(view: ReplyView, renderer: Renderer[T_co]) -> T_co:
    """``view`` as ``renderer`` shows it."""
    match view:
        case Notice(text=text):
            return renderer.notice(text)
        case HelpView(reason=reason):
            return renderer.help(reason)
        case BanksView(banks=banks):
            return renderer.banks(banks)
        case DailyChanged():
            return renderer.daily_changed(view)
        case ReviewStarted(question=question):
            return renderer.review_started(question)
        case DailyView():
            return renderer.daily(view)
        case FlashcardView():
            return renderer.flashcard(view)
        case LeaderboardView():
            return renderer.leaderboard(view)
        case PlayerStats():
            return renderer.stats(view)
        case QuestionView():
            return renderer.question(view)
        case QuizResults():
            return renderer.results(view)
    raise TypeError(f"no rendering for {type(view).__name__}")
