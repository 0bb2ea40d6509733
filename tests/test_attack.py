"""Issue 18: the independent attacker (rightsmap.attack) against the protector, on the figures as printed."""

from __future__ import annotations

import datetime as dt
import io
import json
import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from import_helpers import CASES_HEADER, run_import, write

from rightsmap import attack
from rightsmap.cli import main as cli
from rightsmap.disclosure import audit, figures, layout, protect, public
from rightsmap.domain import config
from rightsmap.domain.vocab import PERPETRATORS, REGION_CODES, VIOLATION_TYPES
from rightsmap.records import store

K = 5
COUNTS = [key for key in public.CHOICE_BY_KEY if key not in attack.NOT_COUNTS]


def printed(db_path, lines: list[dict], tmp_path) -> list[dict]:
    """`summary --public --batch FILE`, run as a person would, one JSON object out per line in."""
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    out = io.StringIO()
    assert cli.main(["summary", "--public", "--db", str(db_path), "--batch", str(batch)], out=out) == 0
    text = out.getvalue()
    assert '"less_than"' not in text and '"<' not in text  # one mark for every withheld cell
    return [json.loads(line) for line in text.splitlines()]


def summary(show: str, quarter: str, by_region: dict, national: dict, headlines: dict | None = None) -> dict:
    return {"from": quarter, "to": quarter, "region": "all", "show": show, "headlines": headlines or {},
            "by_region": by_region, "by_quarter": {quarter: national}}


EXACT = lambda v: {"status": "exact", "value": float(v)}  # noqa: E731
HIDDEN = {"status": "hidden"}


# --- the attacker itself: it must find what is there -----------------------------------------------------


def test_the_attacker_pins_a_withheld_cell_that_the_totals_give_away():
    regions = {code: EXACT(0) for code in REGION_CODES} | {"KG-B": HIDDEN}
    attacker = attack.Attacker(K).read_all([summary("raid_events", "2017-Q1", regions, EXACT(3))])
    assert attacker.narrowed() == [attack.Derived(("2017-Q1", "raid_events", "KG-B"), 3.0, 3.0)]


def test_the_attacker_uses_whole_numbers_perpetrators_and_types():
    quarter = "2017-Q1"
    zero = {code: EXACT(0) for code in REGION_CODES}
    figures = [summary("cases", quarter, zero | {"KG-N": EXACT(6), "KG-C": EXACT(6)}, EXACT(12))]
    # Naryn's six cases: police and pimp hidden, the rest published.
    for p in PERPETRATORS:
        hidden = p in ("police", "pimp")
        figures.append(summary(f"cases:{p}", quarter, zero | {"KG-N": HIDDEN if hidden else EXACT(0)} |
                               {"KG-C": EXACT(6 if p == "client" else 0)}, HIDDEN if hidden else EXACT(
                                   6 if p == "client" else 0)))
    # Every type is published as 0 in Naryn except two, each hidden, which must cover its six cases.
    for t in VIOLATION_TYPES:
        hidden = t in ("extortion", "threats")
        figures.append(summary(f"cases_of_type:{t}", quarter, zero | {"KG-N": HIDDEN if hidden else EXACT(0)} |
                               {"KG-C": EXACT(6 if t == "other" else 0)},
                               HIDDEN if hidden else EXACT(6 if t == "other" else 0)))
    derived = {d.cell: (d.low, d.high) for d in attack.Attacker(K).read_all(figures).ranges()}
    assert derived[(quarter, "cases:police", "KG-N")] == (0.0, 6.0)  # police + pimp = 6
    assert derived[(quarter, "cases_of_type:extortion", "KG-N")] == (0.0, 6.0)  # at most the cases
    assert derived[(quarter, "cases_of_type:extortion", "all")] == (0.0, 6.0)


def test_the_attacker_refuses_a_mark_it_cannot_read():
    with pytest.raises(ValueError, match="unknown status"):
        attack.Attacker(K).read(summary("raid_events", "2017-Q1", {"KG-B": {"status": "less_than", "bound": 5}},
                                        EXACT(3)))


# --- the two hand-checkable cases, as the command line prints them ---------------------------------


def test_the_two_cases_found_by_hand_are_protected(sample_db, tmp_path):
    summaries = printed(sample_db, attack.batch_lines(["2015-Q3", "2015-Q4"], COUNTS), tmp_path)
    attacker = attack.Attacker(K).read_all(summaries)
    derived = {d.cell: d for d in attacker.ranges()}
    raids = next(s for s in summaries if s["from"] == "2015-Q3" and s["show"] == "raid_events")
    withheld = [code for code, f in raids["by_region"].items() if f["status"] == "hidden"]
    assert len(withheld) == 4 and raids["by_quarter"]["2015-Q3"] == HIDDEN
    for code in withheld:
        assert derived[("2015-Q3", "raid_events", code)].width >= K
    degrading = next(s for s in summaries if s["from"] == "2015-Q4" and s["show"] == "cases_of_type:degrading_treatment")
    assert degrading["by_quarter"]["2015-Q4"] == EXACT(7)
    withheld = [code for code, f in degrading["by_region"].items() if f["status"] == "hidden"]
    assert len(withheld) == 7
    for code in withheld:
        assert derived[("2015-Q4", "cases_of_type:degrading_treatment", code)].width >= K
    assert attacker.narrowed() == []


# --- generated cubes ----------------------------------------------------------------------------------------


@st.composite
def sparse_cubes(draw) -> pd.DataFrame:
    """One quarter: most regions empty, a few with a handful of cases, types that fit the cases."""
    quarter = dt.date(2017, 1, 1)
    busy = draw(st.sets(st.sampled_from(REGION_CODES), min_size=1, max_size=4))
    rows = []
    for region in REGION_CODES:
        few = st.integers(0, 9) if region in busy else st.just(0)
        per_perpetrator = {p: draw(few) if draw(st.booleans()) else 0 for p in PERPETRATORS}
        total = sum(per_perpetrator.values())
        rows += [(quarter, region, "cases", p, n) for p, n in per_perpetrator.items()]
        types = {t: draw(st.integers(0, total)) if draw(st.booleans()) else 0 for t in VIOLATION_TYPES}
        if sum(types.values()) < total:
            types["other"] = total
        rows += [(quarter, region, "cases_of_type", t, n) for t, n in types.items()]
        for measure in ("raid_events", "people_detained_in_raids", "detentions"):
            rows.append((quarter, region, measure, measure, draw(few)))
        rows += [(quarter, region, "reached", "reached", draw(st.integers(0, 60))),
                 (quarter, region, "planned", "planned", draw(st.integers(0, 60)))]
    return pd.DataFrame(rows, columns=["quarter", "region", "measure", "category", "value"])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cube=sparse_cubes(), k=st.integers(2, 6))
def test_the_attacker_narrows_nothing_on_generated_cubes(cube, k):
    table = protect.protect(cube, k)
    summaries = figures.public_figures(table[table["quarter"] == dt.date(2017, 1, 1)], k)
    attacker = attack.Attacker(k).read_all(summaries)
    assert attacker.narrowed() == []
    # Every withheld cell it sees; the plan alone is not a public figure (only inside coverage, when exact).
    published = table[table["measure"] != "planned"]
    quarter_cells = [c for c in attacker.withheld if not c[0].endswith(attack.YEAR_MARK)]
    assert len(quarter_cells) == int((published["status"] == layout.HIDDEN).sum())


# --- a sparse import, as real data is likeliest to be -----------------------------------------------------


def sparse_cases(seed: int, year: int = 2021, n: int = 14) -> str:
    """A few generated cases over one year in three regions (codes as places): no real record."""
    rng = random.Random(seed)
    regions = rng.sample(REGION_CODES, 3)
    lines = []
    for _ in range(n):
        day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        types = ",".join(rng.sample(list(VIOLATION_TYPES), rng.randint(1, 2)))
        lines.append(f"{day.isoformat()};{rng.choice(regions)};{types};{rng.choice(list(PERPETRATORS))};"
                     f"{rng.choice(['да', 'нет'])};;;{rng.choice(['yes', 'no', 'no'])}")
    return CASES_HEADER + "\n" + "\n".join(lines) + "\n"


@pytest.fixture()
def year_2021(monkeypatch):
    monkeypatch.setattr(config, "FIRST_MONTH", "2021-01")
    monkeypatch.setattr(config, "LAST_MONTH", "2021-12")
    return ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4"]


@pytest.mark.parametrize("seed", [18, 1818])
def test_the_attacker_narrows_nothing_on_a_sparse_import(tmp_path, year_2021, seed):
    target = store.create_empty(tmp_path / "real.duckdb")
    code, report = run_import("cases", write(tmp_path / "cases.csv", sparse_cases(seed)), target)
    assert code == 0, report
    summaries = printed(target, attack.batch_lines(year_2021, COUNTS), tmp_path)
    attacker = attack.Attacker(K).read_all(summaries)
    assert attacker.withheld  # few cases: much is withheld
    # It reads the year 2021 too (a whole year: the sum of its four quarters, a year cell of its own).
    assert any(cell[0] == "2021-Y" for cell in [*attacker.fixed, *attacker.withheld])
    assert attacker.narrowed() == []
    # The headline, the country's cases per quarter, is shown unless it is itself a small count.
    for s in summaries:
        figure = s["headlines"]["cases"]
        assert figure["status"] == "exact" or s["show"] != "cases" or figure == HIDDEN


def test_outside_facts_are_counted_for_quarter_and_year_cells(tmp_path, year_2021):
    """`audit --outside-facts` on a whole year of sparse data: each withheld regional count of cases, quarter
    or year, taken as known at its true value (a year's is its quarters' sum), and what it exposes."""
    target = store.create_empty(tmp_path / "real.duckdb")
    assert run_import("cases", write(tmp_path / "cases.csv", sparse_cases(18, n=40)), target)[0] == 0
    out = io.StringIO()
    code = cli.main(["audit", "--db", str(target), "--outside-facts"], out=out)
    result = json.loads(out.getvalue().splitlines()[-1])
    assert code == 0 and result["passed"]
    facts = result["outside_facts"]
    lines = [line for line in out.getvalue().splitlines() if line.startswith("OUTSIDE FACT: ")]
    assert facts["facts_tried"] >= 1 and facts["facts_exposing_more"] == len(lines)
    assert facts["facts_at_least_k_exposing_more"] <= facts["facts_exposing_more"] <= facts["facts_tried"]
    withheld_years = [c for c in attack.Attacker(K).read_all(printed(target, attack.batch_lines(
        year_2021, ["cases"]), tmp_path)).withheld if c[0] == "2021-Y" and c[2] != attack.COUNTRY]
    assert withheld_years  # year cells are among the facts tried (a year's truth is its quarters' sum)


def test_public_batch_reports_a_bad_line_and_goes_on(sample_db, tmp_path):
    batch = write(tmp_path / "b.jsonl", '{"from": "2017-Q1", "to": "2017-Q1"}\n{"show": "names"}\n[1]\n'
                                        '{"region": "KG-N", "colour": "red"}\n')
    out = io.StringIO()
    assert cli.main(["summary", "--public", "--db", str(sample_db), "--batch", str(batch)], out=out) == 2
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0]["view"] == "public" and lines[0]["from"] == "2017-Q1" and lines[0]["show"] == "cases"
    assert [line.get("line") for line in lines[1:]] == [2, 3, 4]
    assert "'names' is not known" in lines[1]["error"] and "unknown public filter colour" in lines[3]["error"]


# --- releases: the view before and after an import that only adds cases ----------------------------------------


def test_comparing_the_view_before_and_after_an_import_narrows_nothing(tmp_path, year_2021):
    from rightsmap.data import db
    from rightsmap.disclosure import releases

    target = store.create_empty(tmp_path / "real.duckdb")
    assert run_import("cases", write(tmp_path / "first.csv", sparse_cases(7, n=16)), target)[0] == 0
    before = printed(target, attack.batch_lines(year_2021, COUNTS), tmp_path)
    # A second file adds a few cases, some in the same quarters and regions.
    more = sparse_cases(7, n=19).splitlines()[17:]
    assert run_import("cases", write(tmp_path / "more.csv", CASES_HEADER + "\n" + "\n".join(more) + "\n"),
                      target)[0] == 0
    after = printed(target, attack.batch_lines(year_2021, COUNTS), tmp_path)
    assert before != after
    attacker = attack.Attacker(K).read_all(after).compare_with(attack.Attacker(K).read_all(before))
    assert attacker.growing and any(c[0].endswith("#before") for c in attacker.withheld)
    assert attacker.narrowed() == []
    # A cell withheld before stays withheld.
    earlier = attack.Attacker(K).read_all(before).withheld
    later = attack.Attacker(K).read_all(after).withheld
    assert earlier <= later
    conn = db.connect(target)
    try:
        recorded = conn.execute("SELECT id, k, table_sha256, published_at FROM releases ORDER BY id").fetchall()
        stored = protect.stored_or_computed(conn, K)
    finally:
        conn.close()
    assert len(recorded) >= 2 and len({r[2] for r in recorded}) == len(recorded) and {r[1] for r in recorded} == {K}
    assert recorded[-1][2] == releases.table_sha256(stored)


def test_the_comparison_catches_a_cell_shown_after_being_withheld():
    # Before: Batken's raids withheld, the country 6; after: Batken shows 1 and the country 6 again.
    zero = {code: EXACT(0) for code in REGION_CODES}
    before = attack.Attacker(K).read_all([summary("raid_events", "2017-Q1", zero | {"KG-B": HIDDEN, "KG-N": HIDDEN},
                                                  EXACT(6))])
    after = attack.Attacker(K).read_all([summary("raid_events", "2017-Q1", zero | {"KG-B": EXACT(1), "KG-N": HIDDEN,
                                                                                  "KG-T": HIDDEN}, EXACT(6))])
    assert before.narrowed() == [] and after.narrowed() == []  # each alone hides Batken's
    narrowed = {d.cell for d in after.compare_with(before).narrowed()}
    assert ("2017-Q1#before", "raid_events", "KG-B") in narrowed  # at most 1 before


def _growing_pair(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One quarter's exact cells before and after an import that only adds cases (generated)."""
    rng = random.Random(seed)
    quarter = dt.date(2017, 1, 1)

    def cube(base: dict) -> dict:
        rows = {}
        for r in REGION_CODES:
            for p in PERPETRATORS:
                added = rng.choice([0, 0, 0, 1, 2, 6]) if rng.random() < 0.3 else 0
                rows[(r, "cases", p)] = base.get((r, "cases", p), 0) + added
            rows |= {(r, "cases_of_type", t): 0 for t in VIOLATION_TYPES}
            rows[(r, "cases_of_type", "other")] = sum(rows[(r, "cases", p)] for p in PERPETRATORS)
            rows |= {(r, m, m): 0 for m in ("raid_events", "people_detained_in_raids", "detentions", "reached",
                                            "planned")}
        return rows

    def frame(rows: dict) -> pd.DataFrame:
        return pd.DataFrame([(quarter, r, m, c, v) for (r, m, c), v in rows.items()],
                            columns=["quarter", "region", "measure", "category", "value"])

    old = cube({})
    return frame(old), frame(cube(old))


def test_release_hold_withholds_more_where_two_releases_together_narrow_a_cell():
    from rightsmap.disclosure import releases

    old, new = _growing_pair(0)
    previous = protect.protect(old, K)
    careless = protect.protect(new, K)  # protected alone, as if nothing had been published before
    assert releases.joint_narrowed(previous, careless, K)  # comparing the two would narrow cells
    held = releases.hold(previous, new, careless, K, {})
    assert releases.joint_narrowed(previous, held, K) == []
    assert (held["status"] == layout.HIDDEN).sum() > (careless["status"] == layout.HIDDEN).sum()


# --- the quick checks agree with the full ranges --------------------------------------------------------


def test_the_quick_checks_find_exactly_the_cells_the_full_ranges_find(sample_db, monkeypatch):
    """`audit` and the attacker settle wide cells by the solutions they meet (much faster on years); on a
    weak table, where many cells are narrow, they must name the same cells, with the same ranges, as solving
    every cell's minimum and maximum."""
    from rightsmap.data import db

    conn = db.connect(sample_db)
    try:
        exact = protect.exact_cells(conn)
    finally:
        conn.close()
    year = exact[pd.to_datetime(exact["quarter"]).dt.year == 2017]
    monkeypatch.setattr(protect, "protect_quarter", lambda values, k, keep_hidden=None, frozen=None: np.where(
        protect.primary(values, k) | (False if keep_hidden is None else keep_hidden), layout.HIDDEN,
        layout.SHOWN).astype(object))
    weak = protect.protect(year, K)
    monkeypatch.undo()

    def key(f: audit.Finding) -> tuple:
        return f.quarter, f.period, f.measure, f.region, f.category

    quick = audit.audit(weak, K)
    full = {key(f): f for f in audit.audit(weak, K, exact=True)}
    narrow = {key(f): (f.low, f.high) for f in quick if f.width < K}
    assert narrow and narrow == {k: (f.low, f.high) for k, f in full.items() if f.width < K}
    for f in quick:  # a wide cell's two values lie in its exact range, at least K apart
        assert f.width >= K or f.exact
        assert full[key(f)].low <= f.low and f.high <= full[key(f)].high

    quarters = sorted(set(weak["quarter"]))
    attacker = attack.Attacker(K).read_all(figures.public_figures(weak, K, quarters))
    quick_cells = {d.cell: (d.low, d.high) for d in attacker.ranges(narrower_than=K)}
    assert quick_cells and quick_cells == {d.cell: (d.low, d.high) for d in attacker.ranges() if d.width < K}
