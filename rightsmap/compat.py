"""Every touch of a private Streamlit, streamlit-folium, folium, branca or jinja2 internal, in one place.

A minor release of any of them can rename what is touched here without an error of its own. So each
touch point (TOUCH_POINTS) names the internal, says in one line why the app touches it and what it does
without it, and has a probe. check() runs every probe once per process as the server starts
(rightsmap.cli.serve, and dashboard.py under a plain `streamlit run`): a missing internal is named on
stderr and in the log, and the code that uses it takes its plain path (available() is False). A page
never sees a traceback from here. tests/test_compat.py fails when a pinned internal changes shape;
`make upgrade-check` runs it, the browser tests and a quick bench against the newest Streamlit.

Public APIs are used wherever they reach: st.navigation, st.html, components.declare_component,
`python -m streamlit`. What is left has no public equivalent in the pinned versions (requirements.txt).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import inspect
import logging
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TouchPoint:
    internal: str  # what is touched, as its package spells it
    user: str  # the rightsmap code that touches it
    reason: str  # one line: why
    fallback: str  # one line: what the app does without it
    probe: Callable[[], bool]


def _attr(module: str, *path: str) -> Any:
    value: Any = importlib.import_module(module)
    for name in path:
        value = getattr(value, name)
    return value


def _has(module: str, *path: str) -> bool:
    try:
        _attr(module, *path)
    except (ImportError, AttributeError):
        return False
    return True


def _params(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


# --- the probes: True when the internal is there in the shape the app uses ----------------------------

def _pages_manager() -> bool:
    return "uses_pages_directory" in vars(_attr("streamlit.runtime.pages_manager", "PagesManager"))


def _widget_keys() -> bool:
    context = _attr("streamlit.runtime.scriptrunner_utils.script_run_context", "ScriptRunContext")
    shared = context.__dataclass_fields__["shared"].default_factory()
    return "probe" not in shared.widget_user_keys_this_run and _has("streamlit.runtime.scriptrunner",
                                                                      "get_script_run_ctx")


def _folium_component() -> bool:
    import streamlit_folium

    component = getattr(streamlit_folium, "_component_func", None)
    return callable(component) and isinstance(getattr(component, "name", None), str)


def _registry() -> bool:
    registry = _attr("streamlit.components.lib.local_component_registry", "LocalComponentRegistry")
    runtime = _attr("streamlit.runtime", "Runtime")
    return (_has("streamlit.components.types.base_custom_component", "BaseCustomComponent")
            and callable(runtime.exists) and callable(runtime.instance)
            and isinstance(vars(runtime).get("component_registry"), property)
            and _params(registry.get_component_path)[1:] == ["name"]
            and _params(registry.register_component)[1:] == ["component"])


def _jinja_compile() -> bool:
    import jinja2

    compile_ = _ORIGINAL_COMPILE or jinja2.Environment.compile
    return _params(compile_) == ["self", "source", "name", "filename", "raw", "defer_init"] and callable(
        getattr(jinja2.Environment, "template_class", None))


def _folium_ids() -> bool:
    import folium

    group = folium.FeatureGroup()
    child = folium.FeatureGroup().add_to(group)
    set_id(child, "probe")
    return list(children(group)) == [child] and child.get_name().endswith("_probe")


def _branca_module() -> bool:
    from branca.element import MacroElement
    from folium.template import Template

    class Probe(MacroElement):
        _template = Template("{% macro script(this, kwargs) %}probe{{ this.get_name() }}{% endmacro %}")

    element = Probe()
    script = template_script(element)
    return script is not None and script(element, {}).strip() == "probe" + element.get_name()


def _bind_socket() -> bool:
    bind = _attr("streamlit.web.server.starlette.starlette_server", "_bind_socket")
    return _params(bind) == ["address", "port", "backlog"]


def _static_handler() -> bool:
    from starlette.staticfiles import StaticFiles

    create = _attr("streamlit.web.server.starlette.starlette_static_routes", "create_streamlit_static_handler")
    return _params(create) == ["directory", "base_url"] and "get_response" in vars(StaticFiles)


def _manifest() -> bool:
    import json

    from streamlit import file_util

    manifest = json.loads((Path(file_util.get_static_dir()) / "manifest.json").read_text(encoding="utf-8"))
    return all(any(key.endswith(element) for key in manifest) for element in FIRST_PAGE_ELEMENTS)


def _context_logger() -> bool:
    return importlib.util.find_spec(CONTEXT_LOGGER) is not None


def _cli() -> bool:
    return callable(_attr("streamlit.web.cli", "main"))


def _frontend_probe() -> bool:
    return not missing_frontend_fragments()


FOLIUM_IDS = "folium/branca Element._id and ._children"
JINJA = "jinja2.Environment.compile (patched process-wide)"
CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"
# The element types of the public overview (the default page) whose code Streamlit's frontend loads
# only once the first element of the type has arrived: Vite chunks, named by their keys in Streamlit's
# static/manifest.json (matched by suffix). The rest of the page's elements are in the main bundle.
FIRST_PAGE_ELEMENTS = (
    "widgets/Radio/Radio.tsx",  # the language switcher
    "widgets/Selectbox/Selectbox.tsx",  # the filters
    "widgets/Button/Button.tsx",  # Reset filters
    "elements/Metric/Metric.tsx",  # the headline figures
    "widgets/CustomComponent/ComponentInstance.tsx",  # the map
    "rehype-raw/index.js",  # Markdown with HTML: the chart
)
# The Streamlit version whose frontend bundle the fragments below (and rightsmap.web.streamlit_words') were read from.
FRONTEND_READ_FROM = "1.67.0"
# What presentation mode's large type (rightsmap.web.presenting.CSS) styles in Streamlit's frontend, as the
# frontend's bundle spells it; tests/test_compat.py checks that every data-testid in that CSS is here.
PRESENTING_TEST_IDS = {
    "stCaptionContainer": "`stCaptionContainer`",
    "stMetricLabel": '"data-testid":`stMetricLabel`',
    "stMetricValue": '"data-testid":`stMetricValue`',
    "stMetricDelta": '"data-testid":`stMetricDelta`',
}
_frontend: list[str] = list(PRESENTING_TEST_IDS.values())

TOUCH_POINTS: tuple[TouchPoint, ...] = (
    TouchPoint("streamlit PagesManager.uses_pages_directory", "ui.ensure_entry_script_ran",
               "a fresh server runs a deep link's page file without dashboard.py; switched off, it reruns through it",
               "a deep link's first run on a fresh server may show the page without its sidebar", _pages_manager),
    TouchPoint("streamlit ScriptRunContext.shared.widget_user_keys_this_run", "ui.ensure_entry_script_ran",
               "tells whether dashboard.py drew the sidebar in this run (no public way to ask)",
               "the legacy pages flag alone decides whether to rerun", _widget_keys),
    TouchPoint("streamlit_folium._component_func", "mapview.show",
               "st_folium's arguments are recorded once per map content and sent again on later reruns",
               "st_folium renders the whole map on every rerun (slower, same map)", _folium_component),
    TouchPoint("streamlit Runtime.instance().component_registry", "mapview.ensure_registered",
               "the warm-up imports streamlit_folium outside a script run, so its component is registered here",
               "no warm-up: the first page imports the map libraries itself (slower first page)", _registry),
    TouchPoint(JINJA, "compat.remember_jinja_compilation",
               "folium and branca compile the same template text on every render; it is compiled once",
               "templates are compiled on every render (slower map renders)", _jinja_compile),
    TouchPoint(FOLIUM_IDS, "maps.stable_ids",
               "ids from the layout make rendered text repeat and let a layer be rendered apart from its base",
               "random ids, and mapview sends the whole map through st_folium", _folium_ids),
    TouchPoint("branca MacroElement._template.module", "maps.Restyle.render",
               "a layer's styles are rendered once, not compiled again as an Element's text",
               "MacroElement.render (a template compiled per new style)", _branca_module),
    TouchPoint("streamlit starlette_server._bind_socket", "serve.bind_tcp_sockets",
               "the listener is described as TCP so asyncio turns Nagle off (~40 ms per page run)",
               "Nagle stays on", _bind_socket),
    TouchPoint("streamlit starlette_static_routes.create_streamlit_static_handler", "serve.preload_element_code",
               "index.html is served with modulepreload links for the first page's element code",
               "index.html is served as it is (slower first page)", _static_handler),
    TouchPoint("streamlit static/manifest.json keys (compat.FIRST_PAGE_ELEMENTS)", "serve.element_chunks",
               "the first page's element code is named by its keys in Vite's manifest",
               "fewer files preloaded", _manifest),
    TouchPoint(f"logger {CONTEXT_LOGGER}", "serve.warm",
               "silences 'missing ScriptRunContext', which the warm-up causes on purpose",
               "those warnings are printed at start", _context_logger),
    TouchPoint("streamlit.web.cli.main", "serve.main",
               "starts Streamlit in this process, so the patches above apply",
               "`python -m streamlit` through runpy (the same, found through the public entry)", _cli),
    TouchPoint("streamlit frontend data-testid and English words", "streamlit_words, presenting.CSS",
               "translates Streamlit's own words and styles its elements (no public API for either)",
               "those words stay English and that styling is not applied", _frontend_probe),
)
BY_NAME = {touch.internal: touch for touch in TOUCH_POINTS}
# Probed before Streamlit starts (rightsmap.cli.serve): only Streamlit's own modules, which it imports anyway.
# The others import folium and streamlit-folium, so they are probed by the warm-up, once the server answers.
SERVER = ("streamlit starlette_server._bind_socket",
          "streamlit starlette_static_routes.create_streamlit_static_handler",
          "streamlit static/manifest.json keys (compat.FIRST_PAGE_ELEMENTS)",
          "streamlit Runtime.instance().component_registry", f"logger {CONTEXT_LOGGER}", "streamlit.web.cli.main")


@functools.cache
def available(internal: str) -> bool:
    """Whether the internal is there in the shape the app uses (probed once per process)."""
    try:
        return bool(BY_NAME[internal].probe())
    except Exception:  # noqa: BLE001 - any failure of a probe means the internal changed: say so, fall back
        log.debug("probing %s failed", internal, exc_info=True)
        return False


_warned: set[str] = set()
_lock = threading.Lock()


def warn(internal: str, detail: str = "") -> None:
    """Say once per process, on stderr and in the log, that an internal is missing and what the app does instead."""
    with _lock:
        if internal in _warned:
            return
        _warned.add(internal)
    touch = BY_NAME[internal]
    message = (f"rightsmap WARNING: {touch.internal} is missing or changed ({_versions()}). "
               f"Falling back: {touch.fallback}. Used by {touch.user}: {touch.reason}. "
               f"See rightsmap/compat.py.{' ' + detail if detail else ''}")
    log.debug("%s", message)
    print(message, file=sys.stderr, flush=True)  # on the server's terminal, whatever logging is set up


def check(internals: Iterable[str] | None = None) -> list[str]:
    """Probe the touch points (all by default); warn about each missing one; return their names."""
    names = [touch.internal for touch in TOUCH_POINTS] if internals is None else list(internals)
    missing = [internal for internal in names if not available(internal)]
    for internal in missing:
        warn(internal)
    return missing


_checked: list[str] | None = None


def check_once() -> list[str]:
    """check(), once per process (the entry script calls it on every run)."""
    global _checked
    with _lock:
        done = _checked
    if done is None:
        done = check()
        with _lock:
            _checked = done
    return done


def _versions() -> str:
    from importlib import metadata

    names = ("streamlit", "streamlit-folium", "folium", "branca", "jinja2")
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def expect_in_frontend(fragments: Iterable[str]) -> None:
    """Add fragments of Streamlit's frontend source that a module relies on (rightsmap.web.streamlit_words)."""
    with _lock:
        _frontend.extend(fragment for fragment in fragments if fragment not in _frontend)


def frontend_fragments() -> list[str]:
    with _lock:
        return list(_frontend)


def missing_frontend_fragments() -> list[str]:
    """The expected fragments of Streamlit's frontend that the installed frontend lacks. A frontend
    bundle never changes within a version, and tests/test_streamlit_words.py reads the one of
    FRONTEND_READ_FROM, so only another version's bundle (23 MB) is read here."""
    import streamlit

    if streamlit.__version__ == FRONTEND_READ_FROM:
        return []
    bundle = Path(streamlit.__file__).parent / "static" / "static" / "js"
    source = "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in bundle.glob("*.js"))
    return [fragment for fragment in frontend_fragments() if fragment not in source]


# --- the touches themselves: every use of an internal goes through one of these -------------------------

def entry_script_drew(key: str) -> bool | None:
    """Whether this run drew the widget keyed key (None: no way to tell)."""
    if not available("streamlit ScriptRunContext.shared.widget_user_keys_this_run"):
        return None
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    shared = getattr(get_script_run_ctx(), "shared", None)
    return None if shared is None else key in shared.widget_user_keys_this_run


def legacy_pages_mode() -> bool | None:
    """Whether Streamlit still treats pages/ as a legacy multipage app (None: no way to tell)."""
    if not available("streamlit PagesManager.uses_pages_directory"):
        return None
    from streamlit.runtime.pages_manager import PagesManager

    return bool(PagesManager.uses_pages_directory)


def leave_legacy_pages_mode() -> None:
    if available("streamlit PagesManager.uses_pages_directory"):
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False


def folium_component() -> Any:
    """streamlit-folium's declared component (None when it is not there)."""
    import streamlit_folium

    return getattr(streamlit_folium, "_component_func", None) if available("streamlit_folium._component_func") else None


_RECORDING = threading.Lock()  # recording swaps a module attribute: one recording at a time


def record_folium_call(call: Callable[[], object]) -> dict[str, Any]:
    """The keyword arguments st_folium passes to its component while call() runs, without sending them
    (empty when the component internal is missing: nothing is swapped then)."""
    import streamlit_folium

    recorded: dict[str, Any] = {}
    if not available("streamlit_folium._component_func"):
        return recorded

    def record(**kwargs: Any) -> None:
        recorded.update(kwargs)

    with _RECORDING:
        component = streamlit_folium._component_func
        streamlit_folium._component_func = record
        try:
            call()
        finally:
            streamlit_folium._component_func = component
    return recorded


def declared_components(module: Any) -> list[Any]:
    """The components a module declared (what components.declare_component returned), by type."""
    if not available("streamlit Runtime.instance().component_registry"):
        return []
    from streamlit.components.types.base_custom_component import BaseCustomComponent

    return [value for value in vars(module).values() if isinstance(value, BaseCustomComponent)]


def register_component(component: Any) -> None:
    """Register a declared component with the running server if it is not yet (no-op outside a server)."""
    if not available("streamlit Runtime.instance().component_registry"):
        return
    from streamlit.runtime import Runtime

    if Runtime.exists():
        registry = Runtime.instance().component_registry
        if registry.get_component_path(component.name) is None:
            registry.register_component(component)


def children(element: Any) -> Iterable[Any]:
    """A folium/branca element's children, in order."""
    return getattr(element, "_children", {}).values()


def set_id(element: Any, name: str) -> None:
    """Give a folium/branca element a fixed id (its JS name ends with it) instead of a random one."""
    element._id = name


def template_script(element: Any) -> Callable[..., str] | None:
    """The `script` macro of a MacroElement's template as a function (this, kwargs) -> text, or None."""
    module = getattr(getattr(element, "_template", None), "module", None)
    script = vars(module).get("script") if module is not None else None
    return script if callable(script) else None


# jinja2 compiles each template from its source anew; compiling is a pure function of the environment
# and the source, so remember it (bounded, short sources only: the long one is the base map's ~40 KB).
_ORIGINAL_COMPILE: Any = None
REMEMBERED_SOURCE_CHARS = 16_384


@functools.lru_cache(maxsize=256)
def compiled(environment: Any, source: str, name: str | None, filename: str | None, defer_init: bool) -> Any:
    return _ORIGINAL_COMPILE(environment, source, name, filename, False, defer_init)


def _compile_once(self: Any, source: Any, name: str | None = None, filename: str | None = None,
                  raw: bool = False, defer_init: bool = False) -> Any:
    if raw or not isinstance(source, str) or len(source) > REMEMBERED_SOURCE_CHARS:  # as jinja2 does
        return _ORIGINAL_COMPILE(self, source, name, filename, raw, defer_init)
    return compiled(self, source, name, filename, defer_init)


def remember_jinja_compilation() -> bool:
    """Patch jinja2.Environment.compile to remember compilations (once); False (plain jinja2) if its shape changed."""
    global _ORIGINAL_COMPILE
    if not available(JINJA):
        return False
    import jinja2

    with _lock:
        if _ORIGINAL_COMPILE is None:
            _ORIGINAL_COMPILE = jinja2.Environment.compile
            setattr(jinja2.Environment, "compile", _compile_once)  # noqa: B010 - a patch, not an assignment mypy can type
    return True


def bind_socket_through(wrap: Callable[[Any], Any]) -> bool:
    """Make Streamlit's server pass the socket it binds through wrap, once; False if it cannot."""
    internal = "streamlit starlette_server._bind_socket"
    if not available(internal):
        warn(internal)
        return False
    from streamlit.web.server.starlette import starlette_server

    bind = starlette_server._bind_socket
    if getattr(bind, "rightsmap_wrapped", False):
        return True

    def bind_wrapped(address: str, port: int, backlog: int) -> Any:
        return wrap(bind(address, port, backlog))

    bind_wrapped.rightsmap_wrapped = True  # type: ignore[attr-defined]
    bind_wrapped.__wrapped__ = bind  # type: ignore[attr-defined]  # Streamlit's own, for tests that compare
    starlette_server._bind_socket = bind_wrapped
    return True


def static_handler_through(wrap: Callable[[Any, str], Any]) -> bool:
    """Make Streamlit pass its static files handler (and its folder) through wrap, once; False if it cannot."""
    internal = "streamlit starlette_static_routes.create_streamlit_static_handler"
    if not available(internal):
        warn(internal)
        return False
    from streamlit.web.server.starlette import starlette_static_routes as routes

    create = routes.create_streamlit_static_handler
    if getattr(create, "rightsmap_wrapped", False):
        return True

    def create_wrapped(directory: str, base_url: str | None) -> Any:
        return wrap(create(directory=directory, base_url=base_url), directory)

    create_wrapped.rightsmap_wrapped = True  # type: ignore[attr-defined]
    routes.create_streamlit_static_handler = create_wrapped
    return True


def run_streamlit() -> int:
    """Run the streamlit command line (sys.argv) in this process."""
    if available("streamlit.web.cli.main"):
        from streamlit.web import cli

        return cli.main()
    warn("streamlit.web.cli.main")
    import runpy

    runpy.run_module("streamlit", run_name="__main__", alter_sys=True)
    return 0
