"""Telegram messages for the core's views: HTML text and inline keyboards.

Bank text and names are untrusted: every piece of it goes through :func:`esc` (HTML parse
mode, the only markup used), so a question cannot add formatting, hidden links or mentions,
and link previews are off for everything the bot sends. A message's visible text is cut to
fit Telegram's 4,096 characters (counted after the markup is parsed); a reveal cuts the
explanation and the options' texts before anything else, and is never lost. The lines all
platforms share come from :mod:`adapters.kit.words`. Everything is written in the current
language (``bot.i18n``): the conductor sets a group's around what it posts, the handlers the
player's around what only they see.

Callback data (64 bytes at most) says what a button does, so any process serves a press:
``a:<round>:<letter>`` answers, ``fs:<card>:<workspace>`` shows a flashcard's back,
``fr:<card>:<rating>:<workspace>`` rates it.
"""

from __future__ import annotations

import dataclasses
import html
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from adapters.kit import limits, texts, words
from adapters.kit.dispatch import DailyChanged
from bot.domain import QuestionKind
from bot.i18n import _, current_language, ngettext
from bot.i18n import formatting as fmt
from bot.views import (
    BankSummary,
    DailyView,
    FlashcardView,
    LeaderboardView,
    PlayerStats,
    QuestionView,
    QuizResults,
    RoundOutcome,
)

WORKSPACE_WORD = "group"
MESSAGE_BUDGET = limits.TELEGRAM_TEXT - 96  # room for the lines around the texts
SHORT_OPTION = 24
ANSWER = "a"
SHOW_CARD = "fs"
RATE_CARD = "fr"


def esc(text: str) -> str:
    """Untrusted text, safe in Telegram's HTML parse mode."""
    return html.escape(text, quote=False)


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


#: How Telegram's HTML writes the kit's shared lines.
HTML = words.Markup(
    escape=esc,
    bold=lambda text: f"<b>{text}</b>",
    italic=lambda text: f"<i>{text}</i>",
    code=lambda text: f"<code>{text}</code>",
    emoji={"tada": "🎉", "calendar": "📅", "bulb": "💡", "right": "✅", "other": "▫️"},
    medals={1: "🥇", 2: "🥈", 3: "🥉"},
    link=lambda label, url: f'<a href="{html.escape(url)}">{esc(label)}</a>',
)


def code(text: str) -> str:
    """quizbot's own words with `code` in backticks, as HTML (escaped)."""
    parts = esc(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def when(moment: datetime, *, day: bool = False) -> str:
    """A moment in UTC, the current language's way (with its weekday and date: ``day``)."""
    moment = moment.astimezone(UTC)
    time = fmt.time_of_day(moment)
    if not day:
        return _("{time} UTC").format(time=time)
    return _("{weekday} {date}, {time} UTC").format(
        weekday=fmt.weekday(moment.weekday(), "abbreviated"), date=fmt.date(moment), time=time
    )


def _fit(
    prompt: str, options: list[str], extra: str = "", budget: int = MESSAGE_BUDGET
) -> tuple[str, list[str], str]:
    """Cut the longest parts (the explanation, then options, then the prompt) until the
    visible text fits ``budget``; every part keeps its start."""

    def over() -> int:
        return len(prompt) + sum(len(o) + 8 for o in options) + len(extra) + 200 - budget

    while over() > 0:
        if len(extra) > 200:
            extra = cut(extra, max(200, len(extra) - over()))
        elif options and max(map(len, options)) > 80:
            longest = max(range(len(options)), key=lambda i: len(options[i]))
            options[longest] = cut(options[longest], max(80, len(options[longest]) - over()))
        elif len(prompt) > 200:
            prompt = cut(prompt, max(200, len(prompt) - over()))
        else:
            break
    return prompt, options, extra


def question_text(view: QuestionView) -> str:
    prompt, options, _extra = _fit(view.prompt, [o.text for o in view.options])
    head = [f"<b>{words.heading(view.mode, view.number, view.total)}</b>"]
    if view.bank_title:
        head.append(esc(cut(view.bank_title, 100)))
    if view.topic:
        head.append(f"<i>{esc(cut(view.topic, 100))}</i>")
    lines = [" · ".join(head), "", esc(prompt)]
    if view.options:
        lines.append("")
        lines += [f"<b>{o.label}.</b> {esc(t)}" for o, t in zip(view.options, options, strict=True)]
    closes = when(view.deadline, day=view.seconds >= 3600)
    if view.kind is QuestionKind.TYPED:
        hint = _("Reply to this message with your answer · closes at {time}")
    elif view.mode == "daily":
        hint = _("One answer each; the answer comes when it closes · closes at {time}")
    else:
        hint = _("One answer each · closes at {time}")
    lines += ["", f"<i>{hint.format(time=closes)}</i>"]
    return "\n".join(lines)


def question_keyboard(view: QuestionView) -> InlineKeyboardMarkup | None:
    """One button per option (the letter, and the text when all are short); none for a
    typed question (answered by replying)."""
    if view.kind is QuestionKind.TYPED or not view.options:
        return None
    short = all(len(o.text) <= SHORT_OPTION for o in view.options)
    buttons = [
        InlineKeyboardButton(
            cut(f"{o.label}. {o.text}", limits.TELEGRAM.button_label) if short else o.label,
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
    heading = f"<b>{words.heading(outcome.mode, outcome.number, outcome.total)}</b>"
    if stopped:
        head = _("{heading} (closed: the quiz was stopped)").format(heading=heading)
    else:
        head = _("{heading} (closed)").format(heading=heading)
    lines = [head]
    lines += ["", esc(prompt), ""]
    lines += words.revealed_options(outcome, HTML, options or None)
    if explanation:
        lines += ["", f"💡 {esc(explanation)}"]
    lines += ["", f"<i>{words.who_got_it(outcome, HTML)}</i>"]
    if outcome.team_scores:
        lines += [words.teams_line(outcome.team_scores, HTML)]
    return "\n".join(lines)


def results_text(results: QuizResults) -> str:
    if results.private_to is not None:
        text, tip = words.review_over(results, HTML)
        return f"{text}\n<i>{tip}</i>"
    rows = words.standings(results.standings[:50], HTML, _("Nobody answered."))
    if results.teams:
        rows = [HTML.bold(_("Teams")), *words.team_standings(results.teams, HTML), "", *rows]
    if results.links:
        rows += ["", words.web_links(results.links, HTML)]
    return words.results_heading(results, HTML) + "\n\n" + "\n".join(rows)


def flashcard_text(card: FlashcardView, *, show_back: bool = False) -> str:
    if card.done or card.card_id is None:
        text = _("No flashcards due in {bank}. 🎉").format(bank=esc(card.bank))
        if card.next_due is not None:
            due = when(card.next_due, day=True)
            text += "\n" + _("The next one is due {moment}.").format(moment=due)
        return text
    front, _unused, back = _fit(card.front, [], card.back if show_back else "")
    due = ngettext("{count} due", "{count} due", card.due).format(count=fmt.number(card.due))
    new = ngettext("{count} new", "{count} new", card.new).format(count=fmt.number(card.new))
    counts = f"{due} · {new}"
    lines = [HTML.bold(_("Flashcard")) + f" · {esc(card.bank)} · {counts}", ""]
    lines.append(esc(front))
    if show_back:
        lines += ["", "———", esc(back), "", HTML.italic(_("How well did you remember it?"))]
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
                texts.rating_label(r),
                callback_data=f"{RATE_CARD}:{card.card_id}:{r}:{workspace}",
            )
            for r in texts.RATINGS
        ]
        return InlineKeyboardMarkup([row])
    data = f"{SHOW_CARD}:{card.card_id}:{workspace}"
    return InlineKeyboardMarkup([[InlineKeyboardButton(_("Show answer"), callback_data=data)]])


def language_name(code: str) -> str:
    """A language's name in the current language (``es``: Spanish, español, Spanisch)."""
    from babel import Locale, UnknownLocaleError

    try:
        names = Locale.parse(current_language()).languages
    except (ValueError, UnknownLocaleError):
        return code
    tag = code.replace("-", "_")
    return str(names.get(tag) or names.get(tag.split("_")[0].lower()) or code)


def bank_line(bank: BankSummary) -> str:
    """A bank in the list: the kit's line, then its questions' language when it has one,
    then its web page's link (for a moderator)."""
    line = words.bank_line(dataclasses.replace(bank, link=None), HTML)
    if bank.language:
        language = language_name(bank.language)
        line += " · " + esc(_("questions in {language}").format(language=language))
    if bank.link is not None:
        line += " · " + HTML.link(bank.link.label, bank.link.url)
    return line


def daily_text(daily: DailyView) -> str:
    text = esc(daily.describe())
    if daily.enabled and daily.next_run_at is not None:
        text += "\n" + _("Next one: {moment}.").format(moment=when(daily.next_run_at, day=True))
    return text


class TelegramReplies:
    """HTML for each kind of reply (see :class:`adapters.kit.rendering.Renderer`)."""

    def notice(self, text: str) -> str:
        return code(text)

    def help(self, reason: str) -> str:
        entries = texts.help_entries(options_style=False, workspace_word=WORKSPACE_WORD)
        lines = ["<b>quizbot</b> — " + esc(_("quizzes and flashcards for study groups"))]
        lines += [f"<code>{esc(e.usage)}</code> — {code(e.does)}" for e in entries]
        lines += [
            "",
            esc(
                _(
                    "Answer with the buttons; answer a typed question by replying to it. "
                    "Reviews, flashcards and your stats come in our private chat."
                )
            ),
        ]
        text = "\n".join(lines)
        return f"{code(reason)}\n\n{text}" if reason else text

    def banks(self, banks: tuple[BankSummary, ...]) -> str:
        if not banks:
            return esc(_("No banks yet."))
        lines = [HTML.bold(_("Question banks")), *map(bank_line, banks)]
        return cut("\n".join(lines), MESSAGE_BUDGET)

    def daily_changed(self, change: DailyChanged) -> str:
        name = esc(change.by)
        if change.action == "off":
            return "📅 " + _("{name} turned the daily question off.").format(name=name)
        said = _("{name} set a daily question.").format(name=name)
        return f"📅 {said} {daily_text(change.schedule)}"

    def review_started(self, question: QuestionView) -> str:
        return code(texts.review_started(question.total))

    def daily(self, daily: DailyView) -> str:
        return daily_text(daily)

    def flashcard(self, card: FlashcardView) -> str:
        return flashcard_text(card)

    def leaderboard(self, board: LeaderboardView) -> str:
        title = texts.leaderboard_title(board.scope, board.period, WORKSPACE_WORD)
        rows = words.standings(board.rows[:50], HTML, _("No scores yet."))
        if board.links:
            rows += ["", words.web_links(board.links, HTML)]
        return f"<b>{esc(title)}</b>\n\n" + "\n".join(rows)

    def stats(self, stats: PlayerStats) -> str:
        title = _("Your quiz record, {name}").format(name=esc(stats.name or stats.user))
        lines = [f"<b>{title}</b>"]
        lines += words.stats_lines(stats, HTML)
        if topics := words.topic_lines(stats, HTML):
            lines += [HTML.bold(_("By topic")), *topics]
        if stats.links:
            lines += ["", words.web_links(stats.links, HTML)]
        return "\n".join(lines)

    def question(self, question: QuestionView) -> str:
        return question_text(question)

    def results(self, results: QuizResults) -> str:
        return results_text(results)


RENDERER = TelegramReplies()
