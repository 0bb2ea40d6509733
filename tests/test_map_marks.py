"""Issue 19: the map's withheld classes are told apart by outline as well as colour, and the legend's grey
classes match the tooltips: every mark the legend names is on a region whose tooltip says it, and every
region whose tooltip says a mark looks like that mark's legend swatch."""

from __future__ import annotations

import itertools
import random
import re

import pytest

from rightsmap.disclosure import public
from rightsmap.domain.i18n import LANGUAGES, translator
from rightsmap.domain.vocab import REGION_CODES
from rightsmap.render import maps
from rightsmap.web import public_sections

SWATCH = re.compile(r'<svg class="rightsmap-legend-swatch" data-class="([a-z_0-9]+)"[^>]*>'
                    r'<rect [^>]*fill="([^"]+)" stroke="([^"]+)" stroke-width="[^"]+"(?: stroke-dasharray="([^"]+)")?/>'
                    r"</svg>([^<]*)</div>")
STATUS_CHOICES = (public.EXACT, public.AT_LEAST, public.HIDDEN, public.NO_DATA)


def _figures(seed: int, statuses: tuple[str, ...]) -> dict[str, public.Figure]:
    """Every region a figure; each status in statuses on at least one region."""
    rng = random.Random(seed)
    codes = list(REGION_CODES)
    rng.shuffle(codes)
    chosen = list(statuses) + [rng.choice(statuses) for _ in codes[len(statuses):]]
    figures = {}
    for code, status in zip(codes, chosen, strict=True):
        value = None if status in (public.HIDDEN, public.NO_DATA) else float(rng.randint(5, 400))
        figures[code] = public.Figure(status, value)
    return figures


def _layer(figures: dict[str, public.Figure], lang: str):
    _ = translator(lang)
    return maps.region_layer(public.map_values(figures), metric_label=_("Cases"), translate=_,
                             withheld=public_sections.map_classes(figures, _))


def _legend(layer) -> dict[str, tuple[str, str | None, str]]:
    """The legend's entries: class key -> (fill, outline dash or None, outline colour)."""
    legend = next(c for c in layer._children.values() if isinstance(c, maps.Legend))
    entries = {key: (fill, dash or None, stroke) for key, fill, stroke, dash, _label in SWATCH.findall(legend.html)}
    assert len(entries) == legend.html.count("rightsmap-legend-swatch"), legend.html
    return entries


# Every combination of the statuses that withhold or lack a figure, next to exact figures.
COMBINATIONS = [(public.EXACT, *extra) for n in range(4)
                for extra in itertools.combinations((public.AT_LEAST, public.HIDDEN, public.NO_DATA), n)]


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("statuses", COMBINATIONS)
def test_the_legend_names_a_mark_exactly_when_a_tooltip_says_it_and_they_look_alike(statuses, lang):
    _ = translator(lang)
    for seed in range(3):
        figures = _figures(seed, statuses)
        layer = _layer(figures, lang)
        look, legend = maps.layer_look(layer), _legend(layer)
        said = {"hidden": set(), "at_least": set(), "nodata": set()}
        for code in REGION_CODES:
            label = look["properties"][code]["value_label"]
            style = look["styles"][code]
            if label == _("hidden"):
                mark = "hidden"
            elif label.startswith("≥ "):
                mark = "at_least"
            elif label == _("no data"):
                mark = "nodata"
            else:
                assert style["dashArray"] is None, (code, label)  # an exact figure has a plain outline
                continue
            said[mark].add(code)
            assert mark in legend, (mark, legend)
            fill, dash, stroke = legend[mark]
            assert style["dashArray"] == dash is not None, (code, mark)
            assert style["color"] == stroke, (code, mark)
            if mark != "at_least":  # "≥ N" keeps its value's colour; its outline is the mark
                assert style["fillColor"] == fill
        for mark, codes in said.items():
            assert (mark in legend) == bool(codes), (mark, codes, legend)


def test_withheld_classes_differ_by_outline_not_colour_alone():
    dashes = [maps.OUTLINES[key] for key in ("nodata", "hidden", "at_least", "small")]
    assert len(set(dashes)) == len(dashes)
    layer = _layer(_figures(1, (public.EXACT, public.AT_LEAST, public.HIDDEN, public.NO_DATA)), "ru")
    legend = _legend(layer)
    assert {legend[key][1] for key in ("nodata", "hidden", "at_least")} == {
        maps.NO_DATA_DASH, maps.HIDDEN_DASH, maps.AT_LEAST_DASH}
    assert all(dash is None for key, (_fill, dash, _l) in legend.items() if key not in maps.OUTLINES)
