"""The app with imported data: an empty database, an import while the app runs, and the staff page."""

import pytest
from app_support import open_dashboard
from import_helpers import CASES_HEADER, run_import, write
from streamlit.testing.v1 import AppTest

from rightsmap.records import store

PAGES = ["pages/overview.py", "pages/map.py", "pages/timelines.py", "pages/reach.py", "pages/about.py",
         "pages/data.py"]
NO_DATA = "No data yet"
FOUR_CASES = (CASES_HEADER + "\n" + "\n".join(["05.01.2017;Бишкек;extortion;police;да;3;100;нет"] * 3)
              + "\n06.02.2017;Ош;threats;pimp;;;;\n")


@pytest.fixture()
def real_db(tmp_path, monkeypatch):
    target = store.create_empty(tmp_path / "real.duckdb")
    monkeypatch.setenv("RIGHTSMAP_DB", str(target))
    return target


def open_app(page: str = "pages/overview.py") -> AppTest:
    return open_dashboard(page, query={"lang": "en"})


@pytest.mark.parametrize("page", PAGES)
def test_every_page_copes_with_an_empty_database(real_db, page):
    at = open_app(page)
    assert NO_DATA in " ".join(i.value for i in at.info)


def test_an_import_while_the_app_runs_shows_up_on_the_next_rerun(real_db, tmp_path):
    at = open_app()
    assert at.metric[0].value == "0"  # documented cases
    code, report = run_import("cases", write(tmp_path / "c.csv", FOUR_CASES), real_db)
    assert code == 0, report["errors"]
    at.run()
    assert not at.exception
    assert at.metric[0].value == "4"
    assert NO_DATA not in " ".join(i.value for i in at.info)


def test_the_staff_page_previews_imports_and_undoes(real_db):
    at = open_app("pages/data.py")
    at.selectbox(key="import_kind").set_value("cases").run()
    at.file_uploader[0].set_value(("cases.csv", FOUR_CASES.encode(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert "**4** rows read." in [m.value for m in at.markdown]
    at.button(key="import_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Imported as batch 1" in " ".join(s.value for s in at.success)
    assert len(at.dataframe[-1].value) == 1  # the batch list
    at.switch_page("pages/overview.py").run()
    assert at.metric[0].value == "4"
    at.switch_page("pages/data.py").run()
    at.selectbox(key="undo_batch").set_value(1).run()
    at.button(key="undo_confirm").click().run()
    assert "Batch 1 undone" in " ".join(s.value for s in at.success)
    at.switch_page("pages/overview.py").run()
    assert at.metric[0].value == "0"


def test_the_staff_page_shows_errors_and_offers_no_import(real_db):
    at = open_app("pages/data.py")
    bad = CASES_HEADER + "\n05.01.2017;Atlantis;extortion;police;;;;\n"
    at.file_uploader[0].set_value(("cases.csv", bad.encode(), "text/csv")).run()
    assert not at.exception
    assert at.error and "Nothing can be imported" in at.error[0].value
    errors = at.dataframe[0].value
    assert list(errors["Row"]) == ["2"] and list(errors["Column"]) == ["place"]
    assert "Atlantis" not in errors.to_string()
    assert not [b for b in at.button if b.key == "import_confirm"]


def test_the_staff_page_refuses_to_add_real_data_to_the_sample(sample_db, monkeypatch):
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))
    at = open_app("pages/data.py")
    at.file_uploader[0].set_value(("cases.csv", FOUR_CASES.encode(), "text/csv")).run()
    assert len(at.error) == 1 and "will not take the file" in at.error[0].value
    assert "synthetic sample" in at.error[0].value
    assert not [b for b in at.button if b.key == "import_confirm"]
    # A file with errors too: the refusal is said first, then the file's own errors and their table.
    bad = CASES_HEADER + "\n05.01.2017;Atlantis;extortion;police;;;;\n"
    at.file_uploader[0].set_value(("bad.csv", bad.encode(), "text/csv")).run()
    assert [e.value.split(":")[0] for e in at.error] == ["This database will not take the file",
                                                         "Nothing can be imported from this file"]
    assert list(at.dataframe[0].value["Row"]) == ["2"]  # only the file's own rows


def test_the_page_offers_the_templates_and_reads_through_a_mapping(real_db):
    from rightsmap.records.importing import staff

    at = open_app("pages/data.py")
    at.selectbox(key="import_kind").set_value("raids").run()
    assert staff.template("raids", "csv").decode("utf-8-sig").startswith("date / дата,place / место")
    labels = [b.label for b in at.get("download_button")]
    assert "Empty template (CSV)" in labels and "Empty template (XLSX)" in labels
    at.selectbox(key="import_kind").set_value("cases").run()
    mapping = ('kind = "cases"\n[columns]\ndate = "When"\nplace = "Where"\nviolation_types = "What"\n'
               'perpetrator = "Who"\n[values.perpetrator]\n"Cop" = "police"\n')
    data = "When;Where;What;Who\n05.01.2021;Первомайский р-н;extortion;Cop\n"
    at.file_uploader[1].set_value(("react.toml", mapping.encode(), "application/toml")).run()
    at.file_uploader[0].set_value(("export.csv", data.encode(), "text/csv")).run()
    assert not at.exception and not at.error
    assert "**1** rows read." in [m.value for m in at.markdown]
    assert list(at.dataframe[0].value["Code"]) == ["KG-GB"]
    at.file_uploader[1].set_value(("react.toml", b'kind = "cases"\n[columns]\nvictim = "Name"\n', "application/toml")).run()
    assert len(at.error) == 1 and "victim is not a column of a cases file" in at.error[0].value
    assert "rows read" not in " ".join(m.value for m in at.markdown)


def test_a_problem_of_the_whole_file_names_no_row_and_never_none(real_db):
    at = open_app("pages/data.py")
    at.file_uploader[0].set_value(("cases.csv", b"foo;bar\n1;2\n", "text/csv")).run()
    errors = at.dataframe[0].value
    assert "no column of a cases file was recognised" in errors.to_string()
    assert list(errors["Row"]) == ["whole file"] and list(errors["Column"]) == ["—"]
    assert "None" not in errors.to_string()
