"""Headless Chromium (Debian's ``chromium`` + ``chromium-driver``) driven by Selenium.

:class:`Browser` opens a page and, for every page it opens, checks that the console logged
no error and that no request left the server's origin (from the DevTools Protocol's
network events in the ``performance`` log); it saves screenshots at phone and desktop
widths as test artifacts, reads a page with scripts off, and runs the accessibility checks
of :mod:`tests.web_browser.a11y`.

Selenium is given the system chromedriver through a Service, so Selenium Manager never
looks for (or downloads) a driver. Where Chromium is missing the tests skip, saying so,
except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.web_browser import a11y

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("QUIZBOT_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("QUIZBOT_CHROMEDRIVER", "/usr/bin/chromedriver")
#: (name, width, height, mobile): the widths every page is shot at.
VIEWPORTS = (("phone", 390, 844, True), ("desktop", 1366, 900, False))
#: A full-page screenshot is cut at this height (a page is not a scroll of posters).
MAX_SHOT_HEIGHT = 6000


def artifacts_dir() -> Path:
    """Where screenshots go: ``$QUIZBOT_ARTIFACTS/web`` or ``test-artifacts/web``."""
    base = Path(os.environ.get("QUIZBOT_ARTIFACTS") or ROOT / "test-artifacts")
    folder = base / "web"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


#: Text drawn smaller than this (the height of its line box, in CSS pixels) cannot be read
#: on a phone; a chart's labels shrink with the chart, so they are measured as drawn.
MIN_TEXT_PX = 10
TINY_TEXT = """
const least = arguments[0];
const small = new Set();
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const text = node.textContent.trim();
  const el = node.parentElement;
  if (!text || !el || el.closest('title, desc, script, style, [aria-hidden=true]')) continue;
  const range = document.createRange();
  range.selectNodeContents(node);
  const box = range.getBoundingClientRect();
  if (box.width > 0 && box.height > 0 && box.height < least) {
    small.add(`${text.slice(0, 30)} (${box.height.toFixed(1)} px)`);
  }
}
return [...small].slice(0, 10);
"""

#: The shots docs/WEB.md shows (``Browser.shoot`` names), copied when asked to.
DOCS_SHOTS = ("leaderboard-workspace", "report", "progress", "bank", "refused")


def docs_dir() -> Path | None:
    """``$QUIZBOT_DOCS_SCREENSHOTS`` (e.g. ``docs/web``): where to copy the docs' pictures
    (the first screenful of each of :data:`DOCS_SHOTS`, at both widths)."""
    chosen = os.environ.get("QUIZBOT_DOCS_SCREENSHOTS")
    if not chosen:
        return None
    folder = Path(chosen) if Path(chosen).is_absolute() else ROOT / chosen
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def chromium_missing() -> str | None:
    """Why the browser cannot run here, or None."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not (Path(path).exists() or shutil.which(path)):
            return f"{path} is missing (apt-get install chromium chromium-driver; {package})"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


def require_chromium() -> None:
    """Skip (locally) or fail (under CI=true) when Chromium cannot run."""
    problem = chromium_missing()
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"the browser tests must run in CI: {problem}")
    pytest.skip(f"no headless Chromium here: {problem}")


def start_chromium() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1366,900",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    return driver


@dataclass
class Visit:
    """What one page load did: its status, every URL requested, the console's messages."""

    url: str
    status: int | None
    requested: list[str] = field(default_factory=list)
    console: list[dict[str, Any]] = field(default_factory=list)

    def errors(self) -> list[str]:
        return [e["message"] for e in self.console if e.get("level") == "SEVERE"]


@dataclass
class Browser:
    """One Chromium, used page by page against the server at ``origin``."""

    driver: Any
    origin: str
    test_name: str = "test"
    visits: list[Visit] = field(default_factory=list)

    def drain(self) -> None:
        """Forget the logs so far (what an earlier test left)."""
        self.driver.get_log("performance")
        self.driver.get_log("browser")

    def _settled_log(self) -> list[dict[str, Any]]:
        """The performance log once the page has gone quiet (what loads after ``load``,
        like the favicon, included): no new network event for 0.3 s, or 5 s at most."""
        entries: list[dict[str, Any]] = []
        deadline = time.monotonic() + 5.0
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            new = self.driver.get_log("performance")
            if any('"Network.' in e["message"] for e in new):
                quiet_since = time.monotonic()
            entries.extend(new)
            if time.monotonic() - quiet_since >= 0.3:
                break
            time.sleep(0.05)
        return entries

    def _network(self) -> tuple[list[str], dict[str, int]]:
        requested: list[str] = []
        statuses: dict[str, int] = {}
        for entry in self._settled_log():
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if message.get("method") == "Network.requestWillBeSent":
                requested.append(params["request"]["url"])
            elif message.get("method") == "Network.responseReceived":
                response = params["response"]
                statuses[response["url"]] = int(response["status"])
        return requested, statuses

    def open(self, url: str, *, status: int = 200) -> Visit:
        """Load ``url``; check its status, its origin rule and its console."""
        self.drain()
        self.driver.get(url)
        return self._loaded(url, status)

    def follow(self, element: Any, *, status: int = 200) -> Visit:
        """Click ``element`` (a link, a form's button), wait for the page it leads to, and
        check that page as :meth:`open` does."""
        from selenium.webdriver.support.ui import WebDriverWait

        before = self.driver.current_url
        self.drain()
        element.click()
        WebDriverWait(self.driver, 10).until(
            lambda d: (
                d.current_url != before
                and d.execute_script("return document.readyState") == "complete"
            )
        )
        return self._loaded(self.driver.current_url, status)

    def _loaded(self, url: str, status: int) -> Visit:
        requested, statuses = self._network()
        visit = Visit(url, statuses.get(url), requested, self.driver.get_log("browser"))
        self.visits.append(visit)
        assert visit.status == status, f"{url}: status {visit.status}, expected {status}"
        self.assert_same_origin(visit)
        errors = visit.errors()
        if status != 200:  # the browser logs the page's own error status; nothing else
            errors = [e for e in errors if not (url in e and str(status) in e)]
        hint = ""
        if any("favicon.ico" in e for e in errors):  # every browser asks for one
            hint = "\n(a page with no icon makes the browser ask for /favicon.ico)"
        assert not errors, f"console errors on {url}:\n" + "\n".join(errors) + hint
        return visit

    def assert_same_origin(self, visit: Visit) -> None:
        origin = urlsplit(self.origin)
        away = [
            u
            for u in visit.requested
            if not u.startswith(("data:", "about:"))
            and (urlsplit(u).scheme, urlsplit(u).netloc) != (origin.scheme, origin.netloc)
        ]
        assert not away, f"{visit.url} made requests away from {self.origin}: {away}"

    # -- reading ---------------------------------------------------------------------

    def text(self) -> str:
        """The visible text of the page (as a person would read it)."""
        return str(self.driver.execute_script("return document.body.innerText"))

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def without_scripts(self, url: str) -> str:
        """The page's visible text when loaded with JavaScript turned off."""
        self.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        try:
            self.drain()
            self.driver.get(url)
            self.drain()
            return str(self.driver.find_element("tag name", "body").text)
        finally:
            self.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})

    def accessibility_problems(self, *, nav: bool = True) -> list[str]:
        return a11y.problems(self.driver, nav=nav)

    # -- pictures --------------------------------------------------------------------

    def shoot(self, name: str) -> dict[str, Path]:
        """Phone and desktop screenshots of the page now shown (full length, capped);
        asserts the phone width needs no sideways scrolling."""
        saved: dict[str, Path] = {}
        docs = docs_dir()
        try:
            for label, width, height, mobile in VIEWPORTS:
                self.driver.execute_cdp_cmd(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
                )
                overflow = self.js(
                    "return document.documentElement.scrollWidth - window.innerWidth"
                )
                assert overflow <= 0, f"{name}: {overflow} px wider than a {width} px {label}"
                small = self.js(TINY_TEXT, MIN_TEXT_PX)
                assert not small, f"{name}: text under {MIN_TEXT_PX} px on a {label}: {small}"
                full = int(self.js("return document.documentElement.scrollHeight"))
                path = artifacts_dir() / f"{self.test_name}-{name}-{label}.png"
                path.write_bytes(self._capture(width, min(max(full, height), MAX_SHOT_HEIGHT)))
                saved[label] = path
                if docs is not None and name in DOCS_SHOTS:  # the first screenful: small
                    (docs / f"{name}-{label}.png").write_bytes(self._capture(width, height))
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        return saved

    def _capture(self, width: int, height: int) -> bytes:
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            },
        )
        return base64.b64decode(shot["data"])
