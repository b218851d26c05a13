"""The web pages' HTTP side: ``GET /l/{token}`` (and a player's downloads) on an aiohttp
application, each request's link checked (:mod:`bot.links`) before anything is read.

A link that is malformed, tampered with, expired, or names things outside its tenant gets
403 and a plain page saying so. Every answer forbids caching, referrers (the link is the
key) and any script, font or style from elsewhere (Content-Security-Policy).
"""

from __future__ import annotations

import logging
import re

from aiohttp import web

from adapters.kit.web import QUIZ_APP
from adapters.web import pages
from adapters.web.render import render_template
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
}


TOKEN = re.compile(re.escape(PREFIX) + r"[^/?\s\"]+")


class HideLinks(logging.Filter):
    """Keeps the links' tokens (keys to the pages) out of the access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and PREFIX in record.msg:
            record.msg = TOKEN.sub(PREFIX + "...", record.msg)
        return True


def denied(reason: str) -> web.Response:
    return web.Response(
        text=render_template("denied.html", reason=reason),
        status=403,
        content_type="text/html",
        headers=SECURITY_HEADERS,
    )


async def page(request: web.Request) -> web.Response:
    app = request.app[QUIZ_APP]
    try:
        scope = request.app[SIGNER].verify(request.match_info["token"], app.now())
        html = await pages.render_page(app, scope, dict(request.query), request.path)
    except BadLink as exc:
        return denied(str(exc).capitalize())
    except pages.OutOfScope:
        return denied("This link does not cover that")
    return web.Response(text=html, content_type="text/html", headers=SECURITY_HEADERS)


async def download(request: web.Request) -> web.Response:
    app = request.app[QUIZ_APP]
    try:
        scope = request.app[SIGNER].verify(request.match_info["token"], app.now())
        body, content_type, name = await pages.answers_download(
            app, scope, request.match_info["format"]
        )
    except BadLink as exc:
        return denied(str(exc).capitalize())
    except pages.OutOfScope:
        return denied("This link does not cover that")
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
