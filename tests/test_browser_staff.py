"""Real Chromium, issue 22: the staff map's region detail is readable, and nothing is cut short with "…".

Run with `python -m pytest -m browser tests/test_browser_staff.py`. Kyrgyz is the language with the
longest words, so the checks run in Kyrgyz; the login form is filled in English first.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import AppServer, Visit, wait_until_idle
from playwright.sync_api import Browser, Page, expect

from rightsmap.domain import i18n
from rightsmap.domain.vocab import PERPETRATORS, VIOLATION_TYPES
from rightsmap.records import sample

pytestmark = pytest.mark.browser

TIMEOUT_MS = 60_000
KY = i18n.translator("ky")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, staff_users) -> Iterator[AppServer]:
    db_path = sample.build(tmp_path_factory.mktemp("staff-db") / "rightsmap.duckdb")
    app = AppServer(db_path, tmp_path_factory.mktemp("staff-logs"), staff_users).start()
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


def staff_page_in(visit: Visit, path: str, lang: str, width: int = 1400) -> Page:
    """A staff page, logged in (the form in English), then switched to lang in the sidebar."""
    visit.page.set_viewport_size({"width": width, "height": 1000})
    page = visit.open_as_staff(path + ("&" if "?" in path else "?") + "lang=en")
    if lang != "en":
        page.get_by_test_id("stSidebar").get_by_text(i18n.LANGUAGES[lang], exact=True).click()
        expect(page.get_by_test_id("stSidebar").get_by_role("radio", name=i18n.LANGUAGES[lang])).to_be_checked()
        wait_until_idle(page)
    return page


def chart_texts(page: Page, index: int) -> list[str]:
    return page.get_by_test_id("stVegaLiteChart").nth(index).evaluate(
        "chart => [...chart.querySelectorAll('svg text')].map(t => t.textContent)")


@pytest.mark.parametrize("lang", ["ky", "ru", "en"])
def test_the_region_detail_is_tall_and_names_every_category(visit: Visit, lang: str):
    page = staff_page_in(visit, "/map?detail=KG-N", lang)
    translate = i18n.translator(lang)
    expect(page.get_by_role("heading", name=translate.region("KG-N"))).to_be_visible()
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(3)  # the region's timeline, by type, by perpetrator
    expect(charts.nth(2).locator("svg text").first).to_be_attached()
    timeline = charts.nth(0)
    box = timeline.bounding_box()
    assert box is not None and box["height"] >= 200, box
    # The plot itself, not only its box: the horizontal grid lines span its height.
    plot = timeline.locator("svg .role-axis-grid").first.evaluate("grid => grid.getBoundingClientRect().height")
    assert plot >= 150, f"the plot is {plot} px high"
    types = [translate.violation_type(code) for code in VIOLATION_TYPES]
    legend, by_type, by_perpetrator = chart_texts(page, 0), chart_texts(page, 1), chart_texts(page, 2)
    assert [t for t in types if t not in legend] == []
    assert [t for t in types if t not in by_type] == []  # every bar labelled, none skipped
    assert [p for p in map(translate.perpetrator, PERPETRATORS) if p not in by_perpetrator] == []
    assert [t for t in legend + by_type + by_perpetrator if t.endswith("…")] == []
    # Nothing runs past the chart's box on the right (the legend was cut there).
    overflow = timeline.evaluate("""chart => { const box = chart.getBoundingClientRect();
        return [...chart.querySelectorAll('svg text')].filter(t => t.getBoundingClientRect().right > box.right + 4)
            .map(t => t.textContent); }""")
    assert overflow == []
    visit.assert_clean()


# Elements whose text is cut short with "…": text-overflow ellipsis and more text than room, on screen.
_CUT_SHORT = """() => [...document.querySelectorAll('body *')].filter(e => {
  const box = e.getBoundingClientRect();
  return getComputedStyle(e).textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1
    && box.width > 0 && box.right > 0 && e.innerText.trim();
}).map(e => e.innerText.trim().slice(0, 80))"""
STAFF_PAGES = ("/overview", "/map", "/timelines", "/reach", "/data", "/about", "/")


def cut_short(page: Page) -> list[str]:
    return page.evaluate(_CUT_SHORT)


def test_nothing_is_cut_short_in_kyrgyz_at_1400_px(visit: Visit):
    page = staff_page_in(visit, "/overview", "ky")
    found: dict[str, list[str]] = {}
    download = KY("Download the map, charts, tables, brief and deck")
    for path in STAFF_PAGES:
        page.locator(".st-key-rightsmap-nav").locator(f"a[href='{path[1:]}']").click()
        wait_until_idle(page)
        expect(page.locator(".st-key-rightsmap-nav").locator(f"a[href='{path[1:]}'][aria-current='page']")).to_be_attached()
        found[path] = cut_short(page)
        panel = page.get_by_test_id("stExpander").filter(has_text=download)
        if path in ("/overview", "/map") and panel.count():
            panel.locator("summary").click()
            tabs = panel.get_by_role("tab")
            expect(tabs).to_have_count(4)
            for index in range(4):
                tabs.nth(index).click()
                expect(tabs.nth(index)).to_have_attribute("aria-selected", "true")
                expect(panel.get_by_role("tabpanel").get_by_test_id("stDownloadButton").first).to_be_visible()
                found[f"{path} files {index}"] = cut_short(page)
    assert {where: texts for where, texts in found.items() if texts} == {}
    visit.assert_clean()


def test_streamlit_s_own_words_follow_the_language(visit: Visit):
    page = staff_page_in(visit, "/data", "ky")
    uploader = page.get_by_test_id("stFileUploader").first  # the data file (the second is the mapping)
    expect(uploader).to_contain_text(KY("Upload"))
    expect(uploader).to_contain_text(KY("{size} per file").split("{size}")[0].strip() or "MB")
    expect(uploader).not_to_contain_text("per file")
    skip = page.locator("a[href='#stMain']")
    expect(skip).to_have_text(KY("Skip to main content"))
    page.get_by_test_id("stSidebar").get_by_text(i18n.LANGUAGES["en"], exact=True).click()
    expect(uploader.get_by_text("Upload", exact=True)).to_be_visible()  # back to English
    expect(skip).to_have_text("Skip to main content")
    visit.assert_clean()
