"""Twenty sessions through Caddy over HTTPS, beside the same twenty sessions straight to the app.

`python bench/run.py --proxy`: the room scenario of bench/load.py (twenty protocol sessions on the
public overview, each changing a filter every 2 s) against a fresh app server, once direct and once
through Caddy as `make serve-lan` configures it (deploy/Caddyfile: TLS, headers, compression), the two
taking turns `rounds` times. The proxy runs on the same two cores as the app and the clients, as it
would on a meeting laptop. Results go to bench/proxy_results.json.
"""

from __future__ import annotations

import contextlib
import shutil
import ssl
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench import load
from bench.server import Server, free_port
from rightsmap.cli import lan

HOST = "127.0.0.1"


@dataclass
class Proxied:
    """What bench/load.py needs of a server, for the app behind Caddy."""

    app: Server
    url: str
    ssl_context: ssl.SSLContext

    def rss_bytes(self) -> int:
        return self.app.rss_bytes()  # the app's memory; Caddy's is not the question here


@contextlib.contextmanager
def caddy_in_front(app: Server, work: Path) -> Iterator[Proxied]:
    state = work / "caddy"
    state.mkdir(parents=True, exist_ok=True)
    cert, key = lan.self_signed(state / "tls", HOST)
    https = free_port()
    site = lan.Site(https, app.port, "all")
    config_file = state / "Caddyfile"
    config_file.write_text(lan.caddy_config(HOST, free_port(), [site], cert, key, state), encoding="utf-8")
    caddy = lan.start_caddy(shutil.which("caddy") or "caddy", config_file, state)
    try:
        lan.wait_listening(HOST, https, caddy)
        yield Proxied(app, f"https://{HOST}:{https}", ssl.create_default_context(cafile=str(cert)))
    finally:
        lan.stop([caddy])


def _summary(latencies: list[float], errors: list[str], changes: int) -> dict:
    ordered = sorted(latencies)
    return {"p95_s": round(ordered[int(0.95 * (len(ordered) - 1))], 3) if ordered else None,
            "median_s": round(statistics.median(ordered), 3) if ordered else None,
            "changes": changes, "error_count": len(errors), "errors": errors[:5]}


def measure(work: Path, db_path: Path, make_server, seconds: float, rounds: int = 2) -> dict:
    """Direct and through Caddy in turns, each on a fresh app server; latencies pooled per way."""
    pooled: dict[str, dict] = {way: {"latencies": [], "errors": [], "changes": 0} for way in ("direct", "proxy")}
    for _ in range(rounds):
        for way in ("direct", "proxy"):
            with make_server(work, db_path) as server:
                with contextlib.ExitStack() as stack:
                    target = stack.enter_context(caddy_in_front(server, work)) if way == "proxy" else server
                    load.open_all_at_once(target, 1)  # the presenter opens the link first
                    result = load.run_load(target, sessions=20, seconds=seconds)
            pooled[way]["latencies"] += result.latencies
            pooled[way]["errors"] += result.errors
            pooled[way]["changes"] += result.changes
    return {way: _summary(**data) for way, data in pooled.items()} | {"seconds_each": seconds, "rounds": rounds}
