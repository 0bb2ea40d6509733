"""Chart builders: assert on the Vega-Lite they generate, not on pixels."""

import datetime as dt

import pandas as pd

from rightsmap.data import metrics
from rightsmap.domain.filters import Filters, parse_month
from rightsmap.domain.i18n import translator
from rightsmap.domain.vocab import PERPETRATORS
from rightsmap.render import charts


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_time_domain_covers_whole_months():
    assert charts.time_domain(dt.date(2016, 1, 1), dt.date(2017, 12, 1)) == (dt.date(2016, 1, 1), dt.date(2018, 1, 1))
    assert charts.time_domain(dt.date(2017, 4, 1), dt.date(2017, 6, 1))[1] == dt.date(2017, 7, 1)


def test_stacked_cases_uses_the_period_domain_labels_and_order(conn):
    filters = Filters(month_from=parse_month("2016-01"), month_to=parse_month("2017-12"))
    frame = metrics.cases_series(conn, filters, by="perpetrator", grain="month", by_region=False)
    spec = charts.stacked_cases(frame, labels=PERPETRATORS, grain="month", legend_title="Perpetrator",
                                domain=charts.time_domain(filters.month_from, filters.month_to)).to_dict()
    assert spec["encoding"]["x"]["scale"]["domain"] == ["2016-01-01", "2018-01-01"]
    assert spec["encoding"]["color"]["scale"]["domain"] == list(PERPETRATORS.values())
    assert spec["encoding"]["y"]["axis"]["minExtent"] == charts.Y_AXIS_WIDTH
    rows = spec["datasets"][spec["data"]["name"]]
    assert {r["category_label"] for r in rows} <= set(PERPETRATORS.values())
    assert sum(r["cases"] for r in rows) == metrics.summary(conn, filters)["cases"]
    police = [r["category_order"] for r in rows if r["category_label"] == "Police"]
    assert police and set(police) == {0}


def test_charts_drawn_one_above_the_other_share_axis_width_and_domain():
    domain = (dt.date(2015, 1, 1), dt.date(2020, 1, 1))
    reach = pd.DataFrame({"quarter": [dt.date(2017, 4, 1)], "region": ["all"], "planned": [100], "reached": [39],
                          "coverage_pct": [39.0]})
    line = pd.DataFrame({"period": [dt.date(2017, 4, 1)], "measure": ["raids"], "count": [3]})
    top = charts.planned_vs_reached(reach, domain=domain).to_dict()
    bottom = charts.lines(line, value="count", value_title="Raids", grain="quarter", series="measure",
                          domain=domain).to_dict()
    for spec in (_layers(top)[0], bottom):
        assert spec["encoding"]["x"]["scale"]["domain"] == ["2015-01-01", "2020-01-01"]
        assert spec["encoding"]["y"]["axis"]["minExtent"] == charts.Y_AXIS_WIDTH


def test_events_become_numbered_rules_with_their_titles_as_data():
    base = charts.lines(pd.DataFrame({"period": [dt.date(2017, 1, 1)], "region": ["all"], "cases": [1]}),
                        value="cases", value_title="Cases", grain="month")
    events = pd.DataFrame({"event_date": [dt.date(2016, 6, 1), dt.date(2017, 12, 1)], "region": [None, None],
                           "title": ["<img src=x onerror=alert(1)>", "Raids end"]})
    spec = charts.with_events(base, events).to_dict()
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks == ["line", "rule", "text"]
    titles = {row["title"] for data in spec["datasets"].values() for row in data if "title" in row}
    # The title travels as data (Vega shows it as text), never as markup in the spec.
    assert titles == {"<img src=x onerror=alert(1)>", "Raids end"}
    assert "onerror" not in str(spec["layer"])


def test_no_events_leaves_the_chart_alone():
    base = charts.lines(pd.DataFrame({"period": [dt.date(2017, 1, 1)], "region": ["all"], "cases": [1]}),
                        value="cases", value_title="Cases", grain="month")
    empty = pd.DataFrame(columns=["event_date", "region", "title"])
    assert len(charts.with_events(base, empty).to_dict()["layer"]) == 1


def test_breakdown_sorts_largest_first():
    spec = charts.breakdown(counts={"police": 5, "pimp": 9}, labels=PERPETRATORS, title="By perpetrator").to_dict()
    assert spec["encoding"]["y"]["sort"] == "-x"
    rows = spec["datasets"][spec["data"]["name"]]
    assert {r["category"]: r["cases"] for r in rows} == {"Police": 5, "Pimp": 9}


def test_quarter_labels_and_titles_follow_the_language():
    russian = translator("ru")
    reach = pd.DataFrame({"quarter": [dt.date(2017, 4, 1)], "region": ["all"], "planned": [100], "reached": [39],
                          "coverage_pct": [39.0]})
    spec = charts.planned_vs_reached(reach, translate=russian).to_dict()
    first = spec["layer"][0]["encoding"]
    assert first["x"]["axis"]["format"] == "%q кв. %Y"
    assert first["y"]["title"] == "Человек"
    assert {r["measure"] for d in spec["datasets"].values() for r in d} == {"План", "Охвачено"}


def test_localized_charts_carry_the_language_number_format():
    base = charts.lines(pd.DataFrame({"period": [dt.date(2017, 1, 1)], "region": ["all"], "cases": [1]}),
                        value="cases", value_title="Cases", grain="month")
    locale = charts.localized(base, translator("ru")).to_dict()["config"]["locale"]
    assert locale["number"]["decimal"] == "," and locale["number"]["thousands"] == "\xa0"
    assert locale["time"]["months"][4] == "май"


def test_finished_spec_is_what_altairs_own_settings_give_and_valid():
    """spec() writes autosize and the locale into the finished dict: the same spec Altair's properties() and
    configure() would give, and valid against Vega-Lite's schema, for each builder with and without events."""
    import altair as alt
    month = pd.DataFrame({"period": [dt.date(2017, 1, 1), dt.date(2017, 2, 1)], "region": ["all", "all"],
                          "cases": [3, 1]})
    reach = pd.DataFrame({"quarter": [dt.date(2017, 4, 1)], "region": ["all"], "planned": [100], "reached": [39],
                          "coverage_pct": [39.0]})
    events = pd.DataFrame({"event_date": [dt.date(2017, 2, 1)], "region": [None], "title": ["Raids end"]})
    cases = [("lines", (("value", "cases"), ("value_title", "Cases"), ("grain", "month")), month),
             ("planned_vs_reached", (), reach),
             ("coverage_line", (), reach),
             ("breakdown", (("counts", (("police", 5), ("pimp", 9))), ("labels", tuple(PERPETRATORS.items())),
                            ("title", "By perpetrator")), None)]
    for lang in ("ru", "ky", "en"):
        translate = translator(lang)
        for kind, options, frame in cases:
            for with_events, height in ((None, None), (events, 220)):
                if kind == "breakdown" and with_events is not None:
                    continue
                got = charts.spec(kind, lang, options, frame, with_events, height)
                kwargs = {name: dict(value) if charts._is_pairs(value) else value for name, value in options}
                figure = (charts.BUILDERS[kind](frame, translate=translate, **kwargs) if frame is not None
                          else charts.BUILDERS[kind](translate=translate, **kwargs))
                if height is not None:
                    figure = figure.properties(height=height)
                if with_events is not None:
                    figure = charts.with_events(figure, with_events, translate=translate)
                figure = figure.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
                assert got == charts.localized(figure, translate).to_dict(validate=True), (kind, lang)
