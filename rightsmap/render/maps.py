"""Folium choropleth of the nine regions: offline Leaflet, no tiles, a plain HTML legend."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.template import Template

from rightsmap import compat
from rightsmap.domain.i18n import Translator, translator
from rightsmap.domain.vocab import N_, REGION_BY_CODE, REGION_CODES, REGIONS
from rightsmap.render import assets, geo

ENGLISH = translator("en")

# Colour schemes from ColorBrewer 2.0 (Cynthia A. Brewer, colorbrewer2.org; the colour specifications
# are under the Apache License 2.0), both sequential and marked colour-blind safe there.
# Counts of abuse: YlOrRd, 6 classes: the lightest is "0", the other five the ramp; its steps survive a
# washed-out projector.
ZERO_COLOR = "#ffffb2"
PALETTE = ("#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")
# Coverage of the outreach plan: Blues, 6 classes, so that high coverage (good news) never reads as the
# alarm red of the counts.
COVERAGE_ZERO_COLOR = "#eff3ff"
COVERAGE_PALETTE = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
# Grey plus a dashed outline: "no data" differs from every colour by pattern too.
NO_DATA_COLOR = "#bdbdbd"
NO_DATA_DASH = "4 3"
OUTLINE_COLOR = "#4d4d4d"
# The public view's withheld values are told apart by their outline, not by colour alone: "hidden" is
# dark grey with a dash-dot outline, "at least" keeps its value's colour with a long-dashed one, a small
# count is light grey and dotted, "no data" mid grey and dashed. The legend's swatches draw the same
# outline (OUTLINES), so a region and its legend entry look alike.
SMALL_COLOR = "#e0e0e0"
SMALL_DASH = "1 3"
HIDDEN_COLOR = "#737373"
HIDDEN_DASH = "8 3 1 3"
AT_LEAST_DASH = "12 4"
# Dark grey under a dark outline hid the pattern: "hidden" is drawn in white dash-dots, on the map and legend.
OUTLINE_COLORS = {"hidden": "#ffffff"}
OUTLINES = {"nodata": NO_DATA_DASH, "small": SMALL_DASH, "hidden": HIDDEN_DASH, "at_least": AT_LEAST_DASH}
PATTERN_WEIGHT = 2  # a patterned outline's width, on the map and in the legend: thin dots do not read
SELECTED_COLOR = "#000000"
BACKGROUND_COLOR = "#ffffff"
ATTRIBUTION = N_("Boundaries: Natural Earth (public domain)")
KG_CENTRE = (41.2, 74.77)
KG_BOUNDS = [[39.17, 69.25], [43.27, 80.29]]
# No tiles: keep people near the country (max bounds); quarter zoom steps fit it snugly.
_MAP_OPTIONS: dict[str, Any] = {
    "location": KG_CENTRE, "zoom_start": 6, "min_zoom": 5, "max_zoom": 10,
    "zoom_snap": 0.25, "zoom_delta": 0.5, "tiles": None, "attribution_control": True,
    "max_bounds": True, "min_lat": 36.0, "max_lat": 46.5, "min_lon": 64.0, "max_lon": 85.5,
    # Leaflet's keyboard handler focuses the map on mouse-down, and Chromium then scrolls a map that
    # reaches below the screen, so the click lands on another region. Keyboard users choose a region
    # with the selectbox beside the map instead.
    "keyboard": False,
}  # fmt: skip
# Full opacity: nothing lies beneath, and the fill then matches the legend swatch exactly.
_BASE_STYLE = {"fill": True, "fillOpacity": 1.0, "opacity": 1.0}
CITY_RADIUS = 7
# Coverage against a target: 100 % is the line that matters, so it starts a class.
PERCENT_BREAKS = (25.0, 50.0, 75.0, 100.0)
_NICE = (1.0, 2.0, 2.5, 5.0)
EN_DASH = "\u2013"  # ranges in labels: "1\u201310"


@dataclass(frozen=True)
class ValueClass:
    """A legend entry: values with lower <= value < upper (None = unbounded) get color."""

    key: str
    label: str
    color: str
    lower: float | None
    upper: float | None


def _num(x: float, translate: Translator) -> str:
    """A class bound in the language's number format, with only the decimals it needs."""
    decimals = 0 if float(x).is_integer() else len(f"{x:.6f}".rstrip("0").split(".")[1])
    return translate.number(x, decimals=decimals)


def nice_step(target: float, integer: bool) -> float:
    """The smallest 1/2/2.5/5 x 10^k at or above target (a whole number for whole data)."""
    if target <= 0:
        return 1.0
    exponent = math.floor(math.log10(target))
    candidates = [m * 10.0**e for e in (exponent, exponent + 1) for m in _NICE]
    step = min(c for c in candidates if c >= target * (1 - 1e-9))
    if integer:
        step = float(math.ceil(step))
    return step


def readable_floor(x: float) -> float:
    """The largest number at or below x with two significant digits, the second 0 or 5: 87 -> 85,
    1234 -> 1000, 7 -> 7, 0.37 -> 0.35."""
    if x <= 0:
        return 0.0
    unit = 5 * 10.0 ** (math.floor(math.log10(x)) - 1)
    return round(math.floor(x / unit + 1e-9) * unit, 10)


def _quantile_lowers(positive: list[float], first: float, integer: bool) -> list[float]:
    """Class lower bounds from the data: up to five classes with about as many regions in each, each
    break the readable number at or below its quantile, so that a region on a break keeps its class."""
    ordered = sorted(positive)
    count = min(len(PALETTE), len(set(ordered)))
    lowers = [first]
    for i in range(1, count):
        lower = readable_floor(ordered[i * len(ordered) // count])
        if integer:
            lower = float(max(1, math.floor(lower)))
        if lower > lowers[-1]:
            lowers.append(lower)
    return lowers


def _positive_classes(lowers: list[float], integer: bool, unit: str, translate: Translator,
                      palette: tuple[str, ...] = PALETTE) -> list[ValueClass]:
    def num(x: float) -> str:
        return _num(x, translate)

    classes = []
    for i, lower in enumerate(lowers):
        upper = lowers[i + 1] if i + 1 < len(lowers) else None
        if upper is None:
            label = f"{num(lower)}{unit}+"
        elif integer:
            last = upper - 1
            label = num(lower) if last == lower else f"{num(lower)}{EN_DASH}{num(last)}"
        elif i == 0:
            label = translate("under {value}", value=f"{num(upper)}{unit}")
        else:
            label = f"{num(lower)}{EN_DASH}{num(upper)}{unit}"
        classes.append(ValueClass(f"c{i + 1}", label, palette[i], lower, upper))
    return classes


def classify(values: Iterable[float], *, percent: bool = False,
             translate: Translator = ENGLISH) -> list[ValueClass]:
    """No data, zero, then up to five classes over the positive values, their breaks from the data's
    quantiles rounded to readable numbers (coverage: fixed breaks around the target, in blues)."""
    numbers = [float(v) for v in values]
    if any(v < 0 for v in numbers):
        raise ValueError("classify expects values >= 0")
    positive = [v for v in numbers if v > 0]
    classes = [
        ValueClass("nodata", translate("No data"), NO_DATA_COLOR, None, None),
        ValueClass("zero", "0", COVERAGE_ZERO_COLOR if percent else ZERO_COLOR, 0.0, 0.0),
    ]
    if percent:
        # Fixed breaks keep colours comparable between filters and periods, and 100 % is the target.
        return classes + _positive_classes([0.0, *PERCENT_BREAKS], False, "%", translate, COVERAGE_PALETTE)
    if not positive:
        return classes
    integer = all(v.is_integer() for v in positive)
    # Whole numbers (counts) read 1-9, 10-44, ...; the top class is open.
    # Breaks from quantiles, not equal widths: with one large city, equal widths left every other
    # region in the first class, and a five-year map in one colour.
    # The first class starts at the smallest value's readable floor: a class no region is in (such as
    # "1-4" on a public map, whose figures are 0 or at least 5) only adds a colour to tell apart.
    first = float(max(1, math.floor(readable_floor(min(positive))))) if integer else 0.0
    lowers = _quantile_lowers(positive, first, integer)
    return classes + _positive_classes(lowers, integer, "", translate)


def class_for(value: float | None, classes: list[ValueClass]) -> ValueClass:
    """The class of one value: NaN/None is no data, 0 is zero, beyond the ends the end class."""
    by_key = {c.key: c for c in classes}
    if value is None or math.isnan(value):
        return by_key["nodata"]
    if value < 0:
        raise ValueError(f"negative value {value}")
    if value == 0:
        return by_key["zero"]
    positive = [c for c in classes if c.key not in ("nodata", "zero")]
    if not positive:
        raise ValueError(f"no class for {value}: classes were built without positive values")
    chosen = positive[0]
    for c in positive:
        if c.lower is not None and value >= c.lower:
            chosen = c
    return chosen


def format_value(value: float | None, *, percent: bool = False, translate: Translator = ENGLISH) -> str:
    """Short display form of a value in the language; "no data" for NaN."""
    if value is None or math.isnan(value):
        return translate("no data")
    if percent:
        return translate.percent(value)
    return translate.number(value, decimals=0 if float(value).is_integer() else 1)


def rate_labels(values, *, percent: bool = False, translate: Translator = ENGLISH) -> dict[str, str]:
    """Tooltip text per region for a rate (metrics.region_rates): the rate, its range from the estimate's
    bounds, and the estimate's year; "no size estimate" where a region has none."""
    def missing(value) -> bool:
        return value is None or math.isnan(value)

    labels = {}
    for row in values.itertuples():
        if missing(row.estimate):
            labels[row.code] = translate("no size estimate")
            continue
        text = format_value(row.value, percent=percent, translate=translate)
        if not (missing(row.value_low) or missing(row.value_high)):
            text = translate("{rate} (range {low} to {high})", rate=text,
                             low=format_value(row.value_low, percent=percent, translate=translate),
                             high=format_value(row.value_high, percent=percent, translate=translate))
        labels[row.code] = translate("{rate}; estimate of {year}", rate=text, year=int(row.estimate_year))
    return labels


class MapStyle(MacroElement):
    """What the base map carries for the layers that come and go: legend CSS, white ground, plain credits."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
          .leaflet-container { background: {{ this.background }}; }
          /* The legend wraps its classes into short rows in the bottom-right corner, so it stays in
             the band below the country at any width (a column of classes covered the southern
             regions, half of them on a phone), and no wider than the country's empty south-east on
             a large map. 100vw is the map frame's width. */
          .rightsmap-legend { background: #fff; padding: 4px 8px; border-radius: 4px;
            box-shadow: 0 1px 4px rgba(0,0,0,.35); font: 13px/1.4 sans-serif; color: #222;
            display: flex; flex-wrap: wrap; column-gap: 12px; max-width: min(calc(100vw - 32px), 34em); }
          .rightsmap-legend-title { font-weight: bold; flex-basis: 100%; }
          /* A frame this wide is a slide on a projector: legend text of 18 px or more reads from the
             back of the room. */
          @media (min-width: 1600px) {
            .rightsmap-legend { font-size: 20px; max-width: 30em; }
            .rightsmap-legend-swatch { width: 36px; height: 20px; } }
          /* Leaflet draws its controls above its tooltips: while a tooltip meets the legend (Restyle),
             the legend fades and lets the pointer through, so the tooltip can be read. */
          .rightsmap-legend.rightsmap-legend-behind { opacity: .15; pointer-events: none; }
          /* Wide enough for one repeat of the longest outline pattern (OUTLINES). */
          .rightsmap-legend-swatch { display: inline-block; width: 28px; height: 16px;
            margin-right: 4px; vertical-align: middle; }
          .rightsmap-tooltip { white-space: normal; overflow-wrap: anywhere; width: max-content;
            max-width: min(16em, 45vw); }
          .rightsmap-tooltip th, .rightsmap-tooltip td { display: block; text-align: left; padding: 0; }
          .rightsmap-tooltip td { margin-bottom: 4px; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix("Leaflet");
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "MapStyle"
        self.background = BACKGROUND_COLOR


class Legend(MacroElement):
    """The class legend: a bottom-right Leaflet control in plain HTML (no d3, no colormap).

    It belongs to the regions layer, not to the map: it appears when the layer is
    added and goes when the layer is removed, so streamlit-folium can swap the
    layer (feature_group_to_add) without remounting the map.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomright"});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "rightsmap-legend");
            div.innerHTML = {{ this.html | tojson }};
            L.DomEvent.disableClickPropagation(div);
            return div;
        };
        (function (layer, legend) {
            layer.on("add", function () { legend.addTo(layer._map); });
            layer.on("remove", function () { legend.remove(); });
            if (layer._map) { legend.addTo(layer._map); }
        })({{ this._parent.get_name() }}, {{ this.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, title: str, classes: list[ValueClass]):
        super().__init__()
        self._name = "Legend"
        rows = []
        for c in classes:
            rows.append(f"<div>{swatch(c)}{html.escape(c.label)}</div>")
        title_html = f'<div class="rightsmap-legend-title">{html.escape(title)}</div>'
        self.html = title_html + "".join(rows)


def swatch(c: ValueClass) -> str:
    """A legend entry's swatch: an SVG box in the class's colour, with the outline its regions have."""
    dash = OUTLINES.get(c.key)
    outline = OUTLINE_COLORS.get(c.key, OUTLINE_COLOR)
    stroke = (f'stroke="{outline}" stroke-width="{PATTERN_WEIGHT}" stroke-dasharray="{dash}"' if dash
              else f'stroke="{OUTLINE_COLOR}" stroke-width="1"')
    return (f'<svg class="rightsmap-legend-swatch" data-class="{c.key}" viewBox="0 0 28 16" aria-hidden="true">'
            f'<rect x="1" y="1" width="26" height="14" fill="{c.color}" {stroke}/></svg>')


# Where the base map leaves its GeoJson of the regions' shapes for the layers that restyle them.
# (streamlit-folium renames every element of a map it sends, so a layer cannot refer to them by name.)
SHAPES_JS = "window.rightsmapShapes"


class _NameShapes(MacroElement):
    """Part of the base map: leaves its shapes (this element's parent, a GeoJson) at SHAPES_JS."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.target }} = {{ this._parent.get_name() }};
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "NameShapes"
        self.target = SHAPES_JS


def region_features(shapes: Mapping[str, dict]) -> list[dict]:
    """The base map's GeoJSON features: each region's polygon (id: its code), then a point for each city.

    Osh City has no polygon, and Bishkek's is a few pixels wide at national zoom: both cities get a
    circle at their label point (id: "<code>/point"), so each is visible and clickable. Only the code
    is a property; a layer adds the rest (region_layer).
    """
    features = []
    for feature_id, code, is_point in _feature_ids():
        if is_point:
            region = REGION_BY_CODE[code]
            geometry = {"type": "Point", "coordinates": [region.label_lon, region.label_lat]}
        elif code in shapes:
            geometry = shapes[code]
        else:
            continue
        features.append({"type": "Feature", "id": feature_id, "properties": {"code": code}, "geometry": geometry})
    return features


def _feature_ids() -> list[tuple[str, str, bool]]:
    """(feature id, region code, is a point) for every feature the base map can have: polygons, then cities."""
    return ([(code, code, False) for code in REGION_CODES]
            + [(f"{r.code}/point", r.code, True) for r in REGIONS if r.kind == "city"])


def stable_ids(element, prefix: str) -> None:
    """Name element's descendants by their place (prefix0, prefix0_1, ...) instead of at random.

    folium gives every element a random id, which ends up in the text its templates render, and
    branca compiles that text as a template again: with random ids nothing rendered is ever the
    same twice. With ids from the layout, a map whose content repeats renders the same text, and
    rightsmap.web.mapview compiles it only once. Prefixes keep the base map's and a layer's names apart.
    """
    for index, child in enumerate(compat.children(element)):
        compat.set_id(child, f"{prefix}{index}")
        stable_ids(child, f"{prefix}{index}_")


def base_map(shapes: Mapping[str, dict] | None = None, *, with_shapes: bool = True) -> folium.Map:
    """The map without data, the same on every rerun: no tiles, local Leaflet only, fitted to the country,
    with the regions' shapes (geo.region_shapes unless given) drawn plain, for a layer to colour.

    with_shapes=False leaves the shapes out: the same map names for rendering a layer on its own.
    """
    m = folium.Map(**_MAP_OPTIONS)
    # Only Leaflet, from this machine; folium's defaults (jQuery, Bootstrap,
    # awesome-markers) come from CDNs, and one failed script blanks the map.
    m.default_js = [("leaflet", assets.LEAFLET_JS_URL)]
    m.default_css = [("leaflet_css", assets.LEAFLET_CSS_URL)]
    m.fit_bounds(KG_BOUNDS, padding=(8, 8))
    MapStyle().add_to(m)
    compat.set_id(m, "rightsmap")
    if with_shapes:
        if shapes is None:
            shapes = geo.region_shapes()
        geojson = folium.GeoJson(
            {"type": "FeatureCollection", "features": region_features(shapes)},
            name="regions", control=False, style_function=lambda _feature: _PLAIN_STYLE,
            marker=folium.CircleMarker(radius=CITY_RADIUS),
        )
        _NameShapes().add_to(geojson)
        geojson.add_to(m)
    stable_ids(m, "base")
    return m


# How the shapes look until a layer colours them: outlines on white.
_PLAIN_STYLE = {**_BASE_STYLE, "fillColor": BACKGROUND_COLOR, "color": OUTLINE_COLOR, "weight": 1}


class Restyle(MacroElement):
    """Colours the base map's shapes while its layer is on the map: styles, hover, tooltips, credits.

    The shapes stay in the base map, which never changes; a new period or measure sends only this
    (a few KB), not the regions' geometry again. streamlit-folium removes the old layer before it
    adds the new one, so each layer takes over the shapes on "add" and lets go of them on "remove".
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (layer, shapes, look) {
            function style(feature) { return look.styles[feature.id]; }
            function source(e) { return e.propagatedFrom || e.layer; }
            function over(e) { source(e).setStyle(look.highlight[source(e).feature.properties.code]); }
            function out(e) { shapes.resetStyle(source(e)); }
            function tooltip(shape) {
                var table = document.createElement("table");
                [[look.labels[0], shape.feature.properties.name],
                 [look.labels[1], shape.feature.properties.value_label]].forEach(function (row) {
                    var tr = table.insertRow(), th = document.createElement("th");
                    th.textContent = row[0];
                    tr.appendChild(th);
                    tr.insertCell().textContent = row[1];
                });
                return table;
            }
            // A tooltip near the southern regions can reach into the legend's band below them.
            function uncover(e) {
                var map = layer._map, tip = shapes.getTooltip();
                var legend = map && map.getContainer().querySelector(".rightsmap-legend");
                if (!legend) { return; }
                // A closing tooltip is still on the map while "tooltipclose" is fired.
                var open = e.type !== "tooltipclose" && tip && tip.isOpen() && tip.getElement();
                var t = open ? tip.getElement().getBoundingClientRect() : null;
                var l = legend.getBoundingClientRect();
                legend.classList.toggle("rightsmap-legend-behind", t !== null && t.left < l.right &&
                                        l.left < t.right && t.top < l.bottom && l.top < t.bottom);
            }
            function add() {
                shapes.options.style = style;
                shapes.eachLayer(function (shape) {
                    Object.assign(shape.feature.properties, look.properties[shape.feature.properties.code]);
                    shapes.resetStyle(shape);
                });
                // The chosen region's outline over its neighbours', and the city circles over both.
                shapes.eachLayer(function (shape) {
                    if (shape.feature.id === look.selected) { shape.bringToFront(); }
                });
                shapes.eachLayer(function (shape) {
                    if (shape.feature.geometry.type === "Point") { shape.bringToFront(); }
                });
                shapes.bindTooltip(tooltip, {sticky: true, className: "rightsmap-tooltip"});
                shapes.on("mouseover", over).on("mouseout", out);
                // After the tooltip's own handlers, so it has moved when the legend is checked.
                shapes.on("tooltipopen mousemove tooltipclose", uncover);
                if (layer._map && layer._map.attributionControl) {
                    layer._map.attributionControl.addAttribution(look.attribution);
                }
            }
            function remove(e) {
                shapes.unbindTooltip();
                shapes.off("mouseover", over).off("mouseout", out);
                shapes.off("tooltipopen mousemove tooltipclose", uncover);
                if (e.target._map && e.target._map.attributionControl) {
                    e.target._map.attributionControl.removeAttribution(look.attribution);
                }
            }
            layer.on("add", add);
            layer.on("remove", remove);
            if (layer._map) { add(); }
        })({{ this._parent.get_name() }}, {{ this.shapes }}, {{ this.look | tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, look: dict):
        super().__init__()
        self._name = "Restyle"
        self.shapes = SHAPES_JS
        self.look = look

    def render(self, **kwargs) -> None:  # type: ignore[override]  # as MacroElement's: it adds to the root
        # As MacroElement.render, minus wrapping the script in a new Element, whose text branca would
        # compile as a template again for every new style.
        script = compat.template_script(self)
        if script is None:
            super().render(**kwargs)
            return
        self.get_root().script.add_child(  # type: ignore[attr-defined]  # the root: a Figure
            _Verbatim(script(self, kwargs)), name=self.get_name())


class _Verbatim(Element):
    """Text that is already rendered, rendered as it is."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


def region_layer(
    values,
    *,
    metric_label: str,
    value_format: Callable[[float], str] | None = None,
    selected: str | None = None,
    percent: bool = False,
    translate: Translator = ENGLISH,
    withheld: Mapping[str, tuple[str, str]] | None = None,
    small_label: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> folium.FeatureGroup:
    """The regions coloured by value class, with their tooltips and legend; a click reports properties.code.

    values: a frame with columns code and value, or a mapping code -> value; a region without one has
    no data. Percent values are on a 0-100 scale; value_format defaults to format_value. In the public
    view, withheld maps a region code to (status, label): "small" and "hidden" get their own classes,
    and "at_least" is coloured by its lower bound (the value) with a dashed outline; label is the
    tooltip text. labels, if given, is each region's tooltip text instead of its formatted value (a
    rate with its range, see rate_labels). The layer restyles base_map()'s shapes (Restyle).
    """
    fmt = value_format or (lambda v: format_value(v, percent=percent, translate=translate))
    by_code = geo.values_by_code(values)
    withheld = dict(withheld or {})
    classes = classify([v for v in by_code.values() if not math.isnan(v)], percent=percent, translate=translate)
    statuses = {status for status, _label in withheld.values()}
    if "small" in statuses:
        classes.append(ValueClass("small", small_label or translate("small count, hidden"), SMALL_COLOR, None, None))
    if "hidden" in statuses:
        classes.append(ValueClass("hidden", translate("hidden"), HIDDEN_COLOR, None, None))
    if "at_least" in statuses:
        classes.append(ValueClass("at_least", translate("≥: at least, part hidden"), BACKGROUND_COLOR, None, None))
    colors = {c.key: c for c in classes}

    properties: dict[str, dict[str, Any]] = {}
    for code, value in by_code.items():
        status, label = withheld.get(code, (None, None))
        properties[code] = {
            "name": translate.region(code),
            "value": None if math.isnan(value) else value,
            "value_label": label if label is not None else (labels or {}).get(code) or fmt(value),
            "class_key": status if status in ("small", "hidden") else class_for(value, classes).key,
            "at_least": status == "at_least",
        }

    def style(code: str, is_point: bool) -> dict:
        props = properties[code]
        result = {
            **_BASE_STYLE,
            "fillColor": colors[props["class_key"]].color,
            "color": SELECTED_COLOR if code == selected else OUTLINE_COLOR,
            "weight": 4 if code == selected else (1.5 if is_point else 1),
            # Set on every shape, so a shape that had a dashed outline under the last layer loses it.
            "dashArray": None,
        }
        outline = OUTLINES.get("at_least" if props["at_least"] else props["class_key"])
        if outline is not None:
            result["dashArray"] = outline
            if code != selected:
                result["weight"] = PATTERN_WEIGHT
                result["color"] = OUTLINE_COLORS.get(props["class_key"], OUTLINE_COLOR)
        return result

    look = {
        "styles": {feature_id: style(code, is_point) for feature_id, code, is_point in _feature_ids()},
        "highlight": {code: {"color": SELECTED_COLOR, "weight": 4 if code == selected else 3}
                      for code in REGION_CODES},
        "properties": properties,
        "selected": selected,
        "labels": [translate("Region"), metric_label],
        "attribution": html.escape(translate(ATTRIBUTION)),
    }
    layer = folium.FeatureGroup(name="regions", control=False)
    Restyle(look).add_to(layer)
    # The grey "no data" class is named only when a region has no data: the legend's grey classes are
    # exactly the marks the tooltips say (tests/test_map_marks.py).
    used = {props["class_key"] for props in properties.values()}
    Legend(metric_label, [c for c in classes if c.key != "nodata" or "nodata" in used]).add_to(layer)
    compat.set_id(layer, "regions")
    stable_ids(layer, "regions")
    return layer


def layer_look(layer: folium.FeatureGroup) -> dict:
    """What region_layer's layer gives the shapes: styles and highlight by feature id or code,
    properties by code, the selected code, tooltip labels and credits."""
    return next(child.look for child in compat.children(layer) if isinstance(child, Restyle))


def choropleth(values, shapes: Mapping[str, dict] | None = None, **options) -> folium.Map:
    """The whole map in one piece: base_map(shapes) with region_layer(values, **options) on it."""
    m = base_map(shapes)
    region_layer(values, **options).add_to(m)
    return m


def _geojson_layers(element) -> Iterable[folium.GeoJson | Restyle]:
    for child in compat.children(element):
        if isinstance(child, (folium.GeoJson, Restyle)):
            yield child
        yield from _geojson_layers(child)


def map_payload_bytes(m: folium.Map) -> int:
    """Bytes of GeoJSON data, styles and tooltip script the map sends per render: its GeoJson layers
    (the shapes) and what colours them."""
    m.get_root().render()  # fills each layer's style map
    total = 0
    for layer in _geojson_layers(m):
        for element in (layer, *compat.children(layer)):
            script = compat.template_script(element)
            total += len(script(element, {}).encode("utf-8")) if script else 0
    return total
