"""Disclosure control: the one protected table every public figure comes from.

The exact counts per quarter, region, measure and category are laid out as a
table with its totals ("all" regions, and "all" perpetrators for cases). Then:

- primary suppression hides every count from 1 to k-1;
- complementary suppression hides further cells until, for every hidden cell,
  the tightest range an attacker can derive from everything published is at
  least k wide, counting in whole numbers (rightsmap.audit proves it).

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
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from rightsmap.vocab import N_, PERPETRATORS, REGION_CODES, VIOLATION_TYPES

ALL = "all"
SHOWN, HIDDEN = "shown", "hidden"  # cell status: published, or withheld (small and complementary alike)
QUARTER, YEAR = "quarter", "year"  # a cell's period (the table's column "period")
PARTS = 5  # a full year's table: its four quarters (parts 0-3), then the year (part 4)
COLUMNS = ["quarter", "period", "measure", "region", "category", "value", "status"]


@dataclass(frozen=True)
class Measure:
    """One published measure: its categories, and whether they add up to an "all" total."""

    key: str
    label: str
    categories: tuple[str, ...]
    additive: bool = False  # the categories partition the measure, so an "all" column is published
    within: str | None = None  # each category is a subset of this additive measure's "all" (types of cases)


MEASURES: tuple[Measure, ...] = (
    Measure("cases", N_("Documented cases"), tuple(PERPETRATORS), additive=True),
    Measure("cases_of_type", N_("Cases of one violation type"), tuple(VIOLATION_TYPES), within="cases"),
    Measure("raid_events", N_("Raids"), ("raid_events",)),
    Measure("people_detained_in_raids", N_("People detained in raids"), ("people_detained_in_raids",)),
    Measure("detentions", N_("Documented detentions"), ("detentions",)),
    Measure("reached", N_("People reached"), ("reached",)),
    Measure("planned", N_("People planned"), ("planned",)),
)
MEASURE_BY_KEY = {m.key: m for m in MEASURES}
REGIONS_AND_ALL = (*REGION_CODES, ALL)


def categories_with_total(measure: Measure) -> tuple[str, ...]:
    return (*measure.categories, ALL) if measure.additive else measure.categories


@dataclass(frozen=True)
class Layout:
    """The cells of one quarter, and the linear relations between them that anybody can know."""

    keys: tuple[tuple, ...]  # (measure, region, category); a year's table adds the part (year_layout)
    equalities: np.ndarray  # rows r: equalities[r] @ cells == 0
    inequalities: np.ndarray  # rows r: inequalities[r] @ cells <= 0

    def index(self) -> dict[tuple[str, str, str], int]:
        return {key: i for i, key in enumerate(self.keys)}


@cache
def layout() -> Layout:
    keys = tuple((m.key, r, c) for m in MEASURES for r in REGIONS_AND_ALL for c in categories_with_total(m))
    at = {key: i for i, key in enumerate(keys)}
    equalities: list[np.ndarray] = []
    inequalities: list[np.ndarray] = []

    def row(plus: list[tuple], minus: list[tuple]) -> np.ndarray:
        vector = np.zeros(len(keys))
        for key in plus:
            vector[at[key]] += 1.0
        for key in minus:
            vector[at[key]] -= 1.0
        return vector

    for m in MEASURES:
        for c in categories_with_total(m):  # the country's total is the sum of the regions
            equalities.append(row([(m.key, ALL, c)], [(m.key, r, c) for r in REGION_CODES]))
        if m.additive:  # a region's total is the sum of its categories
            for r in REGIONS_AND_ALL:
                equalities.append(row([(m.key, r, ALL)], [(m.key, r, c) for c in m.categories]))
        if m.within is not None:  # each type is part of the cases; every case has at least one type
            for r in REGIONS_AND_ALL:
                total = (m.within, r, ALL)
                for c in m.categories:
                    inequalities.append(row([(m.key, r, c)], [total]))
                inequalities.append(row([total], [(m.key, r, c) for c in m.categories]))
    return Layout(keys, np.array(equalities), np.array(inequalities))


@cache
def year_layout() -> Layout:
    """A full year as one table: each quarter's cells (keys ending in part 0-3), the year's (part 4), each
    block with the quarter's relations, and every year cell the sum of its four quarter cells."""
    lay = layout()
    n = len(lay.keys)
    keys = tuple((*key, part) for part in range(PARTS) for key in lay.keys)

    def blocks(matrix: np.ndarray) -> list[np.ndarray]:
        out = []
        for part in range(PARTS):
            for row in matrix:
                wide = np.zeros(PARTS * n)
                wide[part * n:(part + 1) * n] = row
                out.append(wide)
        return out

    equalities = blocks(lay.equalities)
    for cell in range(n):
        row = np.zeros(PARTS * n)
        row[(PARTS - 1) * n + cell] = 1.0
        row[[part * n + cell for part in range(PARTS - 1)]] = -1.0
        equalities.append(row)
    return Layout(keys, np.array(equalities), np.array(blocks(lay.inequalities)))


def is_total(key: tuple) -> float:
    """How much a cell is a headline: 0 inner, 1 a region's total, 2 the country's, 3 the grand total.

    Complementary suppression hides the lowest first, so national figures stay exact where they can.
    A year cell (a key of year_layout ending in part 4) ranks half a step above its quarters' cells,
    except the year's grand total (2.75): the quarter's grand total (the national count of cases per
    quarter) is the one kept while anything else can be hidden.
    """
    national = key[1] == ALL
    total = key[2] == ALL and MEASURE_BY_KEY[key[0]].additive
    rank = 3 if national and total else 2 if national else int(total)
    if len(key) == 4 and key[3] == PARTS - 1:
        return 2.75 if rank == 3 else rank + 0.5
    return rank


def quarter_vectors(exact: pd.DataFrame) -> dict[dt.date, np.ndarray]:
    """Exact inner cells (quarter, region, measure, category, value) -> each quarter's cells with totals."""
    keys = layout().keys
    at = layout().index()
    out: dict[dt.date, np.ndarray] = {}
    for quarter, rows in exact.groupby("quarter", sort=True):
        vector = np.zeros(len(keys))
        for measure, region, category, value in zip(rows["measure"], rows["region"], rows["category"],
                                                    rows["value"], strict=True):
            vector[at[(measure, region, category)]] = float(value)
        for m in MEASURES:  # totals, in the order they depend on each other
            for c in m.categories:
                vector[at[(m.key, ALL, c)]] = sum(vector[at[(m.key, r, c)]] for r in REGION_CODES)
            if m.additive:
                for r in REGIONS_AND_ALL:
                    vector[at[(m.key, r, ALL)]] = sum(vector[at[(m.key, r, c)]] for c in m.categories)
        out[pd.Timestamp(quarter).date()] = vector
    return out


def primary(values: np.ndarray, k: int) -> np.ndarray:
    """Counts from 1 to k-1."""
    return (values >= 1) & (values <= k - 1)


def protect_quarter(values: np.ndarray, k: int, keep_hidden: np.ndarray | None = None,
                    frozen: np.ndarray | None = None) -> np.ndarray:
    """The status of every cell of one quarter (or of a full year's table, year_layout): SHOWN or HIDDEN.

    keep_hidden: cells that must stay hidden whatever their value (withheld in an earlier release).
    frozen: cells that stay shown (never chosen as a partner; a year's quarter cells, already protected).
    """
    from rightsmap.audit import RangeSolver

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


def full_years(quarters) -> list[int]:
    """The years lying wholly inside the span from the first to the last of these quarters."""
    if not len(quarters):
        return []
    first, last = min(quarters), max(quarters)
    return [y for y in range(first.year, last.year + 1) if dt.date(y, 1, 1) >= first and dt.date(y, 10, 1) <= last]


def year_quarters(year: int) -> list[dt.date]:
    return [dt.date(year, month, 1) for month in (1, 4, 7, 10)]


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
    return protect(_exact(conn), k, keep_hidden)


def _exact(conn) -> pd.DataFrame:
    """The exact inner cells of every quarter that holds data (never published as such)."""
    from rightsmap import db

    span = db.run(conn, "data_span").iloc[0]
    if pd.isna(span["first_month"]):
        return pd.DataFrame(columns=["quarter", "region", "measure", "category", "value"])
    first = pd.Timestamp(span["first_month"]).date()
    last = pd.Timestamp(span["last_month"]).date()
    return db.run(conn, "quarter_cells", month_from=dt.date(first.year, (first.month - 1) // 3 * 3 + 1, 1),
                  month_to=last)


def db_table(conn) -> pd.DataFrame:
    """The stored protected table as it is (the last one published)."""
    from rightsmap import db

    has_period = conn.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                              "'protected_cells' AND column_name = 'period'").fetchall()[0][0]
    # A table stored before years were protected has quarter cells only.
    table = db.run(conn, "protected_cells") if has_period else db.run(conn, "protected_cells_quarters")
    if not has_period:
        table.insert(1, "period", QUARTER)
    table["quarter"] = pd.to_datetime(table["quarter"]).dt.date
    return table


STORED_K = "protected_k"  # the meta key: the k the stored protected table was computed with


def store(conn, k: int) -> None:
    """Compute the protected table and keep it in the database, for the app to read instead of computing.

    Called by every write (store.writable, sample.build) after its data is committed, on the copy that is
    then swapped in, so the stored table always matches the data. Only published values are stored.

    Releases: a cell the last published table withheld stays withheld (for the same k), so comparing the
    view before and after an import cannot turn a withheld cell into a shown one; and each table that
    differs from the last is recorded in `releases` by its hash and date.
    """
    from rightsmap import releases

    keep = releases.withheld_before(conn, k)
    protected = protected_table(conn, k, keep)
    if keep:
        protected = releases.hold(db_table(conn), _exact(conn), protected, k, keep)
    conn.execute("CREATE OR REPLACE TABLE protected_cells AS SELECT * FROM protected")
    conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [STORED_K, str(k)])
    releases.record(conn, protected, k)


def stored_or_computed(conn, k: int) -> pd.DataFrame:
    """The stored protected table when it was made with this k, else computed now."""
    from rightsmap import db

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
