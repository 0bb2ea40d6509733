"""Real Chromium, issue 4: the public view never shows a small count, staff pages stay locked, titles stay text.

Run with `python -m pytest -m browser`. The server reads its own sample
database, with one more event whose title is an HTML injection, and its own
staff accounts. Like the other browser tests, every request to a host other
than 127.0.0.1 is aborted and fails the test that made it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from app_support import STAFF_NAME, STAFF_PASSWORD
from browser_support import (
    LOGIN_TIMEOUT_MS,
    MAP_FRAME,
    PUBLIC_MARKER,
    STAFF_MARKER,
    AppServer,
    Visit,
    log_in,
    map_tooltips,
    open_expander,
    submit_login,
    table_rows,
)
from figure_check import disclosure_problem
from playwright.sync_api import Browser, Dialog, Page, expect

from rightsmap.data import auth
from rightsmap.domain import config
from rightsmap.domain.vocab import PERPETRATORS, REGIONS, VIOLATION_TYPES
from rightsmap.records import sample, store

pytestmark = pytest.mark.browser

TIMEOUT_MS = 60_000  # a cold public page gathers the protected table; the machine may be busy

K = config.MIN_COUNT  # the server reads the same setting from the same environment
REGION_NAMES = {region.name_en for region in REGIONS}
XSS_TITLE = "<img src=x onerror=alert(1)>"
XSS_DATE = dt.date(2017, 5, 1)
# A second account, so that throttling its name leaves the tests' own account alone.
THROTTLED_NAME = "throttled"
WRONG = "Wrong user name or password."
STAFF_PATHS = ("/overview", "/map", "/timelines", "/reach", "/present", "/data")
MAP_TABLE = "The numbers behind the map"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The sample plus an event titled with HTML, and two staff accounts."""
    db_path = sample.build(tmp_path_factory.mktemp("views-db") / "rightsmap.duckdb")
    with store.writable(db_path) as conn:
        # Marked public, so that the public view lists it too (written here, past the import's screening).
        conn.execute("INSERT INTO events (event_date, region, title_en, title_ru, title_ky, public) "
                     "VALUES (?, ?, ?, ?, ?, true)", [XSS_DATE, None, XSS_TITLE, XSS_TITLE, XSS_TITLE])
    users = tmp_path_factory.mktemp("views-users") / "users.json"
    for name in (STAFF_NAME, THROTTLED_NAME):
        auth.add_user(name, STAFF_PASSWORD, users)
    app = AppServer(db_path, tmp_path_factory.mktemp("views-logs"), users).start()
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


# ---- the public view never shows a count from 1 to k-1 ----------------------------------------------------------

PUBLIC_VIEWS = {  # URL parameters -> the caption that proves the page applied them, and how many quarters
    "whole-period": ("", "2015 Q1 to 2019 Q4 · All regions · Documented cases", 20),
    # Its one quarter is withheld: the page says so instead of drawing a chart (quarters drawn: 0).
    "naryn-one-quarter": ("region=KG-N&q_from=2017-Q3&q_to=2017-Q3", "2017 Q3 to 2017 Q3 · Naryn · Documented cases",
                          0),
    "cases-by-pimps": ("show=cases:pimp", "2015 Q1 to 2019 Q4 · All regions · Cases by Pimp", 20),
    "sexual-violence-talas": ("show=cases_of_type:sexual_violence&region=KG-T",
                              "2015 Q1 to 2019 Q4 · Talas · Cases: Sexual violence", 20),
}


PUBLIC_CHART = "[data-testid='stMain'] svg[role=img]"
CHART_MARKS = "[aria-roledescription='bar'], [aria-roledescription='label']"


WITHHELD_CHART = "Every quarter of this choice is withheld, so there is no chart"


def chart_figures(page: Page, measure: str, quarters: int = 1) -> dict[tuple[str, str], str]:
    """The quarterly chart's figures by (quarter, mark), read from its marks' ARIA labels.

    A bar's label reads "Period: 2017 Q3; Documented cases: 12", and so does the label written over
    a withheld quarter ("Period: 2017 Q3; Documented cases: hidden"). With no quarter to draw (quarters=0),
    the page says why instead, and draws no chart.
    """
    if quarters == 0:
        expect(page.get_by_text(WITHHELD_CHART)).to_be_visible()
        expect(page.locator(PUBLIC_CHART)).to_have_count(0)
        return {}
    charts = page.locator(PUBLIC_CHART)
    expect(charts).to_have_count(1)
    marks = charts.locator(CHART_MARKS)
    expect(marks.first).to_be_attached()
    figures = {}
    for kind, label in marks.evaluate_all(
            "marks => marks.map(m => [m.getAttribute('aria-roledescription'), m.getAttribute('aria-label')])"):
        parts = label.split("; ")  # the measure's own name may hold ": " ("Cases: Sexual violence")
        quarter = next(part.removeprefix("Period: ") for part in parts if part.startswith("Period: "))
        figures[quarter, kind] = next(part.removeprefix(f"{measure}: ") for part in parts
                                      if part.startswith(f"{measure}: "))
    return figures


def public_figures(visit: Visit, query: str, caption: str, quarters: int) -> dict[str, str]:
    """Every figure the public page shows for the URL parameters, by where it is: metrics, chart, tables, map."""
    page = visit.open("/?lang=en" + (f"&{query}" if query else ""))
    expect(page.get_by_text(PUBLIC_MARKER)).to_be_visible()
    expect(page.get_by_text(caption, exact=True)).to_be_visible()
    visit.map_shapes.first.wait_for()
    visit.wait_until_idle()
    figures: dict[str, str] = {}

    metrics = page.get_by_test_id("stMain").get_by_test_id("stMetric")
    expect(metrics).to_have_count(4)
    for metric in metrics.all():
        label = metric.get_by_test_id("stMetricLabel").inner_text().strip()
        figures[f"metric {label}"] = metric.get_by_test_id("stMetricValue").inner_text()

    chart = chart_figures(page, measure=caption.rsplit(" · ", 1)[1], quarters=quarters)
    assert len({quarter for quarter, _mark in chart}) == quarters  # every quarter has a bar, a mark or both
    figures |= {f"chart {quarter} {mark}": text for (quarter, mark), text in chart.items()}

    breakdown = page.get_by_test_id("stMain").locator("table").filter(has=page.locator("th", has_text="Group"))
    rows = table_rows(breakdown)
    assert len(rows) == len(PERPETRATORS) + len(VIOLATION_TYPES)
    figures |= {f"breakdown {row['Name']}": row["Figure"] for row in rows}

    open_expander(page, MAP_TABLE)
    by_region = page.get_by_test_id("stExpander").filter(has_text=MAP_TABLE).locator("table")
    table = {row["Name"]: row["Figure"] for row in table_rows(by_region)}
    assert set(table) == REGION_NAMES
    figures |= {f"map table {name}": text for name, text in table.items()}

    tooltips = map_tooltips(page)
    assert set(tooltips) == REGION_NAMES  # Bishkek through its circle, Osh City through its own
    assert tooltips == table, "the map and the numbers behind it disagree"
    figures |= {f"map tooltip {name}": text for name, text in tooltips.items()}
    return figures


@pytest.mark.parametrize("query, caption, quarters", PUBLIC_VIEWS.values(), ids=PUBLIC_VIEWS.keys())
def test_the_public_view_never_shows_a_count_from_1_to_k_minus_1(visit: Visit, query: str, caption: str,
                                                                 quarters: int):
    figures = public_figures(visit, query, caption, quarters)

    problems = {where: text for where, text in figures.items() if disclosure_problem(text, K)}
    assert problems == {}
    # Not vacuous: every one of these views withholds something, and says so with its mark.
    assert any(text.startswith(("<", "≥")) or text == "hidden" for text in figures.values()), figures
    visit.assert_clean()


def test_the_map_s_tooltips_stay_inside_the_map_in_russian(visit: Visit):
    """The longest labels: "Задокументированные случаи" beside a region's name ran past the map's edge."""
    page = visit.open("/?lang=ru")
    tooltips = map_tooltips(page)  # each one checked to be inside the map
    assert len(tooltips) == len(REGION_NAMES)
    visit.assert_clean()


# The drawn shapes (regions and city circles) whose boxes meet the legend's box, in the map's frame.
_UNDER_THE_LEGEND = """legend => {
  const l = legend.getBoundingClientRect();
  return [...legend.ownerDocument.querySelectorAll("path.leaflet-interactive")].filter(shape => {
    const b = shape.getBoundingClientRect();
    return b.width > 0 && b.left < l.right && l.left < b.right && b.top < l.bottom && l.top < b.bottom;
  }).length;
}"""


@pytest.mark.parametrize("path, width", [("/?", 390), ("/?", 1400), ("/show?slide=map&", 1400)],
                         ids=["phone", "wide", "slide"])
@pytest.mark.parametrize("show", ["cases", "cases_of_type:arbitrary_detention"])  # the longest title in Russian
def test_the_map_legend_covers_no_region(visit: Visit, path: str, width: int, show: str):
    """The whole country stays in sight on a phone, in the wide layout and on the map slide."""
    visit.page.set_viewport_size({"width": width, "height": 900})
    page = visit.open(f"{path}lang=ru&show={show}")
    visit.map_shapes.nth(7).wait_for()
    visit.wait_until_idle()
    legend = page.frame_locator(MAP_FRAME).locator(".rightsmap-legend")
    expect(legend).to_be_visible()
    assert legend.evaluate(_UNDER_THE_LEGEND) == 0
    visit.assert_clean()


# The open tooltip's and the legend's boxes in the map's frame, and how visible the legend is. A closed
# tooltip fades out for 0.2 s before Leaflet removes it: Leaflet has set its opacity to 0 by then.
_TOOLTIP_AND_LEGEND = """body => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const tooltip = [...body.querySelectorAll(".leaflet-tooltip")].find(t => t.style.opacity !== "0");
  const legend = body.querySelector(".rightsmap-legend");
  return {tooltip: tooltip && box(tooltip), legend: box(legend), opacity: Number(getComputedStyle(legend).opacity)};
}"""


def _meet(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_the_legend_steps_back_while_a_tooltip_meets_it(visit: Visit):
    """Leaflet draws its controls above its tooltips, so a tooltip on a southern region, which reaches into
    the legend's band below the country, was partly hidden under the legend (long Russian labels)."""
    page = visit.open("/?lang=ru")
    visit.map_shapes.nth(7).wait_for()
    visit.wait_until_idle()
    map_frame = page.locator(MAP_FRAME)
    map_frame.evaluate("frame => frame.scrollIntoView({block: 'center'})")
    origin = map_frame.bounding_box()
    body = page.frame_locator(MAP_FRAME).locator("body")
    left, top, right, _bottom = body.evaluate(_TOOLTIP_AND_LEGEND)["legend"]
    seen = {"meets": 0, "apart": 0}
    # Points on a grid from the legend's band up into the southern regions: some tooltips meet it.
    for y in range(int(top) - 100, int(top), 10):
        for x in range(int(left) - 60, int(right), 30):
            page.mouse.move(origin["x"] + x, origin["y"] + y)
            state = body.evaluate(_TOOLTIP_AND_LEGEND)
            if state["tooltip"] is None:
                assert state["opacity"] == 1, (x, y, state)
            elif _meet(state["tooltip"], state["legend"]):
                seen["meets"] += 1
                assert state["opacity"] < 0.5, (x, y, state)
            else:
                seen["apart"] += 1
                assert state["opacity"] == 1, (x, y, state)
    assert seen["meets"] > 0 and seen["apart"] > 0, seen  # both cases met, or the grid missed the regions
    page.mouse.move(0, 0)  # off the map: the tooltip closes and the legend is back
    expect(page.frame_locator(MAP_FRAME).locator(".leaflet-tooltip")).to_have_count(0)
    assert body.evaluate(_TOOLTIP_AND_LEGEND)["opacity"] == 1
    visit.assert_clean()


def test_the_public_slides_never_show_a_count_from_1_to_k_minus_1(visit: Visit):
    """The public view's presentation (/show) draws the same sections one slide at a time."""
    query, caption, quarters = PUBLIC_VIEWS["naryn-one-quarter"]
    page = visit.open(f"/show?lang=en&{query}")
    expect(page.get_by_text(caption, exact=True)).to_be_visible()
    expect(page.get_by_text(PUBLIC_MARKER)).to_be_visible()
    figures: dict[str, str] = {}

    def next_slide(slide: str) -> None:
        page.get_by_role("button", name="Next").click()
        page.wait_for_url(re.compile(rf"[?&]slide={slide}\b"))
        visit.wait_until_idle()

    metrics = page.get_by_test_id("stMain").get_by_test_id("stMetricValue")
    expect(metrics).to_have_count(4)
    figures |= {f"headline {index}": text for index, text in enumerate(metrics.all_inner_texts())}
    next_slide("map")
    tooltips = map_tooltips(page)
    assert set(tooltips) == REGION_NAMES
    figures |= {f"map tooltip {name}": text for name, text in tooltips.items()}
    next_slide("timeline")
    chart = chart_figures(page, measure=caption.rsplit(" · ", 1)[1], quarters=quarters)
    assert len({quarter for quarter, _mark in chart}) == quarters
    figures |= {f"chart {quarter} {mark}": text for (quarter, mark), text in chart.items()}
    next_slide("breakdown")
    tables = page.get_by_test_id("stMain").locator("table")  # by perpetrator, by violation type
    rows = [(group, row) for group, n in (("By perpetrator", 0), ("By violation type", 1))
            for row in table_rows(tables.nth(n))]
    assert len(rows) == len(PERPETRATORS) + len(VIOLATION_TYPES)
    figures |= {f"breakdown {row[group]}": row["Figure"] for group, row in rows}

    assert {where: text for where, text in figures.items() if disclosure_problem(text, K)} == {}
    assert any(text == "hidden" for text in figures.values()), figures  # this view has withheld counts
    visit.assert_clean()


_CHART_QUARTERS = """() => {
  const labels = [...document.querySelectorAll(`PUBLIC_CHART [aria-roledescription='bar'], PUBLIC_CHART [aria-roledescription='label']`)]
    .map(mark => (mark.getAttribute("aria-label").split("; ").find(part => part.startsWith("Period: ")) || ""));
  return new Set(labels).size;
}""".replace("PUBLIC_CHART", PUBLIC_CHART)


def test_a_new_period_redraws_the_public_chart_as_a_fresh_page_draws_it(visit: Visit):
    """A period chosen in the sidebar redraws the chart in place; it must then be the one a fresh page draws."""
    measure = "Documented cases"
    page = visit.open("/?lang=en")
    visit.map_shapes.first.wait_for()
    visit.wait_until_idle()
    assert len({quarter for quarter, _mark in chart_figures(page, measure)}) == 20

    box = page.get_by_test_id("stSidebar").get_by_role("combobox", name="From", exact=True)
    box.click()
    page.keyboard.type("2018 Q3")
    expect(page.get_by_role("option", name="2018 Q3", exact=True)).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"2018 Q3 to 2019 Q4 · All regions · {measure}", exact=True)).to_be_visible()
    visit.wait_until_idle()
    page.wait_for_function(f"() => ({_CHART_QUARTERS})() === 6", polling="raf")
    updated = chart_figures(page, measure)

    fresh = visit.open("/?lang=en&q_from=2018-Q3")
    expect(fresh.get_by_text(f"2018 Q3 to 2019 Q4 · All regions · {measure}", exact=True)).to_be_visible()
    visit.wait_until_idle()
    assert updated == chart_figures(fresh, measure)
    assert {quarter for quarter, _mark in updated} == {"2018 Q3", "2018 Q4", "2019 Q1", "2019 Q2", "2019 Q3",
                                                      "2019 Q4"}
    visit.assert_clean()


def test_the_public_overview_opens_at_its_own_address_too(visit: Visit):
    visit.open("/")  # the address is known only after the first session: this one is not the first
    visit.wait_until_idle()
    page = visit.open("/public?lang=en&region=KG-N")

    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    expect(page.get_by_text("2015 Q1 to 2019 Q4 · Naryn · Documented cases", exact=True)).to_be_visible()
    visit.wait_until_idle()
    expect(page.get_by_role("dialog")).to_have_count(0, timeout=5_000)
    assert urlsplit(page.url).path == "/public"


# ---- staff pages without a login ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", STAFF_PATHS)
def test_a_staff_page_without_a_login_shows_the_login_and_nothing_of_the_page(visit: Visit, path: str):
    page = visit.open(f"{path}?lang=en")

    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Staff login", level=1)).to_be_visible()
    form = page.get_by_test_id("stForm")
    expect(form.get_by_label("User name", exact=True)).to_be_editable()
    expect(form.get_by_label("Password", exact=True)).to_be_editable()
    expect(form.get_by_role("button", name="Log in")).to_be_visible()
    visit.wait_until_idle()
    assert urlsplit(page.url).path == path  # the address stays: the login opens the page there
    expect(page.get_by_text(PUBLIC_MARKER)).to_be_visible()
    expect(page.get_by_text(STAFF_MARKER)).to_have_count(0)
    # Nothing of the page: no title of its own, no figures, charts, tables, map, files or import form.
    expect(main.get_by_role("heading", level=1)).to_have_count(1)
    expect(main.get_by_role("heading", name=re.compile("Exact counts|Overview|Map|Timelines|Service reach|Import data"
                                                       "|Headline figures"))).to_have_count(0)
    for element in ("stMetric", "stVegaLiteChart", "stDataFrame", "stTable", "stDownloadButton", "stFileUploader",
                    "stExpander"):
        expect(main.get_by_test_id(element)).to_have_count(0)
    expect(main.locator("table")).to_have_count(0)
    expect(page.locator(MAP_FRAME)).to_have_count(0)
    # The sidebar has the public filters, not the staff ones, and nobody to log out.
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("combobox", name="Show", exact=True)).to_be_attached()
    expect(sidebar.get_by_test_id("stMultiSelect")).to_have_count(0)
    expect(sidebar.get_by_role("button", name="Log out")).to_have_count(0)
    visit.assert_clean()


def _attempt(page: Page, name: str, password: str) -> None:
    """Submit the login form and wait until the server has answered (it empties the password field)."""
    submit_login(page, name, password)
    expect(page.get_by_test_id("stForm").get_by_label("Password", exact=True)).to_have_value(
        "", timeout=LOGIN_TIMEOUT_MS)
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")


def _assert_locked(page: Page) -> None:
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Staff login", level=1)).to_be_visible()
    expect(main.get_by_role("heading", name="Map", level=1)).to_have_count(0)
    expect(page.get_by_text(STAFF_MARKER)).to_have_count(0)
    expect(page.locator(MAP_FRAME)).to_have_count(0)
    expect(page.get_by_test_id("stSidebar").get_by_role("button", name="Log out")).to_have_count(0)


def test_a_wrong_password_is_refused_the_right_one_opens_the_page_and_log_out_locks_it(visit: Visit):
    page = visit.open("/map?lang=en")
    error = page.get_by_test_id("stAlert").filter(has_text=WRONG)

    _attempt(page, STAFF_NAME, "not the password at all")
    expect(error).to_be_visible()
    _assert_locked(page)
    # An unknown name gets the same answer: the form does not tell which names exist.
    _attempt(page, "nobody", STAFF_PASSWORD)
    expect(error).to_be_visible()
    _assert_locked(page)

    log_in(page)
    expect(page.get_by_role("heading", name="Map", level=1)).to_be_visible()
    visit.map_shapes.first.wait_for()
    expect(error).to_have_count(0)

    page.get_by_test_id("stSidebar").get_by_role("button", name="Log out").click()
    _assert_locked(page)
    # Locked for the whole session, not only on this page.
    page.locator(".st-key-rightsmap-nav").get_by_role("link", name="Exact counts", exact=True).click()
    page.wait_for_url(re.compile(r"/overview(\?.*)?$"))
    expect(page.get_by_role("heading", name="Staff login", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Overview", level=1)).to_have_count(0)
    expect(page.get_by_text(STAFF_MARKER)).to_have_count(0)
    visit.assert_clean()


def test_repeated_wrong_passwords_for_a_name_are_throttled(visit: Visit):
    page = visit.open("/map?lang=en")
    throttled = page.get_by_test_id("stAlert").filter(
        has_text=re.compile(r"Too many failed logins\. Try again in \d+ seconds\."))

    # Three failures are free; then each one doubles the wait (2 s, 4 s, 8 s, ...), so within a
    # few attempts one comes before its wait is over, however slow the machine.
    for _attempt_number in range(10):
        _attempt(page, THROTTLED_NAME, "not the password at all")
        if throttled.count():
            break
    expect(throttled).to_be_visible()
    assert int(re.search(r"in (\d+) seconds", throttled.inner_text())[1]) >= 1
    _assert_locked(page)
    visit.assert_clean()


# ---- event titles are text ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, staff", [
    ("/?lang=en&q_from=2017-Q1&q_to=2017-Q4", False),
    ("/overview?lang=en&from=2017-01&to=2017-12", True),
], ids=["public", "staff"])
def test_an_event_title_with_html_is_shown_as_text_and_never_runs(visit: Visit, path: str, staff: bool):
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    visit.page.on("dialog", dismiss)
    page = visit.open(path)
    if staff:
        log_in(page)
    expect(page.get_by_text(STAFF_MARKER if staff else PUBLIC_MARKER)).to_be_visible()

    events = page.get_by_test_id("stCaptionContainer").filter(has_text=re.compile(r"^Events"))
    expect(events).to_be_visible()
    when = f"{XSS_DATE:%Y-%m}" if staff else "2017-Q2"  # the public view dates events by quarter
    expect(events.get_by_text(f"{when} — {XSS_TITLE}", exact=True)).to_be_visible()
    # The chart with the events: the staff overview's Vega-Lite chart, the public view's SVG.
    expect(page.locator("[data-testid='stVegaLiteChart']" if staff else PUBLIC_CHART).first).to_be_visible()
    visit.wait_until_idle()

    if staff:  # the overview's chart numbers its events and names them in its tooltip
        number = page.get_by_test_id("stVegaLiteChart").locator(
            f"[aria-roledescription='text mark'][aria-label*={json.dumps(XSS_TITLE)}]")
        number.hover(force=True)  # a thin label over the bars: hover where it is drawn
        tooltip = page.locator("#vg-tooltip-element")
        expect(tooltip).to_contain_text(XSS_TITLE)
        expect(tooltip.locator("img")).to_have_count(0)

    assert dialogs == []
    for frame in page.frames:  # the map is an iframe; nothing anywhere became an element
        assert frame.locator("img[src='x']").count() == 0, frame.url
    visit.assert_clean()
