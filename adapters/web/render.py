"""Turning a page's data into HTML: Jinja2 templates (shipped in ``templates/``) with
autoescaping always on, so bank text and names are text, never markup.

Templates write in the current language (:func:`bot.i18n.use_language`, chosen per request,
see :mod:`adapters.web.languages`) with quizbot's own functions as globals: ``_``,
``ngettext`` and ``pgettext`` (for a short word whose sense needs its context); their
placeholders are ``{fields}`` filled with ``.format`` after translating, and escaped like any
value. ``html`` fills a message that carries markup of its own; ``fmt``
(:mod:`bot.i18n.formatting`) writes numbers, percentages and dates.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from adapters.web.languages import PARAMETER, chosen
from bot.i18n import LANGUAGES, _, current_language, ngettext, pgettext
from bot.i18n import formatting as fmt


def html(message: str, **fields: Any) -> Markup:
    """A translated message holding its own markup (``<strong>{count}</strong>``): the
    message is trusted (it is ours), every field is escaped."""
    return Markup(message).format(**fields)


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("adapters.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(_=_, ngettext=ngettext, pgettext=pgettext, html=html, fmt=fmt)
    return env


def language_links(query: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """The footer's language links: (code, the language's own name, query string), each
    keeping the page's filters."""
    kept = {k: v for k, v in query.items() if k != PARAMETER and v}
    return [(code, name, urlencode({**kept, PARAMETER: code})) for code, name in LANGUAGES.items()]


def render_template(
    template: str, *, request_query: Mapping[str, str] | None = None, **context: Any
) -> str:
    """The page ``template`` filled with ``context`` (every value escaped), in the current
    language; ``request_query`` (the page's query) gives its language links."""
    query = request_query or {}
    context.setdefault("place", "")
    context.setdefault("expires", "")
    context.setdefault("lang", current_language())
    context.setdefault("lang_choice", chosen(query) or "")
    context.setdefault("languages", language_links(query))
    return environment().get_template(template).render(**context)


def query_maker(current: dict[str, str]) -> Any:
    """A template helper: the current query string with some parameters changed."""

    def query(**changes: str) -> str:
        merged = {**current, **changes}
        return urlencode({k: v for k, v in merged.items() if v})

    return query
