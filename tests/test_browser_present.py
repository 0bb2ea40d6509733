"""Real Chromium, issue 19: presentation mode on a phone, a laptop and a 1920 x 1080 projector.

The view bar (green public, yellow staff) is fully in sight and below Streamlit's header; every slide with
its Previous and Next fits the projector's screen; its legend, table and axis text is at least 18 px; the
sample banner takes one line.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from app_support import STAFF_NAME, STAFF_PASSWORD
from browser_support import MAP_FRAME, PUBLIC_MARKER, STAFF_MARKER, AppServer, Visit, log_in
from playwright.sync_api import Browser, Page, expect

from rightsmap.data import auth
from rightsmap.records import sample

pytestmark = pytest.mark.browser

TIMEOUT_MS = 60_000
PROJECTOR = {"width": 1920, "height": 1080}
SIZES = {390: 844, 1400: 900, 1920: 1080}  # width -> height of the screen
MIN_PX = 18


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    db_path = sample.build(tmp_path_factory.mktemp("present-db") / "rightsmap.duckdb")
    users = tmp_path_factory.mktemp("present-users") / "users.json"
    auth.add_user(STAFF_NAME, STAFF_PASSWORD, users)
    app = AppServer(db_path, tmp_path_factory.mktemp("present-logs"), users).start()
    try:
        yield app
    finally:
        app.stop()
    assert "Traceback" not in app.stderr(), app.stderr()


@pytest.fixture()
def visit(browser: Browser, server: AppServer) -> Iterator[Visit]:
    opened = Visit(browser, server, TIMEOUT_MS)
    yield opened
    opened.close()


def open_slide(visit: Visit, path: str) -> Page:
    page = visit.open(path)
    if path.startswith("/present"):
        log_in(page)
    return page


def view_bar(page: Page, staff: bool):
    return page.get_by_test_id("stMain").get_by_test_id("stAlert").filter(
        has_text=STAFF_MARKER if staff else PUBLIC_MARKER)


# Whether the element itself is what the screen shows at its middle and at its corners (2 px inside).
_ON_TOP = """e => {
  const r = e.getBoundingClientRect();
  const points = [[r.left + r.width / 2, r.top + r.height / 2], [r.left + 2, r.top + 2], [r.right - 2, r.top + 2],
                  [r.left + 2, r.bottom - 2], [r.right - 2, r.bottom - 2]];
  return points.every(([x, y]) => e.contains(document.elementFromPoint(x, y)));
}"""


@pytest.mark.parametrize("width", sorted(SIZES))
@pytest.mark.parametrize("path", ["/show?lang=en", "/show?lang=en&slide=map", "/present?lang=en"])
def test_the_view_bar_is_fully_in_sight_below_streamlit_s_header(visit: Visit, path: str, width: int):
    visit.page.set_viewport_size({"width": width, "height": SIZES[width]})
    page = open_slide(visit, path)
    bar = view_bar(page, staff=path.startswith("/present"))
    expect(bar).to_be_visible()
    visit.wait_until_idle()
    box, header = bar.bounding_box(), page.get_by_test_id("stHeader").bounding_box()
    assert box["y"] >= header["y"] + header["height"] - 0.5, (box, header)
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert box["y"] + box["height"] <= SIZES[width]
    assert bar.evaluate(_ON_TOP), "something covers the view bar"
    visit.assert_clean()


# The rendered size of every text of the slide's chart (SVG units scaled to the screen), in px.
_SVG_TEXT_PX = """svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll("text")].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
}"""
_FONT_PX = "e => parseFloat(getComputedStyle(e).fontSize)"


def wait_for_slide(visit: Visit, page: Page, slide: str, staff: bool) -> None:
    main = page.get_by_test_id("stMain")
    if slide == "map":
        visit.map_shapes.nth(7).wait_for()
    elif slide == "timeline":
        (main.get_by_test_id("stVegaLiteChart") if staff else main.locator("svg[role=img][viewBox]")).first.wait_for()
    elif slide == "breakdown":
        main.locator("table").first.wait_for()
    elif slide == "reach":
        main.get_by_test_id("stVegaLiteChart").nth(1).wait_for()
    else:
        main.get_by_test_id("stMetric").first.wait_for()
    visit.wait_until_idle()


@pytest.mark.parametrize(("path", "slide", "lang"), [
    *(("/show", s, lang) for lang in ("ky", "en") for s in ("headline", "map", "timeline", "breakdown")),
    # The staff slides in English only: the login form is filled in English.
    *(("/present", s, "en") for s in ("headline", "map", "timeline", "reach")),
])
def test_every_slide_fits_a_projector_with_large_text(visit: Visit, path: str, slide: str, lang: str):
    """At 1920 x 1080 the slide, its Previous and Next included, needs no scrolling; the text that carries
    figures (legend, table, chart axes) is at least 18 px; the sample banner is one line."""
    staff = path == "/present"
    visit.page.set_viewport_size(PROJECTOR)
    page = open_slide(visit, f"{path}?lang={lang}&slide={slide}")
    wait_for_slide(visit, page, slide, staff)
    main = page.get_by_test_id("stMain")
    buttons = main.locator(", ".join(f".st-key-{key}" for key in ("show_previous", "show_next", "present_previous",
                                                                  "present_next")))
    expect(buttons).to_have_count(2)
    for i in range(2):
        box = buttons.nth(i).bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= PROJECTOR["height"], (slide, box)
    # The slide ends where the page's own sections begin (the staff page's stories and downloads, after a
    # rule), or with the page: either way within the screen, and nothing of it scrolled away.
    end = main.evaluate("""m => { const hr = m.querySelector('hr'); const c = m.querySelector('.block-container');
        return hr ? hr.getBoundingClientRect().top : c.getBoundingClientRect().bottom -
                    parseFloat(getComputedStyle(c).paddingBottom); }""")
    assert end <= PROJECTOR["height"], (slide, end)
    assert main.evaluate("m => m.scrollTop") == 0
    banner = main.get_by_test_id("stAlert").nth(1).locator("p").first
    lines = banner.evaluate("p => p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight)")
    assert lines < 1.5, lines
    if slide == "map":
        legend = page.frame_locator(MAP_FRAME).locator(".rightsmap-legend")
        assert legend.evaluate(_FONT_PX) >= MIN_PX
    elif slide == "timeline" and not staff:
        sizes = main.locator("svg[role=img][viewBox]").first.evaluate(_SVG_TEXT_PX)
        assert sizes and min(sizes) >= MIN_PX, min(sizes)
    elif slide == "breakdown":
        cells = main.locator("table td, table th")
        assert cells.count() >= 14 and min(cells.evaluate_all(f"cs => cs.map({_FONT_PX})")) >= MIN_PX
    visit.assert_clean()
