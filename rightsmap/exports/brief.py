"""A one-page A4 PDF brief: headline figures, the map, the timeline with its events, and the notes."""

from __future__ import annotations

import textwrap

import matplotlib
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from rightsmap.data import metrics
from rightsmap.domain.i18n import Translator, translator
from rightsmap.exports import static_map
from rightsmap.exports.data import ExportData, event_titles
from rightsmap.exports.slides import comparison_note, headline, metric_label
from rightsmap.exports.stamp import Stamp, describe_filters
from rightsmap.render import charts

A4_INCHES = (8.27, 11.69)
MAX_EVENTS = 8  # the notes must fit on the page; the CSV of events holds them all


def _figures(fig: Figure, data: ExportData, _: Translator, top: float) -> None:
    figures = headline(data, _)
    width = 0.92 / len(figures)
    for i, figure in enumerate(figures):
        left = 0.04 + i * width
        fig.patches.append(matplotlib.patches.Rectangle((left, top - 0.085), width - 0.012, 0.085,
                                                         transform=fig.transFigure, fc="#f2f2f2", ec="#999999"))
        fig.text(left + 0.01, top - 0.012, figure.label, fontsize=8.5, va="top")
        fig.text(left + 0.01, top - 0.04, figure.value, fontsize=17, fontweight="bold", va="top")
        if figure.change:
            fig.text(left + 0.01, top - 0.072, figure.change, fontsize=8.5, va="top", color="#333333")


def _timeline(ax: Axes, data: ExportData, _: Translator) -> list[str]:
    """Cases by perpetrator per month as stacked bars, events as numbered dashed lines; returns the event notes."""
    frame = data.cases_by_perpetrator
    pivot = (frame.pivot_table(index="period", columns="category", values="cases", aggfunc="sum", fill_value=0)
             .reindex(columns=[p for p in data.filters.perpetrators if p in set(frame["category"])]))
    months = pd.to_datetime(pivot.index)
    bottom = pd.Series(0, index=pivot.index, dtype=float)
    for i, code in enumerate(pivot.columns):
        ax.bar(months, pivot[code], width=25, bottom=bottom, color=charts.PALETTE[i % len(charts.PALETTE)],
               label=_.perpetrator(code), align="edge")
        bottom = bottom + pivot[code]
    notes = []
    titles = event_titles(data.events, _.lang)
    top = float(bottom.max()) if len(bottom) else 1.0
    for number, (date, title) in enumerate(zip(pd.to_datetime(data.events["event_date"]), titles, strict=True),
                                           start=1):
        ax.axvline(date, color=charts.EVENT_COLOR, linestyle=(0, (3, 3)), linewidth=1)
        ax.text(date, top * 1.02, str(number), color=charts.EVENT_COLOR, fontsize=8, fontweight="bold",
                ha="center", va="bottom")
        notes.append(f"{number}. {date:%Y-%m} — {title}")
    domain = charts.time_domain(data.filters.month_from, data.filters.month_to)
    ax.set_xlim(pd.Timestamp(domain[0]), pd.Timestamp(domain[1]))
    ax.set_ylim(0, max(top * 1.12, 1))
    ax.set_ylabel(_("Cases"), fontsize=8)
    ax.tick_params(labelsize=7.5)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=7, ncols=5, loc="upper left", bbox_to_anchor=(0, -0.12), frameon=False)
    ax.set_title(_("Cases by perpetrator, month by month, with events"), fontsize=10, loc="left")
    return notes


def _wrap(lines: list[str], width: int = 120) -> str:
    return "\n".join(textwrap.fill(line, width, subsequent_indent="   ") for line in lines)


def figure(data: ExportData, lang: str, stamp: Stamp) -> Figure:
    _ = translator(lang)
    with static_map.drawing():
        fig = Figure(figsize=A4_INCHES)
        fig.text(0.04, 0.975, _("Rights violations against sex workers in Kyrgyzstan: brief"), fontsize=14,
                 fontweight="bold", va="top")
        fig.text(0.04, 0.952, describe_filters(data.filters, _), fontsize=8.5, va="top")
        _figures(fig, data, _, top=0.935)
        # Wrapped: the reason there is no change can be a long sentence, in Kyrgyz longer than the page.
        fig.text(0.04, 0.845, textwrap.fill(comparison_note(data, _), 125), fontsize=7, va="top", color="#333333")
        map_ax = fig.add_axes((0.04, 0.47, 0.92, 0.335))
        map_ax.set_title(metric_label(data, _) + " · " + _("every region is shown"), fontsize=10, loc="left")
        static_map.draw(map_ax, data, _, font_size=6.5)
        time_ax = fig.add_axes((0.09, 0.26, 0.87, 0.16))
        events = _timeline(time_ax, data, _)
        shown = events[:MAX_EVENTS]
        if len(events) > len(shown):
            shown.append(_("… and {count} more events (see the events table).", count=len(events) - len(shown)))
        notes = [_("Events:"), *shown] if shown else [_("No dated events in this period.")]
        notes.append(metric_label(data, _) + ": " + _(metrics.METRICS[data.metric].definition))
        fig.text(0.04, 0.195, _wrap(notes), fontsize=7, va="top", linespacing=1.35)
        fig.text(0.04, 0.015, _wrap(stamp.lines()), fontsize=7, va="bottom", color="#222222", linespacing=1.35)
    return fig


def pdf(data: ExportData, lang: str, stamp: Stamp) -> bytes:
    _ = translator(lang)
    metadata = {"Title": _("rightsmap brief"), "Subject": stamp.text(), "Creator": "rightsmap"}
    return static_map.render(figure(data, lang, stamp), "pdf", metadata=metadata)
