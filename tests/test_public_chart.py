"""The public view's quarterly chart as SVG: assert on the marks it draws, read back as XML."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

import pytest

from rightsmap.disclosure import public
from rightsmap.domain import config
from rightsmap.domain.i18n import translator
from rightsmap.render import public_chart

SVG = "{http://www.w3.org/2000/svg}"
ROWS = [("2016-01-01", 12.0, "exact"), ("2016-04-01", None, "hidden"), ("2016-07-01", 5.0, "at_least"),
        ("2016-10-01", None, "hidden"), ("2017-01-01", None, "no_data"), ("2017-04-01", 0.0, "exact"),
        ("2017-07-01", 40.0, "exact")]


def figures(rows=ROWS) -> dict[dt.date, public.Figure]:
    return {dt.date.fromisoformat(q): public.Figure(status, value) for q, value, status in rows}


def drawn(text: str) -> ET.Element:
    return ET.fromstring(text)  # also proves the SVG is well-formed


def marks(root: ET.Element, kind: str) -> dict[str, ET.Element]:
    """The chart's bars ("bar") or withheld figures' labels ("label"), by the quarter in their ARIA label."""
    found = {}
    for element in root.iter():
        if element.get("aria-roledescription") == kind:
            period = next(p for p in element.get("aria-label").split("; ") if p.startswith("Period: "))
            found[period.removeprefix("Period: ")] = element
    return found


def test_a_bar_where_the_figure_is_exact_or_a_lower_bound_and_a_label_where_it_is_not_exact():
    root = drawn(public_chart.svg(figures(), value_title="Cases", translate=translator("en")))
    bars, labels = marks(root, "bar"), marks(root, "label")
    assert set(bars) == {"2016 Q1", "2016 Q3", "2017 Q2", "2017 Q3"}
    assert {q: b.get("fill") for q, b in bars.items()} == {
        "2016 Q1": public_chart.EXACT_COLOR, "2016 Q3": public_chart.PARTLY_HIDDEN_COLOR,
        "2017 Q2": public_chart.EXACT_COLOR, "2017 Q3": public_chart.EXACT_COLOR}
    # Heights in proportion to the figures: 40, 12, the published 5 of "≥ 5", and 0.
    heights = {q: float(b.get("height")) for q, b in bars.items()}
    assert heights["2017 Q3"] == pytest.approx(heights["2016 Q1"] * 40 / 12, abs=0.1)  # drawn to 0.1 unit
    assert heights["2016 Q3"] == pytest.approx(heights["2016 Q1"] * 5 / 12, abs=0.1)
    assert heights["2017 Q2"] == 0
    # The label's text follows its tooltip (<title>).
    assert {q: label.find(f"{SVG}title").tail for q, label in labels.items()} == {
        "2016 Q2": "hidden", "2016 Q3": "≥ 5", "2016 Q4": "hidden", "2017 Q1": "no data"}
    assert labels["2016 Q4"].get("aria-label") == "Period: 2016 Q4; Cases: hidden"
    # Each mark's tooltip says the quarter and the figure as the rest of the page writes it.
    assert bars["2016 Q3"].find(f"{SVG}title").text == "Period: 2016 Q3\nCases: ≥ 5"


def test_every_quarter_is_on_the_chart_and_in_its_summary():
    text = public_chart.svg(figures(), value_title="Cases", translate=translator("en"))
    root = drawn(text)
    quarters = set(marks(root, "bar")) | set(marks(root, "label"))
    assert quarters == {f"{q.year} Q{(q.month - 1) // 3 + 1}" for q in figures()}
    assert root.get("role") == "img"
    assert root.get("aria-label").startswith("Cases. 2016 Q1: 12; 2016 Q2: hidden; 2016 Q3: ≥ 5")


def test_the_y_axis_covers_the_highest_bar_with_round_ticks():
    assert public_chart.y_ticks(40) == [0, 10, 20, 30, 40]
    assert public_chart.y_ticks(1982) == [0, 500, 1000, 1500, 2000]
    assert public_chart.y_ticks(78.9) == [0, 20, 40, 60, 80]
    assert public_chart.y_ticks(0) == [0]
    root = drawn(public_chart.svg(figures([("2019-10-01", 1234.0, "exact")]), value_title="Cases",
                                  translate=translator("ru")))
    tick_texts = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert tick_texts == ["0", "500", "1\xa0000", "1\xa0500"]  # Russian digit grouping


def test_quarters_and_words_follow_the_language():
    root = drawn(public_chart.svg(figures(), value_title="Случаи", translate=translator("ru")))
    assert {"1 кв. 2016", "3 кв. 2017"} <= {t.text for t in root.iter(f"{SVG}text")}
    ru = translator("ru")
    labels = [e.get("aria-label") for e in root.iter() if e.get("aria-roledescription") == "label"]
    assert f"{ru('Period')}: 2 кв. 2016; Случаи: {ru('hidden')}" in labels and ru("Period") != "Period"
    legend = [t.text for t in root.iter(f"{SVG}text")][-2:]
    assert legend == [translator("ru")("exact"), translator("ru")("partly hidden")]


def test_with_many_quarters_only_every_second_or_fourth_is_named_below_the_axis():
    quarters = [dt.date(2015 + i // 4, 1 + 3 * (i % 4), 1) for i in range(20)]
    root = drawn(public_chart.svg({q: public.Figure("exact", 10.0) for q in quarters}, value_title="Cases",
                                  translate=translator("en")))
    named = [t.text for t in root.iter(f"{SVG}text") if re.fullmatch(r"\d{4} Q\d", t.text or "")]
    assert named == ["2015 Q1", "2016 Q1", "2017 Q1", "2018 Q1", "2019 Q1"]
    wide = drawn(public_chart.svg({q: public.Figure("exact", 10.0) for q in quarters[:3]}, value_title="Cases",
                                  translate=translator("en")))
    assert [t.text for t in wide.iter(f"{SVG}text") if re.fullmatch(r"\d{4} Q\d", t.text or "")] == \
        ["2015 Q1", "2015 Q2", "2015 Q3"]


def test_text_is_escaped():
    text = public_chart.svg(figures(), value_title='Cases <script>"&', translate=translator("en"))
    assert "<script>" not in text
    root = drawn(text)
    assert root.get("aria-label").startswith('Cases <script>"&. ')


def test_the_public_view_runs_without_importing_altair_or_geopandas(sample_db):
    """Altair (half a second) and geopandas with shapely (a tenth) are imports that a freshly started server
    would do before its first page; the public view needs neither (its map's shapes are read as JSON)."""
    script = textwrap.dedent("""
        import sys
        from streamlit.testing.v1 import AppTest
        at = AppTest.from_file(sys.argv[1], default_timeout=60)
        at.query_params["lang"] = "en"
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.title[0].value == "Overview", "the public overview was not drawn"
        assert any('aria-roledescription="bar"' in m.value for m in at.markdown), "no chart"
        print("altair imported:", "altair" in sys.modules)
        print("geopandas imported:", "geopandas" in sys.modules, "shapely imported:", "shapely" in sys.modules)
    """)
    env = {**os.environ, "RIGHTSMAP_DB": str(sample_db)}
    done = subprocess.run([sys.executable, "-c", script, str(config.ROOT / "dashboard.py")], capture_output=True,
                          text=True, env=env, cwd=config.ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "altair imported: False" in done.stdout
    assert "geopandas imported: False shapely imported: False" in done.stdout
