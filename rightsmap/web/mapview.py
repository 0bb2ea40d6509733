"""Drawing a regions map with streamlit-folium, rendered once per content and reused on every rerun.

`st_folium` renders the folium map to Leaflet script on every call: the base map, the regions layer,
its GeoJSON, styles and tooltip, through about twenty Jinja templates that folium compiles anew each
time, which would be most of a warm rerun of the public overview. The script only depends
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
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import folium
import pandas as pd
import streamlit as st
import streamlit_folium

from rightsmap import compat
from rightsmap.render import maps
from rightsmap.web.cache import Derived

# streamlit-folium's component (the function st_folium sends its arguments to), taken at import,
# before a recording swaps the module's attribute (compat.record_folium_call). None when that internal
# is missing: show() then calls st_folium itself on every rerun (compat.check names it).
_COMPONENT = compat.folium_component()
_DECLARED = _COMPONENT  # the component as declared, which ensure_registered registers (tests swap _COMPONENT)
# folium and branca compile the same template text on every render: compiled once (see compat).
compat.remember_jinja_compilation()


# What a map reports by default: the region last clicked, so panning and zooming do not rerun the page.
RETURNED_OBJECTS = ("last_active_drawing",)


class RenderError(RuntimeError):
    """st_folium did not hand its arguments to the component (a streamlit-folium change)."""


def _record(base: folium.Map, layer: folium.FeatureGroup | None, *, key: str, height: int,
            returned_objects: Sequence[str]) -> dict[str, Any]:
    """What st_folium would send to its component for base with layer on it."""
    recorded = compat.record_folium_call(
        lambda: streamlit_folium.st_folium(base, feature_group_to_add=layer, key=key, height=height,
                                           use_container_width=True, returned_objects=list(returned_objects)))
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
    if _COMPONENT is None or not compat.available(compat.FOLIUM_IDS):
        compat.check(("streamlit_folium._component_func", compat.FOLIUM_IDS))  # says which, once per process
        return _plain(build(), key=key, height=height, returned_objects=returned)
    try:
        arguments = _arguments((content, key, height, returned),
                               lambda: render(build(), key=key, height=height, returned_objects=returned))
    except RenderError as error:
        compat.warn("streamlit_folium._component_func", str(error))
        return _plain(build(), key=key, height=height, returned_objects=returned)
    ensure_registered()

    def on_change() -> None:  # as st_folium does: the map's state under the caller's key too
        st.session_state[key] = st.session_state.get(arguments["key"], {})

    return _COMPONENT(**arguments, on_change=on_change)


def _plain(layer: folium.FeatureGroup, *, key: str, height: int, returned_objects: Sequence[str]) -> dict | None:
    """st_folium as its README shows it: the whole map rendered and sent on every rerun."""
    ensure_registered()  # the warm-up may have imported streamlit_folium outside a run, as for show()
    return streamlit_folium.st_folium(maps.base_map(), feature_group_to_add=layer, key=key, height=height,
                                      use_container_width=True, returned_objects=list(returned_objects))


def ensure_registered() -> None:
    """Register streamlit-folium's component with the running server, if it is not yet.

    declare_component registers a component only when its module is imported during a script run.
    rightsmap.cli.serve's warm-up imports streamlit_folium (and this module) before the first run, so
    that run does not wait for them; the component is then registered here, before the page sends
    it, or the browser's request for the map would find no component (a 404).
    """
    # Without the attribute (a changed internal), what streamlit_folium declared is found by type.
    for component in [_DECLARED] if _DECLARED is not None else compat.declared_components(streamlit_folium):
        compat.register_component(component)


def values_key(values: pd.DataFrame) -> tuple[tuple[str, float | None], ...]:
    """A per-region values frame (code, value) as part of a map's content key; None for a missing value
    (NaN is not equal to itself, so a key holding it would never be found again)."""
    return tuple((code, None if math.isnan(value) else value)
                 for code, value in zip(values["code"].tolist(), values["value"].astype(float).tolist(), strict=True))


def clicked_code(returned: dict | None) -> str | None:
    """The region code of the last clicked region in what show() returned."""
    return ((returned or {}).get("last_active_drawing") or {}).get("properties", {}).get("code")
