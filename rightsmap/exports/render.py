"""One entry point for every export kind, shared by the command line and the download buttons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rightsmap.domain.i18n import translator
from rightsmap.exports import brief, deck, static_charts, static_map, tables
from rightsmap.exports.chartset import CHARTS
from rightsmap.exports.data import FULL, ExportData
from rightsmap.exports.stamp import make

# kind -> MIME type. "chart.*" take a chart name; "data.csv" a table name (or "all").
KINDS: dict[str, str] = {
    "map.png": "image/png",
    "map.svg": "image/svg+xml",
    "brief.pdf": "application/pdf",
    "deck.pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "data.csv": "text/csv",
    "chart.png": "image/png",
    "chart.svg": "image/svg+xml",
}


def export(kind: str, data: ExportData, lang: str, *, chart: str = "timeline", table: str = "all",
           generated: dt.date | None = None) -> bytes:
    """The bytes of one export of the data, stamped."""
    stamp = make(data, lang, generated=generated)
    if kind == "map.png":
        return static_map.png(data, lang, stamp)
    if kind == "map.svg":
        return static_map.svg(data, lang, stamp)
    if kind == "brief.pdf":
        return brief.pdf(data, lang, stamp)
    if kind == "deck.pptx":
        return deck.presentation(data, lang, stamp)
    if kind == "data.csv":
        if table != "all" and table not in tables.TABLES:
            raise ValueError(f"unknown table {table!r}; use all or one of {', '.join(tables.TABLES)}")
        return tables.csv_bytes(table, data, lang, stamp)
    if kind in ("chart.png", "chart.svg"):
        if chart not in CHARTS:
            raise ValueError(f"unknown chart {chart!r}; use one of {', '.join(CHARTS)}")
        render = static_charts.png if kind == "chart.png" else static_charts.svg
        return render(chart, data, lang, stamp)
    raise ValueError(f"unknown export {kind!r}; use one of {', '.join(KINDS)}")


def story_deck(name: str, slides: Sequence[tuple[str, ExportData]], lang: str, *,
               generated: dt.date | None = None) -> bytes:
    """A deck with one slide per view of a story, each slide stamped with its own filters."""
    stamps = [make(data, lang, generated=generated) for _slide, data in slides]
    return deck.pptx(slides, lang, stamps, title=name or translator(lang)("rightsmap: presentation"))


def file_name(kind: str, data: ExportData, *, chart: str = "timeline", table: str = "all") -> str:
    """A file name that says what, which view, which metric and when, so that two downloads never
    overwrite each other: rightsmap-staff-map-raid_events-2016-01_2017-12.png."""
    stem, ext = kind.split(".")
    what = {"chart": chart, "data": table}.get(stem, stem)
    view = "staff" if data.view == FULL else data.view
    # The map's metric shapes the map, the brief, the deck and the tables that hold the map's values.
    shows_metric = stem in ("map", "brief", "deck") or (stem == "data" and table in ("map", "all"))
    metric = data.metric if data.violation_type is None else f"{data.metric}-{data.violation_type}"
    period = f"{data.filters.month_from:%Y-%m}_{data.filters.month_to:%Y-%m}"
    return "-".join(["rightsmap", view, what, *([metric] if shows_metric else []), period]) + f".{ext}"
