"""Download buttons for every export of a view, for any page: downloads.panel(filters, metric=...).

Files are made when a button is clicked (Streamlit's deferred downloads), on
another thread, from the numbers already read for the view, so drawing the
panel costs nothing and a click does not rerun the page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from rightsmap.domain.filters import Filters
from rightsmap.exports import data as export_data, render
from rightsmap.exports.chartset import CHART_TABLES, CHARTS
from rightsmap.exports.data import ExportData
from rightsmap.exports.stamp import make
from rightsmap.exports.tables import TABLES
from rightsmap.web import cache, staff, ui


def panel(filters: Filters, *, metric: str = "cases", violation_type: str | None = None, lang: str | None = None,
          view: str = export_data.FULL, charts: Sequence[str] | None = None,
          story_slides: Sequence[tuple[str, ExportData]] | None = None, story_name: str = "",
          key: str = "downloads") -> None:
    """An expander of download buttons: map (PNG, SVG), brief (PDF), deck (PPTX), each chart and table.

    charts limits the chart buttons to some names of exports.chartset.CHARTS (default: all);
    story_slides adds a button for a deck of the whole story. lang defaults to the page's language.
    """
    _ = ui.translator()
    lang = lang or _.lang
    # Gathering every number for the files costs a dozen queries per filter change: only while the
    # panel is open (ui.lazy_expander), which is how someone asks for files.
    expander = ui.lazy_expander(_("Download the map, charts, tables, brief and deck"), icon=":material/download:",
                                key=f"{key}-open")
    if expander is None:
        return
    with expander:
        try:
            data = cache.export_data(filters, metric=metric, violation_type=violation_type, view=view)
        except export_data.ViewUnavailable as exc:
            st.info(_("Downloads are not available for this view: {reason}.", reason=str(exc)),
                    icon=":material/block:")
            return
        lang = ui.files_language(lang, f"{key}-lang")
        ui.stamp_caption(make(data, lang).text())

        def button(column, label: str, kind: str, make_bytes: Callable[[], bytes], name: str,
                   section: str = "") -> None:
            column.download_button(label, data=staff.guarded(make_bytes), file_name=name, mime=render.KINDS[kind],
                                   key=f"{key}-{section}{name}", on_click="ignore", icon=":material/download:",
                                   width="stretch")

        def export(kind: str, **options: Any) -> Callable[[], bytes]:
            return lambda: render.export(kind, data, lang, **options)

        # Grouped, so a person finds the file they came for instead of reading every button.
        on_map, on_charts, on_tables, documents = st.tabs([_("Map"), _("Charts"), _("Tables"), _("Documents")])
        with on_map:
            png, svg, numbers = st.columns(3)
            button(png, _("Map (PNG)"), "map.png", export("map.png"), render.file_name("map.png", data))
            button(svg, _("Map (SVG)"), "map.svg", export("map.svg"), render.file_name("map.svg", data))
            button(numbers, _("The numbers (CSV)"), "data.csv", export("data.csv", table="map"),
                   render.file_name("data.csv", data, table="map"))
        with on_charts:
            for name in charts or CHARTS:
                label, png, svg, csv = st.columns([3, 1, 1, 1], vertical_alignment="center")
                label.write(_(CHARTS[name][0]))
                button(png, "PNG", "chart.png", export("chart.png", chart=name),
                       render.file_name("chart.png", data, chart=name))
                button(svg, "SVG", "chart.svg", export("chart.svg", chart=name),
                       render.file_name("chart.svg", data, chart=name))
                table = CHART_TABLES[name]
                button(csv, "CSV", "data.csv", export("data.csv", table=table),
                       render.file_name("data.csv", data, table=table), section="chart-")
        with on_tables:
            st.caption(_("CSV in UTF-8: in Russian and Kyrgyz with ; between cells and a decimal comma, "
                         "in English with , and a decimal point. Lines starting with # are the stamp."))
            button(st, _("All tables (CSV)"), "data.csv", export("data.csv"), render.file_name("data.csv", data))
            columns = st.columns(2)
            for index, name in enumerate(n for n in TABLES if n != "map"):
                button(columns[index % 2], _(TABLES[name][0]), "data.csv", export("data.csv", table=name),
                       render.file_name("data.csv", data, table=name))
        with documents:
            brief, slides = st.columns(2)
            button(brief, _("Brief (PDF, A4)"), "brief.pdf", export("brief.pdf"), render.file_name("brief.pdf", data))
            button(slides, _("Slides (PPTX)"), "deck.pptx", export("deck.pptx"), render.file_name("deck.pptx", data))
            if story_slides:
                st.download_button(_("The whole story as slides (PPTX)"), key=f"{key}-story-deck",
                                   on_click="ignore",
                                   data=staff.guarded(lambda: render.story_deck(story_name, story_slides, lang)),
                                   file_name="rightsmap-story.pptx", mime=render.KINDS["deck.pptx"],
                                   icon=":material/download:")
