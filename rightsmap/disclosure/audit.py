"""The protector's audit: how tightly can anybody pin down each hidden cell?

For each hidden cell, minimise and maximise its value subject to everything
published: the shown cells, the totals' equations, the links between violation
types and cases, that no count is negative, and that counts are whole numbers
(an integer program, HiGHS). Every withheld cell carries the same mark, so the
mark adds no bound. A protected table passes when every range is at least k wide.

This audit shares the protector's layout. rightsmap.attack is the independent
check: it rebuilds the equations from the figures the command line publishes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rightsmap.disclosure import layout
from rightsmap.disclosure.layout import SHOWN
from rightsmap.disclosure.solver import checked, ranges


@dataclass(frozen=True)
class Finding:
    """A hidden cell and the range anybody can derive for it (period "year": quarter is the year's 1 January)."""

    quarter: dt.date
    measure: str
    region: str
    category: str
    low: float
    high: float
    period: str = layout.QUARTER
    exact: bool = True  # False: low and high are two values the cell can take; its range is at least as wide

    @property
    def width(self) -> float:
        return self.high - self.low


def audit(protected: pd.DataFrame, k: int, *, exact: bool = False) -> list[Finding]:
    """Every hidden cell of a protected table with its derivable range in whole numbers (published values
    only). A year with year cells is audited with its four quarters as one table (layout.year_layout).

    A range narrower than k is always exact; one at least k wide is exact only with exact=True (slower:
    two integer programs per cell), else shown by two values at least k apart (Finding.exact False)."""
    quarter_at = layout.layout().index()
    n = len(quarter_at)
    periods = protected["period"] if "period" in protected else pd.Series(layout.QUARTER, index=protected.index)
    when = pd.to_datetime(protected["quarter"]).dt.date
    years = {q.year for q, p in zip(when, periods, strict=True) if p == layout.YEAR}
    blocks: dict[object, list[tuple[dt.date, str]]] = {}  # one model: its (quarter, period) parts in order
    for quarter in sorted(set(when[periods == layout.QUARTER])):
        if quarter.year not in years:
            blocks[quarter] = [(quarter, layout.QUARTER)]
    for year in sorted(years):
        blocks[year] = [(q, layout.QUARTER) for q in layout.year_quarters(year)] + [
            (dt.date(year, 1, 1), layout.YEAR)]
    rows = {part: frame for part, frame in protected.groupby([when, periods], sort=False)}
    findings: list[Finding] = []
    for parts in blocks.values():
        lay = layout.year_layout() if len(parts) > 1 else layout.layout()
        values = np.zeros(len(lay.keys))
        hidden = np.zeros(len(lay.keys), dtype=bool)
        for part, key in enumerate(parts):
            frame = rows.get(key)
            if frame is None:  # a quarter the table does not hold is published as 0
                continue
            for measure, region, category, value, status in zip(frame["measure"], frame["region"], frame["category"],
                                                                frame["value"], frame["status"], strict=True):
                cell = part * n + quarter_at[(measure, region, category)]
                if status == SHOWN:
                    values[cell] = float(value)
                else:
                    hidden[cell] = True
        found = ({cell: (*low_high, True) for cell, low_high in ranges(lay, values, hidden).items()} if exact
                 else checked(lay, values, hidden, k))
        for cell, (low, high, is_exact) in found.items():
            quarter, period = parts[cell // n]
            measure, region, category = layout.layout().keys[cell % n]
            findings.append(Finding(quarter, measure, region, category, low, high, period, is_exact))
    return findings
