"""Every malformed file gives a clear error, exit code 2, and leaves the database byte for byte as it was."""

import pytest
from import_helpers import CASES_HEADER, file_digest, run_import

from rightsmap.records import store

GOOD_ROW = "2017-01-05;Бишкек;extortion;police;да;3;100;нет"


def cases(*rows: str) -> bytes:
    return ("\n".join([CASES_HEADER, *rows]) + "\n").encode("utf-8")


MALFORMED = {
    "empty": (b"", None, "empty"),
    "whitespace only": (b"  \n\n", None, "empty"),
    "header only": (cases(), None, "no rows"),
    "binary": (bytes(range(256)) * 40, None, "binary"),
    "old xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, None, ".xls"),
    "broken xlsx": (b"PK\x03\x04" + b"\x00" * 100, None, "XLSX"),
    "utf-16": (cases(GOOD_ROW).decode().encode("utf-16"), None, "UTF-16"),
    "koi8-r": ("дата;место;вид нарушения;нарушитель\n05.01.2017;Бишкек;вымогательство;полиция\n".encode("koi8_r"),
               None, "KOI8-R"),
    "not a table": (b"hello world, this is not a spreadsheet\n" * 3, None, "no column"),
    "bad date": (cases(GOOD_ROW, "31.02.2017;Бишкек;extortion;police;;;;"), (3, "date"), "not a date"),
    "future date": (cases("2999-01-01;Бишкек;extortion;police;;;;"), (2, "date"), "future"),
    "ancient date": (cases("1999-12-31;Бишкек;extortion;police;;;;"), (2, "date"), "before 2000"),
    "negative number": (cases("2017-01-05;Бишкек;extortion;police;да;-3;;"), (2, "detention_days"), "negative"),
    "fraction": (cases("2017-01-05;Бишкек;extortion;police;;;10.5;"), (2, "extorted_som"), "whole number"),
    "unknown place": (cases("2017-01-05;Atlantis;extortion;police;;;;"), (2, "place"), "gazetteer"),
    "unknown type": (cases("2017-01-05;Бишкек;robbery;police;;;;"), (2, "violation_types"), "violation type"),
    "unknown perpetrator": (cases("2017-01-05;Бишкек;other;neighbour;;;;"), (2, "perpetrator"), "perpetrator"),
    "not yes or no": (cases("2017-01-05;Бишкек;other;police;maybe;;;"), (2, "detained"), "yes or no"),
    "missing value": (cases(";Бишкек;other;police;;;;"), (2, "date"), "missing"),
    "formula": (cases('2017-01-05;"=HYPERLINK(""http://example.invalid"",""x"")";other;police;;;;'), (2, "place"),
                "formula"),
    "formula in a number": (cases("2017-01-05;Бишкек;other;police;;;=1+1;"), (2, "extorted_som"), "formula"),
    "at-sign formula": (cases("2017-01-05;Бишкек;@SUM(A1);police;;;;"), (2, "violation_types"), "formula"),
    "too many cells": (cases(GOOD_ROW + ";extra;cells"), (2, None), "more cells"),
    "missing column": (b"date;place;perpetrator\n2017-01-05;Bishkek;police\n", (1, "violation_types"), "required"),
    "10 MB field": (cases("2017-01-05;Бишкек;other;police;;;;" + "x" * 10_000_000), (2, "raid"), "longer than"),
    "10 MB field in a dropped column": (
        (CASES_HEADER + ";notes\n" + GOOD_ROW + ";" + "y" * 10_000_000 + "\n").encode(), (2, "notes"), "longer than"),
}


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    return store.create_empty(tmp_path_factory.mktemp("malformed") / "real.duckdb")


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_file_is_a_clear_error_and_changes_nothing(tmp_path, real_db, name, capsys):
    content, where, fragment = MALFORMED[name]
    before = file_digest(real_db)
    source = tmp_path / ("file.xlsx" if content.startswith(b"PK") else "file.csv")
    source.write_bytes(content)
    code, report = run_import("cases", source, real_db)
    assert code == 2
    assert report["imported"] is False and report["errors"]
    reasons = " ".join(e["reason"] for e in report["errors"])
    assert fragment in reasons, reasons
    if where is not None:
        row, column = where
        assert {"row": row, "column": column} in [{"row": e["row"], "column": e["column"]} for e in report["errors"]]
    assert "Traceback" not in capsys.readouterr().err
    assert file_digest(real_db) == before
    assert not store.stray_copies(real_db)


def test_every_failing_row_is_listed(tmp_path, real_db):
    rows = [GOOD_ROW] * 3 + ["2017-01-05;Atlantis;extortion;police;;;;"] * 2 + ["x;Бишкек;extortion;police;;;;"]
    source = tmp_path / "many.csv"
    source.write_bytes(cases(*rows))
    code, report = run_import("cases", source, real_db)
    assert code == 2 and report["errors_total"] == 3
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(5, "place"), (6, "place"), (7, "date")]
