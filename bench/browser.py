"""Chromium measurements: server start to the first map painted, and filter change to view updated.

Both run on the public view by default (/?lang=en: the default page's address is /, not /public, which
shows "Page not found" to every session but a fresh server's first): the room scenario. The filter
change chooses a "From" period in the sidebar (quarters there, months on the staff map page).

"Updated" means all of these, checked on every animation frame:
  1. Streamlit reports the script run finished (stApp data-test-script-state="notRunning");
  2. the page caption shows the new period (so the finished run is the one we asked for);
  3. the map iframe holds >= 8 drawn polygons, and its fills or legend differ from before the change
     (the period sequence is chosen so that every step recolours the map);
then two more animation frames, so the charts' re-render has been painted.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, Request, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Every request but to loopback (which Chromium never proxies) goes to a proxy on a port where nothing
# listens, so it fails: nothing reaches another host, IP addresses included.
NO_OUTSIDE = "--proxy-server=http://127.0.0.1:9"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", NO_OUTSIDE]
MAP_FRAME = "iframe[title*='st_folium']"
MAP_SHAPES = "path.leaflet-interactive"
_READ_MAP = """(() => {
  const frame = document.querySelector("MAP_FRAME");
  const doc = frame && frame.contentDocument;
  const legend = doc && doc.querySelector(".rightsmap-legend");
  if (!legend) return null;
  const fills = [...doc.querySelectorAll("MAP_SHAPES")].map(shape => shape.getAttribute("fill"));
  return {fills: fills, legend: legend.innerText};
})()""".replace("MAP_FRAME", MAP_FRAME).replace("MAP_SHAPES", MAP_SHAPES)
_UPDATED = """([before, caption]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  const captions = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')].map(c => c.innerText);
  if (!captions.some(text => text.includes(caption))) return false;
  const now = READ_MAP;
  return now !== null && now.fills.length >= 8 &&
         (now.legend !== before.legend || JSON.stringify(now.fills) !== JSON.stringify(before.fills));
}""".replace("READ_MAP", _READ_MAP)
_RUN_SHOWN = """caption => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  return [...document.querySelectorAll('[data-testid="stCaptionContainer"]')].some(c => c.innerText.includes(caption));
}"""
_TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def offline_page(browser: Browser) -> tuple[Page, list[str]]:
    """A page that can reach 127.0.0.1 only; requests to any other host fail (and are listed).

    Chromium itself refuses them (chromium() sends everything but loopback to a proxy that is not
    there), so no request waits on Playwright: routing every request through Playwright's driver added
    its round trip to each of the ~150 files Streamlit's frontend loads, and to the figures here.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    blocked: list[str] = []

    def failed(request: Request) -> None:
        url = urlsplit(request.url)
        if url.scheme not in ("data", "blob", "about") and url.hostname != "127.0.0.1":
            blocked.append(request.url)

    context.on("requestfailed", failed)
    return context.new_page(), blocked


def wait_for_map(page: Page, timeout_ms: float = 60_000) -> None:
    page.wait_for_function(f"(() => {{ const s = {_READ_MAP}; return s !== null && s.fills.length >= 8; }})()",
                           timeout=timeout_ms, polling="raf")


PUBLIC_PATH = "/?lang=en"


def first_map_seconds(browser: Browser, server, path: str = PUBLIC_PATH) -> float:
    """Start server (not yet started), open path, and return seconds from process start to polygons drawn."""
    page, _ = offline_page(browser)
    try:
        server.start()
        page.goto(server.url + path)
        wait_for_map(page)
        return time.perf_counter() - server.started_at
    finally:
        page.context.close()


def _choose(page: Page, label: str, option: str) -> None:
    box = page.get_by_test_id("stSidebar").get_by_role("combobox", name=label, exact=True)
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).wait_for()


def filter_change_seconds(browser: Browser, url: str, sequence: list[str], period_to: str, *,
                          path: str = PUBLIC_PATH, region_detail: str | None = None) -> tuple[list[float], list[str]]:
    """Choose each period of sequence in "From" on the page at path; the seconds each took to show up.

    The page's caption must then read "<period> to <period_to>" (both views describe their period so).
    region_detail opens that region's detail first (the staff map page's "Region detail" box).
    """
    page, blocked = offline_page(browser)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(url + path)
        wait_for_map(page)
        if region_detail:
            box = page.get_by_role("combobox", name="Region detail", exact=True)
            box.click()
            page.keyboard.type(region_detail)
            page.keyboard.press("Enter")
            page.get_by_role("heading", name=region_detail).wait_for()
        page.wait_for_function("""() => document.querySelector('[data-testid="stApp"]')
                                  .getAttribute("data-test-script-state") === "notRunning" """)
        wait_for_map(page)
        seconds = []
        phases: list[tuple[float, float]] = []
        for period in sequence:
            before = page.evaluate(_READ_MAP)
            _choose(page, "From", period)
            started = time.perf_counter()
            page.keyboard.press("Enter")
            caption = f"{period} to {period_to}"
            page.wait_for_function(_RUN_SHOWN, arg=caption, timeout=30_000, polling="raf")
            run_shown = time.perf_counter() - started
            page.wait_for_function(_UPDATED, arg=[before, caption], timeout=30_000, polling="raf")
            page.evaluate(_TWO_FRAMES)
            seconds.append(time.perf_counter() - started)
            phases.append((run_shown, seconds[-1]))
        filter_change_seconds.last_phases = phases
        return seconds, errors + [f"blocked {u}" for u in blocked]
    finally:
        page.context.close()
