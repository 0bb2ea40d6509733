"""Issue 18, years: year cells protected with their quarters as one table, read by the public view and checked
by both audits (the protector's and the independent attacker's)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from rightsmap import attack
from rightsmap.disclosure import audit, figures, layout, protect, public
from rightsmap.domain import config
from rightsmap.domain.vocab import PERPETRATORS, REGION_CODES, VIOLATION_TYPES

K = 5
YEARS_2016_2017 = [dt.date(y, m, 1) for y in (2016, 2017) for m in (1, 4, 7, 10)]


def exact_regions(cells, quarters) -> int:
    """How many of the nine regions show an exact count of cases over these quarters."""
    figures = public.region_figures(cells, K, quarters, public.CHOICE_BY_KEY["cases"])
    return sum(f.exact for f in figures.values())


def test_whole_years_read_the_protected_year_cells_on_the_sample(conn):
    table = protect.stored_or_computed(conn, K)
    assert set(table.loc[table["period"] == layout.YEAR, "quarter"]) == {dt.date(y, 1, 1)
                                                                            for y in range(2015, 2020)}
    cells = public.index(table)
    # Donors compare regions over whole years: most regions show an exact number, not "≥ N" or hidden.
    assert exact_regions(cells, YEARS_2016_2017) >= 6  # 6 of 9 (4 from quarter cells alone)
    # Quarter cells alone (the view before year cells) give far fewer.
    quarters_only = public.index(table[table["period"] == layout.QUARTER])
    assert exact_regions(quarters_only, YEARS_2016_2017) < exact_regions(cells, YEARS_2016_2017)
    # The figure over two years is the sum of the two published year cells.
    for region in REGION_CODES:
        f = public.figure(cells, K, YEARS_2016_2017, "cases", region)
        years = [cells[(y, "cases", region, layout.ALL)] for y in (2016, 2017)]
        if all(status == layout.SHOWN for _v, status in years):
            assert f == public.Figure(public.EXACT, sum(v for v, _s in years))
    # A period that is not whole years keeps summing quarters.
    part = YEARS_2016_2017[1:5]
    assert public.figure(cells, K, part, "cases", REGION_CODES[0]) == public.figure(
        quarters_only, K, part, "cases", REGION_CODES[0])


def test_the_sample_with_years_passes_both_audits(conn):
    table = protect.stored_or_computed(conn, K)
    findings = audit.audit(table, K)
    assert any(f.period == layout.YEAR for f in findings)  # year cells are audited too
    assert [f for f in findings if f.width < K] == []
    attacker = attack.Attacker(K).read_all(figures.public_figures(table, K))
    assert any(cell[0].endswith(attack.YEAR_MARK) for cell in attacker.fixed)  # it reads year cells
    assert attacker.narrowed() == []


def one_year(q1: int) -> pd.DataFrame:
    """A year in one region: q1 police cases in Q1, 10 in each other quarter; every case has one type."""
    rows = []
    for month, n in zip((1, 4, 7, 10), (q1, 10, 10, 10), strict=True):
        quarter = dt.date(2017, month, 1)
        for region in REGION_CODES:
            count = n if region == REGION_CODES[0] else 20
            rows += [(quarter, region, "cases", p, count if p == "police" else 0) for p in PERPETRATORS]
            rows += [(quarter, region, "cases_of_type", t, count if t == "threats" else 0) for t in VIOLATION_TYPES]
            for measure in ("raid_events", "people_detained_in_raids", "detentions", "reached", "planned"):
                rows.append((quarter, region, measure, measure, 30))
    return pd.DataFrame(rows, columns=["quarter", "region", "measure", "category", "value"])


@pytest.fixture()
def year_2017(monkeypatch):
    monkeypatch.setattr(config, "FIRST_MONTH", "2017-01")
    monkeypatch.setattr(config, "LAST_MONTH", "2017-12")


def test_a_year_cell_cannot_give_away_a_withheld_quarter(year_2017):
    exact = one_year(2)
    # Quarters alone: the 2 in Q1 is withheld, and the year (32) minus three published 10s would give it back.
    table = protect.protect(exact, K)
    cells = public.index(table)
    key = ("cases", REGION_CODES[0], "police")
    assert cells[(dt.date(2017, 1, 1), *key)][1] == layout.HIDDEN
    published_quarters = sum(cells[(dt.date(2017, m, 1), *key)][1] == layout.SHOWN for m in (4, 7, 10))
    year_status = cells[(2017, *key)][1]
    assert published_quarters < 3 or year_status == layout.HIDDEN
    assert [f for f in audit.audit(table, K) if f.width < K] == []
    attacker = attack.Attacker(K).read_all(figures.public_figures(table, K))
    year_cell = ("2017-Y", "cases:police", REGION_CODES[0])  # read as a figure ("≥ N" here) or a cell
    assert year_cell in [*attacker.fixed, *attacker.withheld, *(c for cells, _s, _v in attacker.sums for c in cells)]
    assert attacker.narrowed() == []
    # The attacker does find the leak when the year cell is published as it stands.
    leaky = table.copy()
    year_row = ((leaky["period"] == layout.YEAR) & (leaky["measure"] == "cases")
                & (leaky["region"] == REGION_CODES[0]) & (leaky["category"] == "police"))
    leaky.loc[year_row, ["value", "status"]] = [32.0, layout.SHOWN]
    quarter_rows = ((leaky["period"] == layout.QUARTER) & (leaky["measure"] == "cases")
                    & (leaky["region"] == REGION_CODES[0]) & (leaky["category"] == "police")
                    & (leaky["quarter"] != dt.date(2017, 1, 1)))
    leaky.loc[quarter_rows, ["value", "status"]] = [10.0, layout.SHOWN]
    narrowed = attack.Attacker(K).read_all(figures.public_figures(leaky, K)).narrowed()
    assert ("2017-Q1", "cases:police", REGION_CODES[0]) in [d.cell for d in narrowed]
    assert any(f.width < K for f in audit.audit(leaky, K))


def test_a_year_only_partly_covered_has_quarter_cells_only():
    exact = one_year(12)
    partial = exact[pd.to_datetime(exact["quarter"]).dt.month > 1]  # data from 2017-Q2: 2017 is not whole
    table = protect.protect(partial, K)
    assert set(table["period"]) == {layout.QUARTER}
    whole = protect.protect(exact, K)
    assert set(whole.loc[whole["period"] == layout.YEAR, "quarter"]) == {dt.date(2017, 1, 1)}
