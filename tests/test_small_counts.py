"""Charts with small counts (issue 22): a readable message instead of an empty chart, and count axes on
whole numbers only."""

from __future__ import annotations

import pandas as pd
import pytest
from app_support import open_dashboard

from rightsmap.disclosure import public
from rightsmap.disclosure.public_filters import all_quarters
from rightsmap.domain import config
from rightsmap.domain.i18n import translator
from rightsmap.domain.vocab import REGION_CODES
from rightsmap.render import charts, public_chart
from rightsmap.web import cache


def test_a_count_axis_has_whole_ticks_and_a_percent_axis_does_not():
    frame = pd.DataFrame({"period": pd.to_datetime(["2017-01-01", "2017-02-01"]), "category": ["police"] * 2,
                          "cases": [1, 2]})
    spec = charts.stacked_cases(frame, labels={"police": "Police"}, grain="month", legend_title="").to_dict()
    assert spec["encoding"]["y"]["axis"]["tickMinStep"] == 1 and spec["encoding"]["y"]["axis"]["format"] == ",d"
    coverage = pd.DataFrame({"quarter": pd.to_datetime(["2017-01-01"]), "region": ["KG-GB"], "coverage_pct": [40.5]})
    layered = charts.coverage_line(coverage).to_dict()
    axis = layered["layer"][0]["encoding"]["y"]["axis"]
    assert "tickMinStep" not in axis and "format" not in axis
    bars = charts.breakdown(counts={"police": 3}, labels={"police": "Police"}, title="").to_dict()
    assert bars["encoding"]["x"]["axis"]["tickMinStep"] == 1


@pytest.mark.parametrize("top", [1, 2, 3, 4, 7, 9, 13])
def test_the_public_chart_counts_in_whole_numbers(top):
    assert all(float(t).is_integer() for t in public_chart.y_ticks(top, whole=True))
    assert public_chart.y_ticks(top, whole=True)[-1] >= top


def _withheld_everywhere(cells) -> tuple[str, str] | None:
    """A region and a choice whose every quarter is withheld, from the sample's protected table."""
    quarters = all_quarters()
    for choice in public.CHOICES:
        for region in REGION_CODES:
            series = public.quarter_figures(cells, config.MIN_COUNT, quarters, choice, region)
            if all(public_chart.bar_height(f) is None for f in series.values()):
                return region, choice.key
    return None


def test_a_chart_with_every_quarter_withheld_is_a_message(sample_db, monkeypatch):
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))
    open_dashboard(None, staff_view=False, query={"lang": "en"})  # a run, so the cache can read the table
    found = _withheld_everywhere(cache.public_cells())
    assert found is not None, "the sample has a region and measure with every quarter withheld"
    region, show = found
    at = open_dashboard(None, staff_view=False, query={"lang": "ru", "region": region, "show": show})
    message = translator("ru")("Every quarter of this choice is withheld, so there is no chart: small counts are "
                               "hidden to protect the people in them. Choose all regions or a broader measure to "
                               "see the trend.")
    assert message in [i.value for i in at.info]
    assert not any("<svg" in m.value for m in at.markdown)  # no empty chart beside it
