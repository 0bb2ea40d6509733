"""Real Chromium through Caddy over HTTPS, issue 23: `make serve-lan` as it starts, on loopback addresses.

`python -m rightsmap.cli.lan --view both` starts two app processes (public only, and public with the
staff login) and Caddy in front of them with a self-signed certificate. Chromium accepts that
certificate (ignore_https_errors); the plain-HTTP checks trust it by its file, and its printed
fingerprint is compared with the one the server presents. Every request to another host is aborted.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    CHROMIUM,
    LOCAL_HOST,
    LOCALE,
    MAP_FRAME,
    MAP_SHAPES,
    PUBLIC_MARKER,
    STAFF_MARKER,
    Offline,
    log_in,
    map_state,
    wait_for_map_change,
    wait_until_idle,
)
from playwright.sync_api import Browser, Page, expect

from rightsmap.cli import lan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("caddy") is None,
                       reason="Caddy is not installed (apt-get install -y caddy; .ci/run installs it)"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]

TIMEOUT_MS = 90_000
STARTUP_S = 180


def free_pair() -> int:
    """A port p such that p and p + 1 are both free on the loopback address."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind((LOCAL_HOST, 0))
            port = first.getsockname()[1]
            with socket.socket() as second:
                try:
                    second.bind((LOCAL_HOST, port + 1))
                except OSError:
                    continue
                return port
    raise RuntimeError("no two adjacent free ports")


class Lan:
    def __init__(self, tmp: Path, db: Path, users: Path):
        self.https, self.http, self.app = free_pair(), free_pair(), free_pair()
        self.state = tmp / "state"
        self.log = tmp / "lan.log"
        self.env = {**os.environ, "RIGHTSMAP_DB": str(db), "RIGHTSMAP_USERS": str(users), "RIGHTSMAP_LANG": "en"}
        self.process: subprocess.Popen | None = None

    def url(self, port: int, path: str = "/", scheme: str = "https") -> str:
        return f"{scheme}://{LOCAL_HOST}:{port}{path}"

    @property
    def cert(self) -> Path:
        return self.state / "tls" / f"rightsmap-{LOCAL_HOST}.crt"

    def start(self) -> Lan:
        command = [sys.executable, "-m", "rightsmap.cli.lan", "--address", LOCAL_HOST, "--view", "both",
                   "--https-port", str(self.https), "--http-port", str(self.http),
                   "--app-port", str(self.app), "--state-dir", str(self.state)]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(command, cwd=lan.config.ROOT, env=self.env, stdout=out,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_S
        while "redirects to HTTPS" not in self.output():
            if self.process.poll() is not None:
                raise RuntimeError(f"serve-lan exited with {self.process.returncode}:\n{self.output()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"serve-lan did not start within {STARTUP_S} s:\n{self.output()}")
            time.sleep(0.2)
        return self

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # serve-lan stops the apps and Caddy itself
            self.process.wait(timeout=30)
        # Nothing may be left listening: the children went with their parent.
        for port in (self.https, self.https + 1, self.http, self.app, self.app + 1):
            with socket.socket() as probe:
                assert probe.connect_ex((LOCAL_HOST, port)) != 0, f"port {port} still listens"

    def request(self, path: str, *, port: int | None = None, tls: bool = True,
                headers: dict | None = None) -> http.client.HTTPResponse:
        port = port or self.https
        if tls:
            context = ssl.create_default_context(cafile=str(self.cert))  # trusted by its file, no check skipped
            connection = http.client.HTTPSConnection(LOCAL_HOST, port, context=context, timeout=30)
        else:
            connection = http.client.HTTPConnection(LOCAL_HOST, port, timeout=30)
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        return response


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, sample_db: Path, staff_users: Path) -> Iterator[Lan]:
    tmp = tmp_path_factory.mktemp("lan")
    db = tmp / "rightsmap.duckdb"
    shutil.copyfile(sample_db, db)
    server = Lan(tmp, db, staff_users)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture()
def page(browser: Browser, served: Lan) -> Iterator[Page]:
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1400, "height": 1000}, locale=LOCALE)
    context.set_default_timeout(TIMEOUT_MS)
    offline = Offline(context)
    page = context.new_page()
    page.console = []
    page.on("console", lambda message: page.console.append(message.text))
    yield page
    assert offline.blocked == [], "requests to other hosts were made (and aborted)"
    context.close()


def policy_violations(page: Page) -> list[str]:
    return [text for text in page.console if "Content Security Policy" in text]


def test_the_printed_fingerprint_is_the_served_certificate(served: Lan):
    printed = re.search(r"fingerprint ([0-9A-F:]{95})", served.output()).group(1)
    der = ssl.PEM_cert_to_DER_cert(ssl.get_server_certificate((LOCAL_HOST, served.https)))
    assert printed == ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())
    assert served.cert.with_suffix(".key").stat().st_mode & 0o077 == 0


def test_headers_compression_and_plain_http_only_redirects(served: Lan):
    page = served.request("/")
    assert page.status == 200
    assert page.getheader("Strict-Transport-Security") == "max-age=31536000"
    csp = page.getheader("Content-Security-Policy")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-eval'" not in csp
    assert page.getheader("X-Frame-Options") == "DENY" and page.getheader("X-Content-Type-Options") == "nosniff"
    assert page.getheader("Server") is None
    script = re.search(rb'src="\./(static/js/index[^"]+\.js)"', page.body).group(1).decode()
    packed = served.request("/" + script, headers={"Accept-Encoding": "gzip"})
    assert packed.status == 200 and packed.getheader("Content-Encoding") == "gzip"
    assert len(packed.body) < int(served.request("/" + script).getheader("Content-Length") or 10**9)
    for path in ("/", "/map", "/overview?lang=en"):
        plain = served.request(path, port=served.http, tls=False)
        assert plain.status in (301, 308), path
        assert plain.getheader("Location") == served.url(served.https, path)
        assert b"Password" not in plain.body and b"<script" not in plain.body


def test_the_map_paints_and_a_filter_change_works_over_the_websocket(page: Page, served: Lan):
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(served.url(served.https))
    expect(page.get_by_text(PUBLIC_MARKER)).to_be_visible()
    expect(page.frame_locator(MAP_FRAME).locator(MAP_SHAPES).first).to_be_visible()
    wait_until_idle(page)
    before = map_state(page)
    assert before is not None and len(before["fills"]) >= 8
    show = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Show", exact=True)
    show.click()
    page.get_by_role("option", name="Raids", exact=True).click()
    after = wait_for_map_change(page, before, timeout=TIMEOUT_MS)
    assert "Raids" in after["legend"]
    assert sockets and all(url.startswith(f"wss://{LOCAL_HOST}:{served.https}/") for url in sockets), sockets
    assert policy_violations(page) == []
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_staff_login_over_tls_and_plain_http_is_sent_to_tls(page: Page, served: Lan):
    staff = served.https + 1
    page.goto(served.url(served.http, "/timelines", scheme="http"))
    assert page.url.startswith(f"https://{LOCAL_HOST}:{served.https}/")  # redirected before any form exists
    page.goto(served.url(staff, "/timelines"))
    log_in(page)
    expect(page.get_by_text(STAFF_MARKER)).to_be_visible()
    expect(page.get_by_role("heading", name="Timelines")).to_be_visible()
    expect(page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg").first
           ).to_be_visible()
    assert policy_violations(page) == []


def test_the_public_only_process_has_no_staff_pages_not_even_a_login_form(page: Page, served: Lan):
    page.goto(served.url(served.https, "/timelines"))
    # With our own page links (navigation position "hidden") Streamlit sends an unknown address to the
    # default page without its "page not found" dialog: the public overview, never a staff page.
    page.wait_for_url(lambda url: "/timelines" not in url)
    expect(page.get_by_role("heading", level=1).first).to_have_text("Overview")
    expect(page.get_by_text(PUBLIC_MARKER)).to_be_visible()
    wait_until_idle(page)
    expect(page.get_by_label("Password")).to_have_count(0)
    expect(page.locator(".st-key-rightsmap-nav")).not_to_contain_text("Staff view")
    expect(page.locator(".st-key-rightsmap-nav")).to_contain_text("Overview")
