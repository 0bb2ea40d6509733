"""Other systems' exports: a column mapping (TOML or JSON), `mapping check`, and the two dates."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest
from import_helpers import run, run_import, write

from rightsmap.records import store

# An export with its own headers, values and date format, as REAct or an NGO's sheet might have.
FOREIGN = ("Case ID,Incident date,Date of appeal,Location,Violation,Perpetrator,Victim name\n"
           "1,03/15/2021,03/20/2021,\"г. Бишкек, Свердловский район\",Money extortion|Intimidation,Law enforcement,Testname A\n"
           "2,03/28/2021,04/02/2021,Bishkek,Money extortion,Law enforcement,Testname B\n"
           "3,,05/02/2021,Ошская обл.,Intimidation,Client,Testname C\n"
           "4,12/31/2022,01/03/2023,Сокулукский р-н,Beating,Law enforcement,Testname D\n")
MAPPING = """
kind = "cases"
[columns]
date = "Incident date"
appeal_date = "Date of appeal"
place = "Location"
violation_types = "Violation"
perpetrator = "Perpetrator"
[split]
violation_types = "|"
[dates]
formats = ["%m/%d/%Y"]
[values.violation_types]
"Money extortion" = "extortion"
"Intimidation" = "threats"
"Beating" = "physical_violence"
[values.perpetrator]
"Law enforcement" = "police"
"Client" = "client"
"""
EXPECTED = [  # by hand from FOREIGN: row 3 has no incident date, so it counts in its appeal's month
    ("KG-C", dt.date(2022, 12, 1), "police", ["physical_violence"], 1),
    ("KG-GB", dt.date(2021, 3, 1), "police", ["extortion"], 1),
    ("KG-GB", dt.date(2021, 3, 1), "police", ["extortion", "threats"], 1),
    ("KG-O", dt.date(2021, 5, 1), "client", ["threats"], 1),
]


@pytest.fixture()
def empty_db(tmp_path):
    return store.create_empty(tmp_path / "real.duckdb")


def stored_cases(path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute("SELECT region, month, perpetrator, violation_types, cases FROM cases ORDER BY ALL").fetchall()


@pytest.mark.parametrize("form", ["toml", "json"])
def test_a_file_with_foreign_headers_imports_through_a_mapping(tmp_path, empty_db, form):
    mapping = tmp_path / f"react.{form}"
    if form == "toml":
        mapping.write_text(MAPPING, encoding="utf-8")
    else:
        import tomllib

        mapping.write_text(json.dumps(tomllib.loads(MAPPING), ensure_ascii=False), encoding="utf-8")
    code, report = run_import("cases", write(tmp_path / "export.csv", FOREIGN), empty_db, "--mapping", str(mapping))
    assert code == 0, report["errors"]
    assert stored_cases(empty_db) == EXPECTED
    assert "Victim name" in report["dropped_columns"] and "Case ID" in report["dropped_columns"]
    assert report["warnings"] == ["1 rows have no incident date: they are counted by their appeal date"]
    assert "Testname" not in json.dumps(report, ensure_ascii=False)


def test_without_the_mapping_the_same_file_is_refused(tmp_path, empty_db):
    code, report = run_import("cases", write(tmp_path / "export.csv", FOREIGN), empty_db)
    assert code == 2 and stored_cases(empty_db) == []


def test_mapping_check_shows_codes_and_months_never_the_files_text(tmp_path):
    (tmp_path / "m.toml").write_text(MAPPING, encoding="utf-8")
    write(tmp_path / "export.csv", FOREIGN)
    code, out = run("mapping", "check", str(tmp_path / "m.toml"), "--sample", str(tmp_path / "export.csv"), "--rows", "3")
    assert code == 0
    assert "date ← Incident date" in out and "appeal_date ← Date of appeal" in out
    assert "row 2: date 2021-03 · place KG-GB · violation_types extortion, threats · perpetrator police" in out
    assert "row 4: date 2021-05 · place KG-O · violation_types threats · perpetrator client" in out
    assert "row 5" not in out  # three rows asked for
    assert "Not read (never stored): Case ID, Victim name" in out
    assert "Testname" not in out and "Law enforcement" not in out.split("The first rows")[1]


def test_mapping_check_says_why_a_row_cannot_be_read(tmp_path):
    (tmp_path / "m.toml").write_text(MAPPING, encoding="utf-8")
    text = FOREIGN.replace("Сокулукский р-н", "Atlantis").replace("Beating", "Tickling")
    write(tmp_path / "export.csv", text)
    code, out = run("mapping", "check", str(tmp_path / "m.toml"), "--sample", str(tmp_path / "export.csv"))
    assert code == 0
    line = next(line for line in out.splitlines() if "row 5" in line)
    assert "place: place not in the gazetteer" in line and "violation_types: unknown violation type" in line
    assert "Atlantis" not in out and "Tickling" not in out


@pytest.mark.parametrize("text, message", [
    ("kind = \"cases\"\n[columns\n", "not valid TOML"),
    ("{\"kind\": \"cases\", ", "not valid JSON"),
    ("kind = \"cases\"\ncolour = \"red\"\n[columns]\ndate = \"D\"\n", "unknown setting colour"),
    ("kind = \"parrots\"\n[columns]\ndate = \"D\"\n", "kind 'parrots' is not one of"),
    ("kind = \"raids\"\n[columns]\ndate = \"D\"\n", "describes a raids file, not a cases file"),
    ("kind = \"cases\"\n[columns]\nvictim = \"Name\"\n", "victim is not a column of a cases file"),
    ("kind = \"cases\"\n[columns]\ndate = \"D\"\nplace = \"d\"\n", "one header for two columns"),
    ("kind = \"cases\"\n[columns]\ndate = \"D\"\n[values.perpetrator]\n\"Cop\" = \"policeman\"\n",
     "maps to 'policeman', which is not one of police"),
    ("kind = \"cases\"\n[columns]\ndate = \"D\"\n[values.detention_days]\n\"x\" = \"1\"\n", "only violation_types"),
    ("kind = \"cases\"\n[columns]\ndate = \"D\"\n[dates]\nformats = [\"DD/MM\"]\n", "not a date format"),
    ("kind = \"cases\"\n[columns]\ndate = \"D\"\n[split]\nplace = \"|\"\n", "[split] is only for violation_types"),
])
def test_a_bad_mapping_file_is_one_clear_line_and_exit_2(tmp_path, empty_db, capsys, text, message):
    (tmp_path / "m.toml").write_text(text, encoding="utf-8")
    write(tmp_path / "export.csv", FOREIGN)
    code, out = run("import", "cases", str(tmp_path / "export.csv"), "--db", str(empty_db),
                    "--mapping", str(tmp_path / "m.toml"))
    err = capsys.readouterr().err
    assert code == 2 and out == "" and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert stored_cases(empty_db) == []


def test_a_mapping_naming_a_header_the_file_lacks_is_a_file_error(tmp_path, empty_db):
    (tmp_path / "m.toml").write_text(MAPPING.replace("\"Location\"", "\"Region of incident\""), encoding="utf-8")
    code, report = run_import("cases", write(tmp_path / "export.csv", FOREIGN), empty_db,
                              "--mapping", str(tmp_path / "m.toml"))
    assert code == 2
    assert report["errors"] == [{"row": None, "column": None, "reason":
                                 "the mapping names the header 'Region of incident', which the file does not have"}]


def test_no_mapping_file_and_no_sample_file_are_usage_errors(tmp_path, capsys):
    code, _ = run("mapping", "check", str(tmp_path / "none.toml"), "--sample", str(tmp_path / "none.csv"))
    assert code == 2 and "mapping: no file at" in capsys.readouterr().err
    (tmp_path / "m.toml").write_text(MAPPING, encoding="utf-8")
    code, _ = run("mapping", "check", str(tmp_path / "m.toml"), "--sample", str(tmp_path / "none.csv"))
    assert code == 2 and "--sample: no file at" in capsys.readouterr().err


TWO_DATES = ("Дата инцидента;Дата обращения;Место;Вид нарушения;Нарушитель\n"
             "10.01.2022;15.02.2022;Октябрьский р-н г. Бишкек;вымогательство;полиция\n"
             "20.01.2022;01.03.2022;Бишкек;угрозы;полиция\n"
             ";05.04.2022;Бишкек;угрозы;полиция\n")


def test_two_dates_are_kept_apart_and_counted_by_the_incident_without_a_mapping(tmp_path, empty_db):
    code, report = run_import("cases", write(tmp_path / "c.csv", TWO_DATES), empty_db)
    assert code == 0, report["errors"]
    months = [(month, cases) for _region, month, _p, _t, cases in stored_cases(empty_db)]
    # January by the incidents (not February and March by the appeals); April by the one appeal.
    assert sorted(months) == [(dt.date(2022, 1, 1), 1), (dt.date(2022, 1, 1), 1), (dt.date(2022, 4, 1), 1)]
    assert report["warnings"] == ["1 rows have no incident date: they are counted by their appeal date"]


def test_a_file_with_only_an_appeal_date_is_counted_by_it_with_a_warning(tmp_path, empty_db):
    text = "Дата обращения;Место;Вид нарушения;Нарушитель\n05.04.2022;Бишкек;угрозы;полиция\n"
    code, report = run_import("cases", write(tmp_path / "c.csv", text), empty_db)
    assert code == 0, report["errors"]
    assert [row[1] for row in stored_cases(empty_db)] == [dt.date(2022, 4, 1)]
    assert report["warnings"] == ["the file has no incident date: every row is counted by its appeal date"]


def test_places_and_yes_no_map_too_and_unmapped_values_are_read_as_usual(tmp_path, empty_db):
    mapping = ('kind = "cases"\n[columns]\ndate = "Date"\nplace = "Office"\nviolation_types = "Type"\n'
               'perpetrator = "By"\ndetained = "Held"\ndetention_days = "Days"\n'
               '[values.place]\n"Office 1 (capital)" = "KG-GB"\n[values.detained]\n"Y" = "yes"\n"N" = "no"\n'
               '[values.violation_types]\n"Detention without grounds" = "arbitrary_detention"\n')
    (tmp_path / "m.toml").write_text(mapping, encoding="utf-8")
    data = ("Date;Office;Type;By;Held;Days\n"
            "2021-02-01;Office 1 (capital);Detention without grounds, угрозы;полиция;Y;2\n"
            "2021-02-09;Нарын;шантаж;client;N;\n")
    code, report = run_import("cases", write(tmp_path / "c.csv", data), empty_db, "--mapping", str(tmp_path / "m.toml"))
    assert code == 0, report["errors"]
    assert stored_cases(empty_db) == [("KG-GB", dt.date(2021, 2, 1), "police", ["arbitrary_detention", "threats"], 1),
                                      ("KG-N", dt.date(2021, 2, 1), "client", ["blackmail"], 1)]
    with duckdb.connect(str(empty_db), read_only=True) as conn:
        assert conn.execute("SELECT region, cases_with_detention, detention_days FROM detentions").fetchall() == [
            ("KG-GB", 1, 2)]
