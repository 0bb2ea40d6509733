"""Start the dashboard: `python -m rightsmap.serve [streamlit run options]`, as `make run` does.

It is `streamlit run dashboard.py` plus three things for speed. The libraries the pages need (pandas,
folium, DuckDB, and rightsmap's own modules; about two seconds of imports on a 2-core machine)
are imported in a background thread while Streamlit starts its server and the first browser loads
Streamlit's frontend. The first visitor's page then finds them loaded instead of waiting for them.
Streamlit's page lists the code of the first page's element types for the browser to preload
(preload_element_code), and its connections send without Nagle's delay (tcp_listener).
Altair (only the staff pages' charts use it) and geopandas (the staff pages and the download files'
static maps; the map on screen reads its shapes as plain GeoJSON) are imported when the staff login
form is first shown, or when a page first needs them.
`streamlit run dashboard.py` still works; its first page is just slower.

Options after `serve` go to `streamlit run` unchanged, e.g. `--server.port 8502`.
"""

from __future__ import annotations

import functools
import http.client
import importlib
import json
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard.py"
# What the public overview (the default page) imports, heaviest first; the staff pages share them.
# streamlit_folium (through rightsmap.mapview) is imported outside a script run here, so its component
# is not registered by the import: mapview.show registers it before the page sends the map.
PRELOAD = (
    "pandas",
    "pyarrow",
    "folium",
    "folium.plugins",
    "duckdb",
    "streamlit_folium",
    "streamlit.emojis",  # set_page_config's icon check compiles its large pattern on first use
    "rightsmap.cache",
    "rightsmap.maps",
    "rightsmap.mapview",
    "rightsmap.public_sections",
    "rightsmap.public_downloads",
    "rightsmap.public_ui",
    "rightsmap.staff",
)
# What the public overview does not import: Altair, half a second of imports (its chart is SVG text,
# rightsmap.public_chart), and geopandas with shapely (its map's shapes are plain GeoJSON; the download
# files' static maps use it). Imported by the warm-up, Altair slowed a fresh server's first public page
# by about as much, so the staff login form starts these imports instead (preload_in_background).
PRELOAD_STAFF = ("altair", "rightsmap.charts", "geopandas")

log = logging.getLogger(__name__)


def preload(modules: tuple[str, ...] = PRELOAD) -> list[str]:
    """Import modules; return the ones that failed (the page that needs one then shows its error)."""
    failed = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - reported where the page imports it, with the page's own message
            log.debug("preloading %s failed", name, exc_info=True)
            failed.append(name)
    return failed


_started: set[tuple[str, ...]] = set()
_started_lock = threading.Lock()


def preload_in_background(modules: tuple[str, ...]) -> bool:
    """Import modules in a background thread, once per process; True if this call started it."""
    with _started_lock:
        if modules in _started:
            return False
        _started.add(modules)
    threading.Thread(target=preload, args=(modules,), name="rightsmap-preload", daemon=True).start()
    return True


def _when_serving(then: Callable[[], object], timeout: float = 60.0) -> None:
    """Wait until this process's Streamlit server answers, then call then().

    Importing while Streamlit starts would slow its start (one interpreter lock); after it, the
    imports overlap with the first browser loading the frontend, which is the second or so they need.
    """
    from streamlit import config
    from streamlit.runtime import Runtime

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # Streamlit's options are read only once its runtime exists: reading them earlier would parse
        # the config files before the command line's options, and Streamlit would then warn that the
        # [server] section changed.
        if not Runtime.exists():
            time.sleep(0.05)
            continue
        try:
            address, port = config.get_option("server.address") or "127.0.0.1", config.get_option("server.port")
            connection = http.client.HTTPConnection(address, port, timeout=1)  # direct: no proxy settings apply
            try:
                connection.request("GET", "/_stcore/health")
                if connection.getresponse().status == 200:
                    break
            finally:
                connection.close()
        except (OSError, RuntimeError, http.client.HTTPException):
            pass
        time.sleep(0.05)
    then()


class _NotFromWarmUp(logging.Filter):
    """Streamlit warns "missing ScriptRunContext" when a cache is filled or a component declared outside
    a page run, which the warm-up does on purpose; other threads' warnings pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName != WARM_UP_THREAD


WARM_UP_THREAD = "rightsmap-warm-up"
CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"


def warm() -> None:
    """Import PRELOAD, then fill the process-wide caches the first page would fill: the public map's
    base (the regions' shapes), the number formats of each language, the connection and the protected
    table.

    Nothing here is needed: every step is done again by the page if it failed or has not finished.
    """
    logging.getLogger(CONTEXT_LOGGER).addFilter(_NotFromWarmUp())  # before preload: it declares a component
    preload()
    steps: list[tuple[str, Callable[[], object]]] = []
    try:
        from rightsmap import cache, i18n, public_sections

        steps.append(("base map", public_sections.prepare_map))
        # A shared resource (st.cache_resource): the page's first run then finds it ready.
        steps.append(("protected table", cache.public_cells))
        for lang in i18n.LANGUAGES:
            steps.append((f"{lang} numbers", functools.partial(i18n.translator(lang).number, 1234)))
    except Exception:  # noqa: BLE001 - see preload
        log.debug("warming up failed", exc_info=True)
    for name, step in steps:
        try:
            step()
        except Exception:  # noqa: BLE001 - see preload
            log.debug("warming up %s failed", name, exc_info=True)


def tcp_listener(sock: socket.socket) -> socket.socket:
    """sock as a TCP socket object (proto IPPROTO_TCP), so that asyncio turns Nagle off on its connections.

    Streamlit 1.67 binds its server socket as socket.socket(family) (proto 0), and asyncio sets
    TCP_NODELAY only on connections of sockets whose proto is IPPROTO_TCP. With Nagle on, every
    message after the first of a run waited for the browser's delayed ACK: about 40 ms added to
    every page run (bench/README.md). The same open socket, only described correctly.
    """
    if sock.proto != 0 or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return sock
    blocking, inheritable = sock.getblocking(), sock.get_inheritable()
    tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    tcp.setblocking(blocking)
    tcp.set_inheritable(inheritable)
    return tcp


def bind_tcp_sockets() -> None:
    """Make Streamlit's server bind its socket through tcp_listener (see there)."""
    try:
        from streamlit.web.server.starlette import starlette_server
    except ImportError:  # another Streamlit server: nothing to do
        return
    bind = getattr(starlette_server, "_bind_socket", None)
    if bind is None or getattr(bind, "rightsmap_tcp", False):
        return

    def bind_tcp(address: str, port: int, backlog: int) -> socket.socket:
        return tcp_listener(bind(address, port, backlog))

    bind_tcp.rightsmap_tcp = True  # type: ignore[attr-defined]
    starlette_server._bind_socket = bind_tcp


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


def element_chunks(manifest: dict[str, dict], elements: tuple[str, ...] = FIRST_PAGE_ELEMENTS) -> list[str]:
    """The script files (paths in the static folder) that the elements' code needs and the page's entry
    script does not already load, from a Vite manifest."""

    def closure(keys: list[str]) -> dict[str, str]:
        files: dict[str, str] = {}
        pending = list(keys)
        while pending:
            key = pending.pop()
            if key in files or key not in manifest:
                continue
            files[key] = manifest[key]["file"]
            pending.extend(manifest[key].get("imports", ()))
        return files

    loaded = closure([key for key, chunk in manifest.items() if chunk.get("isEntry")])
    wanted = closure([key for key in manifest if key.endswith(elements)])
    return sorted(file for key, file in wanted.items() if key not in loaded and file.endswith(".js"))


def with_module_preloads(index_html: str, files: list[str]) -> str:
    """Streamlit's index.html, asking the browser to fetch and compile files while it loads the page."""
    links = "".join(f'<link rel="modulepreload" crossorigin href="./{file}">' for file in files)
    return index_html.replace("</head>", links + "</head>", 1)


def preload_element_code() -> None:
    """Make Streamlit serve its index.html with the first page's element code preloaded.

    The frontend loads an element type's code when the first element of the type arrives, and the
    code's own imports after that: on a fresh server, ~40 files in waves after the first run's
    messages, before the map's frame exists. Listed in the page, they load and compile while the
    browser waits for that first run. The links name Streamlit's own files, from its manifest; without
    a manifest or an index.html, the page is served as it is.
    """
    try:
        from starlette.responses import FileResponse, HTMLResponse
        from streamlit.web.server.starlette import starlette_static_routes as routes
    except ImportError:  # another Streamlit server: nothing to do
        return
    create = routes.create_streamlit_static_handler
    if getattr(create, "rightsmap_preloads", False):
        return

    def create_with_preloads(directory: str, base_url: str | None):
        handler = create(directory=directory, base_url=base_url)
        index = (Path(directory) / "index.html").resolve()
        try:
            manifest = json.loads((Path(directory) / "manifest.json").read_text(encoding="utf-8"))
            html = with_module_preloads(index.read_text(encoding="utf-8"), element_chunks(manifest))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            log.debug("serving Streamlit's index.html without preloads", exc_info=True)
            return handler
        respond = handler.get_response

        async def get_response(path: str, scope):
            response = await respond(path, scope)
            # Every static file passes here: only a file named index.html is resolved and compared.
            if (isinstance(response, FileResponse) and Path(response.path).name == index.name
                    and Path(response.path).resolve() == index):
                return HTMLResponse(html, headers={"Cache-Control": response.headers.get("cache-control", "no-cache")})
            return response

        handler.get_response = get_response  # type: ignore[method-assign]
        return handler

    create_with_preloads.rightsmap_preloads = True  # type: ignore[attr-defined]
    routes.create_streamlit_static_handler = create_with_preloads


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from rightsmap.importing import scratch

    scratch.remove_stale()  # raw copies an older version's killed import left under a name
    # Streamlit looks for static/ as it starts ("no static folder found" otherwise); the app's first
    # run would fill it a moment too late.
    from rightsmap import assets, config

    assets.ensure_leaflet(config.STATIC_DIR)
    bind_tcp_sockets()
    preload_element_code()
    threading.Thread(target=_when_serving, args=(warm,), name=WARM_UP_THREAD, daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(DASHBOARD), *args]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
