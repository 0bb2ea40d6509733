"""Real Chromium: the staff map's rate tooltips give the range and the estimate's year, or say there is none."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import AppServer, Visit, map_tooltips
from playwright.sync_api import Browser, expect

from rightsmap.domain.vocab import REGIONS
from rightsmap.records import sample

pytestmark = pytest.mark.browser
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, staff_users) -> Iterator[AppServer]:
    db_path = sample.build(tmp_path_factory.mktemp("rates-db") / "rightsmap.duckdb")
    app = AppServer(db_path, tmp_path_factory.mktemp("rates-logs"), staff_users).start()
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


def test_the_staff_map_shows_cases_per_100_with_ranges_and_no_rate_without_an_estimate(visit: Visit):
    page = visit.open_as_staff("/map?lang=en&from=2017-01&to=2017-12")
    main = page.get_by_test_id("stMain")
    main.get_by_role("combobox", name="Metric").click()
    page.get_by_role("option", name="Cases per 100 estimated sex workers").click()
    expect(main.get_by_text("No population size estimate for Naryn, Talas, so no rate there.")).to_be_visible()
    expect(main.get_by_text("Population size estimates from: Invented for the synthetic sample.")).to_be_visible()
    tooltips = map_tooltips(page)
    assert set(tooltips) == {region.name_en for region in REGIONS}
    assert tooltips["Naryn"] == tooltips["Talas"] == "no size estimate"
    # Batken: 14 cases in 2017 over the invented 2015 estimate 300 (200-420); Issyk-Kul's has no bounds.
    assert tooltips["Batken"] == "4.7 (range 3.3 to 7); estimate of 2015"
    assert tooltips["Issyk-Kul"].endswith("; estimate of 2015") and "range" not in tooltips["Issyk-Kul"]
    visit.assert_clean()
