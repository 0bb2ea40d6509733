"""AppTest: every page renders without an exception, the filters work, and a map click selects a region."""


import duckdb
import pytest
from app_support import map_reports, open_dashboard
from streamlit.testing.v1 import AppTest

from rightsmap.domain import config
from rightsmap.domain.filters import parse_month
from rightsmap.records import sample

PAGES = ["pages/overview.py", "pages/map.py", "pages/timelines.py", "pages/reach.py", "pages/about.py"]
BANNER = "Illustrative sample data, not real case records"


@pytest.fixture()
def app(sample_db, monkeypatch):
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))

    def open_app(page: str = "pages/overview.py", **query: str) -> AppTest:
        return open_dashboard(page, query={"lang": "en", **query})

    return open_app


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_the_sample_banner(app, page):
    at = app(page)
    assert not at.error
    assert BANNER in texts(at)


def test_headline_figures_and_their_change(app):
    at = app(**{"from": "2017-01", "to": "2017-12", "perpetrators": "police"})
    figures = {m.label: m for m in at.metric}
    assert figures["Documented cases"].value.replace("\u202f", "") == "459"
    # 459 against 475 the year before: -3.4%
    assert figures["Documented cases"].delta == "-3.4%"
    assert figures["Coverage, % of plan"].delta.endswith("points")


def test_changing_a_filter_changes_figures_and_the_url(app):
    at = app()
    before = {m.label: m.value for m in at.metric}
    at.multiselect(key="f_regions").set_value(["KG-GB"]).run()
    after = {m.label: m.value for m in at.metric}
    assert at.query_params["regions"] == "KG-GB"
    assert after["Documented cases"] != before["Documented cases"]
    at.selectbox(key="f_from").set_value(parse_month("2017-01")).run()
    assert at.query_params["from"] == "2017-01"
    at.button[0].click().run()  # Reset filters
    assert "regions" not in at.query_params
    assert {m.label: m.value for m in at.metric} == before


def test_bad_url_values_fall_back_with_a_visible_notice(app):
    at = app(regions="KG-ZZ", **{"from": "banana"})
    warnings = " ".join(w.value for w in at.warning)
    assert "KG-ZZ" in warnings and "banana" in warnings
    assert at.title[0].value == "Overview"
    assert at.multiselect(key="f_regions").value == []


def test_map_click_selects_a_region_and_survives_a_metric_change(app, monkeypatch):
    clicks = {"code": "KG-GB"}

    def click(**kwargs):
        assert kwargs["returned_objects"] == ["last_active_drawing"]
        return {"last_active_drawing": {"properties": {"code": clicks["code"]}}}

    map_reports(monkeypatch, click)
    at = app("pages/map.py")
    assert "Bishkek" in [s.value for s in at.subheader]
    assert at.selectbox(key="map_region_pick").value == "KG-GB"
    at.selectbox(key="map_metric").set_value("coverage_pct").run()
    assert "Bishkek" in [s.value for s in at.subheader]
    clicks["code"] = "KG-GO"
    at.run()
    assert "Osh City" in [s.value for s in at.subheader]


def test_choosing_a_region_without_the_map_shows_its_detail(app):
    at = app("pages/map.py")
    assert not at.subheader
    at.selectbox(key="map_region_pick").set_value("KG-N").run()
    assert [s.value for s in at.subheader] == ["Naryn"]


def test_cases_of_one_type_asks_for_the_type(app):
    at = app("pages/map.py")
    at.selectbox(key="map_metric").set_value("cases_of_type").run()
    at.selectbox(key="map_type").set_value("blackmail").run()
    assert not at.exception


@pytest.mark.parametrize("series", ["type", "perpetrator", "raids", "detentions", "reach"])
@pytest.mark.parametrize("compare", [False, True])
def test_every_timeline_renders(app, series, compare):
    at = app("pages/timelines.py", regions="KG-GB,KG-GO")
    at.selectbox(key="timeline_series").set_value(series)
    at.toggle(key="timeline_compare").set_value(compare)
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_reach_without_a_whole_quarter_explains_itself(app):
    at = app("pages/reach.py", **{"from": "2017-05", "to": "2017-06"})
    assert "No quarter lies wholly inside" in texts(at)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_reach_tables_name_regions_and_quarters_in_the_language_and_hold_the_figures(app, sample_db, lang):
    """The page keeps its tables by database, filters and language: each language gets its own names."""
    from rightsmap.data import db, metrics
    from rightsmap.domain.filters import Filters
    from rightsmap.domain.i18n import translator

    _ = translator(lang)
    at = app("pages/reach.py", lang=lang, regions="KG-GB,KG-O", **{"from": "2017-01", "to": "2017-12"})
    assert not at.exception
    assert len(at.dataframe) == 1  # the counts are drawn only once their section is opened
    at.session_state["reach-counts"] = True
    at.run()
    coverage, counts = (frame.value for frame in at.dataframe)
    quarters = [_("{year} Q{number}", year=2017, number=n) for n in (1, 2, 3, 4)]
    assert list(coverage.columns) == [_("Region"), *quarters]
    assert sorted(coverage[_("Region")]) == sorted([_.region("KG-GB"), _.region("KG-O")])

    with db.connect(sample_db) as conn:
        expected = metrics.reach_series(conn, Filters(regions=("KG-GB", "KG-O"), month_from=parse_month("2017-01"),
                                                      month_to=parse_month("2017-12")), by_region=True)
    assert len(counts) == len(expected) == 8
    assert counts[_("Reached")].sum() == expected["reached"].sum() > 0
    bishkek = expected[expected["region"] == "KG-GB"].sort_values("quarter")["coverage_pct"].tolist()
    row = coverage[coverage[_("Region")] == _.region("KG-GB")]
    assert row[quarters].iloc[0].tolist() == [_.percent(v) for v in bishkek]  # 78,9 % as elsewhere


def test_a_missing_database_is_a_clear_error(monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("RIGHTSMAP_DB", str(tmp_path / "missing.duckdb"))
    at = AppTest.from_file(str(config.ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    # A visitor is told only that the data is unavailable; the reason, with its path, is in the server's log.
    assert at.error and str(tmp_path) not in at.error[0].value and "RIGHTSMAP_DB" not in at.error[0].value
    assert "RIGHTSMAP_DB" in caplog.text


def test_no_banner_when_the_data_is_not_the_sample(monkeypatch, tmp_path):
    path = sample.build(tmp_path / "imported.duckdb")
    with duckdb.connect(str(path)) as conn:
        conn.execute("UPDATE meta SET value = 'imported' WHERE key = 'dataset'")
    monkeypatch.setenv("RIGHTSMAP_DB", str(path))
    at = AppTest.from_file(str(config.ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    assert BANNER not in texts(at)


@pytest.mark.parametrize("page", ["pages/map.py", "pages/about.py"])
def test_the_dashboard_finds_its_pages_and_data_from_any_working_directory(app, page, tmp_path, monkeypatch):
    """`streamlit run /somewhere/dashboard.py` started elsewhere: pages, shapes and queries come from the files'
    own paths (the map page reads all three; the about page the boundaries' licence)."""
    monkeypatch.chdir(tmp_path)
    at = app(page)
    assert not at.error, [e.value for e in at.error]
    assert [t.value for t in at.title] == [{"pages/map.py": "Map", "pages/about.py": "About the data"}[page]]
    assert BANNER in texts(at)


def test_a_backwards_period_is_swapped_not_refused(app):
    at = app()
    at.selectbox(key="f_from").set_value(parse_month("2018-12"))
    at.selectbox(key="f_to").set_value(parse_month("2017-01")).run()
    assert not at.exception
    assert at.query_params["from"] == "2017-01" and at.query_params["to"] == "2018-12"


def test_each_timeline_choice_draws_its_own_chart_and_a_revisit_the_same_one(app):
    """The chart specs are cached by what made them (filters and the page's choices), not by hashing frames."""
    at = app("pages/timelines.py", regions="KG-GB,KG-GO")

    def spec() -> str:
        (chart,) = at.get("vega_lite_chart")
        return chart.proto.spec

    def choose(series: str, compare: bool, grain: str) -> None:
        at.selectbox(key="timeline_series").set_value(series)
        at.toggle(key="timeline_compare").set_value(compare)
        at.run()
        if series != "reach":  # the step does not apply to reach (quarters only)
            at.button_group(key="timeline_grain").set_value(grain)
            at.run()
        assert not at.exception, [e.value for e in at.exception]

    seen = {}
    for series, compare, grain in [("type", False, "month"), ("perpetrator", False, "month"),
                                   ("perpetrator", True, "month"), ("perpetrator", True, "quarter"),
                                   ("raids", False, "quarter"), ("reach", False, "month")]:
        choose(series, compare, grain)
        seen[(series, compare, grain)] = spec()
    assert len(set(seen.values())) == len(seen), "two choices drew the same chart"
    choose("type", False, "month")
    assert spec() == seen[("type", False, "month")]
