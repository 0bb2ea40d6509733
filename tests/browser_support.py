"""Helpers for the browser tests: the real app server as a subprocess, and a context that stays offline."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, Route, WebSocketRoute

ROOT = Path(__file__).resolve().parents[1]
# Debian's Chromium: `playwright install` downloads a browser, which does not work here.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOST = "127.0.0.1"
# The app picks its language from the browser's locale: pin it, whatever the machine's LANG is.
LOCALE = "en-US"
# Non-network URLs never leave the machine; Playwright does not route them anyway.
LOCAL_SCHEMES = ("data", "blob", "about")
# WebSockets bypass context.route; route only those to other hosts, so the app's own is untouched.
_OTHER_HOST_SOCKET = re.compile(r"^wss?://(?!127\.0\.0\.1(?:[:/]|$))", re.IGNORECASE)
MAP_FRAME = "iframe[title*='st_folium']"
MAP_SHAPES = "path.leaflet-interactive"


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCAL_HOST, 0))
        return sock.getsockname()[1]


class AppServer:
    """`streamlit run dashboard.py` on a free local port, reading the database at db_path."""

    def __init__(self, db_path: Path, log_dir: Path, *, startup_timeout: float = 60.0):
        self.db_path = db_path
        self.log_dir = log_dir
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.url = f"http://{LOCAL_HOST}:{self.port}"
        self.stderr_path = log_dir / "server.stderr.log"
        self.stdout_path = log_dir / "server.stdout.log"
        self.started_at = 0.0  # time.monotonic() when the process was started
        self.pages_opened = 0  # how many times a test navigated to this server
        self._process: subprocess.Popen | None = None

    def start(self) -> AppServer:
        command = [
            sys.executable, "-m", "streamlit", "run", "dashboard.py",
            "--server.headless", "true",
            "--server.address", LOCAL_HOST,
            "--server.port", str(self.port),
            "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
        env = {**os.environ, "RIGHTSMAP_DB": str(self.db_path)}
        # Logs go to files, not pipes: a full pipe would block the server.
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.started_at = time.monotonic()
            self._process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
        self._wait_until_healthy()
        return self

    def _wait_until_healthy(self) -> None:
        health = f"{self.url}/_stcore/health"
        deadline = self.started_at + self.startup_timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(health, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            # Poll: waiting on the process also notices at once if it died.
            try:
                code = self._process.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                continue
            raise RuntimeError(f"the app server exited with code {code} before it answered:\n{self.stderr()}")
        self.stop()
        raise RuntimeError(
            f"the app server did not answer {health} within {self.startup_timeout:.0f} s:\n{self.stderr()}"
        )

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace") if self.stderr_path.exists() else ""

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class Offline:
    """Route every request of a context: 127.0.0.1 goes through, anything else is aborted and recorded."""

    def __init__(self, context: BrowserContext):
        self.blocked: list[str] = []
        context.route("**/*", self._route)
        context.route_web_socket(_OTHER_HOST_SOCKET, self._route_socket)

    def _route(self, route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in LOCAL_SCHEMES or url.hostname == LOCAL_HOST:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    def _route_socket(self, ws: WebSocketRoute) -> None:
        self.blocked.append(ws.url)
        ws.close()


# The map lives in a same-origin iframe that Streamlit may remount, so it is
# read afresh from the main frame each time rather than through one Frame.
_READ_MAP = Template("""(() => {
  const frame = document.querySelector($frame);
  const doc = frame && frame.contentDocument;
  const legend = doc && doc.querySelector(".rightsmap-legend");
  if (!legend) return null;
  const fills = [...doc.querySelectorAll($shapes)].map(shape => shape.getAttribute("fill"));
  return {fills: fills, legend: legend.innerText};
})()""").substitute(frame=json.dumps(MAP_FRAME), shapes=json.dumps(MAP_SHAPES))


def map_state(page: Page) -> dict | None:
    """The fill colour of every shape on the map, in order, and the legend text; None while there is no map."""
    return page.evaluate(_READ_MAP)


def wait_for_map_change(page: Page, before: dict, timeout: float = 30_000) -> dict:
    """Wait until the map is drawn with other fills or another legend than before; return the new state."""
    page.wait_for_function(
        "before => { const now = " + _READ_MAP + ";"
        " return now !== null && now.fills.length >= 8 && (now.legend !== before.legend"
        " || JSON.stringify(now.fills) !== JSON.stringify(before.fills)); }",
        arg=before,
        timeout=timeout,
    )
    return map_state(page)
