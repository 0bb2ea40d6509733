"""Importing: every kind of file, both header languages, all three encodings and XLSX; batches and undo."""

import datetime as dt
import json

import duckdb
import openpyxl
import pytest
from import_helpers import CASES_HEADER, file_digest, run, run_import, write

from rightsmap.data import db, metrics
from rightsmap.domain import config
from rightsmap.domain.filters import Filters
from rightsmap.records import sample, store

CASES = (CASES_HEADER + ";client_name;phone\n"
         "03.05.2017;г. Бишкек;вымогательство;полиция;да;3;500;нет;Testname A;+000 1\n"
         "2017-05-20;Бишкек;extortion; police;no;;1 000;yes;Testname B;+000 2\n"
         "2017-05-21;Ошская обл.;\"extortion; threats\";Police;нет;0;;нет;;\n"
         "42900;Сокулукский район;угрозы,шантаж;клиент;;;;;;\n")


@pytest.fixture()
def empty_db(tmp_path):
    return store.create_empty(tmp_path / "real.duckdb")


def table(db_path, sql):
    with duckdb.connect(str(db_path), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_cases_become_monthly_aggregates_with_detentions_and_extortion(tmp_path, empty_db):
    code, report = run_import("cases", write(tmp_path / "c.csv", CASES), empty_db)
    assert code == 0, report["errors"]
    assert report["imported"] and report["rows"] == 4 and report["batch_id"] == 1
    assert report["dropped_columns"] == ["client_name", "phone"]
    assert report["not_stored"] == ["raid"]
    assert report["added"] == {"cases": 3, "detentions": 1}  # the two Bishkek cases share a row
    rows = table(empty_db, "SELECT region, month, perpetrator, violation_types, cases, extorted_som, batch_id "
                           "FROM cases ORDER BY ALL")
    may, june = dt.date(2017, 5, 1), dt.date(2017, 6, 1)
    assert rows == [
        ("KG-C", june, "client", ["blackmail", "threats"], 1, 0, 1),  # Excel serial 42900 = 2017-06-15
        ("KG-GB", may, "police", ["extortion"], 2, 1500, 1),
        ("KG-O", may, "police", ["extortion", "threats"], 1, 0, 1),
    ]
    assert table(empty_db, "SELECT region, month, cases_with_detention, detention_days FROM detentions") == [
        ("KG-GB", may, 1, 3)]
    with db.connect(empty_db) as conn:
        assert metrics.summary(conn, Filters())["cases"] == 4


def test_russian_headers_in_any_case_and_spacing_windows_1251(tmp_path, empty_db):
    text = (" Дата ;МЕСТО;Вид  нарушения;Нарушитель;Задержание;Дней задержания;Сумма вымогательства;Рейд\n"
            "01.02.2016;г. Ош;Вымогательство;Милиция;да;4;300;нет\n")
    code, report = run_import("cases", write(tmp_path / "c.csv", text, "cp1251"), empty_db)
    assert code == 0, report["errors"]
    assert table(empty_db, "SELECT region, cases, extorted_som FROM cases") == [("KG-GO", 1, 300)]


def test_utf8_with_bom_and_comma_delimiter(tmp_path, empty_db):
    text = "\ufeffdate,place,violation_types,perpetrator\n2016-02-01,Naryn,pressure,other\n"
    code, report = run_import("cases", write(tmp_path / "c.csv", text), empty_db)
    assert code == 0, report["errors"]
    assert table(empty_db, "SELECT region, perpetrator FROM cases") == [("KG-N", "other")]


def test_xlsx_with_dates_numbers_and_formulas(tmp_path, empty_db):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Дата", "Место", "Задержано", "Notes"])
    sheet.append([dt.datetime(2016, 7, 3), "Бишкек", 12, "Testname X"])
    sheet.append(["15/07/2016", "Bishkek", 3.0, None])
    book.save(tmp_path / "raids.xlsx")
    code, report = run_import("raids", tmp_path / "raids.xlsx", empty_db)
    assert code == 0, report["errors"]
    assert table(empty_db, "SELECT region, month, raid_events, people_detained FROM raids") == [
        ("KG-GB", dt.date(2016, 7, 1), 2, 15)]
    sheet.append([dt.datetime(2016, 8, 1), "=HYPERLINK(\"http://x\")", 1, None])
    book.save(tmp_path / "raids2.xlsx")
    code, report = run_import("raids", tmp_path / "raids2.xlsx", empty_db)
    assert code == 2 and report["errors"][0]["row"] == 4 and "formula" in report["errors"][0]["reason"]


def test_coverage_periods_in_three_forms_sum_per_quarter(tmp_path, empty_db):
    text = ("регион;период;план;охвачено;тесты\n"
            "Бишкек;2017-Q2;1300;507;200\n"
            "Chuy;2017-05;100;90;\n"
            "Чуйская область;2 кв. 2017;50;40;5\n"
            "Talas Region;III кв. 2017;10;9;\n")
    code, report = run_import("coverage", write(tmp_path / "r.csv", text), empty_db)
    assert code == 0, report["errors"]
    assert table(empty_db, "SELECT region, quarter, planned, reached, hiv_tests FROM reach ORDER BY ALL") == [
        ("KG-C", dt.date(2017, 4, 1), 150, 130, 5),
        ("KG-GB", dt.date(2017, 4, 1), 1300, 507, 200),
        ("KG-T", dt.date(2017, 7, 1), 10, 9, None),
    ]


def test_events_need_a_title_and_are_kept_per_month(tmp_path, empty_db):
    text = "date,place,title_en,title_ru\n2017-03-15,,National campaign,\n2017-04-02,Ош,,Рейд в Оше\n"
    code, report = run_import("events", write(tmp_path / "e.csv", text), empty_db)
    assert code == 0, report["errors"]
    assert table(empty_db, "SELECT event_date, region, title_en, title_ru FROM events ORDER BY 1") == [
        (dt.date(2017, 3, 1), None, "National campaign", None), (dt.date(2017, 4, 1), "KG-GO", None, "Рейд в Оше")]
    code, report = run_import("events", write(tmp_path / "e2.csv", "date,title_en\n2017-03-15,\n"), empty_db)
    assert code == 2 and report["errors"][0]["reason"] == "needs a title in at least one language"


def test_dry_run_reports_aggregates_and_writes_nothing(tmp_path, empty_db):
    before = file_digest(empty_db)
    code, report = run_import("cases", write(tmp_path / "c.csv", CASES), empty_db, "--dry-run")
    assert code == 0 and report["dry_run"] and not report["imported"]
    assert sum(row["cases"] for row in report["aggregates"]["cases"]) == 4
    assert file_digest(empty_db) == before and not store.stray_copies(empty_db)


def test_the_same_file_twice_is_refused_and_undo_removes_exactly_one_batch(tmp_path, empty_db):
    first = write(tmp_path / "a.csv", CASES)
    second = write(tmp_path / "b.csv", CASES_HEADER + "\n2016-01-10;Нарын;threats;pimp;;;;\n")
    assert run_import("cases", first, empty_db)[0] == 0
    code, report = run_import("cases", first, empty_db)
    assert code == 2 and not report["imported"] and "already imported, as batch 1" in report["errors"][0]["reason"]
    assert run_import("cases", second, empty_db, "--by", "staff-2")[0] == 0
    code, listing = run("batches", "list", "--db", str(empty_db))
    assert code == 0 and "staff-2" in listing and listing.count("cases") >= 2
    assert table(empty_db, "SELECT sum(cases) FROM cases") == [(5,)]
    assert run("batches", "undo", "1", "--db", str(empty_db))[0] == 0
    assert table(empty_db, "SELECT region, cases, batch_id FROM cases") == [("KG-N", 1, 2)]
    assert table(empty_db, "SELECT count(*) FROM detentions") == [(0,)]
    assert table(empty_db, "SELECT id, imported_by FROM batches") == [(2, "staff-2")]
    assert run_import("cases", first, empty_db)[0] == 0  # undone, so it may come back
    assert run("batches", "undo", "99", "--db", str(empty_db))[0] == 2


def test_the_sample_database_refuses_real_data(tmp_path):
    target = sample.build(tmp_path / "sample.duckdb")
    before = file_digest(target)
    code, report = run_import("cases", write(tmp_path / "c.csv", CASES), target)
    assert code == 2 and "synthetic sample" in report["errors"][0]["reason"]
    assert file_digest(target) == before


def test_batches_record_no_file_name(tmp_path, empty_db):
    run_import("cases", write(tmp_path / "Testname_Aigul_cases.csv", CASES), empty_db)
    assert b"Testname_Aigul" not in empty_db.read_bytes()
    columns = [c for (c,) in table(empty_db, "SELECT column_name FROM information_schema.columns "
                                             "WHERE table_name = 'batches'")]
    assert "file_sha256" in columns and not [c for c in columns if "name" in c]


@pytest.mark.parametrize("kind", ["cases", "raids", "coverage", "events"])
def test_a_template_has_both_languages_and_imports_once_filled(tmp_path, empty_db, kind, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("template", kind)[0] == 0
    header = (tmp_path / f"{kind}-template.csv").read_text(encoding="utf-8-sig").strip()
    assert header.startswith("date / дата" if kind != "coverage" else "region / регион")
    rows = {"cases": "2017-01-05,Бишкек,extortion,police,да,3,100,нет",
            "raids": "2017-01-05,Бишкек,4", "coverage": "Бишкек,2017-Q1,10,5,,,",
            "events": "2017-01-05,,Тест,Test,,"}
    (tmp_path / "filled.csv").write_text(header + "\n" + rows[kind] + "\n", encoding="utf-8-sig")
    code, report = run_import(kind, tmp_path / "filled.csv", empty_db)
    assert code == 0, report["errors"]
    assert run("template", kind)[0] == 2  # never overwrites


def test_init_refuses_an_existing_file(tmp_path, empty_db):
    assert run("init", "--db", str(empty_db))[0] == 2
    code, _ = run("init", "--db", str(tmp_path / "new.duckdb"))
    assert code == 0
    assert table(tmp_path / "new.duckdb", "SELECT value FROM meta WHERE key = 'dataset'") == [("imported",)]


def test_any_period_imports_without_a_warning_unless_the_settings_narrow_it(tmp_path, empty_db, monkeypatch):
    file = write(tmp_path / "c.csv", CASES_HEADER + "\n2021-03-01;Бишкек;other;other;;;;\n")
    code, report = run_import("cases", file, empty_db, "--dry-run")
    assert code == 0 and report["warnings"] == []  # the filters offer the data's own period
    monkeypatch.setattr(config, "LAST_MONTH", "2020-12")
    code, report = run_import("cases", file, empty_db)
    assert code == 0 and report["warnings"] and "2020-12" in report["warnings"][0]
    assert json.dumps(report)  # plain JSON
