"""The rates in the running app: the staff map's tooltips and notes, the timelines, and the About page's list."""

import pytest
from app_support import map_reports, open_dashboard

from rightsmap.records import sample


@pytest.fixture()
def app(sample_db, monkeypatch):
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))

    def open_app(page: str, lang: str = "en", **query: str):
        return open_dashboard(page, query={"lang": lang, **query})

    return open_app


def captions(at) -> str:
    return "\n".join(str(e.value) for kind in ("caption", "info", "markdown") for e in getattr(at, kind))


def test_the_map_shows_cases_per_100_with_its_range_and_says_where_there_is_no_estimate(app, monkeypatch):
    sent = map_reports(monkeypatch, {})
    at = app("pages/map.py", **{"from": "2017-01", "to": "2017-12"})
    at.selectbox(key="map_metric").set_value("cases_per_100").run()
    assert not at.exception, [e.value for e in at.exception]
    layer = sent[-1]["feature_group"]
    # Bishkek's 2017 rate over the sample's invented 2015 estimate, with the range from its bounds.
    assert "estimate of 2015" in layer and "(range " in layer
    assert layer.count("no size estimate") == 2  # Naryn and Talas
    text = captions(at)
    assert "No population size estimate for Naryn, Talas, so no rate there." in text
    assert "Population size estimates from: Invented for the synthetic sample." in text


@pytest.mark.parametrize("series", ["cases_per_100", "coverage_of_estimate"])
def test_the_timelines_draw_rates_per_region(app, series):
    at = app("pages/timelines.py", regions="KG-GB,KG-N")
    at.selectbox(key="timeline_series").set_value(series).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "No population size estimate for Naryn, so no rate there." in captions(at)


@pytest.mark.parametrize(("lang", "invented"), [("en", "Invented for the synthetic sample"),
                                                ("ru", "Придумано для синтетического образца"),
                                                ("ky", "Синтетикалык үлгү үчүн ойлоп табылган")])
def test_the_about_page_lists_every_estimate_with_its_source(sample_db, monkeypatch, lang, invented):
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))
    at = open_dashboard("pages/about.py", query={"lang": lang}, staff_view=False)  # the sample's, to anyone
    assert not at.exception
    listing = next(m.value for m in at.markdown if invented in m.value)
    rows = [line for line in listing.splitlines()[2:] if line.startswith("|")]
    assert len(rows) == len(sample.ESTIMATES)
    assert all(f"| {invented} |" in row for row in rows)
    assert sum("| 2015 |" in row for row in rows) == len(sample.ESTIMATES) - 1  # and Bishkek's 2018


def test_the_import_page_offers_estimates_with_their_templates(app):
    at = app("pages/data.py")
    assert "Population size estimates (region, year, estimate and its source)" in at.selectbox(key="import_kind").options
    at.selectbox(key="import_kind").set_value("estimates").run()
    assert not at.exception, [e.value for e in at.exception]


def test_the_import_page_previews_imports_and_undoes_estimates(tmp_path, monkeypatch):
    from rightsmap.records import store

    monkeypatch.setenv("RIGHTSMAP_DB", str(store.create_empty(tmp_path / "real.duckdb")))
    good = ("регион;год;оценка;нижняя граница;верхняя граница;источник;примечание к источнику\n"
            "Бишкек;2016;200;150;250;Test study A;Invented for a test\n"
            "Нарын;2016;80;;;Test study B;Invented for a test\n").encode()
    at = open_dashboard("pages/data.py", query={"lang": "en"})
    at.selectbox(key="import_kind").set_value("estimates").run()
    at.file_uploader[0].set_value(("estimates.csv", good, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "**Population size estimates**: 2 rows" in [m.value for m in at.markdown]
    at.button(key="import_confirm").click().run()
    assert "Imported as batch 1" in " ".join(s.value for s in at.success)
    at.switch_page("pages/about.py").run()
    assert any("| Naryn | 2016 | 80 | not given | Test study B | Invented for a test |" in m.value for m in at.markdown)
    at.switch_page("pages/data.py").run()
    at.selectbox(key="undo_batch").set_value(1).run()
    at.button(key="undo_confirm").click().run()
    at.switch_page("pages/about.py").run()
    assert "No population size estimates are loaded, so the dashboard shows no rates." in captions(at)


def test_the_import_page_lists_an_estimate_without_its_source_note_as_a_row_error(tmp_path, monkeypatch):
    from rightsmap.records import store

    monkeypatch.setenv("RIGHTSMAP_DB", str(store.create_empty(tmp_path / "real.duckdb")))
    bad = b"region;year;estimate;source;source_note\nBishkek;2016;200;Test study A;\n"
    at = open_dashboard("pages/data.py", query={"lang": "ru"})
    at.selectbox(key="import_kind").set_value("estimates").run()
    at.file_uploader[0].set_value(("estimates.csv", bad, "text/csv")).run()
    assert not at.exception
    errors = at.dataframe[0].value
    assert errors.iloc[0].tolist()[-2:] == ["source_note", "нет значения"]  # "missing", in Russian
    assert not [b for b in at.button if b.key == "import_confirm"]


def test_imported_sources_are_shown_to_staff_and_withheld_from_visitors(tmp_path, monkeypatch):
    from import_helpers import run_import, write

    from rightsmap.records import store

    path = store.create_empty(tmp_path / "real.duckdb")
    monkeypatch.setenv("RIGHTSMAP_DB", str(path))
    text = "region;year;estimate;source;source_note\nBishkek;2016;200;Test study A;Page 12\n"
    assert run_import("estimates", write(tmp_path / "e.csv", text), path)[0] == 0
    staff_row = "| Bishkek | 2016 | 200 | not given | Test study A | Page 12 |"
    at = open_dashboard("pages/about.py", query={"lang": "en"})
    assert any(staff_row in m.value for m in at.markdown)
    visitor = open_dashboard("pages/about.py", query={"lang": "en"}, staff_view=False)
    page = "\n".join(m.value for m in visitor.markdown)
    assert "| Bishkek | 2016 | 200 | not given | shown to staff | shown to staff |" in page
    assert "Test study A" not in page and "Page 12" not in page
    assert "Imported sources and notes are shown to logged-in staff" in captions(visitor)
