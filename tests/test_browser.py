"""Real Chromium against the real server: deep links, the map, the period pickers, URL state, every page.

Run with `python -m pytest -m browser`. The server reads its own sample
database and the test session's staff accounts (conftest.py's staff_users);
staff pages are opened by logging in on them. Every request the browser makes
to another host than 127.0.0.1 is aborted and fails the test that made it.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_support import (
    LOCALE,
    MAP_FRAME,
    MAP_SHAPES,
    PUBLIC_MARKER,
    STAFF_MARKER,
    AppServer,
    Offline,
    Visit,
    log_in,
    map_state,
    wait_for_map_change,
)
from playwright.sync_api import Browser, Locator, Page, expect

from rightsmap.domain.vocab import REGIONS
from rightsmap.records import sample

pytestmark = pytest.mark.browser

BANNER = "Illustrative sample data, not real case records"
REGION_NAMES = {region.name_en for region in REGIONS}
# A rerun on a loaded machine can take several seconds; conditions, not sleeps, decide.
TIMEOUT_MS = 30_000


@pytest.fixture(scope="session")
def browser_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's own copy of the sample, so no other test's connection can lock it."""
    return sample.build(tmp_path_factory.mktemp("browser-db") / "rightsmap.duckdb")


def _serve(db_path: Path, users_path: Path, log_dir: Path) -> Iterator[AppServer]:
    server = AppServer(db_path, log_dir, users_path).start()
    try:
        yield server
    finally:
        server.stop()
    stderr = server.stderr()
    if "Traceback" in stderr:
        pytest.fail(f"the app server logged a Python traceback:\n{stderr}")


@pytest.fixture(scope="session")
def app_server(browser_db: Path, staff_users: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """One server for the session."""
    yield from _serve(browser_db, staff_users, tmp_path_factory.mktemp("server-logs"))


@pytest.fixture()
def fresh_server(app_server: AppServer, browser_db: Path, staff_users: Path, tmp_path: Path) -> Iterator[AppServer]:
    """A server no page has been opened on yet: the shared one while untouched, else a new one."""
    if app_server.pages_opened == 0:
        yield app_server
    else:
        yield from _serve(browser_db, staff_users, tmp_path)


@pytest.fixture()
def open_visit(browser: Browser) -> Iterator[Callable[[AppServer], Visit]]:
    visits: list[Visit] = []

    def make(server: AppServer) -> Visit:
        visits.append(Visit(browser, server, TIMEOUT_MS))
        return visits[-1]

    yield make
    for visit in visits:
        visit.close()


@pytest.fixture()
def visit(open_visit: Callable[[AppServer], Visit], app_server: AppServer) -> Visit:
    return open_visit(app_server)


def period_pickers(page: Page) -> tuple[Locator, Locator]:
    """The sidebar's From and To month pickers (select boxes)."""
    sidebar = page.get_by_test_id("stSidebar")
    return (sidebar.get_by_role("combobox", name="From", exact=True),
            sidebar.get_by_role("combobox", name="To", exact=True))


def test_deep_link_to_the_map_on_a_fresh_server_draws_it(
    open_visit: Callable[[AppServer], Visit], fresh_server: AppServer, record_property
):
    visit = open_visit(fresh_server)
    page = visit.open("/map")

    expect(page.get_by_role("heading", name="Staff login", level=1)).to_be_visible()
    log_in(page)
    expect(page.get_by_text(BANNER)).to_be_visible()
    expect(page.get_by_role("heading", name="Map", level=1)).to_be_visible()
    visit.map_shapes.first.wait_for()
    # 8 polygons (Natural Earth merges Osh City into Osh) and a circle for each of the two cities.
    assert visit.map_shapes.count() >= 8
    seconds = time.monotonic() - fresh_server.started_at
    record_property("server_start_to_polygons_s", round(seconds, 2))
    print(f"server start to map polygons, login included: {seconds:.1f} s")
    # The deep link went through the entry script: the staff sidebar filters are there.
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("heading", name="Filters")).to_be_visible()
    expect(sidebar.get_by_test_id("stMultiSelect").filter(has_text="Regions")).to_be_visible()
    visit.assert_clean()


def test_changing_the_period_recolours_the_map_and_the_url(visit: Visit):
    page = visit.open_as_staff("/map")
    visit.map_shapes.first.wait_for()
    visit.wait_until_idle()
    before = map_state(page)
    assert before is not None and len(before["fills"]) >= 8
    # Each drawn shape, marked: a new period restyles these same shapes instead of drawing the geometry again.
    shapes = page.frame_locator(MAP_FRAME).locator(MAP_SHAPES)
    shapes.evaluate_all("shapes => shapes.forEach((shape, i) => { shape.dataset.probe = i; })")

    month_from, month_to = period_pickers(page)
    expect(month_from).to_have_value("2015-01")
    expect(month_to).to_have_value("2019-12")
    # The real widget, as a person with a keyboard uses it: type the month, take the match.
    month_to.click()
    page.keyboard.type("2015-03")
    expect(page.get_by_role("option", name="2015-03", exact=True)).to_be_visible()
    page.keyboard.press("Enter")

    after = wait_for_map_change(page, before)
    assert after != before
    probes = shapes.evaluate_all("shapes => shapes.map(shape => shape.dataset.probe)")
    assert probes == [str(i) for i in range(len(before["fills"]))]
    # The app mirrors the filters into the URL, so the view can be shared.
    page.wait_for_url(re.compile(r"[?&]to=2015-03\b"))
    # The language always stays in the link; Chromium's en-US locale picks English.
    assert parse_qs(urlsplit(page.url).query) == {"to": ["2015-03"], "lang": ["en"]}
    expect(page.get_by_text("2015-01 to 2015-03 · all regions")).to_be_visible()
    expect(month_to).to_have_value("2015-03")
    visit.assert_clean()


def test_clicking_a_region_shows_its_detail(visit: Visit):
    page = visit.open_as_staff("/map")
    visit.map_shapes.first.wait_for()
    visit.wait_until_idle()
    # The whole map in view first: pressing on the map focuses it, and Chromium scrolls a map
    # that is partly below the fold into view before the release, which then lands elsewhere.
    page.locator(MAP_FRAME).evaluate("frame => frame.scrollIntoView({block: 'center'})")
    frame = page.frame_locator(MAP_FRAME)
    # Circle markers are paths with arcs; polygons are straight segments only.
    circles = frame.locator(f"{MAP_SHAPES}[d*='a']")
    expect(circles).to_have_count(2)
    tooltip = frame.locator(".leaflet-tooltip")
    circles.first.hover()
    expect(tooltip).to_contain_text(re.compile("Bishkek|Osh City"))
    bishkek = circles.first if "Bishkek" in tooltip.inner_text() else circles.last
    bishkek.hover()
    expect(tooltip).to_contain_text("Bishkek")

    bishkek.click()

    heading = page.get_by_test_id("stMain").get_by_role("heading", level=3)
    expect(heading).to_have_text("Bishkek")
    # The chosen region's thick outline is drawn over its neighbours' (its polygon and its circle);
    # the two city circles stay on top of every polygon.
    thick = frame.locator(f"{MAP_SHAPES}[stroke-width='4']")
    expect(thick).to_have_count(2)
    order = frame.locator(MAP_SHAPES).evaluate_all(
        "shapes => shapes.map(s => (s.getAttribute('d').includes('a') ? 'circle' : 'polygon') + ' '"
        " + s.getAttribute('stroke-width'))")
    assert order[-3] == "polygon 4" and order[-2:] in (
        ["circle 4", "circle 1.5"], ["circle 1.5", "circle 4"]), order
    assert heading.inner_text() in REGION_NAMES
    labels = page.get_by_test_id("stMetricLabel")
    for label in ("Cases", "Raids", "Coverage"):
        expect(labels.filter(has_text=re.compile(f"^{label}$"))).to_have_count(1)
    for title in ("By violation type", "By perpetrator"):
        expect(page.get_by_text(title).first).to_be_attached()
    visit.assert_clean()


@pytest.mark.parametrize("path, staff", [
    ("/?region=KG-ZZ&q_from=banana", False),  # the public view's own parameters
    ("/overview?regions=KG-ZZ&from=banana", True),  # the staff view's, read once the login lets the page run
], ids=["public", "staff"])
def test_a_bad_url_parameter_is_ignored_with_a_visible_notice(visit: Visit, path: str, staff: bool):
    page = visit.open(path)
    if staff:
        log_in(page)

    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    alerts = page.get_by_test_id("stAlert")
    expect(alerts.filter(has_text="KG-ZZ")).to_be_visible()
    expect(alerts.filter(has_text="banana")).to_be_visible()
    expect(page.get_by_text(BANNER)).to_be_visible()
    expect(page.get_by_text(STAFF_MARKER if staff else PUBLIC_MARKER)).to_be_visible()
    visit.assert_clean()


def test_a_copied_staff_url_reopens_the_same_view_after_the_login(visit: Visit):
    page = visit.open("/timelines?regions=KG-GB&from=2016-01&to=2017-12")
    log_in(page)

    expect(page.get_by_role("heading", name="Timelines", level=1)).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    regions = sidebar.get_by_test_id("stMultiSelect").filter(has_text="Regions")
    expect(regions.get_by_test_id("stMultiSelectTagsContainer").first).to_have_text("Bishkek")
    month_from, month_to = period_pickers(page)
    expect(month_from).to_have_value("2016-01")
    expect(month_to).to_have_value("2017-12")
    visit.wait_until_idle()
    assert parse_qs(urlsplit(page.url).query) == {"regions": ["KG-GB"], "from": ["2016-01"], "to": ["2017-12"],
                                                  "lang": ["en"]}
    visit.assert_clean()


def test_a_copied_public_url_reopens_the_same_view(visit: Visit):
    page = visit.open("/?region=KG-GB&q_from=2016-Q1&q_to=2017-Q4&show=raid_events")

    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    expect(page.get_by_text("2016 Q1 to 2017 Q4 · Bishkek · Raids", exact=True)).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("combobox", name="Show", exact=True)).to_have_value("Raids")
    expect(sidebar.get_by_role("combobox", name="Region", exact=True)).to_have_value("Bishkek")
    quarter_from, quarter_to = period_pickers(page)
    expect(quarter_from).to_have_value("2016 Q1")
    expect(quarter_to).to_have_value("2017 Q4")
    visit.wait_until_idle()
    assert parse_qs(urlsplit(page.url).query) == {"region": ["KG-GB"], "q_from": ["2016-Q1"], "q_to": ["2017-Q4"],
                                                  "show": ["raid_events"], "lang": ["en"]}
    visit.assert_clean()


# (navigation title, URL path, the page's own heading)
PUBLIC_PAGES = [("Overview", "/", "Overview"), ("Present", "/show", "Overview"),
                ("About the data", "/about", "About the data")]
STAFF_PAGES = [("Exact counts", "/overview", "Overview"), ("Map", "/map", "Map"),
               ("Timelines", "/timelines", "Timelines"), ("Service reach", "/reach", "Service reach"),
               ("Present exact counts", "/present", "Headline figures"), ("Import data", "/data", "Import data")]


def _go(visit: Visit, title: str, path: str) -> Page:
    """Follow a sidebar navigation link and wait for its address."""
    page = visit.page
    sidebar = page.get_by_test_id("stSidebar")
    if sidebar.get_attribute("data-collapsed") == "true":  # the presentation pages fold it away
        page.get_by_test_id("stExpandSidebarButton").click()
        expect(sidebar).to_have_attribute("data-collapsed", "false")
    sidebar.locator(".st-key-rightsmap-nav").get_by_role("link", name=title, exact=True).click()
    page.wait_for_url(re.compile(re.escape(visit.server.url + path) + r"(\?.*)?$"))
    return page


def test_every_page_loads_from_the_sidebar_navigation_in_both_views(visit: Visit):
    page = visit.open("/")
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    expect(page.get_by_text(PUBLIC_MARKER)).to_be_visible()

    # Logged out, every staff page's link leads to the login, and the session keeps it so.
    for title, path, _heading in STAFF_PAGES:
        _go(visit, title, path)
        expect(page.get_by_role("heading", name="Staff login", level=1)).to_be_visible()
        expect(page.get_by_text(PUBLIC_MARKER)).to_be_visible()
        expect(page.get_by_text(STAFF_MARKER)).to_have_count(0)
    log_in(page)  # on the last one; the navigation then keeps the session
    expect(page.get_by_role("heading", name=STAFF_PAGES[-1][2], level=1)).to_be_visible()

    for title, path, heading in [*STAFF_PAGES, *PUBLIC_PAGES]:
        _go(visit, title, path)
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        expect(page.get_by_text(BANNER)).to_be_visible()
        # The marker says which view shows, whoever is logged in.
        staff = (title, path, heading) in STAFF_PAGES
        expect(page.get_by_text(STAFF_MARKER if staff else PUBLIC_MARKER)).to_be_visible()
        expect(page.get_by_text(PUBLIC_MARKER if staff else STAFF_MARKER)).to_have_count(0)
        visit.wait_until_idle()
        expect(page.get_by_test_id("stException")).to_have_count(0)

    _go(visit, "Map", "/map")
    expect(page.get_by_role("heading", name="Map", level=1)).to_be_visible()
    page.get_by_test_id("stSidebar").get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Staff login", level=1)).to_be_visible()
    expect(page.get_by_text(STAFF_MARKER)).to_have_count(0)
    visit.assert_clean()


def test_the_offline_guard_aborts_and_records_other_hosts(browser: Browser, app_server: AppServer):
    """The guard every test relies on: it must catch requests and sockets to other hosts, and pass 127.0.0.1."""
    context = browser.new_context(locale=LOCALE)
    try:
        offline = Offline(context)
        page = context.new_page()
        page.goto(app_server.url + "/_stcore/health")
        local = page.evaluate("""async () => (await fetch("/_stcore/health")).text()""")
        outcomes = page.evaluate(
            """async () => {
                 const results = [];
                 for (const url of ["https://fonts.gstatic.com/icon.svg", "http://example.com/leaflet.js"]) {
                   try { await fetch(url, {mode: "no-cors"}); results.push("loaded"); }
                   catch (e) { results.push("failed"); }
                 }
                 results.push(await new Promise(done => {
                   const ws = new WebSocket("wss://example.com/socket");
                   ws.onopen = () => done("open");
                   ws.onclose = () => done("closed");
                 }));
                 return results;
               }"""
        )
    finally:
        context.close()
    assert local == "ok"
    assert outcomes == ["failed", "failed", "closed"]
    assert offline.blocked == ["https://fonts.gstatic.com/icon.svg", "http://example.com/leaflet.js",
                               "wss://example.com/socket"]


def test_no_other_site_may_control_the_app_from_a_frame(app_server: AppServer):
    """Streamlit lets the sites on its host list embed the app and rerun it, stop it or hand it an auth
    token through postMessage; .streamlit/config.toml empties that list, and the server says so."""
    with urllib.request.urlopen(app_server.url + "/_stcore/host-config", timeout=10) as response:
        host_config = json.load(response)
    assert host_config["allowedOrigins"] == []


def test_the_first_page_s_element_code_is_preloaded_with_the_page(visit: Visit, app_server: AppServer):
    """rightsmap.cli.serve lists the code of the first page's element types in Streamlit's page, at / and at a
    page's own address, so the browser fetches it while it waits for the first run; Chromium then takes
    the map's code from those links, not from the frontend's later imports."""
    pages = []
    for path in ("/", "/map"):
        with urllib.request.urlopen(app_server.url + path, timeout=10) as response:
            pages.append(response.read().decode())
            assert response.headers["Cache-Control"] == "no-cache"
    preloaded = re.findall(r'<link rel="modulepreload" crossorigin href="\./(static/js/[^"]+)">', pages[0])
    assert pages[0] == pages[1] and any(re.search(r"/ComponentInstance\.\w+\.js$", f) for f in preloaded)
    for file in preloaded:
        with urllib.request.urlopen(f"{app_server.url}/{file}", timeout=10) as response:
            assert response.status == 200 and "javascript" in response.headers["Content-Type"], file

    page = visit.open("/?lang=en")
    visit.map_shapes.first.wait_for()
    # Requested as the page was parsed, before the frontend ran (when its own imports would start).
    started = page.evaluate("""() => {
        const loaded = performance.getEntriesByType("navigation")[0].domContentLoadedEventStart;
        return Object.fromEntries(performance.getEntriesByType("resource")
            .filter(entry => /\\/(ComponentInstance|Metric|Selectbox)\\.[^/]+\\.js$/.test(entry.name))
            .map(entry => [entry.name.split("/").pop().split(".")[0], entry.startTime < loaded]));
    }""")
    assert started == {"ComponentInstance": True, "Metric": True, "Selectbox": True}
    visit.assert_clean()
