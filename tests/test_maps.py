"""The folium choropleth: offline assets, classes, the base map's shapes, the layer that colours them, payload."""

from __future__ import annotations

import json
import math
import random
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import branca.colormap
import folium
import pandas as pd
import pytest

from rightsmap.domain import config, vocab
from rightsmap.domain.i18n import translator
from rightsmap.render import assets, geo, maps

VALUES = {"KG-C": 12.0, "KG-GB": 47.0, "KG-GO": 0.0, "KG-O": 3.0, "KG-N": 1.0, "KG-Y": 25.0}
NAN = float("nan")


def _frame(values: dict[str, float]):
    return geo.join(
        geo.load_boundaries(), pd.DataFrame({"code": list(values), "value": list(values.values())})
    )


@pytest.fixture(scope="module")
def frame():
    return _frame(VALUES)


@pytest.fixture(scope="module")
def rendered(frame):
    m = maps.choropleth(frame, metric_label="Cases <police>", selected="KG-C")
    return m, m.get_root().render()


def _shapes(m: folium.Map) -> folium.GeoJson:
    """The base map's GeoJson of the regions' shapes."""
    layers = [c for c in _walk(m) if isinstance(c, folium.GeoJson)]
    assert len(layers) == 1
    return layers[0]


def _look(m: folium.Map) -> dict:
    """What the map's regions layer gives the shapes (maps.Restyle)."""
    looks = [c.look for c in _walk(m) if isinstance(c, maps.Restyle)]
    assert len(looks) == 1
    return looks[0]


def _dashed(labels: list[str]) -> list[str]:
    """Expected labels written with "-" for readability; the map uses an en dash."""
    return [label.replace("-", maps.EN_DASH) for label in labels]


def _walk(element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


# --- classes -----------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_classes_cover_positive_values_in_order(seed):
    rng = random.Random(seed)
    scale = rng.choice([1, 7, 60, 1_000, 0.05])
    whole = rng.random() < 0.5
    values = [rng.random() * scale for _ in range(rng.randint(1, 9))]
    values = [float(round(v)) if whole else v for v in values] + [0.0, NAN]
    classes = maps.classify(values)
    positive = classes[2:]
    assert [c.key for c in classes[:2]] == ["nodata", "zero"]
    assert 1 <= len(positive) <= 5 or not any(v > 0 for v in values)
    assert [c.color for c in positive] == list(maps.PALETTE[: len(positive)])
    lowers = [c.lower for c in positive]
    assert lowers == sorted(set(lowers))
    assert positive[-1].upper is None if positive else True
    for value in values:
        chosen = maps.class_for(value, classes)
        if math.isnan(value):
            assert chosen.key == "nodata"
        elif value == 0:
            assert chosen.key == "zero"
        else:
            assert chosen in positive
            assert value >= chosen.lower or chosen is positive[0]
            assert chosen.upper is None or value < chosen.upper


def test_count_classes_have_breaks_from_the_data_rounded_to_readable_numbers():
    classes = maps.classify([1, 12, 47])
    assert [c.label for c in classes] == _dashed(["No data", "0", "1-9", "10-44", "45+"])
    assert [maps.class_for(v, classes).label for v in (9, 10, 12)] == _dashed(["1-9", "10-44", "10-44"])
    assert maps.class_for(470, classes).label == "45+"


@pytest.mark.parametrize(("x", "readable"), [(87, 85), (1234, 1000), (1574, 1500), (7, 7), (12, 10), (0.37, 0.35)])
def test_a_break_is_the_readable_number_at_or_below_its_quantile(x, readable):
    assert maps.readable_floor(x) == readable


def test_one_large_city_does_not_leave_the_other_regions_in_one_colour():
    """Equal widths put eight regions of this five-year map in the first class; quantiles spread them."""
    values = [35.0, 48.0, 60.0, 75.0, 120.0, 180.0, 240.0, 310.0, 1900.0]
    classes = maps.classify(values)
    used = {maps.class_for(v, classes).key for v in values}
    assert len(used) == 5
    assert all(float(c.lower).is_integer() and maps.readable_floor(c.lower) == c.lower for c in classes[3:])
    assert classes[2].lower == 35  # the first class starts at the smallest value, not at an empty "1-34"


def test_coverage_has_its_own_blue_scale_not_the_alarm_reds():
    classes = maps.classify([30.0, 80.0, 120.0], percent=True)
    colours = {c.color for c in classes[1:]}
    assert colours == {maps.COVERAGE_ZERO_COLOR, *maps.COVERAGE_PALETTE}
    assert not colours & {maps.ZERO_COLOR, *maps.PALETTE}
    assert maps.class_for(120.0, classes).color == maps.COVERAGE_PALETTE[-1]  # the target met: darkest blue


def test_percent_classes_are_fixed_and_100_means_target_met():
    classes = maps.classify([3.0, 12.0], percent=True)
    assert [c.label for c in classes[2:]] == _dashed(
        ["under 25%", "25-50%", "50-75%", "75-100%", "100%+"]
    )
    assert maps.class_for(99.9, classes).label == _dashed(["75-100%"])[0]
    assert maps.class_for(100.0, classes).label == "100%+"
    assert maps.class_for(250.0, classes).label == "100%+"


def test_no_positive_values_gives_only_nodata_and_zero():
    classes = maps.classify([0.0, NAN])
    assert [c.key for c in classes] == ["nodata", "zero"]
    assert maps.class_for(None, classes).key == "nodata"


def test_negative_values_are_rejected():
    with pytest.raises(ValueError):
        maps.classify([1.0, -2.0])


# --- offline -------------------------------------------------------------------


def test_rendered_map_has_no_external_url(rendered):
    _, page = rendered
    assert re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", page, flags=re.IGNORECASE) == []
    sources = re.findall(r"<script[^>]*\bsrc=\"([^\"]*)\"", page) + re.findall(
        r"<link[^>]*\bhref=\"([^\"]*)\"", page
    )
    assert sources and all(s.startswith(config.STATIC_URL + "/") for s in sources), sources


def test_only_local_leaflet_is_loaded(rendered):
    m, _ = rendered
    # What st_folium loads into its iframe: every element's default_js/css, plus
    # d3 from a CDN for any branca colormap.
    js = [src for e in _walk(m) for _, src in getattr(e, "default_js", [])]
    css = [href for e in _walk(m) for _, href in getattr(e, "default_css", [])]
    assert js == [assets.LEAFLET_JS_URL]
    assert css == [assets.LEAFLET_CSS_URL]
    assert not any(isinstance(e, branca.colormap.ColorMap) for e in _walk(m))
    assert not any(isinstance(e, folium.TileLayer) for e in _walk(m))


def test_maps_module_does_not_import_streamlit():
    code = "import sys, rightsmap.render.maps, rightsmap.render.geo, rightsmap.render.assets; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_attribution_is_on_the_map(rendered):
    _, page = rendered
    assert "Boundaries: Natural Earth (public domain)" in page
    assert 'setPrefix("Leaflet")' in page  # no outbound link in the prefix


# --- the base map's shapes, and the layer that colours them ----------------------------------


def test_one_feature_per_region_with_points_for_cities(rendered):
    m, _ = rendered
    features = _shapes(m).data["features"]
    assert {f["properties"]["code"] for f in features} == set(vocab.REGION_CODES)
    kinds = {}
    for f in features:
        kinds.setdefault(f["properties"]["code"], []).append(f["geometry"]["type"])
        assert set(f["properties"]) == {"code"}  # the layer adds the rest
    assert kinds["KG-GO"] == ["Point"]
    assert sorted(kinds["KG-GB"]) == ["Point", "Polygon"]
    assert all(kinds[c] == ["Polygon"] for c in vocab.REGION_CODES if c not in ("KG-GO", "KG-GB"))
    go = next(f for f in features if f["properties"]["code"] == "KG-GO")
    region = vocab.REGION_BY_CODE["KG-GO"]
    assert go["geometry"]["coordinates"] == [region.label_lon, region.label_lat]
    assert len({f["id"] for f in features}) == len(features)
    # The layer styles every one of them, and gives every region its properties.
    look = _look(m)
    assert {f["id"] for f in features} <= set(look["styles"])
    assert set(look["properties"]) == set(vocab.REGION_CODES)
    for props in look["properties"].values():
        assert set(props) == {"name", "value", "value_label", "class_key", "at_least"}


def test_points_render_as_circle_markers_in_the_same_layer(rendered):
    m, page = rendered
    shapes = _shapes(m)
    assert isinstance(shapes.marker, folium.CircleMarker)
    assert f"{shapes.get_name()}_pointToLayer" in page
    assert "L.CircleMarker(latlng, opts)" in page


def test_the_layer_finds_the_shapes_where_the_base_map_leaves_them(rendered):
    m, page = rendered
    assert f"{maps.SHAPES_JS} = {_shapes(m).get_name()};" in page
    restyle = next(c for c in _walk(m) if isinstance(c, maps.Restyle))
    assert f"({restyle._parent.get_name()}, {maps.SHAPES_JS}, {{" in page


def test_properties_carry_value_and_label(rendered):
    m, _ = rendered
    props = _look(m)["properties"]
    assert props["KG-GB"]["value"] == 47.0 and props["KG-GB"]["value_label"] == "47"
    assert props["KG-B"]["value"] is None and props["KG-B"]["value_label"] == "no data"
    assert props["KG-B"]["class_key"] == "nodata"
    assert props["KG-GO"]["class_key"] == "zero"
    assert props["KG-C"]["name"] == "Chuy"


def test_names_and_labels_follow_the_language():
    russian = translator("ru")
    look = maps.layer_look(maps.region_layer({"KG-C": 1234.0}, metric_label="Рейды", translate=russian))
    assert look["properties"]["KG-C"]["name"] == russian.region("KG-C")
    assert look["properties"]["KG-C"]["value_label"] == "1\xa0234"
    assert look["labels"] == [russian("Region"), "Рейды"]
    assert look["attribution"] == russian(maps.ATTRIBUTION)


def test_style_colours_match_class_for(frame, rendered):
    m, _ = rendered
    look = _look(m)
    classes = maps.classify(frame["value"].dropna())
    for feature in _shapes(m).data["features"]:
        value = look["properties"][feature["properties"]["code"]]["value"]
        expected = maps.class_for(NAN if value is None else value, classes)
        style = look["styles"][feature["id"]]
        assert style["fillColor"] == expected.color, feature["id"]
        # Every style sets the outline's dashes, so a dashed "no data" outline does not outlive its layer.
        assert "dashArray" in style
        assert (style["dashArray"] is not None) == (expected.key == "nodata")


def test_selected_region_has_thick_outline_brought_to_the_front(rendered):
    m, page = rendered
    look = _look(m)
    assert look["selected"] == "KG-C"
    weights = {feature_id: style["weight"] for feature_id, style in look["styles"].items()}
    assert weights["KG-C"] == 4
    assert max(w for fid, w in weights.items() if fid != "KG-C") < 4
    assert look["highlight"]["KG-C"]["weight"] == 4 and look["highlight"]["KG-N"]["weight"] == 3
    assert "shape.bringToFront()" in page


def test_tooltip_shows_name_and_value(rendered):
    m, page = rendered
    # The labels are set as text in the browser (textContent), so they are not escaped here.
    assert _look(m)["labels"] == ["Region", "Cases <police>"]
    restyle = next(c for c in _walk(m) if isinstance(c, maps.Restyle))
    script = restyle._template.module.script(restyle)
    assert "bindTooltip(tooltip" in script and "th.textContent = row[0]" in script and "innerHTML" not in script


def test_custom_value_format_is_used():
    m = maps.choropleth(
        _frame({"KG-C": 50.0, "KG-O": 104.5}),
        metric_label="Coverage",
        value_format=lambda v: "n/a" if math.isnan(v) else f"{v:.0f} pct",
        percent=True,
    )
    props = _look(m)["properties"]
    assert props["KG-C"]["value_label"] == "50 pct"
    assert props["KG-T"]["value_label"] == "n/a"
    assert props["KG-O"]["class_key"] == "c5"  # percent values are on a 0-100 scale


def test_values_may_be_a_mapping_and_unknown_or_repeated_regions_are_refused():
    assert _look(maps.choropleth({"KG-C": 3.0}, metric_label="Cases"))["properties"]["KG-C"]["value"] == 3.0
    missing = pd.DataFrame({"code": ["KG-C", "KG-N"], "value": pd.array([4, None], dtype="Int64")})
    props = maps.layer_look(maps.region_layer(missing, metric_label="Cases"))["properties"]
    assert props["KG-C"]["value"] == 4.0 and props["KG-N"]["class_key"] == "nodata"
    with pytest.raises(ValueError, match="unknown region codes"):
        maps.region_layer({"KG-XX": 1.0}, metric_label="Cases")
    with pytest.raises(ValueError, match="more than one row"):
        maps.region_layer(pd.DataFrame({"code": ["KG-C", "KG-C"], "value": [1.0, 2.0]}), metric_label="Cases")


def test_default_value_format():
    assert maps.format_value(1234.0) == "1,234"
    assert maps.format_value(2.345) == "2.3"
    assert maps.format_value(float("nan")) == "no data"
    assert maps.format_value(87.25, percent=True) == "87.2%"
    assert maps.format_value(100.0, percent=True) == "100.0%"


def test_values_and_legend_follow_the_language():
    russian = translator("ru")
    assert maps.format_value(1234.0, translate=russian) == "1\xa0234"
    assert maps.format_value(39.0, percent=True, translate=russian) == "39,0%"
    classes = maps.classify([1500.0, 12000.0], translate=russian)
    assert classes[0].label == "Нет данных"
    assert any("\xa0" in c.label for c in classes[2:])


def test_all_missing_values_still_render():
    m = maps.choropleth(_frame({}), metric_label="Raids")
    page = m.get_root().render()
    assert {p["class_key"] for p in _look(m)["properties"].values()} == {"nodata"}
    assert "No data" in page


# --- legend and payload ------------------------------------------------------------


def test_legend_lists_every_class_with_title(frame, rendered):
    m, page = rendered
    legend = next(c for c in _walk(m) if isinstance(c, maps.Legend))
    assert '<div class="rightsmap-legend-title">Cases &lt;police&gt;</div>' in legend.html
    assert "</svg>No data</div>" in legend.html and "</svg>0</div>" in legend.html
    for c in maps.classify(frame["value"].dropna()):
        assert f'data-class="{c.key}"' in legend.html and f'fill="{c.color}"' in legend.html
        assert f"</svg>{c.label}</div>" in legend.html
    assert 'L.control({position: "bottomright"})' in page
    assert "No data" in page  # the legend HTML is in the page, escaped as JSON


def test_payload_is_under_budget(rendered):
    m, _ = rendered
    size = maps.map_payload_bytes(m)
    assert 20_000 < size < 150_000  # the polygons alone are ~30 KB


# --- assets --------------------------------------------------------------------------


def test_leaflet_urls_are_local():
    assert assets.LEAFLET_JS_URL == "/app/static/leaflet/leaflet.js"
    assert assets.LEAFLET_CSS_URL == "/app/static/leaflet/leaflet.css"


def test_ensure_leaflet_copies_and_is_idempotent(tmp_path):
    assets.ensure_leaflet(tmp_path)
    target = tmp_path / "leaflet"
    source = assets.leaflet_source()
    for name in ("leaflet.js", "leaflet.css", "images/layers.png", "images/marker-icon.png"):
        assert (target / name).read_bytes() == (source / name).read_bytes(), name
    stamps = {p: p.stat().st_mtime_ns for p in target.rglob("*") if p.is_file()}
    assets.ensure_leaflet(tmp_path)
    assert {p: p.stat().st_mtime_ns for p in target.rglob("*") if p.is_file()} == stamps
    assert not list(target.rglob("*.tmp"))


def test_ensure_leaflet_replaces_a_stale_copy(tmp_path):
    assets.ensure_leaflet(tmp_path)
    stale = tmp_path / "leaflet" / "leaflet.js"
    stale.write_text("/* old */")
    assets.ensure_leaflet(tmp_path)
    assert stale.read_bytes() == (assets.leaflet_source() / "leaflet.js").read_bytes()


def test_ensure_leaflet_survives_concurrent_calls(tmp_path):
    with ThreadPoolExecutor(max_workers=8) as pool:
        runs = [pool.submit(assets.ensure_leaflet, tmp_path) for _ in range(8)]
    for run in runs:
        run.result()  # re-raises any error from a worker
    js = (tmp_path / "leaflet" / "leaflet.js").read_bytes()
    assert js == (assets.leaflet_source() / "leaflet.js").read_bytes()
    assert not list((tmp_path / "leaflet").rglob("*.tmp"))


def test_missing_leaflet_package_says_what_to_do(monkeypatch):
    def missing(name):
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(assets.importlib.resources, "files", missing)
    with pytest.raises(RuntimeError, match=r"pip install -r requirements\.txt"):
        assets.ensure_leaflet()


def test_the_base_map_is_the_same_whatever_the_data():
    # streamlit-folium remounts the map when its script changes; only the region layer may vary.
    def script(m):
        html = m.get_root().render()
        return re.sub(r"[0-9a-f]{32}", "ID", html)

    assert script(maps.base_map()) == script(maps.base_map())
    layer = maps.region_layer(_frame({"KG-C": 5.0}), metric_label="Cases")
    assert any(isinstance(c, maps.Legend) for c in _walk(layer))
    assert any(isinstance(c, maps.Restyle) for c in _walk(layer))
    # The geometry is the base map's: a layer carries none.
    assert not any(isinstance(c, folium.GeoJson) for c in _walk(layer))
    assert "coordinates" not in json.dumps(maps.layer_look(layer))


def test_the_legend_follows_its_layer_onto_the_map(rendered):
    _, html = rendered
    assert 'layer.on("add"' in html and 'layer.on("remove"' in html


def test_the_same_map_renders_the_same_text_with_unique_names():
    first = maps.choropleth(_frame(VALUES), metric_label="Cases").get_root().render()
    second = maps.choropleth(_frame(VALUES), metric_label="Cases").get_root().render()
    assert first == second
    declared = re.findall(r"\bvar (\w+) =", first)
    assert declared and len(declared) == len(set(declared)), declared
