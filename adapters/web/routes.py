"""The web pages' HTTP side: ``GET /l/{token}`` (and a player's downloads) on an aiohttp
application, each request's link checked (:mod:`bot.links`) before anything is read.

A link that is malformed, tampered with, expired, or names things outside its tenant gets
403 and a plain page saying so. Every answer forbids caching, referrers (the link is the
key) and any script, font or style from elsewhere (Content-Security-Policy). Pages and
refusals are written in the reader's language (:mod:`adapters.web.languages`), so answers
vary with ``Accept-Language``.
"""

from __future__ import annotations

import logging
import re

from aiohttp import web

from adapters.kit.web import QUIZ_APP
from adapters.web import languages, pages
from adapters.web.render import render_template
from bot.i18n import _, use_language
from bot.i18n.languages import install_default
from bot.links import PREFIX, BadLink, LinkSigner

log = logging.getLogger(__name__)

SIGNER: web.AppKey[LinkSigner] = web.AppKey("link_signer", LinkSigner)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # The language follows the browser's Accept-Language (when the link has no ?lang=).
    "Vary": "Accept-Language",
}


TOKEN = re.compile(re.escape(PREFIX) + r"[^/?\s\"]+")


class HideLinks(logging.Filter):
    """Keeps the links' tokens (keys to the pages) out of the access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and PREFIX in record.msg:
            record.msg = TOKEN.sub(PREFIX + "...", record.msg)
        return True


def requested_language(request: web.Request) -> str | None:
    """The language the reader asks for (``?lang=``, else their browser's), or None."""
    return languages.requested(request.query, request.headers.get("Accept-Language"))


def why(problem: BadLink | pages.OutOfScope) -> str:
    """Why a link is refused, in the current language."""
    if isinstance(problem, pages.OutOfScope):
        return _("This link does not cover that")
    if problem.expired:  # told by its code: its message is in the language it was raised in
        return _("The link has expired")
    return _("The link is not valid")


def denied(request: web.Request, problem: BadLink | pages.OutOfScope) -> web.Response:
    with use_language(requested_language(request) or install_default()):
        text = render_template("denied.html", reason=why(problem))
    return web.Response(text=text, status=403, content_type="text/html", headers=SECURITY_HEADERS)


async def page(request: web.Request) -> web.Response:
    app = request.app[QUIZ_APP]
    try:
        scope = request.app[SIGNER].verify(request.match_info["token"], app.now())
        html = await pages.render_page(
            app, scope, dict(request.query), request.path, requested_language(request)
        )
    except (BadLink, pages.OutOfScope) as exc:
        return denied(request, exc)
    return web.Response(text=html, content_type="text/html", headers=SECURITY_HEADERS)


async def download(request: web.Request) -> web.Response:
    app = request.app[QUIZ_APP]
    try:
        scope = request.app[SIGNER].verify(request.match_info["token"], app.now())
        body, content_type, name = await pages.answers_download(
            app, scope, request.match_info["format"]
        )
    except (BadLink, pages.OutOfScope) as exc:
        return denied(request, exc)
    headers = {**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
    return web.Response(body=body, content_type=content_type, charset="utf-8", headers=headers)


def add_pages(application: web.Application, signer: LinkSigner) -> None:
    """Serve the signed pages on ``application`` (which holds the QuizApp)."""
    if SIGNER in application:  # already served (the web process's own registration)
        return
    application[SIGNER] = signer
    access = logging.getLogger("aiohttp.access")
    if not any(isinstance(f, HideLinks) for f in access.filters):
        access.addFilter(HideLinks())
    application.router.add_get(PREFIX + "{token}", page)
    application.router.add_get(PREFIX + "{token}/answers.{format:csv|json}", download)
