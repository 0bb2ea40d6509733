"""Files for spreadsheets and scripts (issue 22): whole counts, percentages with one decimal in the
language's notation, the language's separators, a stamp that pandas skips, names that never collide."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest

from rightsmap.cli import main as cli
from rightsmap.data import db
from rightsmap.disclosure import public
from rightsmap.disclosure.public_filters import PublicFilters, parse_quarter
from rightsmap.domain.filters import Filters, parse_month
from rightsmap.exports import data as export_data, public_files, render, tables

FILTERS = Filters(month_from=parse_month("2016-01"), month_to=parse_month("2017-12"))
SEPARATORS = {"en": (",", "."), "ru": (";", ","), "ky": (";", ",")}


@pytest.fixture(scope="module")
def data(sample_db: Path) -> export_data.ExportData:
    with db.connect(sample_db) as conn:
        return export_data.gather(conn, FILTERS, metric="coverage_pct")


def read(content: bytes, lang: str) -> pd.DataFrame:
    """As a script reads it: pandas with comment="#" and the language's separators, every cell as text."""
    sep, _decimal = SEPARATORS[lang]
    return pd.read_csv(io.BytesIO(content), comment="#", sep=sep, encoding="utf-8-sig", dtype=str,
                       keep_default_na=False)


@pytest.mark.parametrize("lang", ["en", "ru", "ky"])
def test_pandas_reads_every_staff_table_with_comment_hash(data, lang):
    for name in ["all", *tables.TABLES]:
        content = render.export("data.csv", data, lang, table=name)
        frame = read(content, lang)
        wanted = tables.table(name, data, lang).columns if name != "all" else ["table"]
        assert set(wanted) <= set(frame.columns), (name, list(frame.columns))
        stamp = [line for line in content.decode("utf-8-sig").splitlines() if line.startswith("#")]
        assert stamp and not any(line.startswith('"') for line in content.decode("utf-8-sig").splitlines())


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_counts_are_whole_and_percentages_have_one_decimal_in_the_language(data, lang):
    decimal = SEPARATORS[lang][1]
    percent = re.compile(r"^\d+" + re.escape(decimal) + r"\d$")
    headline = read(render.export("data.csv", data, lang, table="headline"), lang).set_index("measure")
    assert headline.loc["cases", "value"] == str(data.summary["cases"])  # 1108, not 1108.0
    assert percent.match(headline.loc["coverage_pct", "value"]), headline.loc["coverage_pct", "value"]
    reach = read(render.export("data.csv", data, lang, table="reach"), lang)
    assert all(re.fullmatch(r"\d+", v) for v in reach["planned"]) and all(map(percent.match, reach["coverage_pct"]))
    everything = read(render.export("data.csv", data, lang), lang)
    counts = everything[everything["table"] == "raids"]["raid_events"]
    assert len(counts) and all(re.fullmatch(r"\d+", v) for v in counts)  # no 563.0 beside other tables
    the_map = everything[everything["table"] == "map"]["value"]  # coverage: the map's metric here
    assert all(percent.match(v) for v in the_map if v)
    assert pd.to_numeric(reach["coverage_pct"].str.replace(",", "."), errors="coerce").notna().all()


def test_the_language_chooses_the_separators(data):
    en = render.export("data.csv", data, "en", table="reach").decode("utf-8-sig").splitlines()
    ru = render.export("data.csv", data, "ru", table="reach").decode("utf-8-sig").splitlines()
    header_en, header_ru = (next(line for line in lines if not line.startswith("#")) for lines in (en, ru))
    assert header_en == "quarter,planned,reached,coverage_pct"
    assert header_ru == "quarter;planned;reached;coverage_pct"
    _, frame = tables.read_csv(render.export("data.csv", data, "ru", table="reach"))
    assert frame["coverage_pct"].dtype.kind == "f"  # a number, read with the decimal comma


def test_file_names_carry_view_metric_and_period(data, sample_db):
    names = {render.file_name(kind, data) for kind in ("map.png", "map.svg", "brief.pdf", "deck.pptx")}
    assert "rightsmap-staff-map-coverage_pct-2016-01_2017-12.png" in names
    with db.connect(sample_db) as conn:
        raids = export_data.gather(conn, FILTERS, metric="raid_events")
    assert render.file_name("map.png", raids) != render.file_name("map.png", data)
    assert render.file_name("data.csv", raids, table="reach") == "rightsmap-staff-reach-2016-01_2017-12.csv"
    shown = PublicFilters(quarter_from=parse_quarter("2017-Q1"), quarter_to=parse_quarter("2017-Q4"),
                          show="raid_events")
    assert public_files.file_name("map.png", shown) == "rightsmap-public-raid_events-2017-Q1_2017-Q4.png"
    bishkek = PublicFilters(quarter_from=shown.quarter_from, quarter_to=shown.quarter_to, region="KG-GB",
                            show="cases_of_type:extortion")
    assert public_files.file_name("data.csv", bishkek) == \
        "rightsmap-public-KG-GB-cases_of_type-extortion-2017-Q1_2017-Q4.csv"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_public_csv_has_a_number_and_a_status_beside_each_mark(sample_db, tmp_path, lang):
    out = tmp_path / f"public-{lang}.csv"
    code = cli.main(["export", "data.csv", "--out", str(out), "--db", str(sample_db), "--public", "--region", "KG-N",
                     "--from", "2016-Q1", "--to", "2017-Q4", "--lang", lang], out=io.StringIO())
    assert code == 0
    frame = read(out.read_bytes(), lang)
    assert list(frame.columns) == ["part", "code", "label", "shown", "value", "status"]
    statuses = set(getattr(public, "STATUSES", ())) or {public.EXACT, public.AT_LEAST, public.HIDDEN, public.NO_DATA,
                                                          getattr(public, "LESS_THAN", public.HIDDEN)}
    assert set(frame["status"]) <= statuses
    assert set(frame["status"]) - {public.EXACT}, "Naryn over two years has withheld figures"
    decimal = SEPARATORS[lang][1]
    for row in frame.itertuples():
        if row.status in (public.EXACT, public.AT_LEAST):
            assert re.fullmatch(r"\d+(" + re.escape(decimal) + r"\d)?", row.value), row
            assert row.value.split(decimal)[0] in row.shown.replace("\u202f", "").replace("\xa0", "").replace(
                " ", "").replace(",", "").replace(".", ""), row
        else:
            assert row.value == "", row  # a withheld figure has no number
    coverage = frame[frame["code"] == public.COVERAGE]
    assert all(v == "" or re.fullmatch(r"\d+" + re.escape(decimal) + r"\d", v) for v in coverage["value"])
