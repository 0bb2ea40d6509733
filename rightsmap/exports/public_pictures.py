"""The public brief's and deck's pictures, drawn with matplotlib from public figures only.

Each bar is labelled with the figure as the public view writes it ("120", "≥ 120", "hidden"), and the
value axis has no numbers of its own: every number in a picture is a published figure. A figure that is
only partly published ("≥ N") is drawn pale and hatched up to its published part, so it is told apart by
pattern as well as by colour; a withheld one has no bar, only its word. Events are numbered [1], [2] … on
the timeline and listed with the same numbers beside it. No picture carries a title or a stamp: the page
or slide that holds it does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise

from matplotlib.axes import Axes
from matplotlib.figure import Figure as MplFigure

from rightsmap.disclosure.public import AT_LEAST, EXACT, Figure
from rightsmap.domain.i18n import Translator
from rightsmap.exports import static_map
from rightsmap.exports.public_files import Event

# ColorBrewer 2.0 (Cynthia Brewer, colorbrewer2.org, Apache-2.0): "Blues" 9-class, steps 7 and 3;
# colour-blind safe, and not an alarm colour.
EXACT_COLOR, PARTLY_COLOR = "#2171b5", "#c6dbef"
INK, EVENT_COLOR = "#222222", "#4d4d4d"
HATCH = "///"


def event_label(number: int) -> str:
    """How an event is referred to on a chart and in its list."""
    return f"[{number}]"


def event_lines(events: Sequence[Event]) -> list[str]:
    return [f"{event_label(n)} {date:%Y-%m} — {title}" for n, (date, title) in enumerate(events, start=1)]


def _bar(ax: Axes, position: float, figure: Figure, _: Translator, *, percent: bool, horizontal: bool,
         font_size: float, top: float, rotate: bool) -> None:
    """One bar (or none) and its label: the figure as the public view writes it."""
    length = (figure.value or 0.0) if figure.status in (EXACT, AT_LEAST) else 0.0
    style = {"color": EXACT_COLOR} if figure.status == EXACT else {
        "color": PARTLY_COLOR, "hatch": HATCH, "edgecolor": EXACT_COLOR, "linewidth": 0.8}
    if length:
        (ax.barh if horizontal else ax.bar)(position, length, 0.7, **style)
    text = figure.text(_, percent=percent)
    gap = top * 0.015
    if horizontal:
        ax.text(length + gap, position, text, va="center", ha="left", fontsize=font_size, color=INK)
    else:
        ax.text(position, length + gap, text, ha="center", va="bottom", fontsize=font_size, color=INK,
                rotation=90 if rotate else 0)


def _top(figures: Sequence[Figure]) -> float:
    return max([f.value for f in figures if f.status in (EXACT, AT_LEAST) and f.value] or [1.0])


def _quarter_axis(ax: Axes, quarters: Sequence[dt.date], _: Translator, font_size: float) -> None:
    ax.set_xticks(range(len(quarters)), [_.quarter(q) for q in quarters], fontsize=font_size,
                  rotation=90 if len(quarters) > 8 else 0)
    ax.set_xlim(-0.6, len(quarters) - 0.4)
    ax.set_yticks([])
    ax.spines[["top", "right", "left"]].set_visible(False)


def _two_lines(label: str) -> str:
    """'2016-ж. 1-чейр.' -> '2016-ж.' over '1-чейр.': broken at the space nearest its middle."""
    spaces = [i for i, c in enumerate(label) if c == " "]
    if not spaces:
        return label
    cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return label[:cut] + "\n" + label[cut + 1:]


def fit_quarter_labels(ax: Axes) -> None:
    """Quarter labels that would touch their neighbours go on two lines, and if they still do, upright.

    Measured with the figure's renderer, so long Kyrgyz and Russian quarters ("2016-ж. 1-чейр.") fit
    whatever the picture's width.
    """
    def crowded() -> bool:
        ax.figure.draw_without_rendering()  # type: ignore[union-attr]  # a Figure: ax is drawn on one
        boxes = sorted((t.get_window_extent() for t in ax.get_xticklabels() if t.get_text()), key=lambda b: b.x0)
        return any(left.x1 + 2 > right.x0 for left, right in pairwise(boxes))

    labels = [t.get_text() for t in ax.get_xticklabels()]
    if not labels or not crowded():
        return
    ax.set_xticks(ax.get_xticks(), [_two_lines(label) for label in labels])
    if crowded():
        ax.tick_params(axis="x", labelrotation=90)


def quarter_bars(ax: Axes, series: Mapping[dt.date, Figure], _: Translator, *, percent: bool = False,
                 font_size: float = 11, headroom: float = 1.3) -> float:
    """The figures quarter by quarter as labelled bars; returns the value axis' top."""
    quarters, figures = list(series), list(series.values())
    top = _top(figures) * headroom
    rotate = len(quarters) > 8
    for i, f in enumerate(figures):
        _bar(ax, i, f, _, percent=percent, horizontal=False, font_size=font_size, top=top, rotate=rotate)
    ax.set_ylim(0, top)
    _quarter_axis(ax, quarters, _, font_size)
    return top


def mark_events(ax: Axes, quarters: Sequence[dt.date], events: Sequence[Event], *, font_size: float) -> None:
    """Each event as a dashed line at its month within its quarter's bar, numbered as in its list."""
    top = ax.get_ylim()[1]
    for number, (date, _title) in enumerate(events, start=1):
        i = next((n for n, q in enumerate(quarters) if q <= date < _next_quarter(q)), None)
        if i is None:
            continue
        x = i - 0.5 + (date.month - quarters[i].month + 0.5) / 3
        ax.axvline(x, color=EVENT_COLOR, linestyle=(0, (3, 3)), linewidth=1)
        ax.text(x, top * (0.98 - 0.08 * ((number - 1) % 3)), event_label(number), ha="center", va="top",
                fontsize=font_size * 0.85, fontweight="bold", color=EVENT_COLOR,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})


def timeline(series: Mapping[dt.date, Figure], events: Sequence[Event], _: Translator, *, percent: bool = False,
             size: tuple[float, float] = (12, 4.6), font_size: float = 13) -> MplFigure:
    """The chosen figure quarter by quarter, with each event as a dashed line numbered as in its list."""
    with static_map.drawing():
        fig = MplFigure(figsize=size, layout="constrained")
        ax = fig.add_subplot()
        quarter_bars(ax, series, _, percent=percent, font_size=font_size, headroom=1.45)
        mark_events(ax, list(series), events, font_size=font_size)
        fit_quarter_labels(ax)
    return fig


def _next_quarter(q: dt.date) -> dt.date:
    return dt.date(q.year + (q.month + 3 > 12), (q.month + 2) % 12 + 1, 1)


def breakdown_axes(ax: Axes, figures: Mapping[str, Figure], name: Callable[[str], str], heading: str | None,
                   _: Translator, *, font_size: float) -> None:
    """One group of categories as labelled horizontal bars, the first on top."""
    top = _top(list(figures.values())) * 1.35
    for i, f in enumerate(figures.values()):
        _bar(ax, i, f, _, percent=False, horizontal=True, font_size=font_size, top=top, rotate=False)
    ax.set_yticks(range(len(figures)), [name(code) for code in figures], fontsize=font_size)
    ax.set_ylim(len(figures) - 0.4, -0.6)
    ax.set_xlim(0, top)
    ax.set_xticks([])
    ax.spines[["top", "right", "bottom"]].set_visible(False)
    if heading:
        ax.set_title(heading, fontsize=font_size * 1.1, loc="left", fontweight="bold")


def breakdown(by_perpetrator: Mapping[str, Figure], by_type: Mapping[str, Figure], _: Translator, *,
              size: tuple[float, float] = (12, 4.8), font_size: float = 13) -> MplFigure:
    """Cases by perpetrator (left) and by violation type (right), every category in a fixed order."""
    with static_map.drawing():
        fig = MplFigure(figsize=size, layout="constrained")
        # Each group in its own part of the picture, headed from its left edge: a heading over the bars
        # alone ran off the picture in Kyrgyz.
        for part, figures, name, heading in zip(
                fig.subfigures(1, 2, width_ratios=(1, 1.25)), (by_perpetrator, by_type),  # type: ignore[arg-type]
                (_.perpetrator, _.violation_type), (_("By perpetrator"), _("By violation type")), strict=True):
            part.suptitle(heading, x=0.02, ha="left", fontsize=font_size * 1.1, fontweight="bold")
            breakdown_axes(part.add_subplot(), figures, name, None, _, font_size=font_size)
    return fig


def reach(cases: Mapping[dt.date, Figure], reached: Mapping[dt.date, Figure], _: Translator, *,
          size: tuple[float, float] = (12, 5.2), font_size: float = 12) -> MplFigure:
    """Documented cases (top) and people reached (bottom), quarter by quarter, on one time axis."""
    with static_map.drawing():
        fig = MplFigure(figsize=size, layout="constrained")
        upper, lower = fig.subplots(2, 1, sharex=True)
        for ax, series, heading in ((upper, cases, _("Documented cases")), (lower, reached, _("People reached"))):
            quarter_bars(ax, series, _, font_size=font_size, headroom=1.5)
            ax.set_title(heading, fontsize=font_size * 1.1, loc="left", fontweight="bold")
        upper.tick_params(labelbottom=False)
        fit_quarter_labels(lower)
    return fig


def legend_note(figures: Sequence[Figure], _: Translator) -> str:
    """What the pale hatched bars mean, when any is drawn."""
    if any(f.status == AT_LEAST for f in figures):
        return _("Pale hatched bars: only part of the figure is published (≥).")
    return ""
