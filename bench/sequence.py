"""Periods for the filter-change measurements: each step must visibly recolour the map."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rightsmap import db, maps, metrics
from rightsmap.filters import Filters, month_text
from rightsmap.sample import months


def _signature(conn, month_from) -> tuple:
    values = metrics.region_values(conn, replace(Filters(), month_from=month_from), "cases")
    classes = maps.classify(values["value"].dropna())
    keys = tuple(maps.class_for(v, classes).key for v in values["value"])
    return tuple(c.label for c in classes), keys


def recolouring_months(db_path: Path, count: int) -> list[str]:
    """Up to count distinct "From" months (To = the last month) in an order where each step changes the map."""
    conn = db.connect(db_path)
    try:
        candidates = [m for m in months() if m <= Filters().month_to]
        signatures = {m: _signature(conn, m) for m in candidates[:-6]}
    finally:
        conn.close()
    # Start from the default period (From = the first month) as the page does.
    order, last = [], signatures[candidates[0]]
    remaining = [m for m in signatures if m != candidates[0]]
    # Alternate early and late months: their maps differ most.
    remaining = [x for pair in zip(remaining[::2], remaining[::-2], strict=False) for x in pair]
    for month in dict.fromkeys(remaining):
        if signatures[month] != last:
            order.append(month)
            last = signatures[month]
        if len(order) == count:
            break
    return [month_text(m) for m in order]
