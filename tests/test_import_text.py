"""Imported text stays plain text: no math, no control characters, no links, and quoted cells as written."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from import_helpers import CASES_HEADER
from pptx import Presentation
from pypdf import PdfReader

from rightsmap.data import db
from rightsmap.domain.filters import Filters, parse_month
from rightsmap.exports import data as export_data, render
from rightsmap.records.importing import pipeline
from rightsmap.web import ui

FILTERS = Filters(regions=("KG-GB",), month_from=parse_month("2016-01"), month_to=parse_month("2017-12"))
TITLES = ["Fees rose from $5 to $10 a raid", r"Police $\nocommand$ memo", "Raid\x01 in\x0b the\x1b[31m centre"]


@pytest.fixture(scope="module")
def data_with_titles(sample_db: Path) -> export_data.ExportData:
    with db.connect(sample_db) as conn:
        data = export_data.gather(conn, FILTERS, metric="cases")
    events = pd.DataFrame({"event_date": pd.to_datetime(["2016-03-01", "2016-09-01", "2017-04-01"]),
                           "region": ["KG-GB"] * 3, "title_en": TITLES, "title_ru": [None] * 3,
                           "title_ky": [None] * 3})
    return dataclasses.replace(data, events=events)


def test_the_brief_shows_dollar_signs_as_written_and_survives_bad_math(data_with_titles):
    text = PdfReader(io.BytesIO(render.export("brief.pdf", data_with_titles, "en"))).pages[0].extract_text()
    assert "$5 to $10" in text
    assert r"$\nocommand$" in text


@pytest.mark.parametrize("kind", ["deck.pptx", "chart.png", "brief.pdf", "data.csv"])
def test_exports_strip_control_characters(data_with_titles, kind):
    content = render.export(kind, data_with_titles, "en", table="events")
    if kind == "deck.pptx":
        shown = " ".join(shape.text_frame.text for slide in Presentation(io.BytesIO(content)).slides
                         for shape in slide.shapes if shape.has_text_frame)
        assert "Raid in the[31m centre" in shown
    if kind == "data.csv":
        assert "Raid in the[31m centre" in content.decode("utf-8-sig")
        assert not re.search(rb"[\x01\x0b\x1b]", content)
    assert content  # the PNG and the PDF are made at all: control characters made them fail


@pytest.mark.parametrize("column, cell", [("title_en", "Raid\x1b[2J"), ("title_ru", "Рейд\x0b"),
                                          ("place", "Бишкек\x01")])
def test_control_characters_are_refused_on_import_with_the_row(column, cell):
    header = "date;place;title_en;title_ru"
    cells = {"date": "2017-01-05", "place": "Бишкек", "title_en": "Raid", "title_ru": "Рейд", column: cell}
    content = f"{header}\n2017-01-06;Ош;Fine;Хорошо\n" + ";".join(cells[c] for c in header.split(";")) + "\n"
    prepared = pipeline.prepare("events", content.encode())
    assert [(e["row"], e["column"]) for e in prepared.errors] == [(3, column)]
    assert "control character" in prepared.errors[0]["reason"]


def test_a_blank_line_inside_a_quoted_cell_is_kept(tmp_path):
    title = "First line\n\nafter a blank line"
    # A blank line between rows too, so that the file goes through the rewrite that keeps row numbers.
    content = f'date;title_en\n2017-01-05;"{title}"\n\n2017-02-05;Second\n2999-01-01;Future\n'
    prepared = pipeline.prepare("events", content.encode("cp1251"))
    assert [(e["row"], e["column"]) for e in prepared.errors] == [(5, "date")]  # numbers still count the blank line
    ok = pipeline.prepare("events", content.replace("2999-01-01;Future\n", "").encode("cp1251"))
    assert ok.ok, ok.errors
    assert list(ok.tables["events"].column("title_en").to_pylist()) == [title, "Second"]


# What Streamlit's Markdown does (remark-gfm): resolve backslash escapes, then find literal autolinks in the
# text (mdast-util-gfm-autolink-literal's patterns, simplified).
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_AUTOLINK = re.compile(r"(?i)(https?://|www(?=\.))[-.\w]+|[-.\w+]+@[-\w]+(\.[-\w]+)+")


@pytest.mark.parametrize("title", ["See https://example.org/raid", "www.example.org", "mail to x@example.org",
                                   "HTTP://EXAMPLE.ORG"])
def test_urls_in_titles_do_not_become_links(title):
    shown = _ESCAPE.sub(r"\1", ui.escape_markdown(title))
    assert not _AUTOLINK.search(shown), shown
    assert shown.replace("\u2060", "") == title  # the same text, with an invisible joiner


def test_a_cr_only_csv_is_read():
    rows = ["2017-01-05;Бишкек;extortion;police;да;3;100;нет", "2017-02-06;Ош;threats;pimp;;;;"]
    prepared = pipeline.prepare("cases", "\r".join([CASES_HEADER, *rows, ""]).encode("cp1251"))
    assert prepared.ok, prepared.errors
    assert prepared.rows == 2
    blank = pipeline.prepare("cases", "\r".join([CASES_HEADER, rows[0], "", "x;Ош;threats;pimp;;;;", ""]).encode())
    assert [(e["row"], e["column"]) for e in blank.errors] == [(4, "date")]
