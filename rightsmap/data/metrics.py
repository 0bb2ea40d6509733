"""Every number the product shows, computed once here for the app, the command line and exports."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from rightsmap.data import db
from rightsmap.domain import period
from rightsmap.domain.filters import Filters
from rightsmap.domain.vocab import N_


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    definition: str
    percent: bool = False


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric("cases", N_("Documented cases"),
               N_("Cases of rights violations documented by the network, for the chosen regions, period, "
               "violation types and perpetrators. A case with several violation types counts once.")),
        Metric("cases_of_type", N_("Cases of one violation type"),
               N_("Documented cases that include the chosen violation type (a case with several types counts "
               "under each of them).")),
        Metric("raid_events", N_("Raids"),
               N_("Police raid events recorded by the network, by region and month. Not affected by the "
               "violation type or perpetrator filters.")),
        Metric("people_detained_in_raids", N_("People detained in raids"),
               N_("People detained during those raids. Not affected by the violation type or perpetrator filters.")),
        Metric("detentions", N_("Documented detentions"),
               N_("Documented cases that involved a detention; the days spent in detention are recorded with them "
               "(typically 3 to 5).")),
        Metric("coverage_pct", N_("Coverage, % of plan"),
               N_("People reached by HIV prevention as a percentage of the planned number, over the quarters wholly "
               "inside the period. No data where nothing was planned."), percent=True),
        Metric("reached", N_("People reached"),
               N_("People reached by HIV prevention (condoms, testing, consultations) in the quarters wholly inside "
               "the period.")),
        Metric("planned", N_("People planned"),
               N_("The planned number of people to reach with HIV prevention, per quarter, summed over the period.")),
        Metric("cases_per_100", N_("Cases per 100 estimated sex workers"),
               N_("Documented cases in the period divided by the region's population size estimate, times 100. "
               "The estimate is the region's latest one from the period's last year or before; the range uses its "
               "low and high bounds. A region without an estimate has no rate: nothing is divided by a guess.")),
        Metric("coverage_of_estimate", N_("Coverage, % of estimated sex workers"),
               N_("People reached by HIV prevention per quarter, averaged over the quarters wholly inside the period, "
               "as a percentage of the region's population size estimate. Like UNAIDS's coverage indicator it "
               "divides people reached by the estimated population, but reach here is counted per quarter, not as "
               "distinct people in a year. The estimate and its range are chosen as for cases per 100; no "
               "estimate, no rate."), percent=True),
    )
}
MAP_METRICS = ("cases", "cases_of_type", "raid_events", "people_detained_in_raids", "coverage_pct", "reached",
               "cases_per_100", "coverage_of_estimate")
RATE_METRICS = ("cases_per_100", "coverage_of_estimate")


def coverage_pct(planned: int | float | None, reached: int | float | None) -> float | None:
    """Reached as a percentage of planned, rounded to 0.1; None when nothing was planned."""
    if planned is None or reached is None or pd.isna(planned) or pd.isna(reached) or planned <= 0:
        return None
    return round(100.0 * float(reached) / float(planned), 1)


def per_estimate(count: float | None, estimate: float | None, *, per: int = 100) -> float | None:
    """count per `per` people of an estimated population, rounded to 0.1; None without a count or an estimate."""
    if count is None or estimate is None or pd.isna(count) or pd.isna(estimate) or estimate <= 0:
        return None
    return round(per * float(count) / float(estimate), 1)


def rate_range(count: float | None, low: float | None, high: float | None, *,
               per: int = 100) -> tuple[float | None, float | None]:
    """The rate's range from the estimate's bounds: a high estimate gives the low rate; None where a bound is missing."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return None, None
    return per_estimate(count, high, per=per), per_estimate(count, low, per=per)


def estimates(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every population size estimate with its source (for the About page and for rates)."""
    return db.run(conn, "estimates")


def estimate_in(every: pd.DataFrame, region: str, year: int) -> pd.Series | None:
    """The estimate that applies to a region in a year: its latest from that year or before; None when there is none."""
    rows = every[(every["region"] == region) & (every["year"] <= year)]
    return None if rows.empty else rows.sort_values("year").iloc[-1]


def _with_rate(counts: pd.DataFrame, count: str, every: pd.DataFrame, years: pd.Series) -> pd.DataFrame:
    """counts with the applying estimate (estimate_year, estimate, low, high, source) and rate, rate_low, rate_high.

    Each row's estimate is found as estimate_in finds it (the region's latest from that year or before),
    for all rows at once: an as-of join on the year, by region.
    """
    found = every.rename(columns={"year": "estimate_year"}).astype(
        {"region": "string", "estimate_year": "int64", "estimate": "float64", "low": "float64", "high": "float64"})
    rows = pd.DataFrame({"region": counts["region"].to_numpy(), "year": years.astype("int64").to_numpy(),
                         "order": range(len(counts))}).astype({"region": "string"})
    joined = pd.merge_asof(rows.sort_values("year"), found.sort_values("estimate_year"), left_on="year",
                           right_on="estimate_year", by="region", direction="backward").sort_values("order")
    values = counts[count].tolist()
    bounds = [rate_range(v, lo, hi) for v, lo, hi in zip(values, joined["low"], joined["high"], strict=True)]
    rates = {
        "estimate_year": joined["estimate_year"].to_numpy(dtype=float), "estimate": joined["estimate"].to_numpy(),
        "low": joined["low"].to_numpy(), "high": joined["high"].to_numpy(),
        "rate": [per_estimate(v, e) for v, e in zip(values, joined["estimate"], strict=True)],
        "rate_low": [low for low, _high in bounds], "rate_high": [high for _low, high in bounds],
    }
    return counts.assign(**{name: pd.Series(column, index=counts.index, dtype=float) for name, column in rates.items()},
                         source=pd.Series(joined["source"].to_numpy(), index=counts.index, dtype=object))


def region_rates(conn: duckdb.DuckDBPyConnection, filters: Filters, metric: str) -> pd.DataFrame:
    """Per selected region, a rate metric with its range: code, count, estimate_year, estimate, low, high, value,
    value_low, value_high (NaN where the region has no estimate, or no reach for coverage)."""
    frame = db.run(conn, "region_summary", **filters.sql_params())
    if metric == "cases_per_100":
        count = frame["cases"].astype(float)
    elif metric == "coverage_of_estimate":
        count = frame["reached"].astype(float) / frame["reach_quarters"].where(frame["reach_quarters"] > 0)
    else:
        raise ValueError(f"not a rate metric: {metric!r}; known: {', '.join(RATE_METRICS)}")
    counts = pd.DataFrame({"region": frame["code"], "count": count})
    year = pd.Series(pd.Timestamp(filters.month_to).year, index=counts.index)
    rated = _with_rate(counts, "count", estimates(conn), year)
    return rated.rename(columns={"region": "code", "rate": "value", "rate_low": "value_low",
                                 "rate_high": "value_high"})


def rate_series(conn: duckdb.DuckDBPyConnection, filters: Filters, *, metric: str, grain: str) -> pd.DataFrame:
    """A rate per period and chosen region: period, region, count, estimate_year, estimate, low, high, rate,
    rate_low, rate_high. Each period's estimate is the region's latest from its year or before."""
    if metric == "cases_per_100":
        frame = db.run(conn, "cases_by_period_and_perpetrator", grain=grain, by_region=True, **filters.sql_params())
        # Perpetrators partition cases, so their sum counts each case once.
        counts = frame.groupby(["period", "region"], as_index=False)["cases"].sum().rename(columns={"cases": "count"})
    elif metric == "coverage_of_estimate":
        frame = db.run(conn, "reach_by_quarter", by_region=True, **filters.sql_params())
        counts = frame[["quarter", "region", "reached"]].rename(columns={"quarter": "period", "reached": "count"})
    else:
        raise ValueError(f"not a rate metric: {metric!r}; known: {', '.join(RATE_METRICS)}")
    counts = counts.sort_values(["period", "region"]).reset_index(drop=True)
    return _with_rate(counts, "count", estimates(conn), pd.to_datetime(counts["period"]).dt.year)


def summary(conn: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, Any]:
    """The headline figures for the filters, as the command line prints them."""
    params = filters.sql_params()
    cases = db.run(conn, "case_totals", **params).iloc[0]
    by_type = db.run(conn, "cases_by_type", **params)
    by_perpetrator = db.run(conn, "cases_by_perpetrator", **params)
    raids = db.run(conn, "raid_totals", **params).iloc[0]
    detentions = db.run(conn, "detention_totals", **params).iloc[0]
    reach = db.run(conn, "reach_totals", **params).iloc[0]
    has_reach = int(reach["quarters"]) > 0
    planned = int(reach["planned"]) if has_reach else 0
    reached = int(reach["reached"]) if has_reach else 0
    return {
        "cases": int(cases["cases"]),
        "cases_by_type": {r.violation_type: int(r.cases) for r in by_type.itertuples()},
        "cases_by_perpetrator": {r.perpetrator: int(r.cases) for r in by_perpetrator.itertuples()},
        "raids": int(raids["raid_events"]),
        "people_detained_in_raids": int(raids["people_detained_in_raids"]),
        "detentions": int(detentions["detentions"]),
        "planned": planned,
        "reached": reached,
        "coverage_pct": coverage_pct(planned, reached) if has_reach else None,
    }


def change(current: float | None, previous: float | None) -> float | None:
    """Percentage change from previous to current; None where it is undefined."""
    if current is None or previous is None or previous == 0:
        return None
    return round(100.0 * (current - previous) / previous, 1)


def region_values(conn: duckdb.DuckDBPyConnection, filters: Filters, metric: str,
                  violation_type: str | None = None) -> pd.DataFrame:
    """One value per selected region for a map metric: columns code, value (NaN = no data)."""
    if metric not in MAP_METRICS:
        raise ValueError(f"unknown map metric {metric!r}; known: {', '.join(MAP_METRICS)}")
    if metric == "cases_of_type":
        if violation_type is None:
            raise ValueError("the metric cases_of_type needs a violation type")
        filters = replace(filters, types=(violation_type,))
    if metric in RATE_METRICS:
        return region_rates(conn, filters, metric)
    frame = db.run(conn, "region_summary", **filters.sql_params())
    if metric in ("cases", "cases_of_type"):
        values = frame["cases"].astype(float)
    elif metric == "coverage_pct":
        values = pd.Series(
            [coverage_pct(p, r) for p, r in zip(frame["planned"], frame["reached"], strict=True)], dtype=float
        ).fillna(np.nan)
    elif metric == "reached":
        values = frame["reached"].where(frame["reach_quarters"] > 0).astype(float)
    else:
        values = frame[metric].astype(float)
    return pd.DataFrame({"code": frame["code"], "value": values.to_numpy()})


def cases_series(conn: duckdb.DuckDBPyConnection, filters: Filters, *, by: str, grain: str,
                 by_region: bool) -> pd.DataFrame:
    """Cases per period, split by violation type or by perpetrator: columns period, region, category, cases."""
    query = {"type": "cases_by_period_and_type", "perpetrator": "cases_by_period_and_perpetrator"}[by]
    frame = db.run(conn, query, grain=grain, by_region=by_region, **filters.sql_params())
    return frame.rename(columns={"violation_type": "category", "perpetrator": "category"})


def raids_series(conn: duckdb.DuckDBPyConnection, filters: Filters, *, grain: str, by_region: bool) -> pd.DataFrame:
    """Raids, people detained in raids, and detentions per period."""
    return db.run(conn, "raids_by_period", grain=grain, by_region=by_region, **filters.sql_params())


def reach_series(conn: duckdb.DuckDBPyConnection, filters: Filters, *, by_region: bool) -> pd.DataFrame:
    """Planned, reached and coverage per quarter."""
    return db.run(conn, "reach_by_quarter", by_region=by_region, **filters.sql_params())


def events(conn: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The dated annotations in the period that concern the chosen regions or the whole country."""
    return db.run(conn, "events_in_period", **filters.sql_params())


def all_events(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every dated annotation, for events_in to filter (the app reads them once per database)."""
    return db.run(conn, "events")


def events_in(every: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """What events(conn, filters) returns, taken from all_events(conn) without a query."""
    params = filters.sql_params()
    month_from, month_to = pd.Timestamp(params["month_from"]), pd.Timestamp(params["month_to"])
    dates = pd.to_datetime(every["event_date"])
    chosen = ((dates >= month_from) & (dates < month_to + pd.DateOffset(months=1))
              & (every["region"].isna() | every["region"].isin(list(params["regions"]))))
    return every[chosen].reset_index(drop=True)


def dataset_meta(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Facts about the loaded dataset, such as whether it is the synthetic sample."""
    frame = db.run(conn, "dataset_meta")
    return dict(zip(frame["key"], frame["value"], strict=True))


def regions(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return db.run(conn, "regions")


def data_span(conn: duckdb.DuckDBPyConnection) -> tuple[Any, Any]:
    """The first and last month that hold any data (None, None when empty)."""
    row = db.run(conn, "data_span").iloc[0]
    return (None if pd.isna(row["first_month"]) else row["first_month"],
            None if pd.isna(row["last_month"]) else row["last_month"])


def follow_database(path: str | os.PathLike) -> None:
    """Make the filters follow the period of one database file, read now (scripts such as the benchmarks)."""
    conn = db.connect(Path(path))
    try:
        span = data_span(conn)
    finally:
        conn.close()
    period.follow(lambda: span)
