"""Real Chromium, issue 19: on a phone (390 px) the filters are behind a labelled button and the breakdown
table is not cut off; the page links are a navigation landmark that marks the current page; the map's
withheld classes are told apart by outline, and its legend names exactly the marks its tooltips say."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import MAP_FRAME, AppServer, Visit, map_tooltips
from playwright.sync_api import Browser, Page, expect

from rightsmap.data import auth
from rightsmap.domain.i18n import translator
from rightsmap.records import sample
from rightsmap.render import maps

pytestmark = pytest.mark.browser

TIMEOUT_MS = 60_000
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    db_path = sample.build(tmp_path_factory.mktemp("small-db") / "rightsmap.duckdb")
    users = tmp_path_factory.mktemp("small-users") / "users.json"
    auth.add_user("tester", "a long test password", users)
    app = AppServer(db_path, tmp_path_factory.mktemp("small-logs"), users).start()
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


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_on_a_phone_the_filters_are_behind_a_labelled_button_and_the_table_fits(visit: Visit, lang: str):
    _ = translator(lang)
    visit.page.set_viewport_size(PHONE)
    page = visit.open(f"/?lang={lang}")
    visit.wait_until_idle()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    button = page.get_by_role("button", name=_("Filters"), exact=True)
    expect(button).to_be_visible()
    # The word is on the button for everybody to see, not only in its accessible name.
    shown = button.evaluate("b => getComputedStyle(b, '::after').content")
    assert shown == f'"{_("Filters")}"', shown
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    button.click()
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    expect(sidebar.get_by_text(_("Region"), exact=True)).to_be_visible()
    expect(page.get_by_role("navigation", name=_("Pages"))).to_be_visible()
    page.keyboard.press("Escape")

    # The breakdown table (perpetrator and violation type) lies inside the screen, nothing scrolls sideways.
    table = page.locator("table").filter(has_text=_("Police"))
    table.first.scroll_into_view_if_needed()
    expect(table.first).to_be_visible()
    for index in range(table.count()):
        cut = table.nth(index).evaluate("""t => { const box = t.getBoundingClientRect();
            let clipped = t.scrollWidth > t.clientWidth;
            for (let p = t.parentElement; p; p = p.parentElement) clipped ||= p.scrollWidth > p.clientWidth + 1;
            return {left: box.left, right: box.right, clipped}; }""")
        assert cut["left"] >= 0 and cut["right"] <= PHONE["width"] and not cut["clipped"], cut
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    visit.assert_clean()


def test_the_page_links_mark_the_current_page(visit: Visit):
    page = visit.open("/about?lang=ru")
    nav = page.get_by_role("navigation", name="Страницы")
    expect(nav.locator("a[aria-current='page']")).to_have_count(1)
    expect(nav.locator("a[aria-current='page']")).to_have_attribute("href", "about")
    nav.locator("a[href='show']").click()
    page.wait_for_url("**/show**")
    expect(nav.locator("a[aria-current='page']")).to_have_attribute("href", "show")
    expect(nav.locator("a[aria-current='page']")).to_have_count(1)
    visit.assert_clean()


def _marks(page: Page, lang: str) -> tuple[dict[str, str], set[str]]:
    """The legend's outlined classes (key -> dash) and the set of dashes the regions are drawn with."""
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".rightsmap-legend").wait_for()
    legend = frame.locator(".rightsmap-legend svg[data-class] rect").evaluate_all(
        "rects => rects.map(r => [r.parentElement.getAttribute('data-class'), r.getAttribute('stroke-dasharray')])")
    drawn = frame.locator("path.leaflet-interactive").evaluate_all(
        "paths => paths.map(p => p.getAttribute('stroke-dasharray'))")
    return {key: dash for key, dash in legend if dash}, {dash for dash in drawn if dash}


@pytest.mark.parametrize("show, expected", [("cases:police", {"hidden", "at_least"}),
                                            ("people_detained_in_raids", {"at_least"})])
def test_the_legend_s_grey_classes_are_the_marks_the_tooltips_say(visit: Visit, show: str, expected: set[str]):
    lang = "ky"
    _ = translator(lang)
    page = visit.open(f"/?show={show}&lang={lang}")
    visit.map_shapes.nth(7).wait_for()
    visit.wait_until_idle()
    said = set()
    for figure in map_tooltips(page).values():
        if figure == _("hidden"):
            said.add("hidden")
        elif figure.startswith("≥ "):
            said.add("at_least")
        elif figure == _("no data"):
            said.add("nodata")
    legend, drawn = _marks(page, lang)
    assert said == expected, said  # the sample's figures for this choice
    assert set(legend) == said, (legend, said)
    assert {legend[key] for key in said} == drawn == {maps.OUTLINES[key] for key in said}
    visit.assert_clean()
