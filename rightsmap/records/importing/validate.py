"""Check every row of a raw table, column by column; keep the parsed values in table `checked`.

Each distinct text of a column is converted once, in Python (values.py), into
a lookup table; rows are then checked and parsed by joining on it, as
set-based SQL. An error names the row and the column and says what is wrong,
never what the cell holds. The SQL is built from column numbers and fixed
names only; no cell's text is ever formatted into it.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

import pyarrow as pa

from rightsmap.domain import config, plaintext
from rightsmap.domain.vocab import N_
from rightsmap.records.importing import screen, values
from rightsmap.records.importing.columns import (
    COUNT,
    DATE,
    KINDS,
    PERIOD,
    PERPETRATOR,
    PLACE,
    TITLE,
    TYPES,
    YEAR,
    YESNO,
    Column,
    match_header,
)
from rightsmap.records.importing.readers import FileProblem, RawTable

MAX_LISTED_ERRORS = 10_000
HEADER_SHOWN = 60
_TYPES = {DATE: pa.date32(), COUNT: pa.int64(), YESNO: pa.bool_(), PLACE: pa.string(),
          TYPES: pa.list_(pa.string()), PERPETRATOR: pa.string(), PERIOD: pa.date32(), YEAR: pa.int64()}

# Reasons written into SQL as literals (English templates, translated where shown; no quotes inside).
MISSING = N_("missing")
TOO_LONG = N_("longer than {maximum} characters").format(maximum=values.MAX_CELL)
DAYS_WITHOUT_DETENTION = N_("detention days given, but detained is no")
NO_TITLE = N_("needs a title in at least one language")
NO_ESTIMATE = N_("an estimate of 0: nothing can be divided by it")
LOW_ABOVE = N_("the low bound is above the estimate")
HIGH_BELOW = N_("the high bound is below the estimate")
SECOND_ESTIMATE = N_("a second estimate for the same region and year in this file")


@dataclass
class Checked:
    """The outcome of checking: errors (at most MAX_LISTED_ERRORS listed), and `checked` when there are none."""

    kind: str
    rows: int
    found: dict[str, int]
    dropped_columns: list[str]
    errors: list[dict] = field(default_factory=list)
    errors_total: int = 0
    warnings: list[str] = field(default_factory=list)


def shown_header(header: str) -> str:
    text = " ".join(header.split())
    return text if len(text) <= HEADER_SHOWN else text[:HEADER_SHOWN - 1] + "…"


def match_columns(raw: RawTable, kind: str) -> Checked:
    """Which file column holds which known column; header problems as row-1 errors."""
    found: dict[str, int] = {}
    dropped: list[str] = []
    errors: list[dict] = []
    for index, header in enumerate(raw.headers):
        column = match_header(kind, header) if header.strip() else None
        if column is None:
            dropped.append(shown_header(header) if header.strip()
                           else N_("(column {number}, no header)").format(number=index + 1))
        elif column.name in found:
            errors.append({"row": 1, "column": shown_header(header),
                           "reason": N_("a second column for {column}").format(column=column.name)})
        else:
            found[column.name] = index
    if not found:
        # The first row may be data, not headers: list nothing from it.
        raise FileProblem(N_("no column of a {kind} file was recognised; compare the headers with "
                             "`python -m rightsmap template {kind2}`, and save the file as UTF-8 or Windows-1251 CSV")
                          .format(kind=kind, kind2=kind))
    for column in KINDS[kind]:
        if column.required and column.name not in found:
            errors.append({"row": 1, "column": column.name, "reason": N_("required column is missing")})
    if kind == "events" and not {"title_ru", "title_en", "title_ky"} & found.keys():
        errors.append({"row": 1, "column": "title_ru", "reason": N_("needs at least one of title_ru, title_en, title_ky")})
    return Checked(kind, raw.rows, found, dropped, errors, len(errors))


def _converter(column: Column, today: dt.date):
    convert = {
        DATE: functools.partial(values.date, today=today),
        COUNT: functools.partial(values.count, maximum=column.maximum),
        YESNO: values.yes_no, PLACE: values.place, TYPES: values.violation_types,
        PERPETRATOR: values.perpetrator, PERIOD: values.period, YEAR: values.year,
    }[column.reads]
    return values.screened(convert, numeric=column.reads in (COUNT, DATE, YEAR))


def check(raw: RawTable, kind: str, *, today: dt.date | None = None) -> Checked:
    """Check every cell; on success the connection holds table `checked` with columns row and v_<name>."""
    result = match_columns(raw, kind)
    if raw.structure_errors:
        result.errors = raw.structure_errors[:MAX_LISTED_ERRORS] + result.errors
        result.errors_total += len(raw.structure_errors)
        return result
    if result.errors:
        return result
    if raw.rows == 0:
        raise FileProblem(N_("the file has a header but no rows"))
    today = today or dt.date.today()
    conn, columns = raw.conn, {c.name: c for c in KINDS[kind]}
    selects, joins, reasons = ["raw.row"], [], {}
    for name, index in result.found.items():
        column, cell = columns[name], f"raw.c{index}"
        missing = f"'{MISSING}'" if column.required else "NULL"
        if column.reads == TITLE:
            selects.append(f"{cell} AS v_{name}")
            reasons[index] = (f"CASE WHEN {cell} IS NULL THEN {missing} "
                              f"WHEN length({cell}) > {values.MAX_CELL} THEN '{TOO_LONG}' "
                              f"WHEN {_has_controls(cell)} THEN '{values.CONTROL}' "
                              f"WHEN left(ltrim({cell}), 1) IN ('=', '+', '-', '@') THEN '{values._FORMULA}' END")
            continue
        _lookup(conn, name, index, _converter(column, today), _TYPES[column.reads])
        selects.append(f"lk_{name}.value AS v_{name}")
        joins.append(f"LEFT JOIN lk_{name} ON lk_{name}.text = {cell}")
        reasons[index] = f"CASE WHEN {cell} IS NULL THEN {missing} ELSE lk_{name}.reason END"
    problems = ", ".join(f"{reason} AS e{index}" for index, reason in sorted(reasons.items()))
    conn.execute(f"CREATE OR REPLACE TABLE checked AS SELECT {', '.join(selects)}, {problems} "  # noqa: S608
                 f"FROM raw {' '.join(joins)}")
    # One branch per known column: a branch per file column made a wide file cost memory by its square.
    parts = [f"SELECT row, {i} AS ord, e{i} AS reason FROM checked WHERE e{i} IS NOT NULL"  # noqa: S608
             for i in sorted(reasons)]
    parts += _dropped_too_long(len(raw.headers), set(reasons))
    parts += _row_rules(kind, result.found)
    parts += _title_rules(conn, kind, result.found)
    conn.execute(f"CREATE OR REPLACE TABLE errors AS {' UNION ALL '.join(parts)}")
    result.errors_total = conn.execute("SELECT count(*) FROM errors").fetchall()[0][0]
    listed = conn.execute("SELECT row, ord, reason FROM errors ORDER BY row, ord LIMIT $most",
                          {"most": MAX_LISTED_ERRORS}).fetchall()
    result.errors = [{"row": int(row), "column": _column_label(raw, ord_), "reason": reason}
                     for row, ord_, reason in listed]
    if not result.errors_total:
        result.warnings = _warnings(conn, kind)
    return result


def _column_label(raw: RawTable, index: int) -> str:
    header = raw.headers[index]
    return shown_header(header) if header.strip() else f"(column {index + 1})"


def _lookup(conn, name: str, index: int, convert, value_type: pa.DataType) -> None:
    """Convert each distinct text of column c<index> once, into table lk_<name>(text, value, reason)."""
    texts = [t for (t,) in conn.execute(f"SELECT DISTINCT c{index} FROM raw WHERE c{index} IS NOT NULL").fetchall()]  # noqa: S608
    mapped = [convert(t) for t in texts]
    lookup = pa.table({"text": pa.array(texts, pa.string()),  # noqa: F841 - read by DuckDB below
                       "value": pa.array([m[0] for m in mapped], value_type),
                       "reason": pa.array([m[1] for m in mapped], pa.string())})
    conn.execute(f"CREATE OR REPLACE TABLE lk_{name} AS SELECT * FROM lookup")  # noqa: S608


def _has_controls(cell: str) -> str:
    """SQL: whether the cell holds a control character (the pattern is a constant, never a cell's text)."""
    return f"regexp_matches({cell}, '{plaintext.CONTROL_RE2}')"


def _dropped_too_long(width: int, known: set[int]) -> list[str]:
    """Columns that are dropped are still checked for size, all in one scan: a huge cell is a mistake somewhere."""
    dropped = [i for i in range(width) if i not in known]
    if not dropped:
        return []
    oversized = ", ".join(f"CASE WHEN length(c{i}) > {values.MAX_CELL} THEN {i} END" for i in dropped)
    return [f"SELECT row, ord, '{TOO_LONG}' AS reason FROM (SELECT row, unnest(list_filter([{oversized}], "  # noqa: S608
            "lambda x: x IS NOT NULL)) AS ord FROM raw)"]


def _row_rules(kind: str, found: dict[str, int]) -> list[str]:
    """Checks across the columns of one row."""
    rules = []
    if kind == "cases" and {"detained", "detention_days"} <= found.keys():
        rules.append(f"SELECT row, {found['detention_days']} AS ord, '{DAYS_WITHOUT_DETENTION}' "  # noqa: S608
                     "AS reason FROM checked WHERE v_detained = false AND v_detention_days > 0")
    titles = [n for n in ("title_ru", "title_en", "title_ky") if n in found]
    if kind == "events" and titles:
        rules.append(f"SELECT row, {min(found[n] for n in titles)} AS ord, '{NO_TITLE}' "  # noqa: S608
                     f"AS reason FROM checked WHERE {' AND '.join(f'v_{n} IS NULL' for n in titles)}")
    if kind == "estimates":
        rules += _estimate_rules(found)
    return rules


def _estimate_rules(found: dict[str, int]) -> list[str]:
    """An estimate is a denominator: above 0, inside its bounds, and one per region and year."""
    at = found["estimate"]
    rules = [f"SELECT row, {at} AS ord, '{NO_ESTIMATE}' AS reason FROM checked WHERE v_estimate = 0",  # noqa: S608
             f"SELECT row, {found['region']} AS ord, '{SECOND_ESTIMATE}' AS reason FROM ("  # noqa: S608
             "SELECT row, row_number() OVER (PARTITION BY v_region, v_year ORDER BY row) AS nth FROM checked "
             "WHERE v_region IS NOT NULL AND v_year IS NOT NULL) WHERE nth > 1"]
    if "low" in found:
        rules.append(f"SELECT row, {found['low']} AS ord, '{LOW_ABOVE}' AS reason "  # noqa: S608
                     "FROM checked WHERE v_low > v_estimate")
    if "high" in found:
        rules.append(f"SELECT row, {found['high']} AS ord, '{HIGH_BELOW}' AS reason "  # noqa: S608
                     "FROM checked WHERE v_high < v_estimate")
    return rules


def _title_rules(conn, kind: str, found: dict[str, int]) -> list[str]:
    """Event titles that look like they describe a person (rightsmap.records.importing.screen), one error per cell."""
    rules = []
    for name in ("title_ru", "title_en", "title_ky"):
        if kind != "events" or name not in found:
            continue
        texts = [t for (t,) in conn.execute(f"SELECT DISTINCT v_{name} FROM checked WHERE v_{name} IS NOT NULL")  # noqa: S608
                 .fetchall()]
        screened = pa.table({"text": pa.array(texts, pa.string()),  # noqa: F841 - read by DuckDB below
                             "reason": pa.array([screen.title_problem(t) for t in texts], pa.string())})
        conn.execute(f"CREATE OR REPLACE TABLE screen_{name} AS SELECT * FROM screened WHERE reason IS NOT NULL")  # noqa: S608
        rules.append(f"SELECT checked.row, {found[name]} AS ord, screen_{name}.reason FROM checked "  # noqa: S608
                     f"JOIN screen_{name} ON screen_{name}.text = checked.v_{name}")
    return rules


def _warnings(conn, kind: str) -> list[str]:
    if kind == "estimates":  # a year, not a month: the period settings do not apply
        return []
    when = "v_period" if kind == "coverage" else "v_date"
    # The filters offer the data's own period, so only a period set in the settings can leave rows out.
    if not (config.FIRST_MONTH or config.LAST_MONTH):
        return []
    first, last = (config.FIRST_MONTH or "0001-01") + "-01", (config.LAST_MONTH or "9999-12") + "-01"
    outside = conn.execute(  # when is one of two column names, never input
        f"SELECT count(*) FROM checked WHERE date_trunc('month', {when}) NOT BETWEEN $first::DATE AND $last::DATE",  # noqa: S608
        {"first": first, "last": last}).fetchall()[0][0]
    if not outside:
        return []
    return [N_("{count} rows fall outside {first} to {last}, the period set by RIGHTSMAP_FIRST_MONTH and "
               "RIGHTSMAP_LAST_MONTH: they are stored, and shown once those settings are widened or "
               "removed").format(count=f"{outside:,}", first=config.FIRST_MONTH or "…", last=config.LAST_MONTH or "…")]
