"""Population size estimates: their import, undo and migration, and rates against hand-computed values."""

import datetime as dt
import math

import duckdb
import pytest
from import_helpers import CASES_HEADER, run, run_import, write

from rightsmap.data import db, metrics, schema
from rightsmap.domain.filters import Filters
from rightsmap.records import store

ESTIMATES_HEADER = "region;year;estimate;low;high;source;source_note"
# Bishkek has two estimates (2016 with bounds, 2018 without); Osh City one; Talas one only after 2017;
# Naryn none. All invented for the test.
ESTIMATES = (ESTIMATES_HEADER + "\n"
             "г. Бишкек;2016;200;150;250;Test study A;Invented for a test\n"
             "Bishkek;2018;500;;;Test study B;Invented for a test\n"
             "город Ош;2017;50;40;100;Test study C;Invented for a test\n"
             "Таласская область;2019;100;80;120;Test study D;Invented for a test\n")
CASES = (CASES_HEADER + "\n"
         "2017-03-02;Бишкек;extortion;police;;;;\n"
         "2017-03-09;Бишкек;threats;police;;;;\n"
         "2017-03-20;Бишкек;\"extortion; threats\";client;;;;\n"
         "2018-02-01;Бишкек;extortion;police;;;;\n"
         "2018-02-11;Бишкек;blackmail;pimp;;;;\n"
         "2017-05-04;г. Ош;extortion;police;;;;\n"
         "2017-01-15;Нарын;extortion;police;;;;\n"
         "2017-01-16;Нарын;threats;police;;;;\n")
COVERAGE = ("region;period;planned;reached\n"
            "Bishkek;2017-Q1;100;60\n"
            "Bishkek;2017-Q2;100;40\n"
            "Naryn;2017-Q1;50;30\n")


@pytest.fixture()
def rated_db(tmp_path):
    path = store.create_empty(tmp_path / "real.duckdb")
    for kind, text in (("cases", CASES), ("coverage", COVERAGE), ("estimates", ESTIMATES)):
        code, report = run_import(kind, write(tmp_path / f"{kind}.csv", text), path)
        assert code == 0, report["errors"]
    return path


def rows(path, sql):
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def by_code(frame):
    return {code: row for code, row in zip(frame["code"], frame.to_dict("records"), strict=True)}


def test_cases_per_100_on_the_map_by_hand(rated_db):
    with db.connect(rated_db) as conn:
        frame = metrics.region_values(conn, Filters(month_from=dt.date(2017, 1, 1), month_to=dt.date(2017, 12, 1)),
                                      "cases_per_100")
    got = by_code(frame)
    # Bishkek: 3 cases in 2017 over the 2016 estimate 200 (150-250): 1.5 per 100, from 3/250 to 3/150.
    assert (got["KG-GB"]["count"], got["KG-GB"]["estimate_year"]) == (3, 2016)
    assert (got["KG-GB"]["value"], got["KG-GB"]["value_low"], got["KG-GB"]["value_high"]) == (1.5, 1.2, 2.0)
    # Osh City: 1 case over 50 (40-100).
    assert (got["KG-GO"]["value"], got["KG-GO"]["value_low"], got["KG-GO"]["value_high"]) == (2.0, 1.0, 2.5)
    # Naryn has cases but no estimate; Talas's estimate is from 2019, after the period: never back-cast.
    assert got["KG-N"]["count"] == 2 and math.isnan(got["KG-N"]["value"]) and math.isnan(got["KG-N"]["estimate"])
    assert math.isnan(got["KG-T"]["value"]) and math.isnan(got["KG-T"]["estimate"])


def test_a_later_period_takes_the_latest_estimate_and_has_no_range_without_bounds(rated_db):
    with db.connect(rated_db) as conn:
        frame = metrics.region_values(conn, Filters(month_from=dt.date(2017, 1, 1), month_to=dt.date(2018, 12, 1)),
                                      "cases_per_100")
    bishkek = by_code(frame)["KG-GB"]
    assert (bishkek["count"], bishkek["estimate_year"], bishkek["value"]) == (5, 2018, 1.0)  # 5 / 500
    assert math.isnan(bishkek["value_low"]) and math.isnan(bishkek["value_high"])


def test_coverage_of_the_estimate_by_hand(rated_db):
    with db.connect(rated_db) as conn:
        frame = metrics.region_values(conn, Filters(month_from=dt.date(2017, 1, 1), month_to=dt.date(2017, 6, 1)),
                                      "coverage_of_estimate")
    got = by_code(frame)
    # Bishkek reached 60 and 40 people: 50 a quarter, of 200 (150-250) estimated.
    assert (got["KG-GB"]["count"], got["KG-GB"]["value"]) == (50, 25.0)
    assert (got["KG-GB"]["value_low"], got["KG-GB"]["value_high"]) == (20.0, 33.3)
    assert math.isnan(got["KG-N"]["value"])  # reached 30, but no estimate
    assert math.isnan(got["KG-GO"]["value"])  # an estimate, but no reach


def test_timeline_rates_take_each_periods_estimate(rated_db):
    filters = Filters(regions=("KG-GB", "KG-GO", "KG-N"), month_from=dt.date(2017, 1, 1),
                      month_to=dt.date(2018, 12, 1))
    with db.connect(rated_db) as conn:
        cases = metrics.rate_series(conn, filters, metric="cases_per_100", grain="quarter")
        reach = metrics.rate_series(conn, filters, metric="coverage_of_estimate", grain="quarter")
    got = {(f"{p:%Y-%m-%d}", r): (c, e, rate) for p, r, c, e, rate in
           zip(cases["period"], cases["region"], cases["count"], cases["estimate"], cases["rate"], strict=True)}
    assert got[("2017-01-01", "KG-GB")] == (3, 200, 1.5)
    assert got[("2018-01-01", "KG-GB")] == (2, 500, 0.4)  # 2018 uses the 2018 estimate
    assert got[("2017-04-01", "KG-GO")] == (1, 50, 2.0)
    assert math.isnan(got[("2017-01-01", "KG-N")][2])
    bishkek = reach[reach["region"] == "KG-GB"]
    assert bishkek["rate"].tolist() == [30.0, 20.0]  # 60 / 200 and 40 / 200
    assert bishkek["rate_low"].tolist() == [24.0, 16.0] and bishkek["rate_high"].tolist() == [40.0, 26.7]


def test_rate_helpers_never_divide_by_nothing():
    assert metrics.per_estimate(3, 200) == 1.5
    assert metrics.per_estimate(3, None) is None and metrics.per_estimate(3, 0) is None
    assert metrics.per_estimate(None, 200) is None
    assert metrics.rate_range(3, 150, 250) == (1.2, 2.0)
    assert metrics.rate_range(3, None, 250) == (None, None)


def test_estimates_import_as_one_row_per_region_and_year(tmp_path, rated_db):
    got = rows(rated_db, "SELECT region, year, estimate, low, high, source, batch_id FROM estimates ORDER BY ALL")
    assert got == [("KG-GB", 2016, 200, 150, 250, "Test study A", 3), ("KG-GB", 2018, 500, None, None, "Test study B", 3),
                   ("KG-GO", 2017, 50, 40, 100, "Test study C", 3), ("KG-T", 2019, 100, 80, 120, "Test study D", 3)]
    assert rows(rated_db, "SELECT kind, estimates_rows FROM batches WHERE id = 3") == [("estimates", 4)]


@pytest.mark.parametrize(("line", "column", "reason"), [
    ("Bishkek;2016;200;150;250;Study;", "source_note", "missing"),
    ("Bishkek;2016;200;150;250;;Note", "source", "missing"),
    ("Bishkek;16;200;;;Study;Note", "year", "not a year; use four digits, from 2000 to 2100"),
    ("Bishkek;2016;two hundred;;;Study;Note", "estimate", "not a whole number"),
    ("Bishkek;2016;-200;;;Study;Note", "estimate", "negative number"),
    ("Bishkek;2016;0;;;Study;Note", "estimate", "an estimate of 0: nothing can be divided by it"),
    ("Bishkek;2016;200;250;300;Study;Note", "low", "the low bound is above the estimate"),
    ("Bishkek;2016;200;100;150;Study;Note", "high", "the high bound is below the estimate"),
    ("Atlantis;2016;200;;;Study;Note", "region",
     "place not in the gazetteer (check the spelling with `python -m rightsmap place NAME`)"),
    ("Bishkek;2016;200;;;=HYPERLINK(1);Note", "source", "starts with =, +, - or @: looks like a spreadsheet formula"),
])
def test_a_bad_estimate_is_a_row_error_and_nothing_is_imported(tmp_path, line, column, reason):
    path = store.create_empty(tmp_path / "real.duckdb")
    text = ESTIMATES_HEADER + "\nOsh;2016;100;90;110;Study;Note\n" + line + "\n"
    code, report = run_import("estimates", write(tmp_path / "e.csv", text), path)
    assert code == 2 and not report["imported"]
    assert {"row": 3, "column": column, "reason": reason} in report["errors"]
    assert report["errors_total"] == 1
    assert rows(path, "SELECT count(*) FROM estimates") == [(0,)]


def test_a_required_column_missing_is_a_header_error(tmp_path):
    path = store.create_empty(tmp_path / "real.duckdb")
    text = "region;year;estimate;source\nOsh;2016;100;Study\n"
    code, report = run_import("estimates", write(tmp_path / "e.csv", text), path)
    assert code == 2
    assert {"row": 1, "column": "source_note", "reason": "required column is missing"} in report["errors"]


def test_a_region_and_year_once_per_file_and_once_per_database(tmp_path, rated_db):
    twice = ESTIMATES_HEADER + "\nОшская обл.;2016;100;;;S;N\nОшская область;2016;120;;;S;N\n"
    code, report = run_import("estimates", write(tmp_path / "twice.csv", twice), rated_db)
    assert code == 2
    assert report["errors"] == [{"row": 3, "column": "region",
                                 "reason": "a second estimate for the same region and year in this file"}]
    again = ESTIMATES_HEADER + "\nBishkek;2016;210;;;Other study;N\n"
    code, text = run("import", "estimates", str(write(tmp_path / "again.csv", again)), "--db", str(rated_db))
    assert code == 2
    assert "already has an estimate for KG-GB in 2016 (batch 3)" in text
    assert rows(rated_db, "SELECT estimate FROM estimates WHERE region = 'KG-GB' AND year = 2016") == [(200,)]


def test_undo_removes_exactly_its_estimates(tmp_path, rated_db):
    more = ESTIMATES_HEADER + "\nNaryn;2017;80;60;100;Test study E;Invented for a test\n"
    assert run_import("estimates", write(tmp_path / "more.csv", more), rated_db)[0] == 0
    assert rows(rated_db, "SELECT count(*) FROM estimates") == [(5,)]
    code, _ = run("batches", "undo", "3", "--db", str(rated_db))
    assert code == 0
    assert rows(rated_db, "SELECT region, year, batch_id FROM estimates") == [("KG-N", 2017, 4)]
    assert rows(rated_db, "SELECT sum(cases) FROM cases") == [(8,)]  # the other batches stay
    with db.connect(rated_db) as conn:
        frame = metrics.region_values(conn, Filters(month_from=dt.date(2017, 1, 1), month_to=dt.date(2017, 12, 1)),
                                      "cases_per_100")
    got = by_code(frame)
    assert math.isnan(got["KG-GB"]["value"]) and got["KG-N"]["value"] == 2.5  # 2 / 80


def test_a_version_2_database_migrates_and_keeps_its_batches(tmp_path):
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)")
        for number in (1, 2):
            conn.execute(schema.migration(number))
            conn.execute("INSERT INTO schema_version VALUES (?, now())", [number])
        conn.execute("INSERT INTO batches VALUES (1, now(), 'cases', 'ab', 4, 3, 1, 0, 0, 0, 'someone')")
        assert schema.migrate(conn) == schema.SCHEMA_VERSION
        assert conn.execute("SELECT id, kind, cases_rows, estimates_rows, imported_by FROM batches").fetchall() == [
            (1, "cases", 3, 0, "someone")]
        with pytest.raises(duckdb.ConstraintException):
            conn.execute("INSERT INTO batches (id, imported_at, kind, file_sha256, rows, imported_by) "
                         "VALUES (2, now(), 'other', 'cd', 1, 'x')")
        conn.execute("INSERT INTO batches (id, imported_at, kind, file_sha256, rows, imported_by) "
                     "VALUES (2, now(), 'estimates', 'cd', 1, 'x')")


def test_the_sample_ships_invented_estimates_labelled_as_such(conn):
    frame = metrics.estimates(conn)
    assert len(frame) >= 5
    assert set(frame["source"]) == {"Invented for the synthetic sample"}
    assert all("not an estimate of any real population" in note for note in frame["source_note"])
    assert {"KG-N", "KG-T"}.isdisjoint(frame["region"])  # regions without one show what that looks like


def test_the_template_names_every_column_in_english_and_russian(tmp_path):
    target = tmp_path / "estimates-template.csv"
    assert run("template", "estimates", "--out", str(target))[0] == 0
    header = target.read_text(encoding="utf-8-sig").splitlines()[0]
    for name in ("region / регион", "year / год", "estimate / оценка", "low / нижняя граница",
                 "high / верхняя граница", "source / источник", "source_note / примечание к источнику"):
        assert name in header


def test_a_database_without_estimates_has_no_rates_anywhere(tmp_path):
    path = store.create_empty(tmp_path / "real.duckdb")
    assert run_import("cases", write(tmp_path / "c.csv", CASES), path)[0] == 0
    filters = Filters(month_from=dt.date(2017, 1, 1), month_to=dt.date(2017, 12, 1))
    with db.connect(path) as conn:
        frame = metrics.region_values(conn, filters, "cases_per_100")
        series = metrics.rate_series(conn, filters, metric="cases_per_100", grain="month")
        assert metrics.estimates(conn).empty
    assert frame["value"].isna().all() and by_code(frame)["KG-GB"]["count"] == 3
    assert len(series) == 3 and series["rate"].isna().all()  # Bishkek's March and Osh City's May, Naryn's January
