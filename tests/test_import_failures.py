"""Failures during an import are one line a person can act on: a full disk, a short row, a UTF-32 file."""

from __future__ import annotations

import errno

import duckdb
import pytest
from import_helpers import CASES_HEADER, file_digest, run_import, write

from rightsmap.disclosure import releases
from rightsmap.records import store
from rightsmap.records.importing import pipeline

GOOD = "2017-01-05;Бишкек;extortion;police;;;;"


@pytest.fixture()
def real_db(tmp_path):
    return store.create_empty(tmp_path / "real.duckdb")


def _copy_fails(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def _write_fails(*_args, **_kwargs):
    raise duckdb.IOException("IO Error: Could not write all bytes to file \"x.duckdb\": wanted=4096 wrote=0 "
                             "(No space left on device)")


@pytest.mark.parametrize("where", ["copying the database", "writing the batch"])
def test_a_full_disk_is_one_line_with_exit_2_and_the_database_intact(tmp_path, real_db, monkeypatch, capsys, where):
    source = write(tmp_path / "cases.csv", f"{CASES_HEADER}\n{GOOD}\n")
    before = file_digest(real_db)
    if where == "copying the database":
        monkeypatch.setattr(store.shutil, "copyfile", _copy_fails)
    else:
        monkeypatch.setattr(releases, "store", _write_fails)
    code, report = run_import("cases", source, real_db)
    err = capsys.readouterr().err
    assert code == 2
    assert report["imported"] is False
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and "is full" in err and "MB free" in err
    assert file_digest(real_db) == before
    assert not store.stray_copies(real_db)


def test_a_short_or_long_row_is_listed_once():
    content = "\n".join([CASES_HEADER, GOOD, "2017-01-05;Бишкек", GOOD + ";a;b;c", GOOD, ""]).encode()
    prepared = pipeline.prepare("cases", content)
    assert [e["row"] for e in prepared.errors] == [3, 4]
    assert prepared.errors_total == 2


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-be"])
def test_utf_32_is_named_as_utf_32(encoding):
    content = ("\ufeff" if encoding.endswith("be") else "") + f"{CASES_HEADER}\n{GOOD}\n"
    prepared = pipeline.prepare("cases", content.encode(encoding))
    assert "UTF-32" in prepared.errors[0]["reason"], prepared.errors


def test_a_full_disk_in_the_app_is_an_error_box(tmp_path, real_db, monkeypatch):
    from app_support import open_dashboard

    monkeypatch.setenv("RIGHTSMAP_DB", str(real_db))
    before = file_digest(real_db)
    at = open_dashboard("pages/data.py", query={"lang": "en"})
    at.file_uploader[0].set_value(("cases.csv", f"{CASES_HEADER}\n{GOOD}\n".encode(), "text/csv")).run()
    monkeypatch.setattr(store.shutil, "copyfile", _copy_fails)
    at.button(key="import_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(e.value for e in at.error)
    assert "is full" in shown and "MB free" in shown
    assert file_digest(real_db) == before
