"""rightsmap.web.mapview: the map's component arguments are computed by st_folium once per content and reused."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pandas as pd
import pytest
import streamlit_folium
from app_support import map_reports, open_dashboard

from rightsmap import compat
from rightsmap.disclosure.public_filters import all_quarters
from rightsmap.domain.vocab import REGION_CODES
from rightsmap.render import maps
from rightsmap.web import mapview

VALUES = {"KG-C": 12.0, "KG-GB": 47.0, "KG-GO": 0.0, "KG-O": 3.0}


def _layer(values: dict[str, float], selected: str | None = None):
    return maps.region_layer(values, metric_label="Cases", selected=selected)


def _look(feature_group_script: str) -> dict:
    """What the regions layer's script gives the base map's shapes (maps.Restyle)."""
    look = re.search(r"\}\)\(\w+, " + re.escape(maps.SHAPES_JS) + r", (\{.*\})\);", feature_group_script)
    assert look, feature_group_script[:500]
    return json.loads(look.group(1))


def _features(base_script: str) -> list[dict]:
    """The GeoJSON features the base map's script draws."""
    data = re.search(r"_add\((\{.*?\"type\": \"FeatureCollection\"\})\);", base_script, re.DOTALL)
    assert data, base_script[:500]
    return json.loads(data.group(1))["features"]


@pytest.fixture(autouse=True)
def _empty_cache():
    mapview._arguments.clear()
    mapview.base_arguments.cache_clear()
    yield
    mapview._arguments.clear()
    mapview.base_arguments.cache_clear()


def test_render_records_what_st_folium_sends_and_puts_the_component_back():
    arguments = mapview.render(_layer(VALUES), key="m", height=300, returned_objects=["last_active_drawing"])
    assert streamlit_folium._component_func is mapview._COMPONENT
    assert arguments["height"] == 300 and arguments["returned_objects"] == ["last_active_drawing"]
    assert "map_div" in arguments["script"] and "on_change" not in arguments
    values = {code: props["value"] for code, props in _look(arguments["feature_group"])["properties"].items()}
    assert {code: values[code] for code in VALUES} == VALUES
    # Only local Leaflet: nothing from another host.
    assert all(link.startswith("/app/static/") for link in arguments["js_links"] + arguments["css_links"])


def test_the_shapes_are_sent_in_the_base_map_and_the_layer_finds_them_there():
    """streamlit-folium renames every element of the map it sends; the base map leaves its shapes where
    the layer, rendered against the same map without them, looks for them."""
    arguments = mapview.render(_layer(VALUES), key="m", height=300, returned_objects=[])
    shapes = re.search(re.escape(maps.SHAPES_JS) + r" = (\w+);", arguments["script"])
    assert shapes and f"var {shapes.group(1)} = L.geoJson(" in arguments["script"]
    assert {f["properties"]["code"] for f in _features(arguments["script"])} == set(REGION_CODES)
    # The layer carries styles, not geometry: a few KB.
    assert "coordinates" not in arguments["feature_group"] and len(arguments["feature_group"]) < 16_000
    assert maps.SHAPES_JS in arguments["feature_group"] and "map_div.addLayer(" in arguments["feature_group"]


def test_the_base_map_is_rendered_once_for_every_layer(monkeypatch):
    drawn = []
    base_map = maps.base_map
    monkeypatch.setattr(maps, "base_map", lambda *a, **k: drawn.append(k.get("with_shapes", True)) or base_map(*a, **k))
    first = mapview.render(_layer(VALUES), key="m", height=300, returned_objects=[])
    second = mapview.render(_layer({"KG-N": 2.0}), key="m", height=300, returned_objects=[])
    assert drawn.count(True) == 1 and drawn.count(False) == 2
    assert first["script"] == second["script"] and first["feature_group"] != second["feature_group"]


def test_new_colours_keep_the_map_key_so_the_map_is_not_remounted():
    first = mapview.render(_layer(VALUES), key="m", height=300, returned_objects=[])
    other = mapview.render(_layer({**VALUES, "KG-C": 900.0}, selected="KG-C"), key="m", height=300,
                           returned_objects=[])
    assert first["key"] == other["key"] and first["script"] == other["script"]
    assert first["feature_group"] != other["feature_group"]


def test_render_puts_the_component_back_when_st_folium_fails(monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(streamlit_folium, "st_folium", broken)
    with pytest.raises(RuntimeError, match="boom"):
        mapview.render(_layer(VALUES), key="m", height=300, returned_objects=[])
    assert streamlit_folium._component_func is mapview._COMPONENT


def test_render_says_so_when_st_folium_stops_calling_its_component(monkeypatch):
    monkeypatch.setattr(streamlit_folium, "st_folium", lambda *_args, **_kwargs: None)
    with pytest.raises(mapview.RenderError, match="streamlit-folium"):
        mapview.render(_layer(VALUES), key="m", height=300, returned_objects=[])


def test_show_builds_a_layer_once_per_content_and_sends_the_same_arguments(monkeypatch):
    sent = map_reports(monkeypatch, {"last_active_drawing": None})
    builds = []

    def build(values):
        def layer():
            builds.append(values)
            return _layer(values)
        return layer

    content = ("test", mapview.values_key(pd.DataFrame({"code": list(VALUES), "value": list(VALUES.values())})))
    for _ in range(3):
        mapview.show(content, build(VALUES), key="m", height=300)
    assert len(builds) == 1 and len(sent) == 3
    assert sent[0].keys() == sent[2].keys() and all(sent[0][k] == sent[2][k] for k in sent[0] if k != "on_change")
    changed = {**VALUES, "KG-O": 4.0}
    mapview.show(("test", tuple(changed.items())), build(changed), key="m", height=300)
    assert builds == [VALUES, changed]
    assert sent[-1]["feature_group"] != sent[0]["feature_group"]


def test_a_map_with_a_region_without_data_is_found_again(monkeypatch):
    """A missing value is NaN in the frame; in the content key it must equal itself on the next rerun."""
    map_reports(monkeypatch, {"last_active_drawing": None})
    builds = []
    for _ in range(3):
        frame = pd.DataFrame({"code": ["KG-GB", "KG-O", "KG-N"], "value": [3.0, float("nan"), None]})
        mapview.show(("test", mapview.values_key(frame)), lambda: builds.append(1) or _layer({"KG-GB": 3.0}),
                     key="m", height=300)
    assert len(builds) == 1


def test_a_map_sent_while_another_thread_records_still_reaches_the_component():
    """Sending uses the component taken at import, so a recording in another session cannot swallow it."""
    recording, release = threading.Event(), threading.Event()
    original = streamlit_folium.st_folium

    def slow_st_folium(*args, **kwargs):
        recording.set()
        release.wait(10)
        return original(*args, **kwargs)

    streamlit_folium.st_folium = slow_st_folium
    try:
        worker = threading.Thread(target=mapview.render, args=(_layer(VALUES),),
                                  kwargs={"key": "m", "height": 300, "returned_objects": []})
        worker.start()
        assert recording.wait(10)
        # Outside a script run the real component answers with the map's defaults; the recorder with None.
        returned = mapview.show(("other",), lambda: _layer({"KG-N": 1.0}), key="n", height=300)
        assert returned == {"last_active_drawing": None}
    finally:
        release.set()
        streamlit_folium.st_folium = original
    worker.join(10)
    assert streamlit_folium._component_func is mapview._COMPONENT


def test_a_warm_rerun_of_the_public_page_builds_no_map(monkeypatch):
    built = []
    region_layer = maps.region_layer
    monkeypatch.setattr(maps, "region_layer", lambda *a, **k: built.append(1) or region_layer(*a, **k))
    sent = map_reports(monkeypatch, {})
    at = open_dashboard(None, staff_view=False, query={"lang": "en"})
    assert not at.exception and len(built) == 1
    at.run()
    assert len(built) == 1 and len(sent) == 2 and sent[0]["feature_group"] == sent[1]["feature_group"]
    at.selectbox(key="p_from").set_value(all_quarters()[3]).run()
    assert len(built) == 2 and sent[-1]["feature_group"] != sent[0]["feature_group"]


def test_a_map_rendered_again_compiles_no_template_again_and_a_new_one_few():
    mapview.render(_layer(VALUES), key="m", height=300, returned_objects=[])
    first = compat.compiled.cache_info()
    again = mapview.render(_layer(VALUES), key="m", height=300, returned_objects=[])
    assert compat.compiled.cache_info().misses == first.misses
    other = mapview.render(_layer({**VALUES, "KG-N": 30.0}), key="m", height=300, returned_objects=[])
    # Only what shows the values changes: the styles, the legend, and the data the layer adds.
    assert compat.compiled.cache_info().misses - first.misses <= 5
    assert again["feature_group"] != other["feature_group"] and again["script"] == other["script"]


def test_a_long_rendered_text_is_compiled_but_not_remembered(monkeypatch):
    """The base map's text holds the GeoJSON of the shapes and is rendered once: remembering it only used memory."""
    remembered = []
    compiled = compat.compiled
    monkeypatch.setattr(compat, "compiled", lambda environment, source, *rest: remembered.append(len(source))
                        or compiled(environment, source, *rest))
    result = mapview.render(_layer({**VALUES, "KG-N": 31.0}), key="m", height=300, returned_objects=[])
    assert remembered and max(remembered) <= compat.REMEMBERED_SOURCE_CHARS
    assert len(result["script"]) > compat.REMEMBERED_SOURCE_CHARS  # the long text was rendered all the same
    assert '"KG-N"' in result["feature_group"]


def test_remembered_compilation_renders_exactly_what_jinja2_would():
    source = "{% for x in items %}<b>{{ x | upper }}</b>{% if not loop.last %}, {% endif %}{% endfor %} {{ n * 2 }}"
    environment = jinja2.Environment(autoescape=True)
    remembered = [environment.from_string(source) for _ in range(2)]
    fresh = environment.template_class.from_code(environment, compat._ORIGINAL_COMPILE(environment, source), {}, None)
    values = {"items": ["a", "<b>"], "n": 21}
    assert remembered[0].render(values) == remembered[1].render(values) == fresh.render(values)
    assert remembered[0].render(values) == "<b>A</b>, <b>&lt;B&gt;</b> 42"
    # Another environment's settings give other code, not the first one's.
    plain = jinja2.Environment(autoescape=False).from_string(source)
    assert plain.render(values) == "<b>A</b>, <b><B></b> 42"


def test_the_component_imported_outside_a_run_is_registered_before_the_map_is_sent(monkeypatch):
    """rightsmap.cli.serve's warm-up imports streamlit_folium outside a script run, where declare_component
    registers nothing; the browser's request for the map would then be a 404."""
    from streamlit.components.lib.local_component_registry import LocalComponentRegistry
    from streamlit.runtime import Runtime

    registry = LocalComponentRegistry()
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: True))
    monkeypatch.setattr(Runtime, "instance", classmethod(lambda cls: SimpleNamespace(component_registry=registry)))
    name = streamlit_folium._component_func.name
    assert registry.get_component_path(name) is None

    mapview.ensure_registered()
    path = registry.get_component_path(name)
    assert path is not None and Path(path, "index.html").is_file()
    mapview.ensure_registered()  # already there: left as it is
    assert registry.get_component_path(name) == path
