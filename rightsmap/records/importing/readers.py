"""Read a CSV or XLSX file into an in-memory table of text cells, one row per data row.

Raw cells live only in an in-memory DuckDB that never spills to disk, and
only while the import runs. Nothing here quotes a cell in a message.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from rightsmap.domain.vocab import N_
from rightsmap.records.importing import limits, scratch

MAX_LINE_BYTES = 32 * 1024 * 1024  # a longer line is refused as a whole; shorter long cells get a row error
_CHUNK = 8 * 1024 * 1024
_REJECT_REASONS = {
    "TOO MANY COLUMNS": N_("more cells than the header has columns"),
    "MISSING COLUMNS": N_("fewer cells than the header has columns"),
    "UNQUOTED VALUE": N_("a quote is not closed"),
    "LINE SIZE OVER MAXIMUM": N_("the line is longer than 32 MB"),
    "INVALID UNICODE": N_("not valid text in the file's encoding"),
}


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why, without quoting its content."""


@dataclass
class RawTable:
    """The file's cells as text in table `raw` of an in-memory connection: columns c0..cN and `row`."""

    conn: duckdb.DuckDBPyConnection
    headers: list[str]
    rows: int
    encoding: str
    structure_errors: list[dict] = field(default_factory=list)


def memory_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that holds raw cells and never writes them to a temporary file."""
    conn = duckdb.connect(":memory:")
    conn.execute("SET temp_directory = ''")
    return conn


def read(data: bytes | Path) -> RawTable:
    """Read a file given as a path or as its bytes; raises FileProblem when it is not a readable table."""
    try:
        limits.check_size(len(data) if isinstance(data, bytes) else data.stat().st_size)
        return _read(data)
    except limits.TooLarge as exc:
        raise FileProblem(str(exc)) from None


def _read(data: bytes | Path) -> RawTable:
    head = _head(data)
    if not head.strip():
        raise FileProblem(N_("the file is empty"))
    if head.startswith(b"PK\x03\x04"):
        limits.check_xlsx(data)
        return _read_xlsx(data)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(N_("this is an old Excel .xls file; save it as .xlsx or as CSV"))
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16: the same first bytes
        raise FileProblem(N_("the file is UTF-32 text; save it as CSV in UTF-8 or Windows-1251"))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem(N_("the file is UTF-16 text; save it as CSV in UTF-8 or Windows-1251"))
    if b"\x00" in head:
        raise FileProblem(N_("the file is binary, not CSV or XLSX"))
    limits.check_lines(_chunks(data))
    encoding = _detect_encoding(data)
    return _read_csv(data, encoding, blank_lines=_has_blank_lines(data))


def _head(data: bytes | Path, size: int = 65536) -> bytes:
    if isinstance(data, bytes):
        return data[:size]
    with open(data, "rb") as handle:
        return handle.read(size)


def _chunks(data: bytes | Path) -> Iterator[bytes]:
    if isinstance(data, bytes):
        for start in range(0, len(data), _CHUNK):
            yield data[start:start + _CHUNK]
        return
    with open(data, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _detect_encoding(data: bytes | Path) -> str:
    """utf-8-sig, utf-8 or cp1251; FileProblem when the text is in neither."""
    if _head(data, 3) == codecs.BOM_UTF8:
        if not _decodes(data, "utf-8-sig"):
            raise FileProblem(N_("the file starts like UTF-8 but is not valid UTF-8 text"))
        return "utf-8-sig"
    if _decodes(data, "utf-8"):
        return "utf-8"
    if not _decodes(data, "cp1251"):
        raise FileProblem(N_("the file is neither UTF-8 nor Windows-1251 text; save it as CSV in UTF-8"))
    sample = _head(data, 1 << 20).decode("cp1251", errors="replace")
    upper = len(re.findall(r"[А-ЯЁ]", sample))
    lower = len(re.findall(r"[а-яё]", sample))
    # KOI8-R read as Windows-1251 turns lower case into upper case.
    if upper + lower > 20 and upper > 2 * lower:
        raise FileProblem(N_("the file looks like KOI8-R or another encoding; save it as CSV in UTF-8"))
    return "cp1251"


def _decodes(data: bytes | Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for chunk in _chunks(data):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _has_blank_lines(data: bytes | Path) -> bool:
    """Whether a line is empty: DuckDB skips such lines, which would shift the row numbers after them."""
    previous = b""
    for chunk in _chunks(data):
        window = previous[-2:] + chunk
        if b"\n\n" in window or b"\n\r\n" in window or b"\r\r" in window:
            return True
        previous = chunk
    return False


def _header_line(data: bytes | Path, encoding: str) -> str:
    head = _head(data, 1 << 20)
    ends = [i for i in (head.find(b"\n"), head.find(b"\r")) if i >= 0]  # a CR alone ends a line in old Mac files
    line = head[:min(ends)] if ends else head
    return line.decode(encoding, errors="replace").rstrip("\r")


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes | Path, encoding: str, *, blank_lines: bool = False) -> RawTable:
    line = _header_line(data, encoding)
    delimiter = _delimiter(line)
    headers = next(csv.reader([line], delimiter=delimiter), [])
    if encoding == "utf-8-sig" and headers:
        headers[0] = headers[0].lstrip("\ufeff")
    if not any(h.strip() for h in headers):
        raise FileProblem(N_("the first line holds no column headers"))
    limits.check_columns(len(headers))  # before DuckDB: its cost grows with the columns
    columns = {f"c{i}": "VARCHAR" for i in range(len(headers))}
    conn = memory_connection()
    cells = ", ".join(f"nullif(trim(c{i}), '') AS c{i}" for i in range(len(headers)))
    with scratch.utf8_file(data, _chunks(data), encoding, delimiter * (len(headers) - 1) if blank_lines else None) as path:
        try:
            # The table keeps the file's order (DuckDB preserves insertion order), so rowid + 2 is the
            # row number a spreadsheet shows, the header being row 1.
            conn.execute(
                f"CREATE TABLE scanned AS SELECT {cells} FROM read_csv($path, header = false, skip = 1, "  # noqa: S608
                "columns = $columns, "
                "delim = $delim, quote = '\"', escape = '\"', auto_detect = false, store_rejects = true, "
                "max_line_size = $max_line)",
                {"path": path, "columns": columns, "delim": delimiter, "max_line": MAX_LINE_BYTES},
            )
        except duckdb.Error:
            raise FileProblem(N_("the file could not be read as CSV")) from None
    # DuckDB records a short or long line once per column it could not fill: list each line once.
    rejects = conn.execute("SELECT line, min(error_type) FROM reject_errors GROUP BY line ORDER BY line").fetchall()
    errors = [{"row": int(row), "column": None, "reason": _REJECT_REASONS.get(kind, "the line is not well-formed CSV")}
              for row, kind in rejects]
    present = " OR ".join(f"c{i} IS NOT NULL" for i in range(len(headers)))
    conn.execute(f"CREATE VIEW raw AS SELECT (rowid + 2)::BIGINT AS row, * FROM scanned WHERE {present}")  # noqa: S608
    rows = conn.execute("SELECT count(*) FROM raw").fetchall()[0][0]
    return RawTable(conn, headers, rows, encoding.replace("-sig", " with BOM"), errors)


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes | Path) -> RawTable:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data,
                                      read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds; none of their messages is shown
        raise FileProblem(N_("the file looks like XLSX but could not be opened; save it again as .xlsx or CSV")) from None
    try:
        sheet = book.worksheets[0]
        # Read-only openpyxl takes these from the sheet's <dimension>, without reading a row.
        limits.check_sheet(sheet.max_row, sheet.max_column)
        rows = sheet.iter_rows(values_only=True)
        headers: list[str] = []
        for values in rows:
            if any(v is not None and str(v).strip() for v in values):
                headers = ["" if v is None else str(v) for v in values]
                break
        if not headers:
            raise FileProblem(N_("the first sheet is empty"))
        limits.check_columns(len(headers))
        header_row = sheet.min_row if sheet.min_row else 1
        numbers: list[int] = []
        cells: list[list[Any]] = [[] for _ in headers]
        for offset, values in enumerate(rows, start=1):
            # A sheet that declares no size is counted as it is read.
            limits.check_rows(offset, limits.MAX_XLSX_ROWS)
            limits.check_columns(len(values))
            texts = [_cell_text(v) for v in values[:len(headers)]]
            extra = [v for v in values[len(headers):] if v is not None]
            if extra:
                raise FileProblem(N_("row {row} has cells to the right of the last header").format(row=header_row + offset))
            texts += [None] * (len(headers) - len(texts))
            if not any(t is not None and t.strip() for t in texts):
                continue
            numbers.append(header_row + offset)
            for column, text in zip(cells, texts, strict=True):
                column.append(text)
    finally:
        book.close()
    frame = pd.DataFrame({"row": pd.Series(numbers, dtype="int64"),
                          **{f"c{i}": pd.Series(col, dtype="object") for i, col in enumerate(cells)}})
    conn = memory_connection()
    conn.register("frame", frame)
    cols = ", ".join(f"nullif(trim(CAST(c{i} AS VARCHAR), ' \t\r\n\u00a0'), '') AS c{i}" for i in range(len(headers)))
    conn.execute(f"CREATE TABLE raw AS SELECT row, {cols} FROM frame")  # noqa: S608
    conn.unregister("frame")
    return RawTable(conn, headers, len(numbers), "xlsx")
