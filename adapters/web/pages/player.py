"""A player's own page ("My progress"): figures and streaks (:func:`player_stats`), accuracy
by topic, answers per day, a calendar of study days, flashcards coming due, and their
answers to download as CSV or JSON. Reads only the link's player; writes nothing."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import TYPE_CHECKING

from adapters.web.charts import bars, columns, day_month, heatmap
from adapters.web.pages import OutOfScope, expiry_text, percent
from adapters.web.render import render_template
from bot.i18n import _, ngettext
from bot.i18n import formatting as fmt
from bot.services.players import player_stats
from bot.services.progress import (
    HISTORY_DAYS,
    answer_records,
    find_player_row,
    progress,
)

if TYPE_CHECKING:
    from bot.links import Scope
    from bot.services import QuizApp

#: Days shown in the answers-per-day chart.
RECENT_DAYS = 30
#: What a spreadsheet would run as a formula at the start of a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


async def render(app: QuizApp, scope: Scope, query: dict[str, str], path: str) -> str:
    now = app.now()
    today = now.date()
    async with app.db.reads() as session:
        player = await find_player_row(session, scope.platform, scope.workspace, scope.user)
        if player is None:
            stats = None
            seen = None
        else:
            stats = await player_stats(session, player, now)
            seen = await progress(session, player.id, now)
    name = stats.name if stats else scope.user
    context: dict[str, object] = {
        "request_query": query,
        "title": _("My progress: {name}").format(name=name),
        "place": f"{scope.platform} · {scope.workspace}",
        "expires": expiry_text(scope),
        "stats": stats,
        "percent": percent,
        "token_path": path,
    }
    if stats is not None and seen is not None:
        topics = [(t.topic, t.accuracy * 100, percent(t.accuracy)) for t in stats.topics]
        context["topic_chart"] = bars(
            _("Accuracy by topic"),
            "; ".join(
                _("{topic}: {share} of {count}").format(
                    topic=t.topic, share=percent(t.accuracy), count=fmt.number(t.answered)
                )
                for t in stats.topics
            )
            or _("No answers yet"),
            topics,
            maximum=100,
        )
        recent = [today - timedelta(days=RECENT_DAYS - 1 - i) for i in range(RECENT_DAYS)]
        per_day = [(day_month(d), seen.answers_per_day.get(d, 0)) for d in recent]
        context["recent"] = [(d, n) for d, n in zip(recent, (n for _l, n in per_day), strict=True)]
        total = sum(n for _l, n in per_day)
        context["day_chart"] = columns(
            _("Answers per day, last {days} days").format(days=RECENT_DAYS),
            ngettext(
                "{count} answer over {days} days; most in one day: {most}",
                "{count} answers over {days} days; most in one day: {most}",
                total,
            ).format(
                count=fmt.number(total),
                days=RECENT_DAYS,
                most=fmt.number(max(n for _l, n in per_day)),
            ),
            per_day,
            every=7,
        )
        study = dict(seen.answers_per_day)
        for day, n in seen.reviews_per_day.items():
            study[day] = study.get(day, 0) + n
        first = today - timedelta(days=HISTORY_DAYS - 1)
        study_days = sum(1 for d, n in study.items() if n and d >= first)
        context["study_days"] = study_days
        context["heatmap"] = heatmap(
            _("Study days, last 26 weeks"),
            _("Studied on {count} of the last {days} days").format(
                count=fmt.number(study_days), days=fmt.number(HISTORY_DAYS)
            ),
            study,
            first,
            today,
        )
        context["forecast"] = seen.due_forecast
        context["forecast_chart"] = columns(
            _("Flashcards due, next 14 days"),
            "; ".join(
                _("{day}: {count}").format(day=fmt.date(d), count=fmt.number(n))
                for d, n in seen.due_forecast
            ),
            [(day_month(d), n) for d, n in seen.due_forecast],
            every=3,
        )
    return render_template("player.html", **context)


async def download(app: QuizApp, scope: Scope, fmt: str) -> tuple[bytes, str, str]:
    """The player's answers: (body, content type, file name)."""
    async with app.db.reads() as session:
        player = await find_player_row(session, scope.platform, scope.workspace, scope.user)
        if player is None:
            raise OutOfScope("no such player")
        records = await answer_records(session, player.id)
    fields = ["answered_at", "quiz", "bank", "question", "topic", "choice", "correct", "points"]
    if fmt == "json":
        data = [
            {
                "answered_at": r.answered_at.isoformat(),
                "quiz": r.quiz,
                "bank": r.bank,
                "question": r.question,
                "topic": r.topic,
                "choice": r.choice,
                "correct": r.correct,
                "points": r.points,
            }
            for r in records
        ]
        body = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        return body, "application/json", "my-answers.json"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(fields)
    for r in records:
        row = [r.answered_at.isoformat(), r.quiz, r.bank, r.question, r.topic, r.choice]
        writer.writerow([safe_cell(v) for v in row] + [str(r.correct).lower(), r.points])
    return out.getvalue().encode("utf-8"), "text/csv", "my-answers.csv"


def safe_cell(value: object) -> object:
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
