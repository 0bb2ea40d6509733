"""Browser-test helpers: the app server, an offline context, the staff login, reading maps and grids."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

from app_support import STAFF_NAME, STAFF_PASSWORD
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Route, WebSocketRoute, expect

ROOT = Path(__file__).resolve().parents[1]
# Debian's Chromium: `playwright install` downloads a browser, which does not work here.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOST = "127.0.0.1"
# The app picks its language from the browser's locale: pin it, whatever the machine's LANG is.
LOCALE = "en-US"
# Non-network URLs never leave the machine; Playwright does not route them anyway.
LOCAL_SCHEMES = ("data", "blob", "about")
# WebSockets bypass context.route; route only those to other hosts, so the app's own is untouched.
_OTHER_HOST_SOCKET = re.compile(r"^wss?://(?!127\.0\.0\.1(?:[:/]|$))", re.IGNORECASE)
MAP_FRAME = "iframe[title*='st_folium']"
MAP_SHAPES = "path.leaflet-interactive"
# Every page says which view it is (English: the tests pin the en-US locale or lang=en).
STAFF_MARKER = "Staff view: exact counts."
PUBLIC_MARKER = "Public view."
# A login takes one argon2 hash and a rerun; on a loaded machine that can take a while.
LOGIN_TIMEOUT_MS = 60_000
# How long expect() waits for a condition, for every browser test: set here only, once, since it is
# Playwright's process-wide setting (set per module, the last module imported won for all of them).
EXPECT_TIMEOUT_MS = 60_000
expect.set_options(timeout=EXPECT_TIMEOUT_MS)


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCAL_HOST, 0))
        return sock.getsockname()[1]


class AppServer:
    """The app as `make run` starts it (`python -m rightsmap.cli.serve`) on a free local port, reading the database at db_path.

    users_path is the staff accounts file; the server gets it explicitly, since the
    tests' own RIGHTSMAP_USERS (conftest.py) is set per test and never reaches it.
    """

    def __init__(self, db_path: Path, log_dir: Path, users_path: Path, *, startup_timeout: float = 60.0,
                 launcher: list[str] | None = None, options: tuple[str, ...] = ()):
        """launcher: a command that starts the app, instead of this one; it gets the port and options
        only (no address), as `make run` starts it."""
        self.launcher = launcher
        self.options = options
        self.db_path = db_path
        self.users_path = users_path
        self.log_dir = log_dir
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.url = f"http://{LOCAL_HOST}:{self.port}"
        self.stderr_path = log_dir / "server.stderr.log"
        self.stdout_path = log_dir / "server.stdout.log"
        self.started_at = 0.0  # time.monotonic() when the process was started
        self.pages_opened = 0  # how many times a test navigated to this server
        self._process: subprocess.Popen | None = None

    def start(self) -> AppServer:
        command = [
            sys.executable, "-m", "rightsmap.cli.serve",  # as `make run` starts it
            "--server.headless", "true",
            "--server.address", LOCAL_HOST,
            "--server.port", str(self.port),
            "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
        if self.launcher is not None:
            command = [*self.launcher, "--server.headless", "true", "--server.port", str(self.port)]
        command += self.options
        env = {**os.environ, "RIGHTSMAP_DB": str(self.db_path), "RIGHTSMAP_USERS": str(self.users_path)}
        # Logs go to files, not pipes: a full pipe would block the server.
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.started_at = time.monotonic()
            self._process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
        self._wait_until_healthy()
        return self

    def _wait_until_healthy(self) -> None:
        health = f"{self.url}/_stcore/health"
        deadline = self.started_at + self.startup_timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(health, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            # Poll: waiting on the process also notices at once if it died.
            try:
                code = self._process.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                continue
            raise RuntimeError(f"the app server exited with code {code} before it answered:\n{self.stderr()}")
        self.stop()
        raise RuntimeError(
            f"the app server did not answer {health} within {self.startup_timeout:.0f} s:\n{self.stderr()}"
        )

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace") if self.stderr_path.exists() else ""

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class Offline:
    """Route every request of a context: 127.0.0.1 goes through, anything else is aborted and recorded."""

    def __init__(self, context: BrowserContext):
        self.blocked: list[str] = []
        context.route("**/*", self._route)
        context.route_web_socket(_OTHER_HOST_SOCKET, self._route_socket)

    def _route(self, route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in LOCAL_SCHEMES or url.hostname == LOCAL_HOST:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    def _route_socket(self, ws: WebSocketRoute) -> None:
        self.blocked.append(ws.url)
        ws.close()


# The map lives in a same-origin iframe that Streamlit may remount, so it is
# read afresh from the main frame each time rather than through one Frame.
_READ_MAP = Template("""(() => {
  const frame = document.querySelector($frame);
  const doc = frame && frame.contentDocument;
  const legend = doc && doc.querySelector(".rightsmap-legend");
  if (!legend) return null;
  const fills = [...doc.querySelectorAll($shapes)].map(shape => shape.getAttribute("fill"));
  return {fills: fills, legend: legend.innerText};
})()""").substitute(frame=json.dumps(MAP_FRAME), shapes=json.dumps(MAP_SHAPES))


def map_state(page: Page) -> dict | None:
    """The fill colour of every shape on the map, in order, and the legend text; None while there is no map."""
    return page.evaluate(_READ_MAP)


def wait_for_map_change(page: Page, before: dict, timeout: float = 30_000) -> dict:
    """Wait until the map is drawn with other fills or another legend than before; return the new state."""
    page.wait_for_function(
        "before => { const now = " + _READ_MAP + ";"
        " return now !== null && now.fills.length >= 8 && (now.legend !== before.legend"
        " || JSON.stringify(now.fills) !== JSON.stringify(before.fills)); }",
        arg=before,
        timeout=timeout,
    )
    return map_state(page)


def wait_until_idle(page: Page) -> None:
    """Wait until the script run the last action started has finished."""
    expect(page.locator("[data-testid='stApp']")).to_have_attribute("data-test-script-state", "notRunning")


def open_expander(page: Page, label: str) -> None:
    """Open an expander unless it is open (a rerun that changes the elements above it may close it)."""
    details = page.get_by_test_id("stExpander").filter(has_text=label).locator("details")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    expect(details).to_have_attribute("open", "")


def submit_login(page: Page, name: str, password: str) -> None:
    """Fill the staff login form on the page and submit it; the caller waits for the outcome."""
    form = page.get_by_test_id("stForm")
    # Typing during a rerun could be lost when the form is drawn again: wait for the run to end.
    expect(form.get_by_label("User name", exact=True)).to_be_editable(timeout=LOGIN_TIMEOUT_MS)
    wait_until_idle(page)
    form.get_by_label("User name", exact=True).fill(name)
    form.get_by_label("Password", exact=True).fill(password)
    form.get_by_role("button", name="Log in").click()


def log_in(page: Page, name: str = STAFF_NAME, password: str = STAFF_PASSWORD) -> None:
    """Log in on the staff login page showing now, and wait until the staff page replaced it.

    A page.goto() or reload starts a new Streamlit session, so call this after each one;
    navigating through the sidebar keeps the session and the login.
    """
    submit_login(page, name, password)
    expect(page.get_by_text(STAFF_MARKER)).to_be_visible(timeout=LOGIN_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Staff login")).to_have_count(0)


class Visit:
    """One browser context on one server, as one person's browser: open paths, then check nothing went wrong."""

    def __init__(self, browser: Browser, server: AppServer, timeout_ms: float = 30_000):
        self.server = server
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=LOCALE)
        self.context.set_default_timeout(timeout_ms)
        self.offline = Offline(self.context)
        self.page = self.context.new_page()
        self._stderr_from = len(server.stderr())

    def open(self, path: str) -> Page:
        self.server.pages_opened += 1
        self.page.goto(self.server.url + path)
        return self.page

    def open_as_staff(self, path: str) -> Page:
        """Open a staff page and log in on it (every goto is a new session)."""
        page = self.open(path)
        log_in(page)
        return page

    @property
    def map_shapes(self) -> Locator:
        return self.page.frame_locator(MAP_FRAME).locator(MAP_SHAPES)

    def wait_until_idle(self) -> None:
        wait_until_idle(self.page)

    def assert_clean(self) -> None:
        """No request left the machine, no exception box, no new traceback in the server's log."""
        self.wait_until_idle()
        assert self.offline.blocked == [], "requests to other hosts were made (and aborted)"
        expect(self.page.get_by_test_id("stException")).to_have_count(0)
        new_log = self.server.stderr()[self._stderr_from:]
        assert "Traceback" not in new_log, new_log

    def close(self) -> None:
        self.context.close()


# A point where the shape itself is the topmost element, relative to its box (null if there is
# none): the middle of a shape's box may lie outside it, on another region, or under a city's
# circle. Points with the shape all around them are preferred, so that rounding cannot slip off it.
_HOVER_POINT = """shape => {
  const box = shape.getBoundingClientRect(), steps = 24, hits = [];
  const on = (x, y) => shape.ownerDocument.elementFromPoint(box.left + x, box.top + y) === shape;
  for (let i = 1; i < steps; i++) for (let j = 1; j < steps; j++) {
    const x = box.width * i / steps, y = box.height * j / steps;
    if (on(x, y)) hits.push({x, y, solid: on(x - 2, y) && on(x + 2, y) && on(x, y - 2) && on(x, y + 2)});
  }
  const solid = hits.filter(h => h.solid), pool = solid.length ? solid : hits;
  if (!pool.length) return null;
  const mx = pool.reduce((sum, h) => sum + h.x, 0) / pool.length;
  const my = pool.reduce((sum, h) => sum + h.y, 0) / pool.length;
  const distance = h => Math.hypot(h.x - mx, h.y - my);
  const best = pool.reduce((best, h) => distance(h) < distance(best) ? h : best);
  return {x: best.x, y: best.y};
}"""


def map_tooltips(page: Page) -> dict[str, str]:
    """Hover every shape on the map that can be hovered; return each region's name -> its tooltip's figure."""
    frame = page.frame_locator(MAP_FRAME)
    shapes = frame.locator(MAP_SHAPES)
    tooltip = frame.locator(".leaflet-tooltip")
    shapes.first.wait_for()
    page.locator(MAP_FRAME).evaluate("frame => frame.scrollIntoView({block: 'center'})")
    figures: dict[str, str] = {}
    for index in range(shapes.count()):
        page.mouse.move(0, 0)  # off the map: the tooltip closes, so the next one read is fresh
        expect(tooltip).to_have_count(0)
        # Found just before the hover: the map may have been redrawn since the last one.
        point = shapes.nth(index).evaluate(_HOVER_POINT)
        if point is None:  # Bishkek's polygon is covered by its circle at this zoom
            continue
        shapes.nth(index).hover(position=point)
        expect(tooltip).to_be_visible()
        # Inside the map's frame, where the frame would otherwise cut it off (long labels, narrow maps).
        outside = tooltip.evaluate("""t => { const box = t.getBoundingClientRect();
            const inside = box.left >= 0 && box.right <= document.documentElement.clientWidth;
            return inside ? null : [box.left, box.right, document.documentElement.clientWidth]; }""")
        assert outside is None, f"the tooltip runs past the map's edge: {outside}: {tooltip.inner_text()}"
        rows = tooltip.locator("tr").evaluate_all("rows => rows.map(r => [...r.children].map(c => c.textContent))")
        (_region_label, name), (_metric_label, figure) = rows
        figures[name.strip()] = figure.strip()
    page.mouse.move(0, 0)
    return figures


def table_rows(table: Locator) -> list[dict[str, str]]:
    """Every row of a table of text (rightsmap.web.ui.text_table_markdown: an HTML table) as {column header: cell text}."""
    expect(table.locator("tbody tr").first).to_be_attached()
    headers = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    rows = table.evaluate("""table => [...table.querySelectorAll("tbody tr")].map(
        row => [...row.querySelectorAll("td")].map(cell => cell.innerText.trim()))""")
    return [dict(zip(headers, cells, strict=True)) for cells in rows]
