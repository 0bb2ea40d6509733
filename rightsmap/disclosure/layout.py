"""The protected table's shape: its measures, cells and statuses, and the relations anybody can know.

One quarter's cells are (measure, region, category), with their totals ("all" regions, and "all"
perpetrators for cases); a full year's table (year_layout) is its four quarters and its year cells, each
year cell the sum of its quarters. The protector (protect), its audit and solver work on these layouts;
the independent attacker (rightsmap.attack) does not read them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from rightsmap.domain.vocab import N_, PERPETRATORS, REGION_CODES, VIOLATION_TYPES

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


def full_years(quarters) -> list[int]:
    """The years lying wholly inside the span from the first to the last of these quarters."""
    if not len(quarters):
        return []
    first, last = min(quarters), max(quarters)
    return [y for y in range(first.year, last.year + 1) if dt.date(y, 1, 1) >= first and dt.date(y, 10, 1) <= last]


def year_quarters(year: int) -> list[dt.date]:
    return [dt.date(year, month, 1) for month in (1, 4, 7, 10)]
