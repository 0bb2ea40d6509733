"""Exports: each file opens, draws the screen's numbers and classes, and carries the stamp; the CLI writes them."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from rightsmap.cli import main as cli
from rightsmap.data import db
from rightsmap.domain import config
from rightsmap.domain.filters import Filters, parse_month
from rightsmap.domain.i18n import translator
from rightsmap.exports import data as export_data, render, stamp, static_map, story, tables
from rightsmap.exports.chartset import CHARTS
from rightsmap.render import geo, maps

GENERATED = dt.date(2026, 11, 28)
FILTERS = Filters(regions=("KG-GB", "KG-GO"), month_from=parse_month("2016-01"), month_to=parse_month("2017-12"))
STAMP_EN = ("Filters: Bishkek, Osh City · 2016-01 to 2017-12 · all violation types · all perpetrators",
            "View: staff view, exact counts", "Data: sample data (synthetic, illustrative)",
            "Generated 2026-11-28")  # fmt: skip


@pytest.fixture(scope="module")
def data(sample_db: Path) -> export_data.ExportData:
    with db.connect(sample_db) as conn:
        return export_data.gather(conn, FILTERS, metric="cases")


def export(kind: str, data, lang: str = "en", **options) -> bytes:
    return render.export(kind, data, lang, generated=GENERATED, **options)


def png_image(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    assert image.format == "PNG"
    return image


def svg_text(content: bytes) -> str:
    root = ET.fromstring(content)  # well-formed XML, or this raises
    assert root.tag.endswith("svg")
    return " ".join(t.strip() for t in root.itertext())


def test_the_stamp_names_filters_view_source_date_and_suppression(data):
    lines = stamp.make(data, "en", generated=GENERATED).lines()
    assert tuple(lines[:4]) == STAMP_EN
    assert "not suppressed" in lines[4]


def test_the_stamp_names_the_latest_import_batch(sample_db: Path, tmp_path: Path):
    imported = tmp_path / "imported.duckdb"
    shutil.copy(sample_db, imported)
    with duckdb.connect(str(imported)) as conn:
        conn.execute("UPDATE meta SET value = 'imported' WHERE key = 'dataset'")
        for batch in (3, 7):
            conn.execute("INSERT INTO batches (id, imported_at, kind, file_sha256, rows, imported_by) "
                         "VALUES (?, now(), 'cases', ?, 1, 'test')", [batch, f"sha{batch}"])
    with db.connect(imported) as conn:
        source = export_data.source(conn)
        assert source == export_data.Source(sample=False, latest_batch=7)
        gathered = export_data.gather(conn, FILTERS)
    assert stamp.make(gathered, "en").source == "Data: imported data, last batch 7"


def test_the_map_png_is_a_stamped_picture(data):
    image = png_image(export("map.png", data))
    assert image.width >= 1200 and image.height >= 800
    assert all(line in image.info["Description"] for line in STAMP_EN)


def test_the_map_svg_has_the_screen_classes_legend_and_attribution(data):
    content = export("map.svg", data)
    text = svg_text(content)
    for line in STAMP_EN:
        assert line in text
    assert "Boundaries: Natural Earth (public domain)" in text and "Documented cases" in text
    classes = maps.classify(data.region_values["value"].dropna())
    for c in classes:
        assert c.label in text  # the legend lists every class, as on screen


def test_the_static_map_fills_each_region_with_its_screen_colour(data):
    classes = maps.classify(data.region_values["value"].dropna())
    ax = Figure().add_subplot()
    static_map.draw(ax, data, translator("en"))
    polygons = geo.join(geo.load_boundaries(), data.region_values).dropna(subset=["geometry"])
    expected = [to_hex(maps.class_for(v, classes).color) for v in polygons["value"]]
    drawn = [to_hex(colour) for colour in ax.collections[0].get_facecolor()]
    assert drawn == expected
    cities = [c for c in ax.collections[1:] if len(c.get_offsets()) == 1]
    by_code = dict(zip(data.region_values["code"], data.region_values["value"], strict=True))
    assert [to_hex(c.get_facecolor()[0]) for c in cities] == [
        maps.class_for(by_code[code], classes).color for code in ("KG-GB", "KG-GO")]


def test_the_map_draws_the_chosen_metric(sample_db: Path):
    with db.connect(sample_db) as conn:
        coverage = export_data.gather(conn, FILTERS, metric="coverage_pct")
        extortion = export_data.gather(conn, FILTERS, metric="cases_of_type", violation_type="extortion")
    assert "Coverage, % of plan" in svg_text(export("map.svg", coverage))
    assert "under 25%" in svg_text(export("map.svg", coverage))
    assert "Cases: Extortion" in svg_text(export("map.svg", extortion))


@pytest.mark.parametrize("name", list(CHARTS))
def test_every_chart_exports_as_png_and_svg_with_the_stamp(data, name):
    image = png_image(export("chart.png", data, chart=name))
    assert image.width >= 800 and image.height >= 200
    assert STAMP_EN[0] in image.info["Description"]
    text = svg_text(export("chart.svg", data, chart=name))
    for line in STAMP_EN:
        assert line in text


def test_charts_in_russian_and_kyrgyz_write_cyrillic_text_in_a_font_that_has_it(data):
    for lang, bishkek, osh in (("ru", "город Бишкек", "город Ош"), ("ky", "Бишкек шаары", "Ош шаары")):
        content = export("chart.svg", data, lang, chart="coverage_by_region").decode()
        assert bishkek in content and osh in content
        assert "DejaVu Sans" in content  # ships with matplotlib, and has ө, ү, ң


def test_the_brief_is_one_a4_page_with_figures_map_timeline_notes_and_stamp(data):
    reader = PdfReader(io.BytesIO(export("brief.pdf", data)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = reader.pages[0].extract_text()
    for label in ("Documented cases", "Raids", "People detained in raids", "Coverage, % of plan",
                  "Cases by perpetrator, month by month, with events", "Events:",
                  "Boundaries: Natural Earth (public domain)", "Bishkek"):
        assert label in text, label
    assert f"{data.summary['cases']:,}" in text  # the headline figure itself
    for line in STAMP_EN:
        assert line in text, line
    assert STAMP_EN[1] in reader.metadata.subject


def test_the_deck_has_the_four_slides_each_stamped(data):
    deck = Presentation(io.BytesIO(export("deck.pptx", data)))
    slides = list(deck.slides)
    assert len(slides) == 5  # a title slide, then headline, map, timeline, reach
    texts = [" ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in slides]
    assert "Headline figures" in texts[1] and f"{data.summary['cases']:,}" in texts[1]
    assert "Documented cases" in texts[2]
    assert "Cases month by month, with events" in texts[3] and "1. 2016-06" in texts[3]
    assert "Reach against violations" in texts[4]
    for slide, text in zip(slides, texts, strict=True):
        assert STAMP_EN[1] in text and STAMP_EN[3] in text
        assert STAMP_EN[0] in slide.notes_slide.notes_text_frame.text
    pictures = [sum(s.shape_type == 13 for s in slide.shapes) for slide in slides]
    assert pictures == [0, 0, 1, 1, 1]


def test_every_table_is_csv_with_a_bom_and_the_stamp(data):
    for name in ["all", *tables.TABLES]:
        content = export("data.csv", data, table=name)
        assert content.startswith(b"\xef\xbb\xbf")
        head, frame = tables.read_csv(content)
        assert tuple(head[1:5]) == STAMP_EN
        assert not frame.empty or name == "events", name


def test_the_map_table_holds_the_map_values_and_classes(data):
    _, frame = tables.read_csv(export("data.csv", data, table="map"))
    classes = maps.classify(data.region_values["value"].dropna())
    assert list(frame["code"]) == list(data.region_values["code"])
    assert list(frame["value"]) == list(data.region_values["value"])
    assert list(frame["colour"]) == [maps.class_for(v, classes).color for v in data.region_values["value"]]
    assert frame.loc[frame["code"] == "KG-GB", "region"].item() == "Bishkek"


def test_the_tables_add_up_to_the_headline_figures(data):
    _, cases = tables.read_csv(export("data.csv", data, table="cases_by_perpetrator"))
    _, raids = tables.read_csv(export("data.csv", data, table="raids"))
    assert cases["cases"].sum() == data.summary["cases"]
    assert raids["raid_events"].sum() == data.summary["raids"]


def test_exact_exports_refuse_the_public_view(conn):
    with pytest.raises(export_data.ViewUnavailable, match="for the staff view"):
        export_data.gather(conn, FILTERS, view="public")


# The command line: python -m rightsmap export KIND --out FILE [filters] [--public] [--lang]
FLAGS = ["--region", "KG-GB", "KG-GO", "--from", "2016-01", "--to", "2017-12", "--lang", "en"]


@pytest.fixture()
def run_export(sample_db: Path, tmp_path: Path):
    def run(kind: str, *args: str) -> tuple[int, Path]:
        out = tmp_path / f"out.{kind}"
        code = cli.main(["export", kind, "--out", str(out), "--db", str(sample_db), *args], out=io.StringIO())
        return code, out

    return run


def test_the_command_line_writes_every_kind(run_export):
    checks = {
        "map.png": lambda c: png_image(c).width >= 1200,
        "map.svg": lambda c: STAMP_EN[0] in svg_text(c),
        "brief.pdf": lambda c: STAMP_EN[0] in PdfReader(io.BytesIO(c)).pages[0].extract_text(),
        "deck.pptx": lambda c: len(Presentation(io.BytesIO(c)).slides) == 5,
        "data.csv": lambda c: tuple(tables.read_csv(c)[0][1:4]) == STAMP_EN[:3],
    }
    for kind, check in checks.items():
        code, out = run_export(kind, *FLAGS)
        assert code == 0, kind
        assert check(out.read_bytes()), kind


PUBLIC_FLAGS = ["--public", "--region", "KG-N", "--from", "2016-Q1", "--to", "2017-Q4", "--lang", "en"]


def test_the_command_line_exports_the_public_view_from_the_protected_table(run_export, capsys):
    code, out = run_export("data.csv", *PUBLIC_FLAGS)
    assert code == 0
    stamp, rows = public_csv(out.read_bytes())
    assert "View: public (disclosure control applied)" in stamp
    assert any(line.startswith("Counts from 1 to 4 are hidden") for line in stamp)
    for shown in rows["shown"]:
        digits = "".join(ch for ch in shown if ch.isdigit())
        assert shown.startswith("≥") or shown in ("hidden", "no data") or shown.endswith("%") \
            or int(digits) == 0 or int(digits) >= 5, shown
    assert set(rows["status"]) - {"exact"}, "Naryn over two years has hidden or small figures"
    code, out = run_export("map.png", *PUBLIC_FLAGS)
    assert code == 0 and out.read_bytes().startswith(b"\x89PNG")


def test_the_command_line_refuses_exact_exports_in_the_public_view(run_export, capsys):
    code, out = run_export("chart.png", *PUBLIC_FLAGS)
    assert code == 2
    assert "is for the staff view" in capsys.readouterr().err
    assert not out.exists()
    code, out = run_export("data.csv", "--public", "--from", "2016-01")
    assert code == 2 and "takes a quarter such as 2017-Q2" in capsys.readouterr().err


def public_csv(content: bytes) -> tuple[list[str], pd.DataFrame]:
    text = content.decode("utf-8-sig")
    stamp = [line[2:] for line in text.splitlines() if line.startswith("# ")]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("# "))
    return stamp, pd.read_csv(io.StringIO(body), dtype=str)


def test_the_command_line_reports_bad_input_in_one_line(run_export, tmp_path, capsys):
    assert run_export("map.png", "--region", "KG-ZZ")[0] == 2
    assert "KG-ZZ" in capsys.readouterr().err
    assert run_export("map.png", "--metric", "cases_of_type")[0] == 2
    assert "needs a violation type" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    assert run_export("deck.pptx", "--story", str(bad))[0] == 2
    assert "not a rightsmap story" in capsys.readouterr().err


def test_the_command_line_plays_a_story_into_a_deck(run_export, tmp_path):
    views = (story.View.of(FILTERS, slide="headline"), story.View.of(Filters(), metric="raid_events", slide="map"))
    path = tmp_path / "story.json"
    path.write_text(story.Story("Monthly report", views).to_json(), encoding="utf-8")
    code, out = run_export("deck.pptx", "--story", str(path), "--lang", "en")
    assert code == 0
    slides = list(Presentation(io.BytesIO(out.read_bytes())).slides)
    assert len(slides) == 3
    title = " ".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    assert "Monthly report" in title
    map_text = " ".join(s.text_frame.text for s in slides[2].shapes if s.has_text_frame)
    assert "Raids" in map_text and "all regions · 2015-01 to 2019-12" in map_text


def _can_cut_the_network() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "--net", "--", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_cut_the_network(), reason="needs `unshare --net` (root or user namespaces)")
def test_exports_work_with_no_network_at_all(sample_db: Path, tmp_path: Path):
    """In a network namespace with no interface up, not even the renderers' own code can reach out."""
    for kind in ("deck.pptx", "brief.pdf", "map.svg", "chart.svg"):
        out = tmp_path / f"offline.{kind}"
        done = subprocess.run(["unshare", "--net", "--", sys.executable, "-m", "rightsmap", "export", kind,
                               "--out", str(out), "--db", str(sample_db), "--lang", "ky"],
                              cwd=config.ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert out.stat().st_size > 10_000
