"""Disclosure control: the protected table, its audit, and every public filter combination on the sample."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from rightsmap.cli import main as cli
from rightsmap.disclosure import audit, layout, protect, public, solver
from rightsmap.disclosure.layout import ALL, HIDDEN, SHOWN
from rightsmap.disclosure.public_filters import all_quarters
from rightsmap.domain.vocab import PERPETRATORS, REGION_CODES, VIOLATION_TYPES
from rightsmap.records import sample

K = 5


@pytest.fixture(scope="module")
def exact(sample_db) -> pd.DataFrame:
    from rightsmap.data import db

    conn = db.connect(sample_db)
    try:
        return db.run(conn, "quarter_cells", month_from=dt.date(2015, 1, 1), month_to=dt.date(2019, 12, 31))
    finally:
        conn.close()


@pytest.fixture(scope="module")
def protected(exact) -> pd.DataFrame:
    return protect.protect(exact, K)


@pytest.fixture(scope="module")
def truth(exact) -> dict[dt.date, np.ndarray]:
    return layout.quarter_vectors(exact)


# --- the protected table ------------------------------------------------------------------------


def test_small_counts_are_withheld_under_the_same_mark_as_the_others(protected, truth):
    keys = layout.layout().keys
    assert set(protected["status"]) == {SHOWN, HIDDEN}  # nothing tells a small count from a complementary cell
    for quarter, rows in protected[protected["period"] == layout.QUARTER].groupby("quarter"):
        true = truth[quarter]
        status = rows["status"].to_numpy()
        small = (true >= 1) & (true <= K - 1)
        assert (status[small] == HIDDEN).all()
        shown = status == SHOWN
        assert (rows["value"].to_numpy()[shown] == true[shown]).all()  # published values are the true ones
        assert np.isnan(rows["value"].to_numpy()[~shown].astype(float)).all()  # hidden values never leave
        assert len(rows) == len(keys)


def test_the_sample_needs_and_gets_complementary_suppression(protected, exact):
    counts = protected["status"].value_counts()
    small = sum(int(protect.primary(values, K).sum()) for values in layout.quarter_vectors(exact).values())
    assert small > 100 and counts[HIDDEN] > small  # complementary cells too
    # The headline figure, every quarter's national total of cases, stays published.
    grand = protected[(protected["measure"] == "cases") & (protected["region"] == ALL) & (protected["category"] == ALL)]
    assert (grand["status"] == SHOWN).all()


def test_every_write_stores_the_protected_table_the_app_reads(sample_db, protected):
    from rightsmap.data import db

    conn = db.connect(sample_db)
    try:
        stored = protect.stored_or_computed(conn, K)
        other_k = protect.stored_or_computed(conn, K + 1)
    finally:
        conn.close()
    key = ["quarter", "period", "measure", "region", "category"]
    stored = stored.sort_values(key).reset_index(drop=True)
    expected = protected.sort_values(key).reset_index(drop=True)
    assert stored[key + ["status"]].equals(expected[key + ["status"]])
    assert (stored["value"].fillna(-1) == expected["value"].astype(float).fillna(-1)).all()
    assert (other_k["status"] == HIDDEN).sum() > (stored["status"] == HIDDEN).sum()  # computed for k = 6


def test_a_table_stored_before_one_mark_is_computed_afresh(tmp_path):
    from rightsmap.data import db

    path = sample.build(tmp_path / "old.duckdb")
    conn = db.connect(path, read_only=False)
    try:
        # As an older version stored it: primary cells marked "small".
        conn.execute("UPDATE protected_cells SET status = 'small' WHERE status = 'hidden' AND region = 'KG-N'")
        table = protect.stored_or_computed(conn, K)
    finally:
        conn.close()
    assert set(table["status"]) == {SHOWN, HIDDEN}


def test_the_sample_passes_the_audit(protected):
    findings = audit.audit(protected, K)
    assert len(findings) == int((protected["status"] != SHOWN).sum())
    narrow = [f for f in findings if f.width < K]
    assert not narrow, narrow[:5]


def test_every_true_value_lies_in_its_derived_range(protected, truth):
    lay = layout.layout()
    at = lay.index()
    for quarter in list(truth)[8:12]:
        rows = protected[(protected["quarter"] == quarter) & (protected["period"] == layout.QUARTER)]
        hidden = np.zeros(len(lay.keys), dtype=bool)
        for m, r, c, s in zip(rows["measure"], rows["region"], rows["category"], rows["status"], strict=True):
            hidden[at[(m, r, c)]] = s != SHOWN
        published = np.where(hidden, 0.0, truth[quarter])
        for cell, (low, high) in solver.ranges(lay, published, hidden).items():
            assert low == int(low) and (high == np.inf or high == int(high))  # whole numbers
            assert low - 1e-6 <= truth[quarter][cell] <= high + 1e-6


def test_the_audit_finds_the_cells_primary_suppression_alone_leaves_exposed(truth):
    # Hide only the small counts: each is then the difference of published figures.
    lay = layout.layout()
    values = truth[dt.date(2017, 1, 1)]
    small = protect.primary(values, K)
    narrow = [cell for cell, (low, high) in solver.ranges(lay, values, small).items() if high - low < K]
    assert narrow and set(narrow) <= set(np.flatnonzero(small))


# --- generated cubes ------------------------------------------------------------------------------


@st.composite
def cubes(draw) -> pd.DataFrame:
    """One quarter of consistent inner cells: cases by region and perpetrator, types that fit the cases."""
    quarter = dt.date(2020, 1, 1)
    small = st.integers(0, 12) | st.sampled_from([0, 0, 1, 2, 3, 4])
    rows = []
    for region in REGION_CODES:
        per_perpetrator = {p: draw(small) for p in PERPETRATORS}
        total = sum(per_perpetrator.values())
        rows += [(quarter, region, "cases", p, n) for p, n in per_perpetrator.items()]
        # Each type is at most every case; together the types cover every case at least once.
        types = {t: draw(st.integers(0, total)) for t in VIOLATION_TYPES}
        if sum(types.values()) < total:
            types[next(iter(VIOLATION_TYPES))] = total
        rows += [(quarter, region, "cases_of_type", t, n) for t, n in types.items()]
        for measure in ("raid_events", "people_detained_in_raids", "detentions", "reached", "planned"):
            rows.append((quarter, region, measure, measure, draw(small)))
    return pd.DataFrame(rows, columns=["quarter", "region", "measure", "category", "value"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cube=cubes(), k=st.integers(2, 6))
def test_generated_cubes_pass_the_audit(cube, k):
    protected = protect.protect(cube, k)
    findings = audit.audit(protected, k)
    assert all(f.width >= k for f in findings), [f for f in findings if f.width < k][:3]
    values = layout.quarter_vectors(cube)[dt.date(2020, 1, 1)]
    assert (protected["status"].to_numpy()[(values >= 1) & (values <= k - 1)] == HIDDEN).all()


# --- every public filter combination on the sample ---------------------------------------------


def _inner(choice: public.Choice, region: str) -> list[tuple[str, str, str]]:
    """The inner cells a figure covers, with totals expanded."""
    regions = REGION_CODES if region == ALL else (region,)
    spec = layout.MEASURE_BY_KEY[choice.measure]
    categories = spec.categories if choice.category == ALL else (choice.category,)
    return [(choice.measure, r, c) for r in regions for c in categories]


def _nested_ranges(n: int) -> np.ndarray:
    """Every (a1, b1, a2, b2) with a1 <= a2 <= b2 <= b1: quarter range B inside range A."""
    return np.array([(a1, b1, a2, b2) for a1, b1 in itertools.combinations_with_replacement(range(n), 2)
                     for a2, b2 in itertools.combinations_with_replacement(range(a1, b1 + 1), 2)])


def public_leaks(protected: pd.DataFrame) -> tuple[int, int, list]:
    """Every public filter combination: (figures checked, pairs checked, what leaked)."""
    problems: list = []
    cells = public.index(protected)
    quarters = all_quarters()
    n = len(quarters)
    pairs = _nested_ranges(n)
    # Quarter cells' statuses (a whole-year figure may read a year cell; the figures themselves are public's).
    protected = protected[protected["period"] == layout.QUARTER]
    status = {(pd.Timestamp(q).date(), m, r, c): s for q, m, r, c, s in zip(
        protected["quarter"], protected["measure"], protected["region"], protected["category"], protected["status"],
        strict=True)}
    value = {key: v for key, (v, _s) in cells.items()}
    regions = (ALL, *REGION_CODES)
    checked_figures = checked_pairs = 0
    options: dict[tuple[str, str], dict] = {}
    for choice, region in itertools.product(public.CHOICES, regions):
        if choice.measure == public.COVERAGE:
            continue  # a percentage, not a count: hidden whenever its counts are (tested in test_public)
        exact = np.full((n, n), np.nan)
        hidden_per_quarter = np.zeros(n)
        shown_per_quarter = np.zeros(n)
        inner = _inner(choice, region)
        for i, q in enumerate(quarters):
            hidden_per_quarter[i] = sum(status.get((q, *cell), SHOWN) != SHOWN for cell in inner)
            shown_per_quarter[i] = sum(value.get((q, *cell), 0.0) for cell in inner
                                       if status.get((q, *cell), SHOWN) == SHOWN)
        for a, b in itertools.combinations_with_replacement(range(n), 2):
            figure = public.figure(cells, K, quarters[a:b + 1], choice.measure, region, choice.category)
            checked_figures += 1
            # No number shown is a small count: published cells are 0 or at least k, and so are their sums.
            if figure.value is not None and 0 < figure.value < K:
                problems.append(("a small count is shown", choice, region, a, b, figure))
            if figure.exact:
                exact[a, b] = figure.value
        cumulative = np.concatenate([[0], np.cumsum(hidden_per_quarter)])
        shown_cumulative = np.concatenate([[0], np.cumsum(shown_per_quarter)])
        options[(choice.key, region)] = {"exact": exact, "hidden": cumulative, "shown": shown_cumulative,
                                         "choice": choice, "region": region}

    def contains(big: dict, small: dict) -> bool:
        a, b = big["choice"], small["choice"]
        same_measure = a.measure == b.measure and (a.category == b.category or a.category == ALL)
        return same_measure and (big["region"] == small["region"] or big["region"] == ALL)

    a1, b1, a2, b2 = pairs.T
    for big, small in itertools.product(options.values(), repeat=2):
        if not contains(big, small):
            continue
        exact_a, exact_b = big["exact"][a1, b1], small["exact"][a2, b2]
        both = ~np.isnan(exact_a) & ~np.isnan(exact_b)
        hidden_between = (big["hidden"][b1 + 1] - big["hidden"][a1]) - (small["hidden"][b2 + 1] - small["hidden"][a2])
        shown_between = (big["shown"][b1 + 1] - big["shown"][a1]) - (small["shown"][b2 + 1] - small["shown"][a2])
        # What subtracting the two figures reveals about the hidden cells between them.
        revealed = (exact_a - exact_b) - shown_between
        checked_pairs += int(both.sum())
        # One hidden cell between them: the subtraction gives its value (the true value of a suppressed cell).
        alone = both & (hidden_between == 1)
        if alone.any():
            problems.append(("one hidden cell is the difference of two exact figures", big["choice"], big["region"],
                             small["choice"], small["region"], pairs[np.flatnonzero(alone)[:3]]))
        # Several, summing to less than k: each of them is then pinned down to fewer than k values.
        narrow = both & (hidden_between >= 1) & (revealed < K)
        if narrow.any():
            problems.append(("hidden cells whose sum of less than k is revealed", big["choice"], big["region"],
                             small["choice"], small["region"], pairs[np.flatnonzero(narrow)[:3]]))
    return checked_figures, checked_pairs, problems


def test_every_public_filter_combination_hides_small_counts_and_their_differences(protected):
    figures, pairs, problems = public_leaks(protected)
    counted = [c for c in public.CHOICES if c.measure != public.COVERAGE]
    n = len(all_quarters())
    assert figures == len(counted) * (1 + len(REGION_CODES)) * n * (n + 1) // 2
    assert pairs > 100_000
    assert not problems, problems[:3]


def test_the_combination_check_catches_primary_suppression_alone(exact, monkeypatch):
    monkeypatch.setattr(protect, "protect_quarter",
                        lambda values, k, keep_hidden=None, frozen=None: np.where(protect.primary(values, k), HIDDEN,
                                                                     SHOWN).astype(object))
    _figures, _pairs, problems = public_leaks(protect.protect(exact, K))
    assert any(p[0] == "one hidden cell is the difference of two exact figures" for p in problems)


# --- the command ------------------------------------------------------------------------------------


def test_the_audit_command_passes_on_the_sample(sample_db):
    out = io.StringIO()
    assert cli.main(["audit", "--db", str(sample_db)], out=out) == 0
    result = json.loads(out.getvalue().splitlines()[-1])
    assert result["passed"] and result["too_narrow"] == 0 and result["narrowest_range"] >= K
    assert result["attacker_too_narrow"] == 0 and result["attacker_withheld"] == result["hidden"] > 1000


def test_the_audit_command_fails_and_names_the_cell(tmp_path, monkeypatch):
    def primary_only(values, k, keep_hidden=None, frozen=None):
        return np.where(protect.primary(values, k), HIDDEN, SHOWN).astype(object)

    monkeypatch.setattr(protect, "protect_quarter", primary_only)
    weak = sample.build(tmp_path / "weak.duckdb")  # stores the weakly protected table, as an old version might
    monkeypatch.undo()
    out = io.StringIO()
    assert cli.main(["audit", "--db", str(weak)], out=out) == 1
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("TOO NARROW: ") and "anybody can derive" in lines[0]
    # The independent attacker, reading only the printed figures, finds them too.
    assert any(line.startswith("TOO NARROW (attacker): ") for line in lines)
    result = json.loads(lines[-1])
    assert not result["passed"] and result["attacker_too_narrow"] > 0
