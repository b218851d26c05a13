"""Turning a page's data into HTML: Jinja2 templates (shipped in ``templates/``) with
autoescaping always on, so bank text and names are text, never markup."""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined

from adapters.kit.texts import plural


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("adapters.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["plural"] = plural  # {{ plural(n, "card") }}: "1 card", "2 cards"
    return env


def render_template(template: str, **context: Any) -> str:
    """The page ``template`` filled with ``context`` (every value escaped)."""
    context.setdefault("place", "")
    context.setdefault("expires", "")
    return environment().get_template(template).render(**context)


def query_maker(current: dict[str, str]) -> Any:
    """A template helper: the current query string with some parameters changed."""

    def query(**changes: str) -> str:
        merged = {**current, **changes}
        return urlencode({k: v for k, v in merged.items() if v})

    return query
