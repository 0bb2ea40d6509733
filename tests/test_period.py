"""The period from the data: months for staff, published quarters for the public view, settings as override."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from import_helpers import CASES_HEADER, run, run_import, write

from rightsmap.disclosure import public
from rightsmap.domain import config, period
from rightsmap.records import store

D = dt.date


@pytest.fixture()
def source():
    """Point the period at a made-up span of data and published quarters."""
    def use(months, quarters=None):
        period.follow(lambda: months, (lambda: quarters) if quarters is not None else None)
    return use


def test_the_months_are_the_datas_and_the_settings_override_either_end(source, monkeypatch):
    source((pd.Timestamp("2021-03-01"), D(2022, 11, 1)))
    assert period.months() == (D(2021, 3, 1), D(2022, 11, 1))
    monkeypatch.setattr(config, "FIRST_MONTH", "2020-01")
    assert period.months() == (D(2020, 1, 1), D(2022, 11, 1))
    monkeypatch.setattr(config, "LAST_MONTH", "2021-06")
    assert period.months() == (D(2020, 1, 1), D(2021, 6, 1))


def test_an_empty_database_offers_this_month_only(source):
    source((None, None))
    assert period.months() == (period.this_month(), period.this_month())
    assert period.quarters() == (period.quarter_start(period.this_month()),)


def test_the_public_quarters_are_the_tables_and_fill_a_gap(source, monkeypatch):
    source((D(2021, 1, 1), D(2022, 12, 1)), (D(2021, 4, 1), D(2022, 1, 1)))
    assert period.quarters() == (D(2021, 4, 1), D(2021, 7, 1), D(2021, 10, 1), D(2022, 1, 1))
    monkeypatch.setattr(config, "FIRST_MONTH", "2021-08")  # inside the quarter from July
    assert period.quarters() == (D(2021, 7, 1), D(2021, 10, 1), D(2022, 1, 1))
    monkeypatch.setattr(config, "FIRST_MONTH", "2030-01")  # after everything published: the table's own
    assert period.quarters()[0] == D(2021, 4, 1)


def test_published_quarters_read_only_quarter_rows_of_the_period_column():
    table = pd.DataFrame({"quarter": [D(2021, 1, 1), D(2021, 4, 1), D(2021, 4, 1)], "value": [1, 2, 3]})
    assert public.published_quarters(table) == (D(2021, 1, 1), D(2021, 4, 1))
    # A later layout: one `period` column holding quarters and year totals, with or without a grain column.
    mixed = pd.DataFrame({"period": ["2021-Q3", "2021", "2022-Q1", pd.Timestamp("2022-04-01"), None]})
    assert public.published_quarters(mixed) == (D(2021, 7, 1), D(2022, 1, 1), D(2022, 4, 1))
    graded = pd.DataFrame({"period": [D(2021, 1, 1), D(2021, 1, 1), D(2021, 7, 1)],
                           "grain": ["year", "quarter", "quarter"]})
    assert public.published_quarters(graded) == (D(2021, 1, 1), D(2021, 7, 1))
    assert public.published_quarters(pd.DataFrame({"quarter": []})) == ()
    assert public.published_quarters(pd.DataFrame({"region": ["KG-GB"]})) == ()


def test_the_command_line_reads_the_period_of_the_database_it_is_given(tmp_path):
    db_path = store.create_empty(tmp_path / "real.duckdb")
    rows = "\n".join(f"0{m}.0{m}.2023;Свердловский р-н;extortion;police;;;;" for m in range(1, 8))
    assert run_import("cases", write(tmp_path / "c.csv", CASES_HEADER + "\n" + rows + "\n"), db_path)[0] == 0
    code, out = run("summary", "--db", str(db_path))
    assert code == 0 and json.loads(out)["cases"] == 7
    code, out = run("summary", "--db", str(db_path), "--public")
    assert code == 0
    published = json.loads(out)
    assert (published["from"], published["to"]) == ("2023-Q1", "2023-Q3")
    assert list(published["by_quarter"]) == ["2023-Q1", "2023-Q2", "2023-Q3"]
    code, out = run("summary", "--db", str(db_path), "--from", "2023-05")
    assert code == 0 and json.loads(out)["cases"] == 3  # May to July: the period ends with the data
    code, _ = run("summary", "--db", str(db_path), "--from", "2023-08")
    assert code == 2  # starts after the data's last month, so after the period's end
