"""Download buttons for the public view: its brief (PDF), slides (PPTX), map (PNG, SVG) and figures (CSV), all
stamped."""

from __future__ import annotations

import functools

import streamlit as st

from rightsmap.disclosure.public_filters import PublicFilters
from rightsmap.domain import config
from rightsmap.exports import public_export, public_files
from rightsmap.web import cache, ui

PANEL_KEY = "public-downloads"


def panel(filters: PublicFilters) -> None:
    """An expander with the public exports; the figures are gathered and the files made only on a click.

    Its contents are drawn only while it is open (ui.lazy_expander): closed, it is one element in every
    filter change instead of ten.
    """
    _ = ui.translator()
    expander = ui.lazy_expander(_("Download the brief, slides, map and figures"), icon=":material/download:", key=PANEL_KEY)
    if expander is None:
        return
    with expander:
        lang = ui.files_language(_.lang, "public-downloads-lang")
        cells, k = cache.public_cells(), config.MIN_COUNT
        sample = cache.dataset_meta().get("dataset") == "sample"
        ui.stamp_caption(public_files.filters_stamp(filters, k, sample, lang).text())

        def make(kind: str) -> bytes:
            events = public_files.public_events(cache.all_events(), filters, lang)
            return public_export.export(kind, public_files.gather(cells, k, filters, sample=sample, events=events),
                                       lang)

        for column, (label, kind) in zip(st.columns(5), (
            (_("Brief (PDF)"), "brief.pdf"), (_("Slides (PPTX)"), "deck.pptx"),
            (_("Map (PNG)"), "map.png"), (_("Map (SVG)"), "map.svg"), (_("Figures (CSV)"), "data.csv"),
        ), strict=True):
            column.download_button(label, data=functools.partial(make, kind),
                                   file_name=public_files.file_name(kind, filters), mime=public_files.KINDS[kind],
                                   key=f"public-download-{kind}", on_click="ignore", icon=":material/download:",
                                   width="stretch")
