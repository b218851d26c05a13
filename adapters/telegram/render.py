"""Telegram messages for the core's views: HTML text and inline keyboards.

Bank text and names are untrusted: every piece of it goes through :func:`esc` (HTML parse
mode, the only markup used), so a question cannot add formatting, links or mentions, and
link previews are off for everything the bot sends. A message's visible text is cut to fit
Telegram's 4,096 characters (counted after the markup is parsed); a reveal cuts the
explanation and the options' texts before anything else, and is never lost.

Callback data (64 bytes at most) says what a button does, so any process serves a press:
``a:<round>:<letter>`` answers, ``fs:<card>:<workspace>`` shows a flashcard's back,
``fr:<card>:<rating>:<workspace>`` rates it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from adapters.kit import limits, texts
from adapters.kit.dispatch import DailyChanged
from bot.domain import QuestionKind
from bot.views import (
    BankSummary,
    DailyView,
    FlashcardView,
    LeaderboardView,
    PlayerStats,
    QuestionView,
    QuizResults,
    RoundOutcome,
    Standing,
)

WORKSPACE_WORD = "group"
MESSAGE_BUDGET = limits.TELEGRAM_TEXT - 96  # room for the markup's own characters
SHORT_OPTION = 24
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
ANSWER = "a"
SHOW_CARD = "fs"
RATE_CARD = "fr"


def esc(text: str) -> str:
    """Untrusted text, safe in Telegram's HTML parse mode."""
    return html.escape(text, quote=False)


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def code(text: str) -> str:
    """quizbot's own words with `code` in backticks, as HTML (escaped)."""
    parts = esc(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%H:%M UTC")


def day_and_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%a %d %b %H:%M UTC")


def _heading(mode: str, number: int, total: int) -> str:
    return "Daily question" if mode == "daily" else f"Question {number}/{total}"


def _fit(
    prompt: str, options: list[str], extra: str = "", budget: int = MESSAGE_BUDGET
) -> tuple[str, list[str], str]:
    """Cut the longest parts (explanation, then options, then the prompt) until the visible
    text fits ``budget``; every part keeps at least a few characters."""

    def size() -> int:
        return len(prompt) + sum(len(o) + 8 for o in options) + len(extra) + 200

    while size() > budget:
        over = size() - budget
        if len(extra) > 200:
            extra = cut(extra, max(200, len(extra) - over))
        elif options and max(len(o) for o in options) > 80:
            longest = max(range(len(options)), key=lambda i: len(options[i]))
            options[longest] = cut(options[longest], max(80, len(options[longest]) - over))
        else:
            prompt = cut(prompt, max(200, len(prompt) - over))
            if len(prompt) <= 200:
                break
    return prompt, options, extra


def question_text(view: QuestionView) -> str:
    prompt, options, _ = _fit(view.prompt, [o.text for o in view.options])
    head = [f"<b>{_heading(view.mode, view.number, view.total)}</b>"]
    if view.bank_title:
        head.append(esc(cut(view.bank_title, 100)))
    if view.topic:
        head.append(f"<i>{esc(cut(view.topic, 100))}</i>")
    lines = [" · ".join(head), "", esc(prompt)]
    if view.options:
        lines.append("")
        lines += [f"<b>{o.label}.</b> {esc(t)}" for o, t in zip(view.options, options, strict=True)]
    if view.kind is QuestionKind.TYPED:
        hint = "Reply to this message with your answer"
    elif view.mode == "daily":
        hint = "One answer each; the answer comes when it closes"
    else:
        hint = "One answer each"
    closes = day_and_time(view.deadline) if view.seconds >= 3600 else when(view.deadline)
    lines += ["", f"<i>{hint} · closes at {closes}</i>"]
    return "\n".join(lines)


def question_keyboard(view: QuestionView) -> InlineKeyboardMarkup | None:
    """One button per option (the letter, and the text when all are short); none for a
    typed question (answered by replying)."""
    if view.kind is QuestionKind.TYPED or not view.options:
        return None
    short = all(len(o.text) <= SHORT_OPTION for o in view.options)
    buttons = [
        InlineKeyboardButton(
            cut(f"{o.label}. {o.text}", limits.LIMITS["telegram"].button_label)
            if short
            else o.label,
            callback_data=f"{ANSWER}:{view.round_id}:{o.label}",
        )
        for o in view.options
    ]
    width = 1 if short else 5
    return InlineKeyboardMarkup([buttons[i : i + width] for i in range(0, len(buttons), width)])


def reveal_text(outcome: RoundOutcome, *, stopped: bool = False) -> str:
    prompt, options, explanation = _fit(
        outcome.prompt, [o.text for o in outcome.options], outcome.explanation
    )
    closed = "closed: the quiz was stopped" if stopped else "closed"
    lines = [f"<b>{_heading(outcome.mode, outcome.number, outcome.total)}</b> ({closed})", ""]
    lines.append(esc(prompt))
    lines.append("")
    if outcome.kind is QuestionKind.TYPED or not outcome.options:
        lines.append(f"✅ <b>Answer:</b> {esc(cut(outcome.correct_text, 500))}")
    else:
        for option, text in zip(outcome.options, options, strict=True):
            if option.label == outcome.correct_label:
                lines.append(f"✅ <b>{option.label}. {esc(text)}</b>")
            else:
                lines.append(f"▫️ {option.label}. {esc(text)}")
    if explanation:
        lines += ["", f"💡 {esc(explanation)}"]
    lines.append("")
    if outcome.private_to is not None:
        if outcome.winners:
            lines.append("🎉 You got it right")
        elif outcome.answered:
            lines.append("You missed it: it will come back in a later review")
        else:
            lines.append("Not answered in time")
    else:
        winners = ", ".join(esc(n) for n in outcome.winners[:30]) or "nobody"
        answers = texts.plural(outcome.answered, "answer")
        lines.append(f"<i>Got it right: {winners} · {answers}</i>")
    return "\n".join(lines)


def _standing(row: Standing) -> str:
    place = MEDALS.get(row.rank, f"{row.rank}.")
    return (
        f"{place} {esc(cut(row.name or row.player, 64))} — "
        f"{texts.plural(row.points, 'point')} ({row.correct}/{row.answered} right)"
    )


def _table(rows: Iterable[Standing], empty: str) -> str:
    lines = [_standing(r) for r in rows]
    return "\n".join(lines[:50]) or empty


def results_text(results: QuizResults) -> str:
    if results.private_to is not None:
        mine = results.standings[0] if results.standings else None
        right = mine.correct if mine else 0
        played = texts.plural(results.rounds_played, "question")
        return (
            f"<b>Review over</b> · {right} of {played} right\n"
            "<i>The ones you missed come back on their schedule: /quiz mistakes</i>"
        )
    played = texts.plural(results.rounds_played, "question")
    head = f"<b>Quiz over</b> · {esc(cut(results.bank_title, 100))} · {played}"
    if results.stopped_by:
        head += f"\nStopped by {esc(cut(results.stopped_by, 64))}."
    return f"{head}\n\n{_table(results.standings, 'Nobody answered.')}"


def daily_end_text(outcome: RoundOutcome) -> str:
    answer = outcome.correct_text
    if outcome.correct_label:
        answer = f"{outcome.correct_label}. {answer}"
    text = f"📅 <b>Daily question closed</b> · answer: <b>{esc(cut(answer, 300))}</b> · "
    if not outcome.answered:
        return text + "nobody answered"
    text += f"{len(outcome.winners)} of {outcome.answered} right"
    return text


def leaderboard_text(board: LeaderboardView) -> str:
    title = texts.leaderboard_title(board.scope, board.period, WORKSPACE_WORD)
    return f"<b>{esc(title)}</b>\n\n{_table(board.rows, 'No scores yet.')}"


def banks_text(banks: Iterable[BankSummary]) -> str:
    lines = ["<b>Question banks</b>"]
    for bank in banks:
        line = f"<b>{esc(bank.name)}</b> — {esc(cut(bank.title, 100))} ({bank.questions} questions"
        if bank.flashcards:
            line += f", {bank.flashcards} flashcards"
        lines.append(line + ")")
    return cut("\n".join(lines), MESSAGE_BUDGET) if len(lines) > 1 else "No banks yet."


def flashcard_text(card: FlashcardView, *, show_back: bool = False) -> str:
    if card.done or card.card_id is None:
        text = f"No flashcards due in {esc(card.bank)}. 🎉"
        if card.next_due is not None:
            text += f"\nThe next one is due {day_and_time(card.next_due)}."
        return text
    front, _, back = _fit(card.front, [], card.back if show_back else "")
    lines = [f"<b>Flashcard</b> · {esc(card.bank)} · {card.due} due · {card.new} new", ""]
    lines.append(esc(front))
    if show_back:
        lines += ["", "———", esc(back), "", "<i>How well did you remember it?</i>"]
    return "\n".join(lines)


def flashcard_keyboard(
    card: FlashcardView, *, workspace: str, show_back: bool = False
) -> InlineKeyboardMarkup | None:
    """ "Show answer" under a front, the ratings under a back (the data names the player's
    workspace: a deck belongs to the group it was started from)."""
    if card.done or card.card_id is None:
        return None
    if show_back:
        row = [
            InlineKeyboardButton(
                r.capitalize(), callback_data=f"{RATE_CARD}:{card.card_id}:{r}:{workspace}"
            )
            for r in texts.RATINGS
        ]
        return InlineKeyboardMarkup([row])
    data = f"{SHOW_CARD}:{card.card_id}:{workspace}"
    return InlineKeyboardMarkup([[InlineKeyboardButton("Show answer", callback_data=data)]])


def stats_text(stats: PlayerStats) -> str:
    answered = (
        f"{stats.answered} · {stats.correct} right ({round(stats.accuracy * 100)}%) · "
        f"{texts.plural(stats.points, 'point')}"
        if stats.answered
        else "none yet: join a quiz with /quiz start"
    )
    lines = [
        f"<b>Your quiz record, {esc(stats.name or stats.user)}</b>",
        f"<b>Answers:</b> {answered}",
        f"<b>Streak:</b> {stats.streak} right in a row (best {stats.best_streak})",
        f"<b>Daily question streak:</b> {texts.plural(stats.daily_streak, 'day')} "
        f"(best {stats.best_daily_streak})",
        f"<b>Flashcards due:</b> {stats.cards_due}",
        f"<b>Mistakes to review:</b> {stats.mistakes_due} due of {stats.mistakes}",
    ]
    topics = sorted(stats.topics, key=lambda t: (-t.answered, t.topic))[:8]
    if topics:
        lines.append("<b>By topic</b>")
        lines += [
            f"• {esc(t.topic or 'No topic')}: {t.correct}/{t.answered} ({round(t.accuracy * 100)}%)"
            for t in topics
        ]
    return "\n".join(lines)


def daily_text(daily: DailyView) -> str:
    text = esc(daily.describe())
    if daily.enabled and daily.next_run_at is not None:
        text += f"\nNext one: {day_and_time(daily.next_run_at)}."
    return text


def daily_changed_text(change: DailyChanged) -> str:
    name = esc(change.by)
    if change.action == "off":
        return f"📅 {name} turned the daily question off."
    return f"📅 {name} set a daily question. {daily_text(change.schedule)}"


def help_text(reason: str = "") -> str:
    entries = texts.help_entries(options_style=False, workspace_word=WORKSPACE_WORD)
    lines = ["<b>quizbot</b> — quizzes and flashcards for study groups"]
    lines += [f"<code>{esc(e.usage)}</code> — {code(e.does)}" for e in entries]
    lines += [
        "",
        "Answer with the buttons; answer a typed question by replying to it. Reviews, "
        "flashcards and your stats come in our private chat.",
    ]
    text = "\n".join(lines)
    return f"{code(reason)}\n\n{text}" if reason else text
