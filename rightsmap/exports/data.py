"""The numbers behind every export, read once through metrics.* for one set of filters and one view.

This is the one place the staff view's exports get their numbers: exact counts.
The public view's exports read only the protected table (rightsmap.exports.public_files);
asking this module for the public view fails loudly rather than exporting exact numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import duckdb
import pandas as pd

from rightsmap.data import metrics
from rightsmap.domain import plaintext
from rightsmap.domain.filters import Filters
from rightsmap.domain.vocab import N_, REGION_CODES, VIOLATION_TYPES

FULL = "full"
PUBLIC = "public"
# What each view is called on every export. These exports are the staff view's: exact counts.
VIEWS: dict[str, str] = {FULL: N_("staff view, exact counts")}
PUBLIC_UNAVAILABLE = ("the public view's files are its map and figures (rightsmap.exports.public_files); "
                      "briefs, decks and charts of exact counts are for the staff view")


class ViewUnavailable(ValueError):
    """The view asked for cannot be exported (yet); the message says why."""


@dataclass(frozen=True)
class Source:
    """Where the data comes from: the synthetic sample, or imports (with the latest batch id, if any)."""

    sample: bool
    latest_batch: int | None = None


@dataclass(frozen=True)
class ExportData:
    """Everything an export draws, for one set of filters, one map metric and one view."""

    filters: Filters
    metric: str
    violation_type: str | None
    view: str
    source: Source
    summary: dict[str, Any]
    previous: dict[str, Any] | None  # the period of equal length before, when it lies inside the data
    region_values: pd.DataFrame  # every region (the map shows all nine): code, value
    cases_by_perpetrator: pd.DataFrame  # per month: period, category, cases
    cases_by_type: pd.DataFrame  # per month: period, category, cases
    raids: pd.DataFrame  # per month: period, raid_events, people_detained_in_raids, detentions
    reach: pd.DataFrame  # per quarter: quarter, planned, reached, coverage_pct
    reach_by_region: pd.DataFrame  # per quarter and region
    events: pd.DataFrame  # event_date, region, title_en, title_ru, title_ky


def check_view(view: str) -> str:
    """The view, if it can be exported; ViewUnavailable otherwise."""
    if view == PUBLIC:
        raise ViewUnavailable(PUBLIC_UNAVAILABLE)
    if view not in VIEWS:
        raise ViewUnavailable(f"unknown view {view!r}; known: {', '.join(VIEWS)}")
    return view


def check_metric(metric: str, violation_type: str | None) -> None:
    if metric not in metrics.MAP_METRICS:
        raise ValueError(f"unknown map metric {metric!r}; known: {', '.join(metrics.MAP_METRICS)}")
    if metric == "cases_of_type" and violation_type not in VIOLATION_TYPES:
        raise ValueError(f"the metric cases_of_type needs a violation type, one of {', '.join(VIOLATION_TYPES)}")


def has_previous(filters: Filters) -> bool:
    """Whether the period before this one lies inside the data."""
    return filters.previous().month_from >= Filters().month_from


def gather(conn: duckdb.DuckDBPyConnection, filters: Filters, *, metric: str = "cases",
           violation_type: str | None = None, view: str = FULL) -> ExportData:
    """Read every number the exports need, for the filters and view."""
    check_view(view)
    check_metric(metric, violation_type)
    if metric != "cases_of_type":
        violation_type = None
    everywhere = replace(filters, regions=REGION_CODES)
    return ExportData(
        filters=filters, metric=metric, violation_type=violation_type, view=view,
        source=source(conn),
        summary=metrics.summary(conn, filters),
        previous=metrics.summary(conn, filters.previous()) if has_previous(filters) else None,
        region_values=metrics.region_values(conn, everywhere, metric, violation_type),
        cases_by_perpetrator=metrics.cases_series(conn, filters, by="perpetrator", grain="month", by_region=False),
        cases_by_type=metrics.cases_series(conn, filters, by="type", grain="month", by_region=False),
        raids=metrics.raids_series(conn, filters, grain="month", by_region=False),
        reach=metrics.reach_series(conn, filters, by_region=False),
        reach_by_region=metrics.reach_series(conn, filters, by_region=True),
        events=metrics.events(conn, filters),
    )  # fmt: skip


def source(conn: duckdb.DuckDBPyConnection) -> Source:
    """The sample, or imported data with its latest import batch (None when no batch is recorded)."""
    if metrics.dataset_meta(conn).get("dataset") == "sample":
        return Source(sample=True)
    # The importer's own listing; it copes with a database that has no batches table.
    from rightsmap.records.importing.report import batches

    frame = batches(conn)
    return Source(sample=False, latest_batch=None if frame.empty else int(frame["id"].max()))


def event_titles(events: pd.DataFrame, lang: str) -> pd.Series:
    """Each event's title in the language, falling back to English (then to any title)."""
    column = f"title_{lang}"
    titles = events[column] if column in events else pd.Series([None] * len(events), index=events.index)
    for fallback in ("title_en", "title_ru", "title_ky"):
        titles = titles.where(titles.notna() & (titles != ""), events[fallback])
    return titles.fillna("").map(plaintext.strip_controls)  # also for a database imported before they were refused


def today() -> dt.date:
    return dt.date.today()
