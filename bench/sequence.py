"""Periods for the filter-change measurements: each step must visibly recolour the map.

recolouring_months is for the staff map page and the naive page ("From" months);
recolouring_quarters is for the public view ("From" quarters, the published measure "cases").
Both return the options' labels as the English page shows them (lang=en): the protocol client sends
a select box's label, and Chromium types it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rightsmap.data import db, metrics
from rightsmap.disclosure import protect, public
from rightsmap.disclosure.public_filters import PublicFilters, all_quarters
from rightsmap.domain import config, i18n, period
from rightsmap.domain.filters import Filters, month_text
from rightsmap.records.sample import months
from rightsmap.render import maps

ENGLISH = i18n.translator("en")


def quarter_label(quarter) -> str:
    """A quarter as the public "From" box and caption show it in English ("2019 Q3")."""
    return ENGLISH.quarter(quarter)


def follow(db_path: Path) -> None:
    """Offer db_path's period as the app does (rightsmap.web.cache.follow_the_database): the data's months
    and the quarters its protected table publishes, read now."""
    conn = db.connect(db_path, read_only=True)
    try:
        span = metrics.data_span(conn)
        published = public.published_quarters(protect.stored_or_computed(conn, config.MIN_COUNT))
    finally:
        conn.close()
    period.follow(lambda: span, lambda: published)


def _signature(conn, month_from) -> tuple:
    values = metrics.region_values(conn, replace(Filters(), month_from=month_from), "cases")
    classes = maps.classify(values["value"].dropna())
    keys = tuple(maps.class_for(v, classes).key for v in values["value"])
    return tuple(c.label for c in classes), keys


def _changing_order(signatures: dict, first, count: int) -> list:
    """Up to count keys of signatures, starting after first, each drawing a different map from the one before."""
    order, last = [], signatures[first]
    remaining = [m for m in signatures if m != first]
    # Alternate early and late periods: their maps differ most.
    remaining = [x for pair in zip(remaining[::2], remaining[::-2], strict=False) for x in pair]
    for key in dict.fromkeys(remaining):
        if signatures[key] != last:
            order.append(key)
            last = signatures[key]
        if len(order) == count:
            break
    return order


def recolouring_months(db_path: Path, count: int) -> list[str]:
    """Up to count distinct "From" months (To = the last month) in an order where each step changes the map."""
    follow(db_path)
    conn = db.connect(db_path)
    try:
        candidates = [m for m in months() if m <= Filters().month_to]
        signatures = {m: _signature(conn, m) for m in candidates[:-6]}
    finally:
        conn.close()
    # Start from the default period (From = the first month) as the page does.
    return [month_text(m) for m in _changing_order(signatures, candidates[0], count)]


def _public_signature(cells, quarter_from) -> tuple:
    """The public map as drawn for this "From" quarter: each region's fill and the legend's text."""
    filters = PublicFilters(quarter_from=quarter_from)
    by_region = public.region_figures(cells, config.MIN_COUNT, filters.quarters, filters.choice)
    layer = maps.region_layer(public.map_values(by_region), metric_label="", percent=filters.choice.percent,
                              translate=maps.ENGLISH, withheld={code: (f.status, "") for code, f in by_region.items()})
    fills = tuple(style["fillColor"] for style in maps.layer_look(layer)["styles"].values())
    legend = next(c.html for c in layer._children.values() if isinstance(c, maps.Legend))
    return fills, legend


def recolouring_quarters(db_path: Path, count: int) -> list[str]:
    """Up to count distinct public "From" quarters (To = the last quarter), each step recolouring the public map."""
    follow(db_path)
    conn = db.connect(db_path, read_only=True)
    try:
        cells = public.index(protect.stored_or_computed(conn, config.MIN_COUNT))
    finally:
        conn.close()
    quarters = all_quarters()
    signatures = {q: _public_signature(cells, q) for q in quarters[:-1]}
    return [quarter_label(q) for q in _changing_order(signatures, quarters[0], count)]


def last_quarter() -> str:
    """The last public quarter of the database recolouring_quarters last read."""
    return quarter_label(all_quarters()[-1])
