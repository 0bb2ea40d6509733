"""Start the dashboard: `python -m rightsmap.cli.serve [streamlit run options]`, as `make run` does.

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
import json
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from rightsmap import compat
from rightsmap.domain import config
from rightsmap.web.preload import preload

DASHBOARD = config.DASHBOARD

log = logging.getLogger(__name__)


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
CONTEXT_LOGGER = compat.CONTEXT_LOGGER
# Without it the warm-up's imported streamlit_folium has no registered component: the map would 404.
WARM_UP_NEEDS = "streamlit Runtime.instance().component_registry"


def warm() -> None:
    """Import PRELOAD, then fill the process-wide caches the first page would fill: the public map's
    base (the regions' shapes), the number formats of each language, the connection and the protected
    table.

    Nothing here is needed: every step is done again by the page if it failed or has not finished.
    """
    logging.getLogger(CONTEXT_LOGGER).addFilter(_NotFromWarmUp())  # before preload: it declares a component
    preload()
    compat.check_once()  # the rest of the touch points, now that folium and streamlit-folium are imported
    steps: list[tuple[str, Callable[[], object]]] = []
    try:
        from rightsmap.domain import i18n
        from rightsmap.web import cache, public_sections

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

    Streamlit binds its server socket as socket.socket(family) (proto 0), and asyncio sets
    TCP_NODELAY only on connections of sockets whose proto is IPPROTO_TCP. With Nagle on, every
    message after the first of a run waits for the browser's delayed ACK (~40 ms a run). The same
    open socket, only described correctly.
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
    compat.bind_socket_through(tcp_listener)


FIRST_PAGE_ELEMENTS = compat.FIRST_PAGE_ELEMENTS  # the first page's element types, by manifest key


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
    compat.static_handler_through(_with_preloads)


def _with_preloads(handler, directory: str):
    """Streamlit's static handler, answering index.html with the first page's preloads."""
    from starlette.responses import FileResponse, HTMLResponse

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

    handler.get_response = get_response
    return handler


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from rightsmap.records.importing import scratch

    scratch.remove_stale()  # raw copies an older version's killed import left under a name
    # Streamlit looks for static/ as it starts ("no static folder found" otherwise); the app's first
    # run would fill it a moment too late.
    from rightsmap.render import assets

    assets.ensure_leaflet(config.STATIC_DIR)
    missing = compat.check(compat.SERVER)  # names each missing internal on stderr; its user falls back
    bind_tcp_sockets()
    preload_element_code()
    if WARM_UP_NEEDS not in missing:
        threading.Thread(target=_when_serving, args=(warm,), name=WARM_UP_THREAD, daemon=True).start()
    sys.argv = ["streamlit", "run", str(DASHBOARD), *args]
    return compat.run_streamlit()


if __name__ == "__main__":
    sys.exit(main())
