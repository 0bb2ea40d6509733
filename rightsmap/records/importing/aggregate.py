"""Coarsen checked rows to region and month (quarter for reach) and count them into the schema's tables."""

from __future__ import annotations

import duckdb
import pyarrow as pa

# For each kind, the tables it adds to and the SQL over `checked` that gives
# their rows, in the table's column order without batch_id.
_SQL: dict[str, dict[str, str]] = {
    "cases": {
        "cases": """
            SELECT v_place AS region, date_trunc('month', v_date)::DATE AS month, v_perpetrator AS perpetrator,
                   v_violation_types AS violation_types, count(*)::INTEGER AS cases,
                   coalesce(sum({extorted}), 0)::BIGINT AS extorted_som
            FROM checked GROUP BY ALL ORDER BY ALL""",
        "detentions": """
            SELECT v_place AS region, date_trunc('month', v_date)::DATE AS month,
                   count(*)::INTEGER AS cases_with_detention, coalesce(sum({days}), 0)::INTEGER AS detention_days
            FROM checked WHERE {detained} GROUP BY ALL ORDER BY ALL""",
    },
    "raids": {
        "raids": """
            SELECT v_place AS region, date_trunc('month', v_date)::DATE AS month, count(*)::INTEGER AS raid_events,
                   sum(v_people_detained)::INTEGER AS people_detained
            FROM checked GROUP BY ALL ORDER BY ALL""",
    },
    "coverage": {
        "reach": """
            SELECT v_region AS region, v_period AS quarter, sum(v_planned)::INTEGER AS planned,
                   sum(v_reached)::INTEGER AS reached, sum({hiv_tests})::INTEGER AS hiv_tests,
                   sum({condoms})::INTEGER AS condoms, sum({consultations})::INTEGER AS consultations
            FROM checked GROUP BY ALL ORDER BY ALL""",
    },
    "events": {
        "events": """
            SELECT date_trunc('month', v_date)::DATE AS event_date, {place} AS region, {title_en} AS title_en,
                   {title_ru} AS title_ru, {title_ky} AS title_ky, coalesce({public}, false) AS public
            FROM checked ORDER BY ALL""",
    },
    "estimates": {
        "estimates": """
            SELECT v_region AS region, v_year::INTEGER AS year, v_estimate::INTEGER AS estimate,
                   {low}::INTEGER AS low, {high}::INTEGER AS high, v_source AS source, v_source_note AS source_note
            FROM checked ORDER BY ALL""",
    },
}

TABLES = ("cases", "detentions", "raids", "reach", "events", "estimates")


def aggregates(conn: duckdb.DuckDBPyConnection, kind: str, found: set[str]) -> dict[str, pa.Table]:
    """The rows this import adds, per table."""
    def present(name: str, otherwise: str = "NULL") -> str:
        return f"v_{name}" if name in found else otherwise

    days = present("detention_days", "0")
    # Without a yes/no, a case with days of detention was a detention.
    detained = f"coalesce(v_detained, {days} > 0)" if "detained" in found else f"{days} > 0"
    fields = {
        "extorted": present("extorted_som", "0"), "days": days, "detained": detained,
        "hiv_tests": present("hiv_tests"), "condoms": present("condoms"), "consultations": present("consultations"),
        "place": present("place"), "title_en": present("title_en"), "title_ru": present("title_ru"),
        "title_ky": present("title_ky"), "public": present("public", "false"),
        "low": present("low"), "high": present("high"),
    }
    return {table: conn.sql(sql.format(**fields)).to_arrow_table() for table, sql in _SQL[kind].items()}
