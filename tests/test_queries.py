"""Every query in queries/ runs, returns its documented columns, and is used; pages hold no SQL."""

import re

import duckdb
import pyarrow as pa
import pytest

from rightsmap.data import db
from rightsmap.domain import config
from rightsmap.domain.filters import Filters, parse_month

ROOT = config.ROOT
ALL_PARAMS = {**Filters().sql_params(), "grain": "month", "by_region": True}


@pytest.mark.parametrize("name", db.query_names())
def test_query_runs_and_returns_documented_columns(conn, name):
    header = db.query_header(name)
    assert header["name"].split(":")[0].strip() == name, "first line must be `-- name: <file stem>: ...`"
    assert len(header["name"].split(":", 1)[1].strip()) > 10, "the name line needs a one-line description"
    documented = [c.strip() for c in header["columns"].split(",")]
    frame = db.run(conn, name, **ALL_PARAMS)
    assert list(frame.columns) == documented
    assert not frame.empty


@pytest.mark.parametrize("name", db.query_names())
def test_query_binds_parameters_and_formats_nothing_in(name):
    sql = db.load_query(name)
    assert "{" not in sql and "%s" not in sql
    assert db.query_params(name) <= set(ALL_PARAMS)


def test_every_query_is_used_and_every_used_query_exists():
    code = "\n".join(p.read_text() for p in [*(ROOT / "rightsmap").rglob("*.py"), *(ROOT / "pages").glob("*.py")])
    used = set(re.findall(r'db\.run\(\s*\w+,\s*"(\w+)"', code))
    used |= set(re.findall(r'"(cases_by_period_and_\w+)"', code))
    assert used <= set(db.query_names()), f"missing query files: {used - set(db.query_names())}"
    assert set(db.query_names()) <= used, f"unused query files: {set(db.query_names()) - used}"


STATEMENTS = sorted(f"statements/{p.stem}" for p in (config.QUERIES_DIR / "statements").glob("*.sql"))
# A sample value for each parameter the statements bind, for the reads below.
STATEMENT_PARAMS = {"sha": "0" * 64, "batch": 1}


def _documented_columns(name):
    return [c.strip() for c in db.query_header(name)["columns"].split(",")]


@pytest.mark.parametrize("name", STATEMENTS)
def test_statement_header_names_it_and_binds_what_it_formats_nothing_into(name):
    header = db.query_header(name)
    assert header["name"].split(":")[0].strip() == name, "first line must be `-- name: statements/<stem>: ...`"
    assert len(header["name"].split(":", 1)[1].strip()) > 10, "the name line needs a one-line description"
    assert header["columns"], "a `-- columns:` line, `(none)` for a statement that returns nothing"
    sql = db.load_query(name)
    assert "{" not in sql and "%s" not in sql and "?" not in sql


@pytest.mark.parametrize("name", [n for n in STATEMENTS if db.query_header(n)["columns"] != "(none)"])
def test_read_statement_returns_its_documented_columns(tmp_path, name):
    from rightsmap.records import store

    path = store.create_empty(tmp_path / "empty.duckdb")
    params = {key: STATEMENT_PARAMS[key] for key in db.query_params(name)}
    with duckdb.connect(str(path)) as conn:
        conn.register("rows", pa.table({"region": ["KG-GB"], "year": [2020]}))  # what estimates_held reads
        conn.execute(db.load_query(name), params or None)
        assert [column[0] for column in conn.description] == _documented_columns(name)


def test_every_statement_is_used_and_every_used_statement_exists():
    code = "\n".join(p.read_text() for p in (ROOT / "rightsmap").rglob("*.py"))
    used = set(re.findall(r'db\.execute(?:_frame)?\(\s*\w+,\s*"(statements/\w+)"', code))
    assert used == set(STATEMENTS), f"missing: {used - set(STATEMENTS)}, unused: {set(STATEMENTS) - used}"


def test_execute_binds_exactly_the_statements_parameters(tmp_path):
    from rightsmap.records import store

    path = store.create_empty(tmp_path / "empty.duckdb")
    with duckdb.connect(str(path)) as conn:
        with pytest.raises(KeyError, match="binds \\['batch'\\]"):
            db.execute(conn, "statements/batch_exists")
        with pytest.raises(KeyError, match="binds \\['batch'\\]"):
            db.execute(conn, "statements/batch_exists", batch=1, regions=["KG-GB"])
        assert db.execute(conn, "statements/batch_exists", batch=1) == [(0,)]


def test_a_frame_is_registered_for_its_statement_only(tmp_path):
    from rightsmap.records import store

    path = store.create_empty(tmp_path / "empty.duckdb")
    rows = pa.table({"region": ["KG-GB"], "year": [2020]})
    with duckdb.connect(str(path)) as conn:
        conn.execute("INSERT INTO estimates VALUES ('KG-GB', 2020, 100, NULL, NULL, 'a report', 'page 1', 3)")
        assert db.execute(conn, "statements/estimates_held", frames={"rows": rows}) == [("KG-GB", 2020, "3")]
        assert "rows" not in {name for (name,) in conn.execute("SELECT view_name FROM duckdb_views()").fetchall()}


def test_the_batch_list_has_the_columns_the_import_report_names():
    from rightsmap.records.importing import report

    assert _documented_columns("statements/batches") == report.BATCH_COLUMNS


def test_migrations_are_the_files_numbered_one_to_the_schema_version():
    from rightsmap.data import schema

    numbers = sorted(int(p.name[:3]) for p in schema.MIGRATIONS_DIR.glob("*.sql"))
    assert numbers == list(range(1, schema.SCHEMA_VERSION + 1))
    with duckdb.connect() as conn:
        assert schema.migrate(conn) == schema.SCHEMA_VERSION
        tables = {name for (name,) in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"regions", "cases", "raids", "detentions", "reach", "events", "batches", "releases",
            "estimates"} <= tables


def test_a_missing_migration_file_is_named(tmp_path, monkeypatch):
    from rightsmap.data import schema

    monkeypatch.setattr(schema, "MIGRATIONS_DIR", tmp_path)
    schema.migration.cache_clear()
    try:
        with duckdb.connect() as conn, pytest.raises(RuntimeError, match="001_\\*.sql for schema version 1"):
            schema.migrate(conn)
    finally:
        schema.migration.cache_clear()


def test_pages_never_touch_sql_or_the_database():
    for page in [ROOT / "dashboard.py", *(ROOT / "pages").glob("*.py")]:
        text = page.read_text()
        assert not re.search(r"\bSELECT\b|\bFROM\b\s+\w+\s+WHERE", text), page
        assert "duckdb" not in text and "db.run" not in text, page


def test_run_refuses_missing_parameters(conn):
    with pytest.raises(KeyError, match="needs parameters"):
        db.run(conn, "case_totals", regions=["KG-GB"])


def test_run_ignores_parameters_a_query_does_not_name(conn):
    frame = db.run(conn, "regions", **ALL_PARAMS)
    assert len(frame) == 9


def test_type_filter_counts_a_multi_type_case_once(conn):
    params = Filters().sql_params()
    total = db.run(conn, "case_totals", **params)["cases"].iloc[0]
    by_type = db.run(conn, "cases_by_type", **params)["cases"].sum()
    by_perpetrator = db.run(conn, "cases_by_perpetrator", **params)["cases"].sum()
    assert by_perpetrator == total
    assert by_type > total  # some cases have several types


@pytest.mark.parametrize("first, last, quarters", [("2017-05", "2017-08", 0), ("2017-04", "2017-09", 2),
                                                    ("2017-04", "2017-06", 1)])
def test_reach_counts_only_whole_quarters(conn, first, last, quarters):
    params = Filters(month_from=parse_month(first), month_to=parse_month(last)).sql_params()
    assert db.run(conn, "reach_totals", **params)["quarters"].iloc[0] == quarters


def plain(frame):
    """Values as Python objects, missing ones as None."""
    return frame.astype(object).where(frame.notna(), None)


def test_events_taken_from_all_events_are_what_the_period_query_returns(conn):
    import random

    import pandas as pd

    from rightsmap.data import metrics
    from rightsmap.domain.vocab import REGION_CODES

    every = metrics.all_events(conn)
    assert len(every) > 3  # the sample has events, national and regional
    months = pd.date_range("2015-11-01", "2021-02-01", freq="MS").date
    rnd = random.Random(7)
    cases = [Filters(), Filters(regions=("KG-GB",))]
    for _ in range(60):
        first, last = sorted(rnd.sample(list(months), 2))
        cases.append(Filters(regions=tuple(rnd.sample(REGION_CODES, rnd.randint(1, 4))), month_from=first,
                             month_to=last))
    shown = 0
    for filters in cases:
        expected = metrics.events(conn, filters)
        # The same rows and values; DuckDB types a column with no text in it (all NULL, or no rows) as object.
        pd.testing.assert_frame_equal(plain(metrics.events_in(every, filters)), plain(expected))
        shown += len(expected)
    assert shown > 0


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_public_event_list_is_the_list_drawn_from_the_events_frame(sample_db, monkeypatch, lang):
    """ui.event_list_text skips the frame (a public filter change); its text is event_list_markdown's for the
    public view (public events only, by quarter)."""
    import random

    import pandas as pd

    from rightsmap.domain import i18n
    from rightsmap.domain.vocab import REGION_CODES
    from rightsmap.web import ui

    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))
    monkeypatch.setattr(ui, "translator", lambda: i18n.translator(lang))
    quarters = pd.date_range("2015-10-01", "2021-01-01", freq="QS").date
    rnd = random.Random(11)
    cases = [Filters(), Filters(regions=("KG-GB",)), Filters(month_from=parse_month("2017-01"),
                                                             month_to=parse_month("2017-01"))]
    for _ in range(40):
        first, last = sorted(rnd.sample(list(quarters), 2))
        cases.append(Filters(regions=rnd.choice([REGION_CODES, (rnd.choice(REGION_CODES),)]), month_from=first,
                             month_to=parse_month(f"{last.year}-{last.month + 2:02d}")))
    texts = [ui.event_list_text(filters) for filters in cases]
    assert texts == [ui.event_list_markdown(ui.events(filters), public_view=True) for filters in cases]
    assert sum(text.count("\n") for text in texts) > 20 and "" in texts  # lists of several events, and none


@pytest.mark.parametrize("name", ["case_totals", "cases_by_period_and_perpetrator", "cases_by_perpetrator",
                                  "region_summary"])
def test_all_types_skips_the_type_test_without_changing_a_count(conn, name):
    import pandas as pd

    params = {**Filters(month_from=parse_month("2016-04"), month_to=parse_month("2018-09")).sql_params(),
              "grain": "quarter", "by_region": True}
    assert params["all_types"] is True and "all_types" in db.query_params(name)
    fast = db.run(conn, name, **params)
    pd.testing.assert_frame_equal(fast, db.run(conn, name, **{**params, "all_types": False}))
    assert fast.select_dtypes("number").to_numpy().sum() > 0
    some = Filters(types=("extortion", "threats")).sql_params()
    assert some["all_types"] is False
