"""Import limits: a small file that describes a huge table is refused from its bytes, fast and in little memory."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rightsmap.records.importing import limits, pipeline, readers
from tests.import_helpers import CASES_HEADER

ROOT = Path(__file__).resolve().parent.parent

# Runs one prepare() in a fresh interpreter whose address space is capped, so that a regression fails
# this test instead of taking the machine's memory; prints the outcome, the time and the peak RSS it took.
_PROBE = """
import json, resource, sys, time
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from rightsmap.records.importing import pipeline
import openpyxl, duckdb, pandas  # loaded before the baseline, as in the server
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.process_time()
try:
    prepared = pipeline.prepare(sys.argv[1], Path(sys.argv[2]))
    reasons = [e["reason"] for e in prepared.errors]
except MemoryError:
    reasons = ["MemoryError"]
seconds = time.process_time() - start
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"reasons": reasons, "cpu_seconds": seconds, "grown_kb": grown}))
"""


def _probe(kind: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _PROBE, kind, str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def write_xlsx(path: Path, rows: int, columns: int, *, dimension: bool = True) -> Path:
    """A minimal workbook written by hand: one sheet of numbers, with or without a <dimension>."""
    sheet = ['<?xml version="1.0" encoding="UTF-8"?><worksheet '
             'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
    if dimension:
        sheet.append(f'<dimension ref="A1:{_column(columns)}{rows}"/>')
    sheet.append("<sheetData>")
    for r in range(1, rows + 1):
        cells = "".join(f'<c r="{_column(c)}{r}"><v>{r}</v></c>' for c in range(1, columns + 1))
        sheet.append(f'<row r="{r}">{cells}</row>')
    sheet.append("</sheetData></worksheet>")
    main = "http://schemas.openxmlformats.org"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", (
            f'<?xml version="1.0"?><Types xmlns="{main}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        book.writestr("_rels/.rels", (
            f'<?xml version="1.0"?><Relationships xmlns="{main}/package/2006/relationships"><Relationship '
            f'Id="rId1" Type="{main}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'))
        book.writestr("xl/workbook.xml", (
            f'<?xml version="1.0"?><workbook xmlns="{main}/spreadsheetml/2006/main" xmlns:r="{main}/'
            'officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        book.writestr("xl/_rels/workbook.xml.rels", (
            f'<?xml version="1.0"?><Relationships xmlns="{main}/package/2006/relationships"><Relationship '
            f'Id="rId1" Type="{main}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '</Relationships>'))
        book.writestr("xl/worksheets/sheet1.xml", "".join(sheet))
    return path


def _assert_refused_cheaply(outcome: dict, fragment: str) -> None:
    assert len(outcome["reasons"]) == 1 and fragment in outcome["reasons"][0], outcome
    # Generous bounds: today's refusals take about 0.05 s and a few MB; the wide file used to take 69 s and 7.5 GB.
    assert outcome["cpu_seconds"] < 5, outcome
    assert outcome["grown_kb"] < 200 * 1024, outcome


def test_a_wide_csv_is_refused_before_any_table_is_built(tmp_path):
    wide = tmp_path / "wide.csv"
    # The known columns and 5,992 others (59 KB): it took 69 s and 7.5 GB before the limit.
    wide.write_text(CASES_HEADER + ";" + ";".join(f"c{i}" for i in range(5992)) + "\n"
                    + "2017-01-05;Бишкек;extortion;police;;;;" + ";1" * 5992 + "\n")
    _assert_refused_cheaply(_probe("cases", wide), f"more than the import limit of {limits.MAX_COLUMNS}")


def test_a_sheet_declaring_a_million_rows_is_refused_from_its_dimension(tmp_path):
    huge = write_xlsx(tmp_path / "huge.xlsx", rows=1_000_000, columns=1)
    _assert_refused_cheaply(_probe("cases", huge), f"more than {limits.MAX_XLSX_ROWS:,} rows")


def test_a_sheet_declaring_thousands_of_columns_is_refused(tmp_path):
    wide = write_xlsx(tmp_path / "wide.xlsx", rows=2, columns=3000)
    _assert_refused_cheaply(_probe("cases", wide), f"more than the import limit of {limits.MAX_COLUMNS}")


def test_a_sheet_without_a_dimension_is_counted_as_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLSX_ROWS", 50)
    sheet = write_xlsx(tmp_path / "long.xlsx", rows=80, columns=2, dimension=False)
    with pytest.raises(readers.FileProblem, match="more than 50 rows"):
        readers.read(sheet)


def test_size_and_rows_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 3)
    long = tmp_path / "long.csv"
    long.write_text(CASES_HEADER + "\n" + "2017-01-05;Бишкек;extortion;police;;;;\n" * 4)
    assert "more than 3 rows" in pipeline.prepare("cases", long).errors[0]["reason"]
    monkeypatch.setattr(limits, "MAX_FILE_MB", 0)
    assert "larger than 0 MB" in pipeline.prepare("cases", long).errors[0]["reason"]


def test_validation_does_not_grow_with_dropped_columns(tmp_path):
    # 150 dropped columns and one long cell among them: found, named once, at the limit's cost.
    header = CASES_HEADER + ";" + ";".join(f"note{i}" for i in range(150))
    row = "2017-01-05;Бишкек;extortion;police;;;;" + ";" * 121 + "x" * 2000 + ";" * 29
    source = tmp_path / "notes.csv"
    source.write_text(header + "\n" + row + "\n")
    prepared = pipeline.prepare("cases", source)
    assert [(e["row"], e["column"]) for e in prepared.errors] == [(2, "note120")]
    assert json.dumps(prepared.errors).count("longer than") == 1
