"""Column mappings: read another system's export (REAct, an NGO's own sheet) as one of rightsmap's kinds.

A mapping is a small TOML or JSON file:

    kind = "cases"                         # optional: the kind of file it describes
    [columns]                              # rightsmap's column = the file's header
    date = "Incident date"
    appeal_date = "Date of appeal"         # optional: counted by when the incident was missing
    place = "Location"
    violation_types = "Violation"
    perpetrator = "Perpetrator"
    [split]
    violation_types = "|"                  # several values in one cell, separated by this
    [dates]
    formats = ["%m/%d/%Y"]                 # Python strptime formats, tried before rightsmap's own
    [values.violation_types]               # the file's value = rightsmap's code
    "Money extortion" = "extortion"
    [values.perpetrator]
    "Law enforcement" = "police"

Applying it rewrites the in-memory raw table before the usual checks (validate.py), so a mapped file is
checked exactly as a template is. Each distinct text is rewritten once, in Python; no cell's text is
formatted into SQL or quoted in a message.

Two dates: a file may hold the incident's date and the date it was reported (the appeal). rightsmap
counts by the incident; where a row has none, by the appeal, with a warning. Files whose headers say
"incident date" and "appeal date" in English, Russian or Kyrgyz are read so without a mapping.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from rightsmap.domain.vocab import N_, PERPETRATORS, REGION_CODES, VIOLATION_TYPES
from rightsmap.records.importing.columns import (
    DATE,
    KINDS,
    PERPETRATOR,
    PLACE,
    TYPES,
    YESNO,
    header_key,
    match_header,
)
from rightsmap.records.importing.readers import FileProblem, RawTable

APPEAL = "appeal_date"
MAX_MAPPING_BYTES = 256 * 1024
# Built-in headers for the two dates (compared after header_key), so such files need no mapping.
INCIDENT_HEADERS = ("incident date", "incident_date", "date of incident", "дата инцидента", "дата нарушения",
                    "дата происшествия", "дата случая", "окуянын күнү", "укук бузуунун күнү")
APPEAL_HEADERS = ("appeal date", "appeal_date", "date of appeal", "date reported", "дата обращения",
                  "дата заявления", "кайрылуу күнү", "кайрылган күнү")
_CODES = {TYPES: tuple(VIOLATION_TYPES), PERPETRATOR: tuple(PERPETRATORS), PLACE: REGION_CODES,
          YESNO: ("yes", "no")}
_TOP = {"kind", "columns", "split", "dates", "values"}
_DEFAULT_SPLIT = re.compile(r"[;,]")  # how the usual checks split several types in a cell
# The appeal's header once it is read: no known column, so validate drops it and lists it as dropped.
APPEAL_READ = N_("appeal date (counted where the incident date is missing)")


class MappingError(ValueError):
    """A mapping file that cannot be used; the message says what to fix."""


class MappingProblem(FileProblem):
    """The file does not fit its mapping (a header the mapping names is missing)."""


@dataclass(frozen=True)
class Mapping:
    kind: str  # set by the file or by the caller (parse refuses neither)
    columns: dict[str, str] = field(default_factory=dict)  # rightsmap column -> the file's header
    split: dict[str, str] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> value key -> code


def value_key(text: str) -> str:
    return " ".join(text.strip().lower().replace("ё", "е").split())


def load(path: str | Path, kind: str | None = None) -> Mapping:
    """Read and check a mapping file; MappingError with a one-line reason otherwise."""
    path = Path(path)
    if not path.is_file():
        raise MappingError(N_("mapping: no file at {path}").format(path=path))
    if path.stat().st_size > MAX_MAPPING_BYTES:
        raise MappingError(N_("mapping: {path} is larger than 256 KB; a mapping is a short text file").format(path=path))
    return parse(path.read_bytes(), name=path.name, kind=kind)


def parse(data: bytes, *, name: str = "mapping", kind: str | None = None) -> Mapping:
    """A mapping from the bytes of a TOML or JSON file (JSON when it starts with '{')."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MappingError(N_("mapping {name}: not UTF-8 text").format(name=name)) from None
    if text.lstrip().startswith("{"):
        try:
            spec = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MappingError(N_("mapping {name}: not valid JSON (line {line}: {problem})").format(
                name=name, line=exc.lineno, problem=exc.msg)) from None
    else:
        try:
            spec = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise MappingError(N_("mapping {name}: not valid TOML ({problem})").format(
                name=name, problem=str(exc)[:120])) from None
    if not isinstance(spec, dict):
        raise MappingError(N_("mapping {name}: expected a table of settings").format(name=name))
    return _checked(spec, name, kind)


def _checked(spec: dict, name: str, kind: str | None) -> Mapping:
    def fail(message: str, **values: object) -> MappingError:
        return MappingError(N_("mapping {name}: {problem}").format(name=name, problem=message.format(**values)))

    unknown = sorted(set(spec) - _TOP)
    if unknown:
        raise fail(N_("unknown setting {keys}; use kind, columns, split, dates, values"), keys=", ".join(unknown))
    declared = spec.get("kind")
    if declared is not None and declared not in KINDS:
        raise fail(N_("kind {kind} is not one of {kinds}"), kind=repr(declared)[:40], kinds=", ".join(KINDS))
    if kind and declared and declared != kind:
        raise fail(N_("it describes a {declared} file, not a {kind} file"), declared=declared, kind=kind)
    kind = kind or declared
    if kind is None:
        raise fail(N_("say which kind of file it describes: kind = \"cases\""))
    known = {c.name: c for c in KINDS[kind]}
    has_date = any(c.reads == DATE for c in known.values())
    columns = spec.get("columns", {})
    if not isinstance(columns, dict) or not columns:
        raise fail(N_("[columns] must map rightsmap's columns to the file's headers, such as date = \"Incident date\""))
    for column, header in columns.items():
        if column not in known and not (column == APPEAL and has_date):
            raise fail(N_("[columns] {column} is not a column of a {kind} file; use {known}"), column=column,
                       kind=kind, known=", ".join([*known, *([APPEAL] if has_date else [])]))
        if not isinstance(header, str) or not header.strip():
            raise fail(N_("[columns] {column} must be the file's header, as text"), column=column)
    headers = [header_key(h) for h in columns.values()]
    if len(set(headers)) < len(headers):
        raise fail(N_("[columns] names one header for two columns"))
    split = spec.get("split", {})
    if not isinstance(split, dict) or any(k != "violation_types" for k in split):
        raise fail(N_("[split] is only for violation_types, such as violation_types = \"|\""))
    for separator in split.values():
        if not isinstance(separator, str) or not 1 <= len(separator) <= 3:
            raise fail(N_("[split] violation_types must be one to three characters, such as \"|\""))
    dates = spec.get("dates", {})
    formats = dates.get("formats", []) if isinstance(dates, dict) else None
    if formats is None or set(dates) - {"formats"} or not isinstance(formats, list):
        raise fail(N_("[dates] takes formats = [\"%d/%m/%Y\", …]"))
    for fmt in formats:
        if not isinstance(fmt, str) or "%" not in fmt or not _usable_format(fmt):
            raise fail(N_("[dates] {format} is not a date format such as \"%d/%m/%Y\""), format=repr(fmt)[:30])
    value_maps = spec.get("values", {})
    if not isinstance(value_maps, dict):
        raise fail(N_("[values] must hold one table per column, such as [values.perpetrator]"))
    checked_values: dict[str, dict[str, str]] = {}
    for column, table in value_maps.items():
        reads = known[column].reads if column in known else None
        if reads not in _CODES:
            raise fail(N_("[values.{column}]: only violation_types, perpetrator, place and yes/no columns map "
                          "values"), column=column)
        if not isinstance(table, dict):
            raise fail(N_("[values.{column}] must map the file's values to codes"), column=column)
        for code in table.values():
            if code not in _CODES[reads]:
                raise fail(N_("[values.{column}] maps to {code}, which is not one of {codes}"), column=column,
                           code=repr(code)[:40], codes=", ".join(_CODES[reads]))
        checked_values[column] = {value_key(v): c for v, c in table.items()}
    return Mapping(kind=kind, columns={c: h for c, h in columns.items()}, split=dict(split),
                   date_formats=tuple(formats), values=checked_values)


def _usable_format(fmt: str) -> bool:
    try:
        sample = dt.date(2021, 11, 23).strftime(fmt)
        dt.datetime.strptime(sample, fmt)
    except ValueError:
        return False
    return True


def apply(raw: RawTable, kind: str, mapping: Mapping | None = None) -> list[str]:
    """Rewrite the raw table as the mapping says, and take the two dates apart; returns warnings."""
    if mapping is not None:
        by_header = {header_key(h): i for i, h in enumerate(raw.headers)}
        missing = [h for h in mapping.columns.values() if header_key(h) not in by_header]
        if missing:
            raise MappingProblem(N_("the mapping names the header {header}, which the file does not have")
                                 .format(header=_shown(missing[0])))
        for column, header in mapping.columns.items():
            raw.headers[by_header[header_key(header)]] = column
        found = _found(raw, kind)
        for column, table in mapping.values.items():
            if column in found:
                separator = mapping.split.get(column) or (_DEFAULT_SPLIT if column == "violation_types" else None)
                _rewrite(raw, found[column], lambda text, t=table, s=separator: _mapped(text, t, s))
        if mapping.split.get("violation_types") and "violation_types" not in mapping.values:
            separator = mapping.split["violation_types"]
            index = _found(raw, kind).get("violation_types")
            if index is not None:
                _rewrite(raw, index, lambda text: ";".join(p.strip() for p in text.split(separator) if p.strip()))
    return _two_dates(raw, kind, mapping.date_formats if mapping else ())


def _shown(header: str) -> str:
    text = " ".join(header.split())
    return repr(text if len(text) <= 60 else text[:59] + "…")


def _found(raw: RawTable, kind: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, header in enumerate(raw.headers):
        column = match_header(kind, header) if header.strip() else None
        if column is not None:
            found.setdefault(column.name, index)
        elif header == APPEAL:
            found.setdefault(APPEAL, index)
    return found


def _mapped(text: str, table: dict[str, str], separator: str | re.Pattern | None) -> str:
    """The cell with each of its values mapped (a whole cell that is one mapped value stays one)."""
    if value_key(text) in table or separator is None:
        return table.get(value_key(text), text)
    parts = separator.split(text) if isinstance(separator, re.Pattern) else text.split(separator)
    return ";".join(table.get(value_key(p), p.strip()) for p in parts if p.strip())


def _rewrite(raw: RawTable, index: int, convert) -> None:
    """Replace each distinct text of column c<index> by convert(text), once per text."""
    conn = raw.conn
    texts = [t for (t,) in conn.execute(f"SELECT DISTINCT c{index} FROM raw WHERE c{index} IS NOT NULL").fetchall()]  # noqa: S608
    pairs = [(t, convert(t)) for t in texts]
    changed = [(t, m) for t, m in pairs if m != t]
    if not changed:
        return
    rewrite = pa.table({"text": pa.array([t for t, _ in changed], pa.string()),  # noqa: F841 - read by DuckDB
                        "mapped": pa.array([m for _, m in changed], pa.string())})
    _materialise(conn)
    conn.execute(f"UPDATE raw SET c{index} = rewrite.mapped FROM rewrite WHERE raw.c{index} = rewrite.text")  # noqa: S608


def _materialise(conn) -> None:
    """Make `raw` a table that can be updated (a CSV's raw is a view over the scanned file)."""
    if conn.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'raw' AND NOT internal").fetchall()[0][0]:
        conn.execute("CREATE TABLE raw_rewritten AS SELECT * FROM raw")
        conn.execute("DROP VIEW raw")
        conn.execute("ALTER TABLE raw_rewritten RENAME TO raw")


def _iso(formats: tuple[str, ...]):
    def convert(text: str) -> str:
        for fmt in formats:
            try:
                return dt.datetime.strptime(text.strip(), fmt).date().isoformat()
            except ValueError:
                continue
        return text  # left for the usual checks to read, or to refuse

    return convert


def _two_dates(raw: RawTable, kind: str, formats: tuple[str, ...]) -> list[str]:
    keys = [header_key(h) for h in raw.headers]
    found = _found(raw, kind)
    incident = found.get("date")
    if incident is None:
        incident = next((i for i, k in enumerate(keys) if k in INCIDENT_HEADERS), None)
        if incident is not None:
            raw.headers[incident] = "date"
    appeal = found.get(APPEAL)
    if appeal is None:
        appeal = next((i for i, k in enumerate(keys) if k in APPEAL_HEADERS), None)
    for index in (incident, appeal):
        if index is not None and formats:
            _rewrite(raw, index, _iso(formats))
    if appeal is None:
        return []
    raw.headers[appeal] = APPEAL_READ
    if incident is None:
        raw.headers[appeal] = "date"
        return [N_("the file has no incident date: every row is counted by its appeal date")]
    conn = raw.conn
    fallback = conn.execute(f"SELECT count(*) FROM raw WHERE nullif(trim(c{incident}), '') IS NULL "  # noqa: S608
                            f"AND nullif(trim(c{appeal}), '') IS NOT NULL").fetchall()[0][0]
    if not fallback:
        return []
    _materialise(conn)
    conn.execute(f"UPDATE raw SET c{incident} = c{appeal} WHERE nullif(trim(c{incident}), '') IS NULL")  # noqa: S608
    return [N_("{count} rows have no incident date: they are counted by their appeal date").format(
        count=f"{fallback:,}")]
