"""The game report page: one quiz, question by question, then its final standings
(:func:`bot.services.reports.game_report`, bound to the link's tenant)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.web.charts import bars
from adapters.web.pages import OutOfScope, expiry_text, percent
from adapters.web.render import render_template
from bot.services.reports import game_report

if TYPE_CHECKING:
    from bot.links import Scope
    from bot.services import QuizApp


async def render(app: QuizApp, scope: Scope, query: dict[str, str], path: str) -> str:
    report = await game_report(app.db, scope.quiz, scope.platform, scope.workspace)
    if report is None:
        raise OutOfScope(f"quiz {scope.quiz} is not of this workspace")
    chart = bars(
        "Share of right answers per question",
        "; ".join(
            f"Question {r.number}: {percent(r.share_right)} right of {r.answered}"
            for r in report.rounds
        )
        or "No questions asked yet",
        [
            (f"Q{r.number}", (r.share_right or 0.0) * 100, percent(r.share_right))
            for r in report.rounds
        ],
        maximum=100,
    )
    return render_template(
        "report.html",
        title=f"Game report: quiz {report.quiz_id}",
        place=f"{scope.platform} · {scope.workspace} · #{report.channel}",
        expires=expiry_text(scope),
        report=report,
        chart=chart,
        percent=percent,
    )
