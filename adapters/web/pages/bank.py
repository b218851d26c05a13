"""The bank page (for moderators): a bank's questions with search and a topic filter, each
with its share right and how often each option is picked (:func:`bank_figures`, kept as
rounds close: the link's workspace's answers when it names one, else every workspace's;
figures only, no names), and a flashcard deck's cards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.web.languages import chosen
from adapters.web.pages import OutOfScope, expiry_text, percent
from adapters.web.render import query_maker, render_template
from bot.domain import QuestionKind
from bot.errors import UnknownBankError
from bot.i18n import _
from bot.services.tallies import bank_figures

if TYPE_CHECKING:
    from bot.domain import Question
    from bot.links import Scope
    from bot.services import QuizApp

#: Questions (and cards) per page, so a big bank's page stays small.
PER_PAGE = 50


def matches(question: Question, needle: str, topic: str) -> bool:
    if topic and question.topic != topic:
        return False
    if not needle:
        return True
    texts = [question.prompt, *question.options, *question.accepted, question.back]
    return any(needle in text.lower() for text in texts)


def page_number(text: str | None, pages: int) -> int:
    try:
        number = int(text or 1)
    except ValueError:
        number = 1
    return min(max(number, 1), max(pages, 1))


async def render(app: QuizApp, scope: Scope, query: dict[str, str], path: str) -> str:
    needle = query.get("q", "").strip()[:200]
    topic = query.get("topic", "")[:200]
    try:
        async with app.db.reads() as session:
            figures = await bank_figures(session, scope.bank, scope.platform, scope.workspace)
    except UnknownBankError as exc:
        raise OutOfScope(str(exc)) from exc
    info, analysis, questions = figures.info, figures.stats, figures.questions
    topics = sorted({q.topic for q in questions if q.topic})
    if topic not in topics:
        topic = ""
    lowered = needle.lower()
    items = [i for i in analysis.items if matches(i.question, lowered, topic)]
    cards = [
        q for q in questions if q.kind == QuestionKind.FLASHCARD and matches(q, lowered, topic)
    ]
    pages = max(-(-len(items) // PER_PAGE), -(-len(cards) // PER_PAGE), 1)
    number = page_number(query.get("page"), pages)
    shown = slice((number - 1) * PER_PAGE, number * PER_PAGE)
    where = " · ".join(p for p in (scope.platform, scope.workspace) if p) or _("every workspace")
    return render_template(
        "bank.html",
        request_query=query,
        title=_("Bank: {title}").format(title=info.title or info.name),
        place=_("bank {name}").format(name=info.name) + " · " + where,
        scoped=bool(scope.platform or scope.workspace),
        expires=expiry_text(scope),
        info=info,
        analysis=analysis,
        items=items[shown],
        item_count=len(items),
        cards=cards[shown],
        card_count=len(cards),
        topics=topics,
        topic=topic,
        needle=needle,
        page=number,
        pages=pages,
        percent=percent,
        query=query_maker({"q": needle, "topic": topic, "lang": chosen(query) or ""}),
    )
