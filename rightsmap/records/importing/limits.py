"""Bounds on what one import may cost, checked from the file's bytes before anything is loaded.

A small file can describe a huge table (6,000 columns in 59 KB, a 1,000,000-row sheet in a few MB
of XLSX), and reading it would take the server's memory for everybody. Each check here reads only
sizes, line ends or the sheet's declared dimensions, and names the limit it refuses with.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from rightsmap.domain.vocab import N_

MAX_FILE_MB = 200  # 1,000,000 case rows as CSV are about 45 MB
MAX_ROWS = 2_000_000
MAX_COLUMNS = 200  # a case file has 8 known columns; an export with notes has a few dozen
MAX_XLSX_ROWS = 200_000  # openpyxl reads about 7,000 rows a second on the server: under a minute
MAX_XLSX_XML_MB = 200  # the workbook's parts unpacked: 200,000 rows of a case file are about 70 MB


class TooLarge(Exception):
    """The file is beyond an import limit; the message names the limit."""


def check_size(size: int) -> None:
    if size > MAX_FILE_MB * 1024 * 1024:
        raise TooLarge(N_("the file is larger than {limit} MB, the import limit; split it into smaller files")
                       .format(limit=MAX_FILE_MB))


def check_columns(count: int) -> None:
    if count > MAX_COLUMNS:
        raise TooLarge(N_("the file has {count} columns, more than the import limit of {limit}; keep only the "
                          "columns the importer reads (`python -m rightsmap template KIND`)")
                       .format(count=f"{count:,}", limit=MAX_COLUMNS))


def check_rows(count: int, limit: int | None = None) -> None:
    limit = MAX_ROWS if limit is None else limit
    if count > limit:
        raise TooLarge(N_("the file has more than {limit} rows, the import limit; split it into smaller files")
                       .format(limit=f"{limit:,}"))


def check_lines(chunks: Iterable[bytes]) -> None:
    """Refuse a CSV with more lines than rows allowed (a quoted line break counts too: a generous bound)."""
    lines = 0
    for chunk in chunks:
        lines += chunk.count(b"\n") or chunk.count(b"\r")
        check_rows(lines - 1)


def check_xlsx(source: bytes | Path) -> None:
    """Refuse a workbook whose parts unpack too large (a zip bomb is small on disk, huge inside)."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as book:
            unpacked = sum(part.file_size for part in book.infolist())
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        return  # openpyxl says what is wrong with a damaged file
    if unpacked > MAX_XLSX_XML_MB * 1024 * 1024:
        raise TooLarge(N_("the workbook unpacks to more than {limit} MB, the import limit; save the sheet "
                          "as CSV").format(limit=MAX_XLSX_XML_MB))


def check_sheet(declared_rows: int | None, declared_columns: int | None) -> None:
    """Refuse a sheet by the size it declares (its <dimension>), before any row is read."""
    if declared_columns:
        check_columns(declared_columns)
    if declared_rows:
        check_rows(declared_rows - 1, MAX_XLSX_ROWS)  # the header is not a data row
