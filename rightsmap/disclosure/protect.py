"""Disclosure control: the one protected table every public figure comes from.

The exact counts per quarter, region, measure and category are laid out as a
table with its totals ("all" regions, and "all" perpetrators for cases). Then:

- primary suppression hides every count from 1 to k-1;
- complementary suppression hides further cells until, for every hidden cell,
  the tightest range an attacker can derive from everything published is at
  least k wide, counting in whole numbers (rightsmap.disclosure.audit proves it).

Every withheld cell carries the same mark, "hidden": a small count and a cell
hidden to protect it look alike, so the mark says only "a whole number, 0 or
more, not shown" (see README, "The public view and its protection", for why
there is no "<5" any more). The table's statuses are SHOWN and HIDDEN only.

Public figures are sums of published cells only, so anything the public view
shows (a period total, a difference between two filter choices) is already
implied by this table, and the audit over the table covers it.

Years: a year that lies wholly inside the data's span (its four quarters from the
first quarter holding data to the last; a quarter inside with no rows counts 0)
also gets year cells (period "year", quarter = 1 January), and its four quarters
and its year cells are protected, and audited, as one hierarchical table with the
relations "year = the sum of its four quarters" for every cell. A year the data
only partly covers (its first or last) has quarter cells only. Otherwise years and
quarters outside full years are independent: nothing published sums across them
except sums of published cells.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
import pandas as pd

from rightsmap.data import db
from rightsmap.disclosure.layout import (
    COLUMNS,
    HIDDEN,
    PARTS,
    QUARTER,
    SHOWN,
    YEAR,
    Layout,
    full_years,
    is_total,
    layout,
    quarter_vectors,
    year_layout,
    year_quarters,
)
from rightsmap.disclosure.solver import RangeSolver


def primary(values: np.ndarray, k: int) -> np.ndarray:
    """Counts from 1 to k-1."""
    return (values >= 1) & (values <= k - 1)


def protect_quarter(values: np.ndarray, k: int, keep_hidden: np.ndarray | None = None,
                    frozen: np.ndarray | None = None) -> np.ndarray:
    """The status of every cell of one quarter (or of a full year's table, year_layout): SHOWN or HIDDEN.

    keep_hidden: cells that must stay hidden whatever their value (withheld in an earlier release).
    frozen: cells that stay shown (never chosen as a partner; a year's quarter cells, already protected).
    """
    lay = year_layout() if len(values) == PARTS * len(layout().keys) else layout()
    hidden = primary(values, k)
    if keep_hidden is not None:
        hidden |= keep_hidden
    solver = RangeSolver(lay, values)
    check = np.flatnonzero(hidden)
    while True:
        _widen(values, hidden, lay, k, solver, check, frozen)
        # The linear program is fast and warm-started; whole numbers can pin a cell further, so each
        # hidden cell is checked once more as an integer program, and any still narrow gets a partner.
        solver.hide(hidden)
        failing = solver.narrow(k, np.flatnonzero(hidden), integral=True)
        if not failing:
            break
        before = hidden.copy()
        for cell in failing:
            hidden[_partner(cell, values, hidden, lay, k, frozen)] = True
        check = np.union1d(np.array(failing), np.flatnonzero(hidden & ~before))
    return np.where(hidden, HIDDEN, SHOWN).astype(object)


def _widen(values: np.ndarray, hidden: np.ndarray, lay: Layout, k: int, solver, check: np.ndarray,
           frozen: np.ndarray | None = None) -> None:
    """Hide partners until every hidden cell's linear-programming range is at least k wide."""
    before = hidden.copy()
    _at_least_two_per_relation(values, hidden, lay, k, frozen)
    check = np.union1d(check, np.flatnonzero(hidden & ~before)).astype(int)
    while check.size:
        solver.hide(hidden)
        failing = solver.narrow(k, check)
        if not failing:
            break
        before = hidden.copy()
        for cell in failing:
            # A partner hidden for an earlier cell of this round often covers this one too: check again,
            # so no more is hidden than needed.
            if cell != failing[0]:
                solver.hide(hidden)
                if not solver.narrow(k, [cell]):
                    continue
            hidden[_partner(cell, values, hidden, lay, k, frozen)] = True
        _at_least_two_per_relation(values, hidden, lay, k, frozen)
        # Hiding more only widens ranges: cells that passed stay passed.
        check = np.union1d(np.array(failing), np.flatnonzero(hidden & ~before))


def _members(lay: Layout) -> tuple[tuple[np.ndarray, ...], tuple[tuple[np.ndarray, ...], ...]]:
    return _members_of(len(lay.keys) != len(layout().keys))


@cache
def _members_of(years: bool) -> tuple[tuple[np.ndarray, ...], tuple[tuple[np.ndarray, ...], ...]]:
    """The cells of each equality, and for each cell the cells of every relation it is in (computed once)."""
    lay = year_layout() if years else layout()
    equalities = tuple(np.flatnonzero(row) for row in lay.equalities)
    relations = [*equalities, *(np.flatnonzero(row) for row in lay.inequalities)]
    of_cell: list[list[np.ndarray]] = [[] for _ in lay.keys]
    for members in relations:
        for cell in members:
            of_cell[cell].append(members)
    return equalities, tuple(tuple(r) for r in of_cell)


def _rank(cell: int, values: np.ndarray, k: int, lay: Layout) -> tuple:
    """Prefer hiding an inner cell over a total, and the smallest count that is enough on its own."""
    value = values[cell]
    enough = 0 if value >= k else (1 if value > 0 else 2)
    return (is_total(lay.keys[cell]), enough, value if value >= k else -value, cell)  # cell: a stable tie-break


def _partner(cell: int, values: np.ndarray, hidden: np.ndarray, lay: Layout, k: int,
             frozen: np.ndarray | None = None) -> int:
    """A published cell to hide with this one: the nearest through the relations, preferring inner
    cells, and a grand total (the country's headline figure) only when nothing else is left."""
    depth = {cell: 0}
    frontier = [cell]
    candidates: dict[int, int] = {}
    while frontier:
        next_frontier = []
        for c in frontier:
            for members in _members(lay)[1][c]:
                for other in map(int, members):
                    if other in depth or other in candidates:
                        continue
                    if hidden[other]:
                        depth[other] = depth[c] + 1
                        next_frontier.append(other)
                    elif frozen is None or not frozen[other]:
                        candidates[other] = depth[c] + 1
        frontier = next_frontier
    shown = {int(c): 99 for c in np.flatnonzero(~hidden if frozen is None else ~hidden & ~frozen)}
    # Keep the headline figure (the grand total) while anything else can be hidden instead.
    for pool in (candidates, shown):
        inner = {c: d for c, d in pool.items() if is_total(lay.keys[c]) < 3}
        if inner:
            candidates = inner
            break
    else:
        candidates = candidates or shown
    if not candidates:
        raise RuntimeError("every cell is hidden and a range is still narrow: the layout is inconsistent")
    measure = lay.keys[cell][0]
    # Inner cells first, then cells of the same measure (types stay among types), then the nearest.
    return min(candidates, key=lambda c: (is_total(lay.keys[c]), lay.keys[c][0] != measure, candidates[c],
                                          *_rank(c, values, k, lay)))


def _at_least_two_per_relation(values: np.ndarray, hidden: np.ndarray, lay: Layout, k: int,
                               frozen: np.ndarray | None = None) -> None:
    """Cheap first pass: a hidden cell alone in an equality is the difference of the others; give it company."""
    changed = True
    while changed:
        changed = False
        for members in _members(lay)[0]:
            if hidden[members].sum() == 1:
                shown = [int(c) for c in members if not hidden[c] and (frozen is None or not frozen[c])]
                if not shown:  # only frozen cells left: the ranges' check decides
                    continue
                hidden[min(shown, key=lambda c: _rank(c, values, k, lay))] = True
                changed = True


def protect(exact: pd.DataFrame, k: int, keep_hidden: dict | None = None, span: tuple | None = None) -> pd.DataFrame:
    """The protected table: quarter, period, measure, region, category, value (NaN unless shown), status.

    keep_hidden: per quarter (a date) and per year (an int), the cells an earlier release withheld
    (withheld_before), which stay withheld. span: the (first, last) quarter of the whole data, when
    `exact` is only part of it (full_years are the years wholly inside it).
    """
    if k < 2:
        raise ValueError("the minimum count k must be at least 2")
    keys = layout().keys
    n = len(keys)
    keep_hidden = keep_hidden or {}
    vectors = quarter_vectors(exact)
    years = full_years(list(span) if span is not None else list(vectors))
    years = [y for y in years if any(q in vectors for q in year_quarters(y))]
    frames = []

    def frame(quarter: dt.date, period: str, values: np.ndarray, status: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({
            "quarter": quarter, "period": period,
            "measure": [key[0] for key in keys],
            "region": [key[1] for key in keys],
            "category": [key[2] for key in keys],
            # The true value of a hidden cell never leaves this function.
            "value": np.where(status == SHOWN, values, np.nan),
            "status": status,
        })

    for year in years:
        quarters = year_quarters(year)
        parts = [vectors.pop(q, np.zeros(n)) for q in quarters]
        values = np.concatenate([*parts, np.sum(parts, axis=0)])
        # The quarters first, each on its own as before; then the year cells, withholding more year
        # cells (never a quarter cell) until every withheld cell of the year's table is wide enough.
        # Withholding every year cell gives back the quarters alone, which passed, so this always ends.
        quarter_status = [protect_quarter(part, k, keep_hidden.get(q)) for part, q in zip(parts, quarters,
                                                                                          strict=True)]
        # A year cell whose four quarter cells are all published is their sum: it is published too (withheld,
        # it would hide nothing, and its range would be 0).
        summed = np.logical_and.reduce([s == SHOWN for s in quarter_status])
        shown = np.concatenate([*(s == SHOWN for s in quarter_status), summed])
        keep = np.concatenate([*(s != SHOWN for s in quarter_status),
                               keep_hidden.get(year, np.zeros(n, dtype=bool)) & ~summed])
        status = protect_quarter(values, k, keep, frozen=shown)
        for part, quarter in enumerate(quarters):
            frames.append(frame(quarter, QUARTER, parts[part], status[part * n:(part + 1) * n]))
        frames.append(frame(quarters[0], YEAR, values[-n:], status[-n:]))
    for quarter, values in vectors.items():
        frames.append(frame(quarter, QUARTER, values, protect_quarter(values, k, keep_hidden.get(quarter))))
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True).sort_values(["period", "quarter"], kind="stable",
                                                           ignore_index=True)


def protected_table(conn, k: int, keep_hidden: dict | None = None) -> pd.DataFrame:
    """The protected table of the whole database: every quarter that holds data."""
    return protect(exact_cells(conn), k, keep_hidden)


def exact_cells(conn) -> pd.DataFrame:
    """The exact inner cells of every quarter that holds data (never published as such)."""
    span = db.run(conn, "data_span").iloc[0]
    if pd.isna(span["first_month"]):
        return pd.DataFrame(columns=["quarter", "region", "measure", "category", "value"])
    first = pd.Timestamp(span["first_month"]).date()
    last = pd.Timestamp(span["last_month"]).date()
    return db.run(conn, "quarter_cells", month_from=dt.date(first.year, (first.month - 1) // 3 * 3 + 1, 1),
                  month_to=last)


def db_table(conn) -> pd.DataFrame:
    """The stored protected table as it is (the last one published)."""
    has_period = conn.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                              "'protected_cells' AND column_name = 'period'").fetchall()[0][0]
    # A table stored before years were protected has quarter cells only.
    table = db.run(conn, "protected_cells") if has_period else db.run(conn, "protected_cells_quarters")
    if not has_period:
        table.insert(1, "period", QUARTER)
    table["quarter"] = pd.to_datetime(table["quarter"]).dt.date
    return table


STORED_K = "protected_k"  # the meta key: the k the stored protected table was computed with



def stored_or_computed(conn, k: int) -> pd.DataFrame:
    """The stored protected table when it was made with this k, else computed now."""
    meta = db.run(conn, "dataset_meta")
    if dict(zip(meta["key"], meta["value"], strict=True)).get(STORED_K) == str(k):
        table = db_table(conn)
        # A table stored before issue 18 says "small" for primary cells, and was checked without whole
        # numbers: compute it afresh until the next write stores a new one.
        # One stored before years were protected has no year cells.
        if set(table["status"]) <= {SHOWN, HIDDEN} and (YEAR in set(table["period"]) or not full_years(
                sorted(set(table["quarter"])))):
            return table
    return protected_table(conn, k)
