"""The public view's sections, drawn from the protected table: the overview page and its slides share them.

Each section adds the figures it showed to `shown`, so the page can explain the marks they carry.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from rightsmap.disclosure import public
from rightsmap.disclosure.layout import ALL
from rightsmap.disclosure.public_filters import PublicFilters
from rightsmap.domain import config
from rightsmap.domain.vocab import REGION_CODES
from rightsmap.render import maps, public_chart
from rightsmap.web import cache, mapview, public_ui, ui

HEADLINES = public.HEADLINES
# A public figure's status -> the map's class for it (maps.region_layer's withheld classes).
MAP_CLASS = {status: status for status in public.WITHHELD}


# The overview's map; its base (the regions' shapes) is rendered once per process, ahead of the first
# page by rightsmap.cli.serve's warm-up (prepare_map).
MAP_KEY, MAP_HEIGHT = "public_map", 480


def prepare_map() -> None:
    """Render the overview map's base now, so the first page that shows it does not wait for it."""
    mapview.base_arguments(MAP_KEY, MAP_HEIGHT, mapview.RETURNED_OBJECTS)


def map_classes(figures: dict[str, public.Figure], translate, *, percent: bool = False) -> dict[str, tuple[str, str]]:
    """For maps.region_layer: each region's class ("hidden", "at_least", or its value's) and label."""
    return {code: (MAP_CLASS.get(f.status, "value"), f.text(translate, percent=percent)) for code, f in figures.items()}


class Sections:
    """One run's public figures: the filters, the protected table, and what has been shown so far."""

    def __init__(self, filters: PublicFilters):
        self.filters = filters
        self.cells = cache.public_cells()
        self.k = config.MIN_COUNT
        self._ = ui.translator()
        self.shown: list[public.Figure] = []

    def describe(self) -> str:
        _, f = self._, self.filters
        region = _("All regions") if f.region == ALL else _.region(f.region)
        period = _("{first} to {last}", first=_.quarter(f.quarter_from), last=_.quarter(f.quarter_to))
        return " · ".join((period, region, f.choice.label(_)))

    def headlines(self) -> None:
        """The headline figures; the chosen figure leads them (show=cases:police heads with police cases)."""
        keys = public.headline_keys(self.filters.choice)
        for column, key in zip(st.columns(len(keys)), keys, strict=True):
            choice = public.CHOICE_BY_KEY[key]
            figure = public.figure(self.cells, self.k, self.filters.quarters, choice.measure, self.filters.region,
                                   choice.category)
            self.shown.append(figure)
            column.metric(choice.label(self._), figure.text(self._, percent=choice.percent), border=True)

    def region_figures(self) -> dict[str, public.Figure]:
        return public.region_figures(self.cells, self.k, self.filters.quarters, self.filters.choice)

    def map(self, *, height: int = MAP_HEIGHT, key: str = MAP_KEY) -> dict[str, public.Figure]:
        """The choice by region; a click chooses the region."""
        _, choice = self._, self.filters.choice
        by_region = self.region_figures()
        self.shown += by_region.values()
        selected = None if self.filters.region == ALL else self.filters.region
        def layer():
            return maps.region_layer(
                public.map_values(by_region), metric_label=choice.label(_), percent=choice.percent, translate=_,
                selected=selected, withheld=map_classes(by_region, _, percent=choice.percent))

        # Everything the layer shows: the figures, the words (language) and the selection.
        content = ("public", _.lang, choice.key, selected,
                   tuple((code, f.status, f.value) for code, f in by_region.items()))
        clicked = mapview.clicked_code(mapview.show(content, layer, key=key, height=height))
        if clicked in REGION_CODES and clicked != self.filters.region:
            public_ui.select_region(clicked)
        return by_region

    def timeline(self, *, height: int = 260, width: int = 400) -> None:
        """The choice quarter by quarter (rightsmap.render.public_chart); width and height are its proportions."""
        _, f = self._, self.filters
        series = public.quarter_figures(self.cells, self.k, f.quarters, f.choice, f.region)
        self.shown += series.values()
        if all(public_chart.bar_height(figure) is None for figure in series.values()):
            # Not an empty chart with a row of tiny marks: say why there is nothing to draw.
            st.info(_("Every quarter of this choice is withheld, so there is no chart: small counts are hidden "
                      "to protect the people in them. Choose all regions or a broader measure to see the trend."),
                    icon=":material/visibility_off:")
            return
        # Drawn on every run: 1.6 ms, less than keeping every period's drawing would cost in memory.
        st.markdown(public_chart.svg(series, value_title=f.choice.label(_), translate=_, percent=f.choice.percent,
                                     width=width, height=height), unsafe_allow_html=True)

    def breakdown(self, *, split: bool = False) -> None:
        """Cases by perpetrator and by type: one table, or (split, for a slide) a table for each side by side."""
        f = self.filters
        texts, figures = _breakdown(split, self.k, tuple(f.quarters), f.region, self._.lang)
        self.shown += figures
        places: list[Any] = st.columns(len(texts)) if split else [st]
        for column, text in zip(places, texts, strict=True):
            column.markdown(text)

    def region_table(self, by_region: dict[str, public.Figure]) -> None:
        """The figures behind the map, as a table of text."""
        st.markdown(_region_table(tuple(by_region.items()), self.filters.choice.percent, self._.lang))

    def events(self) -> None:
        """The events in the period that concern the region or the whole country, as numbered text."""
        f = self.filters
        text = ui.event_list_text(f.as_filters())
        if text:
            st.caption(text)

    def marks(self) -> None:
        for mark in public.mark_texts(self.shown, self.k, self._):
            st.caption(mark)


@cache.kept
def _breakdown(split: bool, k: int, quarters: tuple, region: str, lang: str
               ) -> tuple[tuple[str, ...], tuple[public.Figure, ...]]:
    """The breakdown's tables as text, and its figures."""
    rows, figures = public.breakdown(cache.public_cells(k), k, quarters, region, ui.translator())
    if not split:
        return (ui.text_table_markdown(public.BREAKDOWN_COLUMNS, rows),), tuple(figures)
    groups = dict.fromkeys(group for group, _name, _shown in rows)
    return tuple(ui.text_table_markdown((group, "shown"), [(n, s) for g, n, s in rows if g == group])
                 for group in groups), tuple(figures)


@cache.kept
def _region_table(figures: tuple[tuple[str, public.Figure], ...], percent: bool, lang: str) -> str:
    """The figures behind the map, as a table of text."""
    _ = ui.translator()
    return ui.text_table_markdown(("name", "shown"), ((_.region(code), f.text(_, percent=percent))
                                                      for code, f in figures))
