"""The game report page: one quiz, question by question, then its final standings
(:func:`bot.services.reports.game_report`, bound to the link's tenant)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from adapters.web.charts import bars
from adapters.web.pages import OutOfScope, expiry_text, moment, percent
from adapters.web.render import render_template
from bot.i18n import _, pgettext
from bot.services.reports import game_report
from bot.store.models import ChannelRow, QuizRow
from bot.views import ChannelRef

if TYPE_CHECKING:
    from bot.links import Scope
    from bot.services import QuizApp


def status_label(status: str) -> str:
    """A quiz's status (``running``, ``finished``, ``stopped``) in the current language."""
    labels = {
        "running": pgettext("quiz status", "running"),
        "finished": pgettext("quiz status", "finished"),
        "stopped": pgettext("quiz status", "stopped"),
    }
    return labels.get(status, status)


async def channel_of(app: QuizApp, scope: Scope) -> ChannelRef | None:
    """The channel the quiz was played in (the page's language when the reader names none),
    if it is of the link's workspace."""
    async with app.db.reads() as session:
        channel = await session.scalar(
            select(ChannelRow.channel_id)
            .join(QuizRow, QuizRow.channel_id == ChannelRow.id)
            .where(
                QuizRow.id == scope.quiz,
                ChannelRow.platform == scope.platform,
                ChannelRow.workspace == scope.workspace,
            )
        )
    return None if channel is None else ChannelRef(scope.platform, scope.workspace, channel)


async def render(app: QuizApp, scope: Scope, query: dict[str, str], path: str) -> str:
    report = await game_report(app.db, scope.quiz, scope.platform, scope.workspace)
    if report is None:
        raise OutOfScope(f"quiz {scope.quiz} is not of this workspace")
    chart = bars(
        _("Share of right answers per question"),
        "; ".join(
            _("Question {number}: {share} right of {count}").format(
                number=r.number, share=percent(r.share_right), count=r.answered
            )
            for r in report.rounds
        )
        or _("No questions asked yet"),
        [
            (
                _("Q{number}").format(number=r.number),
                (r.share_right or 0.0) * 100,
                percent(r.share_right),
            )
            for r in report.rounds
        ],
        maximum=100,
    )
    return render_template(
        "report.html",
        request_query=query,
        title=_("Game report: quiz {quiz}").format(quiz=report.quiz_id),
        place=f"{scope.platform} · {scope.workspace} · #{report.channel}",
        expires=expiry_text(scope),
        report=report,
        status=status_label(report.status),
        started=moment(report.started),
        chart=chart,
        percent=percent,
    )
