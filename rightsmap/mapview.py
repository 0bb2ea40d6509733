"""Drawing a regions map with streamlit-folium, rendered once per content and reused on every rerun.

`st_folium` renders the folium map to Leaflet script on every call: the base map, the regions layer,
its GeoJSON, styles and tooltip, through about twenty Jinja templates that folium compiles anew each
time. That was half of a warm rerun of the public overview (bench/README.md). The script only depends
on what the map shows, so `show` lets `st_folium` compute the component's arguments once per content
(recording them instead of sending them), keeps them in a cache that the sessions share
(cache.Derived), and sends the same arguments to streamlit-folium's component on later reruns. The
browser gets what `st_folium` computed (tests/test_mapview.py checks the recorded arguments, and that a
warm rerun builds no map).

The regions' shapes are in the base map (maps.base_map), whose arguments are rendered once per
process; a content's layer only restyles them (maps.Restyle). streamlit-folium keeps a map whose base
script is unchanged and swaps the layer, so a new period sends the browser a few KB of styles to
apply instead of the geometry to parse, project and draw again.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import folium
import jinja2
import pandas as pd
import streamlit as st
import streamlit_folium

from rightsmap import maps
from rightsmap.cache import Derived

# streamlit-folium's component (the function st_folium sends its arguments to), taken at import,
# before anything below swaps the module's attribute for a recorder.
_COMPONENT = streamlit_folium._component_func
_DECLARED = _COMPONENT  # the component as declared, which ensure_registered registers (tests swap _COMPONENT)
# Recording swaps a module attribute, so one recording at a time; sending never reads the attribute.
_RECORDING = threading.Lock()


# folium and branca build jinja2 templates during every render: from their template strings, and
# from the text their templates rendered (branca wraps it in a new template). jinja2 compiles each
# anew, which was over half of rendering a map. Compiling is a pure function of the environment and
# the source, so it is remembered here; with maps.stable_ids the rendered text repeats too, so a map
# compiles only what changed (its styles, labels and legend). Templates and their output are as before.
# Bounded, and only for short sources: the long one is the base map's rendered text with the regions'
# GeoJSON (~40 KB), rendered once per process (base_arguments). When each layer still carried the
# GeoJSON, remembering its text was most of the server's memory growth under load (bench/README.md).
_compile = jinja2.Environment.compile
REMEMBERED_SOURCE_CHARS = 16_384


@functools.lru_cache(maxsize=256)
def _compiled(environment: jinja2.Environment, source: str, name: str | None, filename: str | None,
              defer_init: bool) -> Any:
    return _compile(environment, source, name, filename, False, defer_init)


def _compile_once(self: jinja2.Environment, source: Any, name: str | None = None, filename: str | None = None,
                  raw: bool = False, defer_init: bool = False) -> Any:
    if raw or not isinstance(source, str) or len(source) > REMEMBERED_SOURCE_CHARS:  # as jinja2 does
        return _compile(self, source, name, filename, raw, defer_init)  # type: ignore[call-overload]
    return _compiled(self, source, name, filename, defer_init)


jinja2.Environment.compile = _compile_once  # type: ignore[method-assign]


# What a map reports by default: the region last clicked, so panning and zooming do not rerun the page.
RETURNED_OBJECTS = ("last_active_drawing",)


class RenderError(RuntimeError):
    """st_folium did not hand its arguments to the component (a streamlit-folium change)."""


def _record(base: folium.Map, layer: folium.FeatureGroup | None, *, key: str, height: int,
            returned_objects: Sequence[str]) -> dict[str, Any]:
    """What st_folium would send to its component for base with layer on it."""
    recorded: dict[str, Any] = {}

    def record(**kwargs: Any) -> None:
        recorded.update(kwargs)

    with _RECORDING:
        streamlit_folium._component_func = record
        try:
            streamlit_folium.st_folium(base, feature_group_to_add=layer, key=key, height=height,
                                       use_container_width=True, returned_objects=list(returned_objects))
        finally:
            streamlit_folium._component_func = _COMPONENT
    if "script" not in recorded or "key" not in recorded or (layer is not None and not recorded.get("feature_group")):
        raise RenderError("streamlit-folium's st_folium did not call its component as expected")
    recorded.pop("on_change", None)
    return recorded


@functools.lru_cache(maxsize=8)
def base_arguments(key: str, height: int, returned_objects: tuple[str, ...]) -> dict[str, Any]:
    """st_folium's arguments for maps.base_map(), the regions' shapes included, without a layer.

    The same for every layer, so rendered once per process (about 40 KB of script, most of it the
    shapes). Shared: nothing may change them.
    """
    arguments = _record(maps.base_map(), None, key=key, height=height, returned_objects=returned_objects)
    arguments.pop("feature_group", None)
    return arguments


def render(layer: folium.FeatureGroup, *, key: str, height: int, returned_objects: Sequence[str]) -> dict[str, Any]:
    """What st_folium would send to its component for maps.base_map() with layer on it.

    The base map's arguments come from base_arguments; the layer's script is rendered against the
    same map without its shapes (the same names: the script refers to the map and to the shapes by
    name), so a new layer costs only its own few templates.
    """
    alone = _record(maps.base_map(with_shapes=False), layer, key=key, height=height,
                    returned_objects=returned_objects)
    return {**base_arguments(key, height, tuple(returned_objects)), "feature_group": alone["feature_group"]}


# Each content's arguments, shared by every session: plain strings and dicts that nothing changes.
_arguments = Derived(64)


def show(content: Hashable, build: Callable[[], folium.FeatureGroup], *, key: str, height: int,
         returned_objects: Sequence[str] = RETURNED_OBJECTS) -> dict | None:
    """Draw maps.base_map() with the layer build() makes; content must identify everything the layer shows.

    The base map never changes, so streamlit-folium's key for the map stays the same and a new layer
    is swapped in without remounting the map. Returns what the map reports (see st_folium).
    """
    returned = tuple(returned_objects)
    arguments = _arguments((content, key, height, returned),
                           lambda: render(build(), key=key, height=height, returned_objects=returned))
    ensure_registered()

    def on_change() -> None:  # as st_folium does: the map's state under the caller's key too
        st.session_state[key] = st.session_state.get(arguments["key"], {})

    return _COMPONENT(**arguments, on_change=on_change)


def ensure_registered() -> None:
    """Register streamlit-folium's component with the running server, if it is not yet.

    declare_component registers a component only when its module is imported during a script run.
    rightsmap.serve's warm-up imports streamlit_folium (and this module) before the first run, so
    that run does not wait for them; the component is then registered here, before the page sends
    it, or the browser's request for the map would find no component (a 404).
    """
    from streamlit.runtime import Runtime

    if Runtime.exists():
        registry = Runtime.instance().component_registry
        if registry.get_component_path(_DECLARED.name) is None:
            registry.register_component(_DECLARED)


def values_key(values: pd.DataFrame) -> tuple[tuple[str, float | None], ...]:
    """A per-region values frame (code, value) as part of a map's content key; None for a missing value
    (NaN is not equal to itself, so a key holding it would never be found again)."""
    return tuple((code, None if math.isnan(value) else value)
                 for code, value in zip(values["code"].tolist(), values["value"].astype(float).tolist(), strict=True))


def clicked_code(returned: dict | None) -> str | None:
    """The region code of the last clicked region in what show() returned."""
    return ((returned or {}).get("last_active_drawing") or {}).get("properties", {}).get("code")
