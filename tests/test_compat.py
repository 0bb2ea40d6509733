"""rightsmap.compat: every private internal the app touches is there on the pinned versions, a changed one
is found by its probe and named on stderr, and the code that uses it falls back to plain behaviour.

`make upgrade-check` runs this file against the newest Streamlit and streamlit-folium: there the first
test names whatever a new release renamed."""

from __future__ import annotations

import dataclasses
import json
import re
import socket
import sys
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
import streamlit
import streamlit_folium
from app_support import open_dashboard

from rightsmap import compat
from rightsmap.cli import serve
from rightsmap.disclosure.public_filters import all_quarters
from rightsmap.render import maps
from rightsmap.web import mapview, streamlit_words, ui

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _fresh_probes():
    compat.available.cache_clear()
    compat._warned.clear()
    yield
    compat.available.cache_clear()
    compat._warned.clear()


def test_every_touch_point_is_there_on_the_installed_versions(capsys):
    assert compat.check() == []
    assert "rightsmap WARNING" not in capsys.readouterr().err


def test_the_pins_are_the_versions_the_touch_points_were_read_from():
    """A new pin in requirements.txt must come with this file and compat.check() passing on it."""
    from importlib import metadata

    pins = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    for package in ("streamlit", "streamlit-folium", "folium", "branca", "jinja2"):
        assert metadata.version(package) == pins[package], package
    assert pins["streamlit"] == compat.FRONTEND_READ_FROM == streamlit_words.READ_FROM


def test_every_data_testid_that_presentation_mode_styles_is_listed():
    from rightsmap.web import presenting

    styled = set(re.findall(r'data-testid="(\w+)"', presenting.CSS))
    assert styled and styled == set(compat.PRESENTING_TEST_IDS)


# How each internal goes missing in a new release: a rename, a moved attribute, a new signature.
def _pages_manager(mp):
    from streamlit.runtime.pages_manager import PagesManager
    mp.delattr(PagesManager, "uses_pages_directory")


def _widget_keys(mp):
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext
    mp.setattr(ScriptRunContext.__dataclass_fields__["shared"], "default_factory", lambda: object())


def _component_func(mp):
    mp.delattr(streamlit_folium, "_component_func")


def _registry(mp):
    from streamlit.components.lib.local_component_registry import LocalComponentRegistry
    mp.setattr(LocalComponentRegistry, "get_component_path", lambda self, name, version=None: None)


def _jinja(mp):
    mp.setattr(compat, "_ORIGINAL_COMPILE", lambda self, source, name=None, *, raw=False: None)


def _folium_ids(mp):
    from branca.element import Element
    mp.setattr(Element, "get_name", lambda self: "element_" + "random")


def _branca_module(mp):
    mp.setattr(jinja2.Template, "module", property(lambda self: SimpleNamespace()))


def _bind_socket(mp):
    from streamlit.web.server.starlette import starlette_server
    mp.delattr(starlette_server, "_bind_socket")


def _static_handler(mp):
    from streamlit.web.server.starlette import starlette_static_routes
    mp.delattr(starlette_static_routes, "create_streamlit_static_handler")


def _manifest(mp):
    mp.setattr(compat, "FIRST_PAGE_ELEMENTS", (*compat.FIRST_PAGE_ELEMENTS, "widgets/Renamed/Renamed.tsx"))


def _context_logger(mp):
    mp.setattr(compat, "CONTEXT_LOGGER", "streamlit.runtime.scriptrunner_utils.renamed_context")


def _cli(mp):
    from streamlit.web import cli
    mp.delattr(cli, "main")


def _frontend(mp):
    mp.setattr(streamlit, "__version__", "9.0.0")
    mp.setattr(compat, "_frontend", [*compat.frontend_fragments(), "`A word the frontend no longer has`"])


REMOVALS = {
    "streamlit PagesManager.uses_pages_directory": _pages_manager,
    "streamlit ScriptRunContext.shared.widget_user_keys_this_run": _widget_keys,
    "streamlit_folium._component_func": _component_func,
    "streamlit Runtime.instance().component_registry": _registry,
    compat.JINJA: _jinja,
    compat.FOLIUM_IDS: _folium_ids,
    "branca MacroElement._template.module": _branca_module,
    "streamlit starlette_server._bind_socket": _bind_socket,
    "streamlit starlette_static_routes.create_streamlit_static_handler": _static_handler,
    "streamlit static/manifest.json keys (compat.FIRST_PAGE_ELEMENTS)": _manifest,
    f"logger {compat.CONTEXT_LOGGER}": _context_logger,
    "streamlit.web.cli.main": _cli,
    "streamlit frontend data-testid and English words": _frontend,
}


def test_every_touch_point_has_a_removal_below():
    assert set(REMOVALS) == set(compat.BY_NAME)


@pytest.mark.parametrize("internal", list(REMOVALS))
def test_a_changed_internal_is_found_and_named_with_its_fallback(internal, monkeypatch, capsys):
    REMOVALS[internal](monkeypatch)
    assert compat.check() == [internal]
    err = capsys.readouterr().err
    touch = compat.BY_NAME[internal]
    assert f"rightsmap WARNING: {internal} is missing or changed" in err and touch.fallback in err
    assert "streamlit 1." in err  # the versions that were found
    compat.check()
    assert capsys.readouterr().err == ""  # once per process


def test_the_frontend_check_names_the_missing_fragment(monkeypatch):
    _frontend(monkeypatch)
    assert compat.missing_frontend_fragments() == ["`A word the frontend no longer has`"]


# --- the fallbacks ---------------------------------------------------------------------------------------

def test_without_the_component_internal_the_public_page_draws_its_map_through_st_folium(monkeypatch, capsys):
    mapview._arguments.clear()
    _component_func(monkeypatch)
    monkeypatch.setattr(mapview, "_COMPONENT", compat.folium_component())
    assert mapview._COMPONENT is None
    called = []
    monkeypatch.setattr(streamlit_folium, "st_folium", lambda m, **kw: called.append((m, kw)) or {})
    at = open_dashboard(None, staff_view=False, query={"lang": "en"})
    assert not at.exception
    at.selectbox(key="p_from").set_value(all_quarters()[3]).run()
    assert not at.exception and len(called) == 2
    base, options = called[-1]
    assert "map_div" not in options and options["feature_group_to_add"] is not None
    assert maps.layer_look(options["feature_group_to_add"])["properties"]
    assert "rightsmap WARNING: streamlit_folium._component_func" in capsys.readouterr().err


def test_when_st_folium_stops_calling_its_component_the_map_falls_back_and_says_so(monkeypatch, capsys):
    mapview._arguments.clear()
    calls = []

    def st_folium(m, **kw):
        calls.append(kw)
        return {"last_active_drawing": None}

    monkeypatch.setattr(streamlit_folium, "st_folium", st_folium)
    returned = mapview.show(("fallback",), lambda: maps.region_layer({"KG-C": 3.0}, metric_label="Cases"),
                            key="m", height=300)
    assert returned == {"last_active_drawing": None}
    assert len(calls) == 2  # the recording found nothing, then the plain call
    assert "st_folium did not call its component" in capsys.readouterr().err


def test_without_the_template_s_script_the_layer_renders_as_branca_renders_it(monkeypatch):
    layer = maps.region_layer({"KG-C": 1234.0}, metric_label="Cases")
    m = maps.base_map()
    layer.add_to(m)
    monkeypatch.setattr(compat, "template_script", lambda element: None)
    html = m.get_root().render()
    assert maps.SHAPES_JS in html and '"KG-C"' in html and "1,234" in html


def test_without_the_socket_internal_serve_leaves_nagle_on_and_says_so(monkeypatch, capsys):
    _bind_socket(monkeypatch)
    serve.bind_tcp_sockets()
    assert "starlette_server._bind_socket" in capsys.readouterr().err


def test_the_socket_is_bound_through_tcp_listener_once(monkeypatch):
    from streamlit.web.server.starlette import starlette_server

    monkeypatch.setattr(starlette_server, "_bind_socket", starlette_server._bind_socket)
    serve.bind_tcp_sockets()
    wrapped = starlette_server._bind_socket
    serve.bind_tcp_sockets()
    assert starlette_server._bind_socket is wrapped
    listener = wrapped("127.0.0.1", 0, 8)
    try:
        assert listener.proto == socket.IPPROTO_TCP
    finally:
        listener.close()


def test_without_the_static_handler_internal_index_html_is_served_as_it_is(monkeypatch, capsys):
    _static_handler(monkeypatch)
    serve.preload_element_code()
    assert "create_streamlit_static_handler" in capsys.readouterr().err


def test_without_the_component_registry_serve_starts_no_warm_up(monkeypatch, capsys):
    _registry(monkeypatch)
    started = []
    monkeypatch.setattr(serve, "_when_serving", lambda then: started.append(then))
    monkeypatch.setattr(compat, "run_streamlit", lambda: 0)
    monkeypatch.setattr(sys, "argv", ["serve"])
    assert serve.main([]) == 0
    assert started == [] and "component_registry" in capsys.readouterr().err


def test_without_the_pages_internals_the_entry_check_trusts_the_page(monkeypatch):
    _pages_manager(monkeypatch)
    _widget_keys(monkeypatch)
    assert compat.entry_script_drew(ui.LANG_KEY) is None and compat.legacy_pages_mode() is None
    compat.leave_legacy_pages_mode()  # nothing to switch off, and no error


def test_without_cli_main_streamlit_runs_through_its_public_module_entry(monkeypatch, capsys):
    touch = compat.BY_NAME["streamlit.web.cli.main"]
    monkeypatch.setitem(compat.BY_NAME, touch.internal, dataclasses.replace(touch, probe=lambda: False))
    monkeypatch.setattr(sys, "argv", ["streamlit", "--version"])
    with pytest.raises(SystemExit) as exited:
        compat.run_streamlit()
    out = capsys.readouterr()
    assert exited.value.code in (0, None) and f"version {streamlit.__version__}" in out.out
    assert "streamlit.web.cli.main" in out.err


def test_remembered_compilation_is_installed_once(monkeypatch):
    assert compat.remember_jinja_compilation() and jinja2.Environment.compile is compat._compile_once
    original = compat._ORIGINAL_COMPILE
    assert compat.remember_jinja_compilation() and compat._ORIGINAL_COMPILE is original  # not wrapped twice
    json.dumps(compat.frontend_fragments())  # plain strings, for the upgrade check's report


def test_without_the_component_internal_nothing_is_recorded_and_nothing_swapped(monkeypatch):
    """The warm-up renders the base map's arguments; with the internal missing it must leave
    streamlit-folium as it found it, or every later st_folium call would fail."""
    before = streamlit_folium._component_func
    touch = compat.BY_NAME["streamlit_folium._component_func"]
    monkeypatch.setitem(compat.BY_NAME, touch.internal, dataclasses.replace(touch, probe=lambda: False))
    monkeypatch.setattr(mapview, "_COMPONENT", compat.folium_component())  # as mapview's import takes it
    monkeypatch.setattr(mapview, "_DECLARED", compat.folium_component())
    mapview.base_arguments.cache_clear()
    with pytest.raises(mapview.RenderError):
        mapview.base_arguments("m", 300, ())
    assert streamlit_folium._component_func is before
    mapview.base_arguments.cache_clear()


def test_the_map_s_component_is_registered_even_when_its_attribute_is_renamed(monkeypatch):
    """The warm-up imports streamlit_folium outside a run; the plain path must still register its
    component, found by type, or the browser's request for the map is a 404."""
    from types import SimpleNamespace as Namespace

    from streamlit.components.lib.local_component_registry import LocalComponentRegistry
    from streamlit.runtime import Runtime

    declared = streamlit_folium._component_func
    registry = LocalComponentRegistry()
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: True))
    monkeypatch.setattr(Runtime, "instance", classmethod(lambda cls: Namespace(component_registry=registry)))
    monkeypatch.delattr(streamlit_folium, "_component_func")
    monkeypatch.setattr(streamlit_folium, "_renamed_component", declared, raising=False)
    monkeypatch.setattr(mapview, "_DECLARED", None)
    mapview.ensure_registered()
    assert registry.get_component_path(declared.name) is not None
