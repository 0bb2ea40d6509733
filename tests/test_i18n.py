"""Russian, Kyrgyz and English: complete catalogs, locale formats, and pages with no stray English."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pyarrow as pa
import pytest
from app_support import STAFF_NAME, map_reports, open_dashboard
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from rightsmap.data import metrics
from rightsmap.domain import config, i18n
from rightsmap.domain.vocab import PERPETRATORS, REGION_CODES, VIOLATION_TYPES

PAGES = ["pages/overview.py", "pages/public.py", "pages/map.py", "pages/timelines.py", "pages/reach.py", "pages/about.py",
         "pages/present.py", "pages/data.py", "pages/show.py"]
KEYWORDS = {"_": None, "N_": None, "translate": None}


def code_messages() -> set[str]:
    """Every message the code marks for translation, found the way `make messages` finds them."""
    found = set()
    for folder in ("pages", "rightsmap"):
        for _file, _line, message, _comments, _context in extract_from_dir(
                config.ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS):
            found.add(message)
    return {m for m in found if m}


def catalog(lang: str):
    with open(i18n.catalog_path(lang), "rb") as handle:
        return read_po(handle, locale=lang)


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_every_message_has_a_reviewed_translation(lang):
    entries = {m.id: m for m in catalog(lang) if m.id}
    missing = sorted(code_messages() - entries.keys())
    assert not missing, f"not in the {lang} catalog (run `make messages`, then translate): {missing[:5]}"
    untranslated = sorted(m for m in code_messages() if not entries[m].string or entries[m].fuzzy)
    assert not untranslated, f"untranslated or fuzzy in {lang}: {untranslated[:5]}"


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_translations_keep_their_placeholders(lang):
    for entry in catalog(lang):
        if entry.id and entry.string:
            assert set(re.findall(r"\{\w+\}", entry.id)) == set(re.findall(r"\{\w+\}", entry.string)), entry.id


def test_the_kyrgyz_catalog_is_one_file():
    assert len(list((config.PACKAGE_DIR / "locales" / "ky").rglob("*.po"))) == 1


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_numbers_are_formatted_as_babel_formats_them(lang):
    """Translator.number keeps the locale and the pattern between calls; the text is format_decimal's."""
    from babel.numbers import format_decimal

    values = [0, 0.04, 0.05, 0.5, 1.5, 2.5, 7, 39.05, 99.95, 999.5, 1234, 1234.5, 1_234_567.25, -12.5, 1e9]
    for decimals in (0, 1, 2):
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        assert [i18n.translator(lang).number(v, decimals=decimals) for v in values] == [
            format_decimal(v, format=pattern, locale=lang) for v in values]


def test_numbers_and_months_follow_the_locale():
    assert i18n.translator("ru").number(1234.5, decimals=1) == "1\xa0234,5"
    assert i18n.translator("en").number(1234.5, decimals=1) == "1,234.5"
    assert i18n.translator("ky").number(1234) == "1\xa0234"
    import datetime as dt

    assert i18n.translator("ru").month(dt.date(2017, 5, 1)) == "май 2017"
    assert i18n.translator("ky").month(dt.date(2017, 5, 1)).lower().startswith("май")


def test_names_come_from_one_place():
    assert i18n.translator("ky").region("KG-GO") == "Ош шаары"
    assert i18n.translator("ru").region("KG-GB") == "город Бишкек"
    assert i18n.translator("ru").violation_type("extortion") == "Вымогательство"
    assert i18n.translator("ky").perpetrator("police") == "Милиция"


@pytest.mark.parametrize("locale, lang", [("ky-KG", "ky"), ("en-US", "en"), ("ru_RU", "ru"), ("de-DE", "ru"),
                                          (None, "ru"), ("", "ru")])
def test_language_from_the_browser_locale(locale, lang):
    assert i18n.language_from_locale(locale) == lang


# Words that may appear in Latin letters on a Russian or Kyrgyz page: codes and proper names.
ALLOWED = ({c.lower() for c in (*REGION_CODES, *VIOLATION_TYPES, *PERPETRATORS, *metrics.METRICS)}
           | {"kg", "natural", "earth", "geojson", "places", "npm", "isc", "english", "lang", "ru", "ky", "en",
              "leaflet", "pct", "csv", "utf", "windows", "xlsx", "json", "toml", "pptx", "pdf", "png", "svg"}
           | {STAFF_NAME})  # the logged-in user's name, shown in the staff marker


def _svg_text(svg: str) -> list[str]:
    """What an SVG drawing shows and says: its text, tooltips and ARIA labels, not its markup."""
    root = ET.fromstring(svg)
    texts = [e.get("aria-label") for e in root.iter() if e.get("aria-label")]
    return texts + [text for text in root.itertext() if text.strip()]


def visible_text(at: AppTest) -> list[str]:
    """The text a person sees: element values, labels, options, and chart titles, legends and labels."""
    texts: list[str] = []

    def walk(node) -> None:
        kind = type(node).__name__
        # A widget's value is its raw option (a code); what it shows is in its options and label.
        attributes = ("label", "help", "placeholder") if hasattr(node, "options") else (
            "value", "label", "body", "help", "placeholder")
        for attribute in attributes if kind != "UnknownElement" else ():
            value = getattr(node, attribute, None)
            if isinstance(value, str) and value.lstrip().startswith("<svg"):  # the public chart
                texts.extend(_svg_text(value))
            elif isinstance(value, str) and not value.lstrip().startswith("<style"):  # CSS is not shown
                texts.append(value)
        options = getattr(node, "options", None)
        if isinstance(options, list):
            texts.extend(str(o) for o in options)
        if kind == "UnknownElement" and node.type == "arrow_vega_lite_chart":
            texts.extend(_chart_text(node.proto))
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(at._tree)
    return texts


def _chart_text(proto) -> list[str]:
    spec = json.loads(proto.spec)
    found: list[str] = []

    def collect(value, key=None) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                collect(v, k)
        elif isinstance(value, list):
            for v in value:
                collect(v, key)
        elif isinstance(value, str) and key == "title":
            found.append(value)

    collect(spec)
    label_columns = ("category_label", "series_label", "measure", "title")
    for rows in spec.get("datasets", {}).values():  # data inlined in the spec
        found.extend(str(row[c]) for row in rows for c in label_columns if c in row)
    for dataset in proto.datasets:  # data sent as Arrow tables
        table = pa.ipc.open_stream(dataset.data.data).read_all()
        for column in label_columns:
            if column in table.column_names:
                found.extend(str(v) for v in table.column(column).to_pylist())
    return found


def english_words(texts: list[str]) -> set[str]:
    words = set()
    for text in texts:
        text = re.sub(r"`[^`]*`", "", text)  # code spans hold codes
        for word in re.findall(r"[A-Za-z][A-Za-z\-]+", text):
            word = word.strip("-")
            if word.lower() not in ALLOWED and not all(part.lower() in ALLOWED for part in word.split("-")):
                words.add(word)
    return words


@pytest.fixture()
def app(sample_db, monkeypatch):
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))

    def open_app(page: str, lang: str) -> AppTest:
        return open_dashboard(page, query={"lang": lang})

    return open_app


@pytest.mark.parametrize("lang", ["ru", "ky"])
@pytest.mark.parametrize("page", PAGES)
def test_pages_in_russian_and_kyrgyz_show_no_english_words(app, page, lang):
    at = app(page, lang)
    texts = visible_text(at)
    assert len(texts) > 10
    assert not english_words(texts), f"{page} in {lang}: {sorted(english_words(texts))}"


def test_the_check_for_english_words_can_fail(app):
    at = app(PAGES[0], "en")
    assert {"Overview", "Documented"} <= english_words(visible_text(at))


def test_language_switch_keeps_the_filters_and_the_url(app):
    at = app(PAGES[0], "en")
    at.multiselect(key="f_regions").set_value(["KG-GB"]).run()
    at.radio(key="f_lang").set_value("ky").run()
    assert at.title[0].value == "Жалпы көрүнүш"
    assert at.multiselect(key="f_regions").value == ["KG-GB"]
    assert at.query_params["lang"] == "ky" and at.query_params["regions"] == "KG-GB"


def test_a_bad_language_in_the_link_falls_back_with_a_notice(app):
    at = app(PAGES[0], "xx")
    assert "lang=xx" in " ".join(w.value for w in at.warning)
    assert at.query_params["lang"] == "ru"  # no browser locale in AppTest: Russian


def test_region_names_on_the_map_follow_the_language(app, monkeypatch):
    sent = map_reports(monkeypatch, {})
    app("pages/map.py", "ky")
    script = sent[-1]["feature_group"]  # the regions layer, its tooltips and legend, as the browser gets it

    def shown(text: str) -> bool:  # as written, or as JSON escapes it inside the map's script
        return text in script or json.dumps(text)[1:-1] in script

    # The legend names "no data" only when a region has none (here every region has data).
    assert shown("Ош шаары") and shown("Катталган окуялар")
    assert not shown("Osh City") and not shown("Documented cases") and not shown("No data")


def test_catalog_files_are_where_the_translator_reads_them():
    assert Path(i18n.catalog_path("ky")).is_file() and Path(i18n.catalog_path("ru")).is_file()


@pytest.fixture(scope="module")
def export_data_sample(sample_db):
    from rightsmap.data import db
    from rightsmap.domain.filters import Filters, parse_month
    from rightsmap.exports import data as export_data

    filters = Filters(regions=("KG-GB",), month_from=parse_month("2016-01"), month_to=parse_month("2017-12"))
    with db.connect(sample_db) as conn:
        return export_data.gather(conn, filters, metric="cases")


@pytest.mark.parametrize("lang, view", [("ru", "Представление"), ("ky", "Көрүнүш")])
def test_export_stamps_are_in_the_chosen_language(export_data_sample, lang, view):
    import io

    from pptx import Presentation
    from pypdf import PdfReader

    from rightsmap.exports import render, stamp, tables

    lines = stamp.make(export_data_sample, lang).lines()
    assert lines[1].startswith(view)
    assert not english_words(lines), english_words(lines)
    csv_stamp, _frame = tables.read_csv(render.export("data.csv", export_data_sample, lang))
    assert not english_words(csv_stamp) and any(view in line for line in csv_stamp)
    pdf = PdfReader(io.BytesIO(render.export("brief.pdf", export_data_sample, lang))).pages[0].extract_text()
    assert view in pdf
    deck = Presentation(io.BytesIO(render.export("deck.pptx", export_data_sample, lang)))
    notes = deck.slides[1].notes_slide.notes_text_frame.text
    assert view in notes and not english_words([notes])


def test_the_english_stamp_is_english(export_data_sample):
    from rightsmap.exports import stamp

    assert stamp.make(export_data_sample, "en").lines()[1].startswith("View:")
