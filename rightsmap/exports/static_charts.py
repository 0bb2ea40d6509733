"""Charts as PNG and SVG, rendered on this machine by vl-convert (no browser, no network)."""

from __future__ import annotations

import functools
from pathlib import Path

import altair as alt
import matplotlib
import vl_convert

from rightsmap.domain.i18n import translator
from rightsmap.exports import pngtext
from rightsmap.exports.chartset import CHARTS, projector
from rightsmap.exports.data import ExportData
from rightsmap.exports.stamp import Stamp
from rightsmap.render import charts

# DejaVu Sans ships with matplotlib and covers Russian and Kyrgyz (ң, ө, ү), so no system font is needed.
FONT = "DejaVu Sans"
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
WIDTH = 900
HEIGHT = 300


@functools.cache
def _register_fonts() -> None:
    vl_convert.register_font_directory(str(FONT_DIR))


def _vl_version() -> str | None:
    """The Vega-Lite version Altair writes, when vl-convert knows it (else vl-convert's default)."""
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vl_convert.get_vegalite_versions() else None


def stamped(name: str, data: ExportData, lang: str, stamp: Stamp) -> dict:
    """The Vega-Lite spec of one chart with its title, the stamp as its subtitle, and projector-size type."""
    _ = translator(lang)
    title, build = CHARTS[name]
    chart = build(data, _).properties(
        title=alt.TitleParams(_(title), subtitle=stamp.lines(), anchor="start", fontSize=20, subtitleFontSize=11,
                              subtitleColor="#333333", offset=12))
    configured = chart.configure(font=FONT, background="#ffffff", locale=charts.vega_locale(_))
    return projector(configured.configure_view(continuousWidth=WIDTH, continuousHeight=HEIGHT)).to_dict()


def png(name: str, data: ExportData, lang: str, stamp: Stamp, *, scale: float = 2.0) -> bytes:
    _register_fonts()
    content = vl_convert.vegalite_to_png(stamped(name, data, lang, stamp), vl_version=_vl_version(), scale=scale)
    return pngtext.with_text(content, "Description", stamp.text())


def svg(name: str, data: ExportData, lang: str, stamp: Stamp) -> bytes:
    _register_fonts()
    return vl_convert.vegalite_to_svg(stamped(name, data, lang, stamp), vl_version=_vl_version()).encode("utf-8")
