"""Block Kit rendering of the core's view objects.

Every function here is pure: a view in, a message (``text`` fallback plus ``blocks``) or a
list of blocks out. All untrusted text (bank text, player names) goes through
:func:`escape`, so a question that says ``<!channel>`` or ``<@U123>`` shows those characters
instead of pinging anyone.

Interactive elements carry everything a process needs to serve a click, since the game's
state lives in the database: answer buttons are ``quiz_answer_<label>`` with value
``"<round_id>:<label>"`` (``"<round_id>:<label>:p"`` for a private review, whose receipts
go back through the click's own ``response_url``); flashcard buttons carry
``"<bank>:<card_id>"``.

The study features' messages (stats, daily schedules, short results) are in
:mod:`adapters.slack.study_blocks`.

Every text is written in the current language (:func:`bot.i18n.use_language`): the caller
decides whose (the channel's for what the channel sees, the user's for what only they see).
Bank text is never translated.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from adapters.kit import texts, words
from adapters.slack.pictures import picture_blocks
from bot.domain import QuestionKind
from bot.i18n import _, current_language, ngettext, pgettext
from bot.i18n import formatting as fmt
from bot.views import (
    BankSummary,
    FlashcardView,
    LeaderboardView,
    QuestionView,
    QuizResults,
    RoundOutcome,
)

Block = dict[str, Any]

ANSWER_ACTION_PREFIX = "quiz_answer_"
TYPED_OPEN_ACTION = "quiz_typed_open"
TYPED_SUBMIT_CALLBACK = "quiz_typed_submit"
TYPED_INPUT_BLOCK = "typed_answer"
TYPED_INPUT_ACTION = "answer"
FLASH_SHOW_ACTION = "flash_show"
FLASH_RATE_PREFIX = "flash_rate_"
HOME_FLASHCARDS_ACTION = "home_flashcards"
HOME_MISTAKES_ACTION = "home_mistakes"
PRIVATE_MARK = "p"
RATINGS = texts.RATINGS

SECTION_LIMIT = 3000  # characters of a section's text
MODAL_TITLE_LIMIT = 24  # characters of a modal's title, submit and close texts
BUTTON_LIMIT = 75  # characters of a button's label
MEDALS = {1: ":first_place_medal:", 2: ":second_place_medal:", 3: ":third_place_medal:"}


def escape(text: str) -> str:
    """Make untrusted text safe for Slack mrkdwn: no links, no mentions, no broadcasts."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


#: How Slack's mrkdwn writes the kit's shared lines.
MRKDWN = words.Markup(
    escape=escape,
    bold=lambda text: f"*{text}*",
    italic=lambda text: f"_{text}_",
    code=lambda text: f"`{text}`",
    emoji={
        "tada": ":tada:",
        "calendar": ":calendar:",
        "bulb": ":bulb:",
        "right": ":white_check_mark:",
        "other": ":white_small_square:",
        "mag": ":mag:",
        "warning": ":warning:",
        "recorded": ":ballot_box_with_check:",
    },
    medals=MEDALS,
    link=lambda label, url: f"<{url}|{escape(label)}>",
)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> Block:
    """A mrkdwn section; ``text`` must already be escaped."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text, SECTION_LIMIT)}}


def sections(lines: list[str], limit: int = SECTION_LIMIT) -> list[Block]:
    """Lines (already escaped) packed into as few sections as fit Slack's limit, each line
    kept whole unless it alone is too long."""
    packed: list[Block] = []
    chunk: list[str] = []
    size = 0
    for line in (_cut(line, limit) for line in lines):
        if chunk and size + len(line) + 1 > limit:
            packed.append(section("\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        packed.append(section("\n".join(chunk)))
    return packed


def context(text: str) -> Block:
    """A small grey line of mrkdwn; ``text`` must already be escaped."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(text, 2000)}]}


def button(action_id: str, label: str, value: str, style: str | None = None) -> Block:
    """A button; ``label`` is plain text (not parsed for mentions) and is shortened to fit."""
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": _cut(label, BUTTON_LIMIT), "emoji": True},
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def message(text: str, blocks: list[Block]) -> dict[str, Any]:
    """Keyword arguments for ``chat.postMessage`` / ``chat.update`` / ``respond``."""
    return {"text": _cut(text, 3000), "blocks": blocks}


def slack_date(moment: datetime, tokens: str) -> str:
    """A time Slack shows in each reader's own time zone (``tokens`` such as
    ``{date_short_pretty} {time}``), with a UTC fallback for clients that cannot."""
    stamp = int(moment.timestamp())
    fallback = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{stamp}^{tokens}|{fallback}>"


_title = words.heading


def _heading(view: QuestionView) -> str:
    parts = [f"*{_title(view.mode, view.number, view.total)}*"]
    if view.bank_title:
        parts.append(escape(view.bank_title))
    if view.topic:
        parts.append(f"_{escape(view.topic)}_")
    return "  ·  ".join(parts)


def day_and_time() -> str:
    """Slack's date tokens for "a day at a time", in the current language's words."""
    return _("{date} at {time}").format(date="{date_short_pretty}", time="{time}")


def _deadline(view: QuestionView) -> str:
    if view.seconds >= 3600:  # a daily question: open for hours
        when = slack_date(view.deadline, day_and_time())
        return _("open until {when}").format(when=when)
    stamp = int(view.deadline.timestamp())
    shown = _("closes at {time}").format(time="{time_secs}")
    fallback = _("closes in {seconds} s").format(seconds=view.seconds)
    return f"<!date^{stamp}^{shown}|{fallback}>"


def _hint(view: QuestionView) -> str:
    if view.kind is QuestionKind.TYPED:
        if view.private_to or view.mode == "review":
            return _("Answer with the button")
        return _("Type your answer in this channel, or answer privately")
    if view.mode == "daily":
        return _("One answer each; the answer comes when it closes")
    if view.private_to:
        return _("Just for you")
    return _("One answer each")


def question_message(view: QuestionView) -> dict[str, Any]:
    """The message asking a question, with its options as buttons (or a typed-answer hint).

    Daily questions say so; a review's buttons are marked private (see the module doc).
    """
    blocks: list[Block] = [section(f"{_heading(view)}\n{escape(view.prompt)}")]
    blocks += picture_blocks(view.image)
    if view.kind is QuestionKind.TYPED:
        label = pgettext("button", "Answer") if view.private_to else _("Answer privately")
        blocks.append(
            {
                "type": "actions",
                "block_id": f"quiz_round_{view.round_id}",
                "elements": [button(TYPED_OPEN_ACTION, label, str(view.round_id))],
            }
        )
    else:
        mark = f":{PRIVATE_MARK}" if view.private_to else ""
        lines = [f"*{o.label}.* {escape(o.text)}" for o in view.options]
        blocks += sections(lines)  # ten long options do not fit one section
        blocks.append(
            {
                "type": "actions",
                "block_id": f"quiz_round_{view.round_id}",
                "elements": [
                    button(
                        f"{ANSWER_ACTION_PREFIX}{o.label}",
                        f"{o.label}. {o.text}",
                        f"{view.round_id}:{o.label}{mark}",
                    )
                    for o in view.options
                ],
            }
        )
    blocks.append(context(f"{_hint(view)} · {_deadline(view)}"))
    title = _title(view.mode, view.number, view.total)
    return message(f"{title}: {escape(view.prompt)}", blocks)


def reveal_message(outcome: RoundOutcome, stopped: bool = False) -> dict[str, Any]:
    """The question message once closed: the right answer, the explanation, who got it."""
    title = _title(outcome.mode, outcome.number, outcome.total)
    if stopped:
        heading = _("*{title}* (closed: the quiz was stopped)").format(title=title)
    else:
        heading = _("*{title}* (closed)").format(title=title)
    blocks: list[Block] = [section(f"{heading}\n{escape(outcome.prompt)}")]
    blocks += picture_blocks(outcome.image)
    blocks += sections(words.revealed_options(outcome, MRKDWN))
    if outcome.explanation:
        blocks.append(section(f":bulb: {escape(outcome.explanation)}"))
    blocks.append(context(words.who_got_it(outcome, MRKDWN)))
    if outcome.team_scores:
        blocks.append(context(words.teams_line(outcome.team_scores, MRKDWN)))
    answer = outcome.correct_text
    if outcome.correct_label:
        answer = f"{outcome.correct_label}. {answer}"
    return message(
        _("{title} closed. Answer: {answer}").format(title=title, answer=escape(answer)), blocks
    )


def results_message(results: QuizResults) -> dict[str, Any]:
    """The end of a quiz: the final standings."""
    lines = words.standings(results.standings, MRKDWN, _("Nobody answered."))
    if results.teams:
        lines = [_("*Teams*"), *words.team_standings(results.teams, MRKDWN), "", *lines]
    blocks = [section(words.results_heading(results, MRKDWN)), *sections(lines)]
    if results.links:
        blocks.append(context(words.web_links(results.links, MRKDWN)))
    winner = results.standings[0] if results.standings else None
    fallback = _("Quiz over.")
    if winner:
        fallback = ngettext(
            "Quiz over. Winner: {name} ({points} point)",
            "Quiz over. Winner: {name} ({points} points)",
            winner.points,
        ).format(name=escape(winner.name or winner.player), points=fmt.number(winner.points))
    return message(fallback, blocks)


def leaderboard_message(board: LeaderboardView) -> dict[str, Any]:
    """A leaderboard table, titled in Slack's words (a workspace, not a server)."""
    title = texts.leaderboard_title(board.scope, board.period, "workspace")
    lines = words.standings(board.rows, MRKDWN, _("No scores yet."))
    blocks = [section(f"*{title}*"), *sections(lines)]
    if board.links:
        blocks.append(context(words.web_links(board.links, MRKDWN)))
    return message(title, blocks)


def language_name(tag: str) -> str:
    """A bank's language (``es``, ``pt-br``) named in the current language (``Spanish``,
    ``portugués (Brasil)``); the tag itself when Babel does not know it."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(tag.replace("-", "_")).get_display_name(current_language())
    except (ValueError, TypeError, UnknownLocaleError):
        return tag
    return str(name or tag)


def banks_message(banks: list[BankSummary]) -> dict[str, Any]:
    """The banks one can play, with their sizes (and their language, when one is set)."""
    if not banks:
        empty = _("No banks yet.")
        return message(empty, [section(empty)])
    lines = []
    for bank in banks:
        line = words.bank_line(bank, MRKDWN)
        if bank.language:
            line += " · " + _("questions in {language}").format(
                language=escape(language_name(bank.language))
            )
        if bank.description:
            line += f"\n      {escape(bank.description)}"
        lines.append(line)
    text = "\n".join(lines)
    blocks = [section(_("*Question banks*"))]
    # A section holds 3000 characters: split long lists over several sections.
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > SECTION_LIMIT - 10:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    return message(_cut(_("Question banks:") + "\n" + text, 3000), blocks[:50])


def flashcard_message(
    card: FlashcardView, requested_bank: str, show_back: bool = False
) -> dict[str, Any]:
    """A flashcard: its front and a "show answer" button, or its back and the rating buttons."""
    counts = _("{due} due · {new} new").format(due=card.due, new=card.new)
    if card.done or card.card_id is None:
        text = _("No flashcards due in {bank}. :tada:").format(bank=escape(card.bank))
        if card.next_due is not None:
            when = slack_date(card.next_due, "{date_short_pretty} {time}")
            text += "\n" + _("The next one is due {when}.").format(when=when)
        return message(text, [section(text)])
    value = f"{requested_bank}:{card.card_id}"
    heading = _("*Flashcard* · {bank} · {counts}").format(bank=escape(card.bank), counts=counts)
    blocks: list[Block] = [section(f"{heading}\n{escape(card.front)}")]
    blocks += picture_blocks(card.image)
    if card.next_due is not None and not show_back:
        when = slack_date(card.next_due, "{date_short_pretty} {time}")
        blocks.append(
            context(
                _("Due cards first, then new ones · after these, next due {when}").format(when=when)
            )
        )
    if show_back:
        blocks.append({"type": "divider"})
        blocks.append(section(escape(card.back)))
        blocks.append(
            {
                "type": "actions",
                "block_id": f"flash_rate_{card.card_id}",
                "elements": [
                    button(f"{FLASH_RATE_PREFIX}{rating}", texts.rating_label(rating), value)
                    for rating in RATINGS
                ],
            }
        )
        blocks.append(context(_("How well did you remember it?")))
    else:
        blocks.append(
            {
                "type": "actions",
                "block_id": f"flash_show_{card.card_id}",
                "elements": [button(FLASH_SHOW_ACTION, _("Show answer"), value, style="primary")],
            }
        )
    return message(_("Flashcard: {front}").format(front=escape(card.front)), blocks)


def typed_answer_modal(view: QuestionView, channel: str) -> dict[str, Any]:
    """The modal for answering a typed question privately (``:p``: of a private review)."""
    mark = f":{PRIVATE_MARK}" if view.private_to else ""
    return {
        "type": "modal",
        "callback_id": TYPED_SUBMIT_CALLBACK,
        "private_metadata": f"{view.round_id}:{channel}{mark}",
        "title": {
            "type": "plain_text",
            "text": _modal_title(_title(view.mode, view.number, view.total)),
        },
        "submit": {"type": "plain_text", "text": _modal_title(pgettext("button", "Answer"))},
        "close": {"type": "plain_text", "text": _modal_title(_("Cancel"))},
        "blocks": [
            section(escape(view.prompt)),
            {
                "type": "input",
                "block_id": TYPED_INPUT_BLOCK,
                "label": {"type": "plain_text", "text": _("Your answer")},
                "element": {
                    "type": "plain_text_input",
                    "action_id": TYPED_INPUT_ACTION,
                    "max_length": 200,
                },
            },
        ],
    }


def _modal_title(text: str) -> str:
    """A modal's title or button: Slack takes 24 characters (a translation may be longer)."""
    return _cut(text, MODAL_TITLE_LIMIT)


def closed_modal(reason: str = "", *, late: bool = True) -> dict[str, Any]:
    """The modal shown instead of the answer form: the question closed (``late``), or
    ``reason`` (someone else's review)."""
    title = _("Too late") if late else _("Sorry")
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": _modal_title(title)},
        "close": {"type": "plain_text", "text": _modal_title(_("OK"))},
        "blocks": [section(escape(reason or _("This question has closed.")))],
    }


def help_text() -> str:
    """The command list, in mrkdwn (the same entries as every platform's help)."""
    entries = texts.help_entries(options_style=False, workspace_word="workspace")
    lines = [_("*quizbot* — quizzes and flashcards for study groups")]
    lines += [f"`{entry.usage}` — {entry.does}" for entry in entries]
    return "\n".join(lines)


def help_message(reason: str = "") -> dict[str, Any]:
    """How to use ``/quiz``; ``reason`` says why it is shown (a command not understood)."""
    text = f"{escape(reason)}\n{help_text()}" if reason else help_text()
    return message(text, [section(text)])


def notice(text: str) -> dict[str, Any]:
    """A one-line message (already escaped)."""
    return message(text, [section(text)])
