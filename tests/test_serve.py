"""rightsmap.cli.serve: `make run`'s launcher, streamlit run plus a warm-up in the background."""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.server
import logging
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from rightsmap.cli import serve
from rightsmap.web import preload as preloads

ROOT = Path(__file__).resolve().parents[1]


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_warm_up_imports_what_the_page_needs_and_no_matplotlib():
    done = _python(
        "import sys\n"
        "from rightsmap.web import preload as serve\n"
        "assert serve.preload() == [], 'a preloaded module failed to import'\n"
        "loaded = [m for m in serve.PRELOAD if m in sys.modules]\n"
        "assert loaded == list(serve.PRELOAD), loaded\n"
        "assert 'streamlit_folium' in sys.modules\n"
        # matplotlib draws the download files only; importing it delayed every first page by most of a second.
        "assert 'matplotlib' not in sys.modules\n"
        # Altair only for the staff pages, once the public view is ready (preload.PRELOAD_STAFF).
        "assert 'altair' not in sys.modules, 'the public view modules imported Altair'\n"
        "assert 'geopandas' not in sys.modules, 'the public view modules imported geopandas'\n"
        "assert serve.preload(serve.PRELOAD_STAFF) == [] and 'altair' in sys.modules and 'geopandas' in sys.modules\n"
    )
    assert done.returncode == 0, done.stderr


def test_the_warm_up_silences_its_own_context_warnings_before_it_imports(monkeypatch, sample_db):
    """Importing streamlit_folium declares its component outside a page run, and Streamlit then warns
    "missing ScriptRunContext" on every start unless the warm-up's filter is already in place."""
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))
    logger = logging.getLogger(serve.CONTEXT_LOGGER)
    monkeypatch.setattr(logger, "filters", [])
    filtered_at_preload = []

    def preload(modules=preloads.PRELOAD):
        filtered_at_preload.append((modules, [type(f) for f in logger.filters]))
        return []

    monkeypatch.setattr(serve, "preload", preload)
    serve.warm()
    # Only the public view's imports: the staff pages' (Altair) would slow the first page down.
    assert filtered_at_preload == [(preloads.PRELOAD, [serve._NotFromWarmUp])]
    record = logging.LogRecord(serve.CONTEXT_LOGGER, logging.WARNING, __file__, 1, "missing ScriptRunContext", None,
                               None)
    record.threadName = serve.WARM_UP_THREAD
    assert not logger.filter(record)
    record.threadName = "ScriptRunner.scriptThread"
    assert logger.filter(record)


def test_a_background_preload_runs_once_per_process_and_survives_a_failing_import(monkeypatch):
    monkeypatch.setattr(preloads, "_started", set())
    done = threading.Event()
    imported = []
    real_preload = preloads.preload

    def preload(modules):
        failed = real_preload(modules)
        imported.append((threading.current_thread().name, failed))
        done.set()
        return failed

    monkeypatch.setattr(preloads, "preload", preload)
    modules = ("colorsys", "rightsmap_no_such_module")
    assert preloads.preload_in_background(modules) is True
    assert done.wait(30)
    assert preloads.preload_in_background(modules) is False  # already started: no second thread
    assert imported == [("rightsmap-preload", ["rightsmap_no_such_module"])]


def test_the_staff_login_form_starts_the_staff_imports(monkeypatch, sample_db):
    from app_support import open_dashboard, switch_to_address

    started = []
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))
    monkeypatch.setattr(preloads, "preload_in_background", lambda modules: started.append(modules) or True)
    at = open_dashboard(staff_view=False, query={"lang": "en"})
    assert started == []  # the public view does not need them
    switch_to_address(at, "overview").run()
    assert [t.value for t in at.title] == ["Staff login"]
    assert started and set(started) == {preloads.PRELOAD_STAFF}


def test_a_module_that_fails_to_import_is_reported_not_raised():
    assert preloads.preload(("json", "rightsmap_no_such_module")) == ["rightsmap_no_such_module"]


def test_the_public_page_imports_no_matplotlib():
    done = _python("import sys\nfrom rightsmap.web import public_downloads, public_sections\n"
                   "assert 'matplotlib' not in sys.modules, 'public_downloads imported matplotlib'\n")
    assert done.returncode == 0, done.stderr


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", errors="replace")


def test_serve_runs_streamlit_on_the_dashboard_with_the_options_given(made_run):
    """`make run`'s command, given a port and the script health check: Streamlit got both, and runs
    dashboard.py (its pages and its public view) without an exception."""
    from bench.stclient import StreamlitSession

    # The check exists only because the option given turned it on; it runs the entry script to its end.
    assert _get(f"{made_run.url}/_stcore/script-health-check") == (200, "ok")

    async def first_run():
        async with StreamlitSession(made_run.url, query_string="lang=en") as session:
            return await session.run(), session.page_titles

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # a loop of its own, as _nodelay_of_accepted
        result, titles = pool.submit(asyncio.run, first_run()).result(timeout=120)
    assert result.finished and not result.exceptions, result
    assert "Overview" in result.headings  # the public view: the default page
    assert {"Overview", "Present", "About the data", "Map", "Timelines", "Import data"} <= set(titles.values())
    # The launcher's own part: the first page's element code is listed in the page the browser loads.
    status, index = _get(made_run.url + "/")
    assert status == 200 and '<link rel="modulepreload"' in index


def test_serve_hands_the_warm_up_to_a_thread_of_its_own_and_does_not_wait_for_it(monkeypatch):
    """The warm-up waits for the server to answer, so the launcher must not: were it called in the
    launcher's own thread, Streamlit would never start."""
    from streamlit.web import cli

    server_started = threading.Event()
    handed: list[tuple[object, str]] = []
    handed_over = threading.Event()

    def when_serving(then):
        handed.append((then, threading.current_thread().name))
        handed_over.set()
        assert server_started.wait(30), "the warm-up ran before the server was started"

    monkeypatch.setattr(cli, "main", lambda: server_started.set() or 0)
    monkeypatch.setattr(serve, "_when_serving", when_serving)
    monkeypatch.setattr(serve, "bind_tcp_sockets", lambda: None)  # process-wide patches: tested below
    monkeypatch.setattr(serve, "preload_element_code", lambda: None)
    monkeypatch.setattr(sys, "argv", ["serve"])
    assert serve.main([]) == 0
    assert handed_over.wait(30)  # the real condition: the thread has run and handed the warm-up over
    assert handed == [(serve.warm, serve.WARM_UP_THREAD)]


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        self.send_response(200 if self.path == "/_stcore/health" else 404)
        self.end_headers()

    def log_message(self, *_args):
        pass


@pytest.fixture()
def health_server(monkeypatch):
    from streamlit import config

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    from streamlit.runtime import Runtime

    options = {"server.address": "127.0.0.1", "server.port": server.server_address[1]}
    monkeypatch.setattr(config, "get_option", lambda name: options[name])
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: True))
    yield server
    server.shutdown()


def test_the_warm_up_waits_for_the_server_to_answer(health_server):
    called = threading.Event()
    started = time.monotonic()
    serve._when_serving(called.set, timeout=10)
    assert called.is_set() and time.monotonic() - started < 5  # at its answer, not at the time-out


def test_the_warm_up_runs_anyway_when_the_server_never_answers(monkeypatch):
    from streamlit import config
    from streamlit.runtime import Runtime

    monkeypatch.setattr(config, "get_option", lambda name: {"server.address": "127.0.0.1", "server.port": 9}[name])
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: True))
    called = threading.Event()
    serve._when_serving(called.set, timeout=0.3)
    assert called.is_set()


def _nodelay_of_accepted(listener: socket.socket) -> int:
    """TCP_NODELAY on a connection asyncio accepts on listener, as uvicorn serves Streamlit."""
    async def run() -> int:
        accepted: asyncio.Future = asyncio.get_running_loop().create_future()

        class Protocol(asyncio.Protocol):
            def connection_made(self, transport):
                accepted.set_result(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP,
                                                                                   socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Protocol, sock=listener)
        _reader, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        try:
            return await asyncio.wait_for(accepted, 10)
        finally:
            writer.close()
            server.close()
            await server.wait_closed()

    # In a thread of its own: another test (Playwright's sync API) may leave a loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result(timeout=30)


def test_streamlit_s_own_listener_leaves_nagle_on_and_tcp_listener_turns_it_off():
    from streamlit.web.server.starlette import starlette_server

    # Streamlit's own, even when an earlier test made the server bind through tcp_listener.
    original = getattr(starlette_server._bind_socket, "__wrapped__", starlette_server._bind_socket)
    # What Streamlit 1.67 does: asyncio leaves Nagle on, so replies wait for delayed ACKs.
    assert _nodelay_of_accepted(original("127.0.0.1", 0, 8)) == 0
    listener = serve.tcp_listener(original("127.0.0.1", 0, 8))
    assert listener.proto == socket.IPPROTO_TCP and not listener.getblocking() and listener.get_inheritable()
    assert _nodelay_of_accepted(listener) != 0


def test_serve_binds_streamlit_s_socket_through_tcp_listener(monkeypatch):
    from streamlit.web.server.starlette import starlette_server

    monkeypatch.setattr(starlette_server, "_bind_socket", starlette_server._bind_socket)
    serve.bind_tcp_sockets()
    serve.bind_tcp_sockets()  # once only, however often it is called
    bound = starlette_server._bind_socket("127.0.0.1", 0, 8)
    assert bound.proto == socket.IPPROTO_TCP and _nodelay_of_accepted(bound) != 0


# --- the first page's element code, preloaded ------------------------------------------------------


def test_element_chunks_are_the_elements_imports_that_the_entry_does_not_load():
    manifest = {
        "index.html": {"file": "static/js/index.js", "isEntry": True, "imports": ["_react.js"]},
        "_react.js": {"file": "static/js/react.js"},
        "src/widgets/Radio/Radio.tsx": {"file": "static/js/Radio.js", "imports": ["_react.js", "_label.js"]},
        "_label.js": {"file": "static/js/label.js", "imports": ["_style.css", "_gone.js"]},
        "_style.css": {"file": "static/css/style.css"},
        "src/elements/Other/Other.tsx": {"file": "static/js/Other.js"},
    }
    assert serve.element_chunks(manifest, ("widgets/Radio/Radio.tsx",)) == ["static/js/Radio.js",
                                                                           "static/js/label.js"]
    assert serve.element_chunks(manifest, ("widgets/Nothing.tsx",)) == []


def test_every_first_page_element_is_in_streamlit_s_manifest_with_its_files():
    """A Streamlit that renames or merges these chunks fails here, not silently in the browser."""
    import json

    from streamlit import file_util

    static = Path(file_util.get_static_dir())
    manifest = json.loads((static / "manifest.json").read_text())
    for element in serve.FIRST_PAGE_ELEMENTS:
        assert len([key for key in manifest if key.endswith(element)]) == 1, element
    files = serve.element_chunks(manifest)
    assert len(files) > len(serve.FIRST_PAGE_ELEMENTS)
    assert all((static / file).is_file() for file in files)
    assert any(Path(file).name.startswith("ComponentInstance.") for file in files)
    index = (static / "index.html").read_text()
    assert "static/js/index." in index and not [file for file in files if file in index]  # none loaded already


def test_the_preloads_go_into_the_head_once():
    html = "<html><head><title>x</title></head><body></head></body></html>"
    out = serve.with_module_preloads(html, ["static/js/a.js", "static/js/b.js"])
    assert out == ('<html><head><title>x</title><link rel="modulepreload" crossorigin href="./static/js/a.js">'
                   '<link rel="modulepreload" crossorigin href="./static/js/b.js"></head><body></head></body></html>')


def test_serve_creates_the_static_folder_before_streamlit_starts(monkeypatch, tmp_path):
    from streamlit.web import cli

    from rightsmap.domain import config

    static = tmp_path / "static"
    seen = {}
    monkeypatch.setattr(config, "STATIC_DIR", static)
    monkeypatch.setattr(cli, "main", lambda: seen.setdefault("leaflet", (static / "leaflet" / "leaflet.js").is_file())
                        and 0)
    monkeypatch.setattr(serve, "_when_serving", lambda then: None)
    monkeypatch.setattr(serve, "bind_tcp_sockets", lambda: None)
    monkeypatch.setattr(serve, "preload_element_code", lambda: None)
    monkeypatch.setattr(sys, "argv", ["serve"])
    serve.main([])
    assert seen == {"leaflet": True}  # there, with Leaflet in it, when Streamlit looks

