"""The browser checks themselves can fail: pages made to break each rule are caught.

Two small local HTTP servers on different ports (so different origins) serve hand-written
pages: one that fetches a picture from the other origin, one that logs a console error, one
that breaks every accessibility rule, one with text too small for a phone, and a good one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.web_browser.browser import MIN_TEXT_PX, TINY_TEXT, Browser

GOOD = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<link rel="icon" href="data:,"><title>Good</title></head>
<body><header><h1>Good page</h1><nav><a href="/good">Home</a></nav></header>
<main><h2>Part</h2><form><label for="q">Search <input id="q" name="q"></label>
<button type="submit">Go</button></form>
<svg viewBox="0 0 10 10" width="100"><title>A square</title><rect width="10" height="10"/></svg>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="a dot"></main></body></html>"""

BAD = """<!doctype html><html><head><meta charset="utf-8">
<link rel="icon" href="data:,"><title> </title></head>
<body><div><h2>No h1 first</h2><h4>Skipped a level</h4>
<input name="unlabelled"><select name="also"><option>1</option></select>
<p style="color:#aaa;background:#fff">Pale grey on white</p>
<svg viewBox="0 0 10 10" width="100"><rect width="10" height="10"/></svg>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></div></body></html>"""

TINY = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>Tiny</title></head><body><header><h1>Tiny</h1></header>
<main><svg viewBox="0 0 2000 100" width="100%"><title>Wide chart</title>
<text x="0" y="50" font-size="20">Shrunk label</text></svg></main></body></html>"""

CONSOLE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<link rel="icon" href="data:,"><title>Console</title></head>
<body><main><h1>Console</h1><script>console.error("something broke")</script></main>
</body></html>"""


def serve(pages: dict[str, str]) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path.split("?")[0])
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            data = body.encode()
            kind = "image/gif" if self.path.endswith(".gif") else "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def sites() -> Iterator[tuple[str, str]]:
    other, other_origin = serve({"/dot.gif": "GIF89a"})
    pages = {
        "/good": GOOD,
        "/bad": BAD,
        "/tiny": TINY,
        "/console": CONSOLE,
        "/leaky": GOOD.replace("</main>", f'<img src="{other_origin}/dot.gif" alt="x"></main>'),
    }
    own, own_origin = serve(pages)
    try:
        yield own_origin, other_origin
    finally:
        own.shutdown()
        other.shutdown()


@pytest.fixture
def local(chromium: Any, sites: tuple[str, str]) -> Browser:
    shown = Browser(chromium, sites[0], test_name="harness")
    shown.drain()
    return shown


def test_a_good_page_passes(local: Browser, sites: tuple[str, str]) -> None:
    local.open(sites[0] + "/good")
    assert local.accessibility_problems() == []


def test_a_request_to_another_origin_is_caught(local: Browser, sites: tuple[str, str]) -> None:
    with pytest.raises(AssertionError, match="requests away from"):
        local.open(sites[0] + "/leaky")


def test_a_console_error_is_caught(local: Browser, sites: tuple[str, str]) -> None:
    with pytest.raises(AssertionError, match="something broke"):
        local.open(sites[0] + "/console")


def test_a_wrong_status_is_caught(local: Browser, sites: tuple[str, str]) -> None:
    with pytest.raises(AssertionError, match="status 404, expected 200"):
        local.open(sites[0] + "/missing")


def test_every_accessibility_rule_can_fail(local: Browser, sites: tuple[str, str]) -> None:
    local.open(sites[0] + "/bad")
    found = "\n".join(local.accessibility_problems())
    for expected in (
        "no lang",
        "no title",
        "0 main",
        "no header",
        "no nav",
        "0 h1",
        "first is H2",
        "H4 after H2",
        "unlabelled input",
        "unlabelled select",
        "svg without title",
        "img without alt",
        'contrast: 2.32:1 < 4.5:1 for "Pale grey on white"',
    ):
        assert expected in found, f"{expected!r} not reported:\n{found}"


def test_text_shrunk_with_a_chart_is_caught(local: Browser, sites: tuple[str, str]) -> None:
    local.open(sites[0] + "/tiny")
    with pytest.raises(AssertionError, match="Shrunk label"):
        local.shoot("tiny")
    local.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert local.js(TINY_TEXT, MIN_TEXT_PX) == []  # 1366 px wide, the label is big enough
