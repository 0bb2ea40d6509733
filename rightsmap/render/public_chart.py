"""The public view's quarterly chart, drawn as SVG text: no chart library in the browser, none on the server.

The public view is what twenty people open at once in a meeting, often on phones. As a Vega-Lite chart
it made each browser load and compile about 1.5 MB of Vega before the page was done, which delayed the
map. Here it is a few kilobytes of SVG, drawn by the browser
as it draws text, with the same marks: a bar where the figure is exact, a pale bar up to the published
part where it is "≥ N", and the figure's text written up from the bar or the axis where it is not exact.
Every mark carries its quarter and figure as a tooltip and an ARIA label.

Pure: figures in, SVG text out (no Streamlit).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from html import escape

from rightsmap.disclosure.public import AT_LEAST, EXACT, Figure
from rightsmap.domain.i18n import Translator
from rightsmap.render import maps

EXACT_COLOR = "#0072B2"  # the staff charts' first colour (Okabe-Ito blue)
PARTLY_HIDDEN_COLOR = "#B3CDE3"
INK, GRID = "#31333F", "#E6E6EA"  # Streamlit's text colour; faint gridlines
FONT_SIZE = 12
# Room around the plot, in the SVG's own units: y tick labels and title; x labels and the legend.
LEFT, RIGHT, TOP, BOTTOM = 66, 10, 14, 52
BAR_WIDTH = 14
CHAR_WIDTH = 6.6  # an average character at FONT_SIZE, for spacing the quarter labels


def bar_height(figure: Figure) -> float | None:
    """How high the figure's bar goes: its value where exact, its published part where "≥ N", else no bar."""
    return figure.value if figure.status in (EXACT, AT_LEAST) else None


def y_ticks(top: float, *, whole: bool = False) -> list[float]:
    """Evenly spaced round values from 0 to at least top, about four steps; whole numbers only for counts."""
    if top <= 0:
        return [0.0]
    step = maps.nice_step(top / 4, integer=whole)
    return [round(i * step, 10) for i in range(math.ceil(top / step - 1e-9) + 1)]


def _decimals(step: float) -> int:
    return next(d for d in range(4) if abs(step * 10**d - round(step * 10**d)) < 1e-9)


def _text(x: float, y: float, content: str, **attributes: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{escape(value)}"' for name, value in attributes.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(content)}</text>'


def svg(figures: Mapping[dt.date, Figure], *, value_title: str, translate: Translator, percent: bool = False,
        width: int = 400, height: int = 260) -> str:
    """The chart of figures (one per quarter, in order) as an SVG element that fills its container's width.

    width and height are the drawing's proportions, in pixels at its usual size.
    """
    quarters = list(figures)
    plot_left, plot_right, plot_top, plot_bottom = LEFT, width - RIGHT, TOP, height - BOTTOM
    bars = {q: bar_height(f) for q, f in figures.items()}
    ticks = y_ticks(max((b for b in bars.values() if b is not None), default=0.0), whole=not percent)
    scale_top = ticks[-1] or 1.0

    def y(value: float) -> float:
        return plot_bottom - (plot_bottom - plot_top) * value / scale_top

    band = (plot_right - plot_left) / max(len(quarters), 1)
    period = translate("Period")
    parts = []
    decimals = _decimals(ticks[1] - ticks[0]) if len(ticks) > 1 else 0
    for tick in ticks:
        parts.append(f'<line x1="{plot_left}" x2="{plot_right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     f'stroke="{GRID if tick else INK}"/>')
        parts.append(_text(plot_left - 6, y(tick) + 4, translate.number(tick, decimals=decimals), text_anchor="end"))
    middle = (plot_top + plot_bottom) / 2
    parts.append(_text(14, middle, value_title, text_anchor="middle", font_weight="600",
                       transform=f"rotate(-90 14 {middle:.1f})"))

    names = {q: translate.quarter(q) for q in quarters}
    shown = {q: f.text(translate, percent=percent) for q, f in figures.items()}
    label_chars = max(map(len, names.values()), default=0)
    # Every quarter's name if they fit, else every second, fourth (each year's first quarter), ...
    needed = len(quarters) * (label_chars * CHAR_WIDTH + 10) / (plot_right - plot_left)
    every = 2 ** max(0, math.ceil(math.log2(needed))) if needed > 1 else 1
    for index, (quarter, figure) in enumerate(figures.items()):
        centre = plot_left + band * (index + 0.5)
        name, text = names[quarter], shown[quarter]
        tip = f"{period}: {name}; {value_title}: {text}"
        title = f"<title>{escape(f'{period}: {name}')}\n{escape(f'{value_title}: {text}')}</title>"
        bar = bars[quarter]
        if bar is not None:
            colour = EXACT_COLOR if figure.exact else PARTLY_HIDDEN_COLOR
            parts.append(f'<rect x="{centre - BAR_WIDTH / 2:.1f}" y="{y(bar):.1f}" width="{BAR_WIDTH}" '
                         f'height="{plot_bottom - y(bar):.1f}" fill="{colour}" aria-roledescription="bar" '
                         f'aria-label="{escape(tip)}">{title}</rect>')
        if not figure.exact:  # the text of what is withheld, written up from the bar's top or the axis
            base = y(bar or 0.0) - 4
            parts.append(f'<text x="{centre + 4:.1f}" y="{base:.1f}" transform="rotate(-90 {centre:.1f} {base:.1f})" '
                         f'font-size="{FONT_SIZE - 1}" dominant-baseline="middle" aria-roledescription="label" '
                         f'aria-label="{escape(tip)}">{title}{escape(text)}</text>')
        if index % every == 0:
            parts.append(_text(centre, plot_bottom + 16, name, text_anchor="middle"))

    legend_y = height - 12
    x: float = plot_left
    for colour, label in ((EXACT_COLOR, translate("exact")), (PARTLY_HIDDEN_COLOR, translate("partly hidden"))):
        parts.append(f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(_text(x + 14, legend_y, label))
        x += 14 + len(label) * CHAR_WIDTH + 18

    summary = "; ".join(f"{names[q]}: {shown[q]}" for q in quarters)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(f"{value_title}. {summary}")}" font-size="{FONT_SIZE}" fill="{INK}" '
            f'style="display:block;width:100%;height:auto;font-family:inherit">{"".join(parts)}</svg>')
