"""The public view's exports: a stamped CSV of the figures as shown, and the map as PNG or SVG.

Every number in them comes from the protected table through rightsmap.disclosure.public,
written as the screen writes it ("≥ 120", "hidden"), so a file passed
around says no more than the public view does.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from rightsmap.disclosure import public
from rightsmap.disclosure.layout import ALL
from rightsmap.disclosure.public_filters import PublicFilters, quarter_text
from rightsmap.domain.i18n import Translator, translator
from rightsmap.domain.vocab import PERPETRATORS, VIOLATION_TYPES
from rightsmap.exports import tables
from rightsmap.exports.stamp import Stamp
from rightsmap.exports.tables import BOM, spreadsheet_safe
from rightsmap.render import maps

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

KINDS = {"map.png": "image/png", "map.svg": "image/svg+xml", "data.csv": "text/csv", "brief.pdf": "application/pdf",
         "deck.pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
Event = tuple[dt.date, str]  # a dated title, in the file's language


@dataclass(frozen=True)
class PublicData:
    """Everything a public export shows, for one set of public filters."""

    filters: PublicFilters
    k: int
    sample: bool
    headlines: dict[str, public.Figure]
    by_region: dict[str, public.Figure]
    series: dict[dt.date, public.Figure]
    # For the brief and the deck: cases by perpetrator and by type, reach against cases per quarter, events.
    by_perpetrator: dict[str, public.Figure] = field(default_factory=dict)
    by_type: dict[str, public.Figure] = field(default_factory=dict)
    cases_series: dict[dt.date, public.Figure] = field(default_factory=dict)
    reached_series: dict[dt.date, public.Figure] = field(default_factory=dict)
    events: tuple[Event, ...] = ()

    def figures(self) -> list[public.Figure]:
        """Every figure the files may show, for the notes on marks."""
        return [*self.headlines.values(), *self.by_region.values(), *self.series.values(),
                *self.by_perpetrator.values(), *self.by_type.values(), *self.cases_series.values(),
                *self.reached_series.values()]


def gather(cells: public.Cells, k: int, filters: PublicFilters, *, sample: bool,
           events: tuple[Event, ...] = ()) -> PublicData:
    choice, quarters, region = filters.choice, filters.quarters, filters.region
    headlines = {}
    for key in public.headline_keys(choice):
        c = public.CHOICE_BY_KEY[key]
        headlines[key] = public.figure(cells, k, quarters, c.measure, region, c.category)
    return PublicData(
        filters, k, sample, headlines,
        public.region_figures(cells, k, quarters, choice),
        public.quarter_figures(cells, k, quarters, choice, region),
        by_perpetrator={p: public.figure(cells, k, quarters, "cases", region, p) for p in PERPETRATORS},
        by_type={t: public.figure(cells, k, quarters, "cases_of_type", region, t) for t in VIOLATION_TYPES},
        cases_series=public.quarter_figures(cells, k, quarters, public.CHOICE_BY_KEY["cases"], region),
        reached_series=public.quarter_figures(cells, k, quarters, public.CHOICE_BY_KEY["reached"], region),
        events=events,
    )


def public_events(every: pd.DataFrame, filters: PublicFilters, lang: str) -> tuple[Event, ...]:
    """The events the public view lists for these filters (rightsmap.web.ui.event_list_text), as dated titles."""
    from rightsmap.data.metrics import events_in
    from rightsmap.exports.data import event_titles  # pandas-only helpers; imported where needed

    chosen = events_in(every, filters.as_filters())
    titles = event_titles(chosen, lang)
    return tuple((pd.Timestamp(d).date(), str(t)) for d, t in zip(chosen["event_date"], titles, strict=True))


def describe(filters: PublicFilters, _: Translator) -> str:
    region = _("all regions") if filters.region == ALL else _.region(filters.region)
    period = _("{first} to {last}", first=_.quarter(filters.quarter_from), last=_.quarter(filters.quarter_to))
    return " · ".join((region, period, filters.choice.label(_)))


def stamp(data: PublicData, lang: str, *, generated: dt.date | None = None) -> Stamp:
    return filters_stamp(data.filters, data.k, data.sample, lang, generated=generated)


def filters_stamp(filters: PublicFilters, k: int, sample: bool, lang: str, *,
                  generated: dt.date | None = None) -> Stamp:
    """The stamp of every public file for these filters (it names no figure, so needs none)."""
    _ = translator(lang)
    source = _("sample data (synthetic, illustrative)") if sample else _("imported data")
    return Stamp(
        filters=_("Filters: {filters}", filters=describe(filters, _)),
        view=_("View: {view}", view=_("public (disclosure control applied)")),
        source=_("Data: {source}", source=source),
        generated=_("Generated {date}", date=(generated or dt.date.today()).isoformat()),
        suppression=_("Counts from 1 to {below} are hidden, and further figures are hidden so that none of them "
                      "can be worked out; every withheld figure is marked the same way.", below=k - 1),
    )


def table(data: PublicData, lang: str) -> pd.DataFrame:
    """One long table: the headline figures, each region, each quarter; the figure as shown, its number
    (for a script or a spreadsheet: the exact count, or the published part of an "at least" figure;
    empty for a withheld one) and its status (one of public.STATUSES' codes)."""
    _ = translator(lang)
    decimal = tables.separators(lang)[1]
    choice = data.filters.choice

    def row(part: str, code: str, label: str, f: public.Figure, percent: bool) -> tuple:
        number = f.value if f.status in (public.EXACT, public.AT_LEAST) else None
        return (part, code, label, f.text(_, percent=percent),
                tables.number_text(number, percent=percent, decimal=decimal), f.status)

    rows = []
    for key, f in data.headlines.items():
        c = public.CHOICE_BY_KEY[key]
        rows.append(row("headline", c.key, c.label(_), f, c.percent))
    for code, f in data.by_region.items():
        rows.append(row("region", code, _.region(code), f, choice.percent))
    for quarter, f in data.series.items():
        rows.append(row("quarter", quarter_text(quarter), _.quarter(quarter), f, choice.percent))
    return pd.DataFrame(rows, columns=["part", "code", "label", "shown", "value", "status"])


def csv_bytes(data: PublicData, lang: str, stamp_: Stamp) -> bytes:
    notes = public.mark_texts([*data.headlines.values(), *data.by_region.values(), *data.series.values()],
                              data.k, translator(lang))
    buffer = io.StringIO()
    buffer.write(BOM)
    buffer.write(tables.stamp_lines([*stamp_.lines(), *notes]))
    table(data, lang).map(spreadsheet_safe).to_csv(buffer, index=False, sep=tables.separators(lang)[0],
                                                  quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8")


def draw_map(ax, data: PublicData, _: Translator, *, font_size: float = 9) -> None:
    """The public choropleth on ax: the screen's classes, each region's figure as shown, and the legend."""
    from rightsmap.exports import static_map

    choice = data.filters.choice
    values = public.map_values(data.by_region)
    classes = maps.classify([v for v in values.values() if v is not None], percent=choice.percent, translate=_)
    extra = {public.HIDDEN: maps.ValueClass("hidden", _("hidden"), maps.HIDDEN_COLOR, None, None)}
    statuses = {f.status for f in data.by_region.values()}
    classes += [cls for status, cls in extra.items() if status in statuses]
    chosen = {code: extra[f.status] if f.status in extra else maps.class_for(
        f.value if f.status in (public.EXACT, public.AT_LEAST) else float("nan"), classes)
        for code, f in data.by_region.items()}
    texts = {code: f.text(_, percent=choice.percent) for code, f in data.by_region.items()}
    static_map.draw_regions(ax, values, classes, chosen=chosen, texts=texts, title=choice.label(_), translate=_,
                            font_size=font_size,
                            dashed=frozenset(c for c, f in data.by_region.items() if f.status == public.AT_LEAST))


def map_figure(data: PublicData, lang: str, stamp_: Stamp | None) -> MplFigure:
    """The map with its legend; with a stamp, also its title, filters and notes (without, for a slide,
    which carries them)."""
    # matplotlib is imported here, on the first map file asked for: it took most of a second off
    # every server's first page, which offers the files but draws none of them.
    from matplotlib.figure import Figure as MplFigure

    from rightsmap.exports import static_map

    _ = translator(lang)
    choice = data.filters.choice
    with static_map.drawing():
        fig = MplFigure(figsize=(11, 7.6) if stamp_ else (11, 6.2), dpi=100)
        if stamp_:
            fig.text(0.02, 0.97, choice.label(_), fontsize=18, fontweight="bold", va="top")
            fig.text(0.02, 0.925, describe(data.filters, _), fontsize=10, va="top")
        ax = fig.add_axes((0.02, 0.14, 0.96, 0.76) if stamp_ else (0.0, 0.03, 1.0, 0.97))
        draw_map(ax, data, _, font_size=9 if stamp_ else 11)
        if stamp_ is None:
            return fig
        notes = public.mark_texts(list(data.by_region.values()), data.k, _)
        fig.text(0.02, 0.02, "\n".join([*stamp_.lines(), *notes]), fontsize=8, va="bottom", color="#222222")
    return fig


def file_name(kind: str, filters: PublicFilters) -> str:
    """rightsmap-public-raid_events-2017-Q1_2017-Q4.png: the view, the region (when one), what is
    shown and the period, so that two downloads never overwrite each other."""
    ext = kind.split(".")[1]
    region = [] if filters.region == ALL else [filters.region]
    period = f"{quarter_text(filters.quarter_from)}_{quarter_text(filters.quarter_to)}"
    return "-".join(["rightsmap", "public", *region, filters.show.replace(":", "-"), period]) + f".{ext}"
