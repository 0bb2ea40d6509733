"""The map as a static picture (PNG, SVG, or a panel of the PDF brief), drawn with matplotlib.

It uses the screen's classes, colours and values (rightsmap.render.maps.classify and
class_for), so a printed map and the map on screen agree region for region.
"""

from __future__ import annotations

import contextlib
import io
import math
import threading
from collections.abc import Iterator
from typing import Any

import matplotlib
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from rightsmap.data import metrics
from rightsmap.domain.i18n import Translator, translator
from rightsmap.exports import pngtext
from rightsmap.exports.data import ExportData
from rightsmap.exports.slides import metric_label
from rightsmap.exports.stamp import Stamp, describe_filters
from rightsmap.render import geo, maps

FONT = "DejaVu Sans"  # ships with matplotlib; covers Cyrillic, including Kyrgyz letters
# text.parse_math off: imported titles are data, and "$5 … $10" or "$\nocommand$" must show as written.
RC: dict[Any, Any] = {"font.family": FONT, "svg.fonttype": "none", "pdf.fonttype": 42, "text.parse_math": False}
DASH = (0, (4, 3))  # "no data": dashed outline, as on screen
# Cities sit close to oblast labels: their labels are nudged (in points) away from them.
_CITY_OFFSETS = {"KG-GB": (10, 10), "KG-GO": (12, 4)}
# rcParams are global: downloads run on their own threads, so one figure is drawn at a time.
_LOCK = threading.RLock()


@contextlib.contextmanager
def drawing() -> Iterator[None]:
    """Matplotlib settings for exports (DejaVu Sans, text kept as text), one drawing at a time."""
    with _LOCK, matplotlib.rc_context(RC):
        yield


def classes_for(data: ExportData, _: Translator) -> list[maps.ValueClass]:
    percent = metrics.METRICS[data.metric].percent
    return maps.classify(data.region_values["value"].dropna(), percent=percent, translate=_)


def draw(ax: Axes, data: ExportData, _: Translator, *, legend: bool = True, font_size: float = 9) -> None:
    """Draw the choropleth, its region labels with values, its legend and the boundary attribution on ax."""
    percent = metrics.METRICS[data.metric].percent
    classes = classes_for(data, _)
    values = dict(zip(data.region_values["code"], data.region_values["value"], strict=True))
    draw_regions(ax, data.region_values, classes,
                 chosen={code: maps.class_for(v, classes) for code, v in values.items()},
                 texts={code: maps.format_value(v, percent=percent, translate=_) for code, v in values.items()},
                 title=metric_label(data, _), translate=_, legend=legend, font_size=font_size)


_LINE_STYLES: dict[str, Any] = {"nodata": "--", "small": ":"}


def draw_regions(ax: Axes, values, classes: list[maps.ValueClass], *, chosen: dict[str, maps.ValueClass],
                 texts: dict[str, str], title: str, translate: Translator, legend: bool = True,
                 font_size: float = 9, dashed: frozenset[str] = frozenset()) -> None:
    """The map of any per-region values: each region's class (chosen) and label text (texts)."""
    _ = translate
    frame = geo.join(geo.load_boundaries(), values)
    polygons = frame[frame.geometry.notna()]
    polygon_classes = [chosen[code] for code in polygons["code"]]
    polygons.plot(ax=ax, color=[c.color for c in polygon_classes], edgecolor=maps.OUTLINE_COLOR, linewidth=0.8)
    for key, style in _LINE_STYLES.items():
        outlined = polygons[[c.key == key for c in polygon_classes]]
        if not outlined.empty:
            outlined.boundary.plot(ax=ax, color=maps.OUTLINE_COLOR, linewidth=1.2, linestyle=style)
    partial = polygons[polygons["code"].isin(dashed)]
    if not partial.empty:
        partial.boundary.plot(ax=ax, color=maps.OUTLINE_COLOR, linewidth=1.2, linestyle=(0, (6, 2)))
    for row in frame.itertuples(index=False):
        label = f"{_.region(row.code)}\n{texts[row.code]}"
        if row.kind == "city":
            cls = chosen[row.code]
            ax.scatter([row.label_lon], [row.label_lat], s=90, color=cls.color, edgecolors=maps.OUTLINE_COLOR,
                       linewidths=1.2, linestyle=_LINE_STYLES.get(cls.key, "-"), zorder=3)
            ax.annotate(label, (row.label_lon, row.label_lat), xytext=_CITY_OFFSETS[row.code],
                        textcoords="offset points", ha="left" if _CITY_OFFSETS[row.code][0] > 0 else "right",
                        fontsize=font_size, fontweight="bold", zorder=4,
                        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8})
        else:
            ax.text(row.label_lon, row.label_lat, label, ha="center", va="center", fontsize=font_size, zorder=4)
    # Degrees of longitude shrink with latitude: keep the country's shape as on screen.
    ax.set_aspect(1 / math.cos(math.radians(maps.KG_CENTRE[0])))
    (south, west), (north, east) = maps.KG_BOUNDS
    ax.set_xlim(west - 0.2, east + 0.2)
    ax.set_ylim(south - 0.2, north + 0.2)
    ax.set_axis_off()
    if legend:
        handles: list[Artist] = [Patch(facecolor=c.color, edgecolor=maps.OUTLINE_COLOR,
                         linestyle=_LINE_STYLES.get(c.key, "--" if c.key == "at_least" else "-"), label=c.label)
                   for c in classes]
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white",
                              markeredgecolor=maps.OUTLINE_COLOR, label=_("city (circle)")))
        ax.legend(handles=handles, title=title, loc="lower right", fontsize=font_size,
                  title_fontsize=font_size, frameon=True, framealpha=1)
    ax.text(1.0, -0.01, _(maps.ATTRIBUTION), transform=ax.transAxes, ha="right", va="top",
            fontsize=font_size * 0.8, color="#333333")


def figure(data: ExportData, lang: str, stamp: Stamp) -> Figure:
    """A landscape figure: title, map with legend and attribution, and the stamp underneath."""
    _ = translator(lang)
    with drawing():
        fig = Figure(figsize=(11, 7.6), dpi=100)
        fig.text(0.02, 0.97, metric_label(data, _), fontsize=18, fontweight="bold", va="top")
        fig.text(0.02, 0.925, describe_filters(data.filters, _) + " · " + _("every region is shown"),
                 fontsize=10, va="top")
        ax = fig.add_axes((0.02, 0.14, 0.96, 0.76))
        draw(ax, data, _)
        fig.text(0.02, 0.02, "\n".join(stamp.lines()), fontsize=8, va="bottom", color="#222222")
    return fig


def render(fig: Figure, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    with drawing():
        fig.savefig(buffer, format=fmt, facecolor="white", metadata=kwargs.pop("metadata", None), **kwargs)
    return buffer.getvalue()


def png(data: ExportData, lang: str, stamp: Stamp, *, dpi: int = 150) -> bytes:
    return pngtext.with_text(render(figure(data, lang, stamp), "png", dpi=dpi), "Description", stamp.text())


def svg(data: ExportData, lang: str, stamp: Stamp) -> bytes:
    return render(figure(data, lang, stamp), "svg", metadata={"Description": stamp.text()})
