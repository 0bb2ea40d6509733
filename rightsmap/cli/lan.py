"""Serve the dashboard on the local network over HTTPS: `make serve-lan` (python -m rightsmap.cli.lan).

The app itself keeps listening on 127.0.0.1 only. Caddy (Debian's `caddy` package) listens on the
machine's LAN address, terminates TLS and forwards to it, websocket included; its config is
deploy/Caddyfile plus one deploy/site.caddy block per app process. Without --cert/--key a self-signed
certificate for the address is made once (openssl) and kept in the state folder; its SHA-256
fingerprint is printed so that people can compare it with what their browser shows.

--view all serves one process with the public view and the staff login; --view public serves the
public view only (no staff page, no login form exists in that process); --view both serves the public
view on the HTTPS port and the staff view from a second process on the next port.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import cast

from rightsmap.domain import config
from rightsmap.domain.i18n import say
from rightsmap.domain.vocab import N_

DEPLOY_DIR = config.ROOT / "deploy"
DEFAULT_STATE = config.ROOT / "data" / "lan"
LOOPBACK = "127.0.0.1"
VIEW_NAMES = {"all": N_("public view and staff login"), "public": N_("public view only")}


class LanError(RuntimeError):
    """serve-lan cannot start; the message says why and what to do."""


@dataclass(frozen=True)
class Site:
    port: int  # the HTTPS port on the LAN address
    upstream: int  # the app process's port on 127.0.0.1
    view: str  # RIGHTSMAP_VIEW of that process


def lan_address() -> str:
    """The address this machine uses on its network (of the default route), else 127.0.0.1.

    A UDP socket's connect() only picks the route; no packet is sent.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere real
            return probe.getsockname()[0]
        except OSError:
            return LOOPBACK


def fingerprint(cert: Path) -> str:
    """The certificate's SHA-256 fingerprint as browsers show it (AB:CD:...)."""
    der = ssl.PEM_cert_to_DER_cert(cert.read_text(encoding="ascii"))
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def self_signed(folder: Path, address: str) -> tuple[Path, Path]:
    """A self-signed certificate for address (and 127.0.0.1), made once and reused; its key is mode 600."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    cert, key = folder / f"rightsmap-{address}.crt", folder / f"rightsmap-{address}.key"
    if cert.is_file() and key.is_file():
        return cert, key
    openssl = shutil.which("openssl")
    if openssl is None:
        raise LanError(N_("making a self-signed certificate needs openssl: apt-get install -y openssl, "
                          "or pass --cert and --key"))
    names = ",".join(dict.fromkeys(f"IP:{a}" for a in (address, LOOPBACK)))
    old_umask = os.umask(0o077)
    try:
        subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-days", "825", "-subj", f"/CN=rightsmap {address}",
                        "-addext", f"subjectAltName={names}", "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True)
    except subprocess.CalledProcessError as exc:
        problem = exc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["?"]
        raise LanError(N_("openssl could not make a certificate: {problem}").format(problem=problem[0])) from None
    finally:
        os.umask(old_umask)
    cert.chmod(0o644)
    return cert, key


def sites(view: str, https_port: int, app_port: int) -> list[Site]:
    if view == "both":
        return [Site(https_port, app_port, "public"), Site(https_port + 1, app_port + 1, "all")]
    return [Site(https_port, app_port, view)]


def caddy_config(address: str, http_port: int, served: list[Site], cert: Path, key: Path, state: Path) -> str:
    """deploy/Caddyfile and a deploy/site.caddy block per site, filled in."""
    head = Template((DEPLOY_DIR / "Caddyfile").read_text(encoding="utf-8"))
    site = Template((DEPLOY_DIR / "site.caddy").read_text(encoding="utf-8"))
    from rightsmap.web import streamlit_words  # imports Streamlit: only when a config is written

    text = head.substitute(address=address, http_port=http_port, https_port=served[0].port, state_dir=state,
                           page_scripts=" ".join(streamlit_words.csp_hashes()))
    for each in served:
        text += "\n" + site.substitute(address=address, port=each.port, upstream=each.upstream, cert=cert, key=key)
    return text


def start_app(site: Site, log_dir: Path, extra: list[str]) -> subprocess.Popen:
    """An app process as `make run` starts it, on 127.0.0.1:site.upstream, serving site.view."""
    env = {**os.environ, "RIGHTSMAP_VIEW": site.view}
    log = (log_dir / f"app-{site.upstream}.log").open("ab")
    return subprocess.Popen([sys.executable, "-m", "rightsmap.cli.serve", "--server.address", LOOPBACK,
                             "--server.port", str(site.upstream), "--server.headless", "true", *extra],
                            cwd=config.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def start_caddy(caddy: str, config_file: Path, state: Path) -> subprocess.Popen:
    env = {**os.environ, "XDG_DATA_HOME": str(state / "caddy"), "XDG_CONFIG_HOME": str(state / "caddy")}
    return subprocess.Popen([caddy, "run", "--config", str(config_file), "--adapter", "caddyfile"], env=env)


def wait_healthy(port: int, process: subprocess.Popen, log_dir: Path, timeout: float = 120.0) -> None:
    url = f"http://{LOOPBACK}:{port}/_stcore/health"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LanError(N_("the app on port {port} exited (code {code}); see its log in {folder}").format(
                port=port, code=process.returncode, folder=log_dir))
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise LanError(N_("the app on port {port} did not answer within {seconds} s").format(
        port=port, seconds=round(timeout)))


def wait_listening(address: str, port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection((address, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise LanError(N_("Caddy did not start listening on {address}:{port}; see its messages above").format(
        address=address, port=port))


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m rightsmap.cli.lan", description=__doc__.splitlines()[0])
    p.add_argument("--address", help="the LAN address to listen on (default: this machine's, from its default route)")
    p.add_argument("--https-port", type=int, default=8443, help="HTTPS port (default 8443; 443 needs privileges)")
    p.add_argument("--http-port", type=int, default=8080, help="plain-HTTP port that only redirects (default 8080)")
    p.add_argument("--app-port", type=int, default=8501, help="first app process's port on 127.0.0.1")
    p.add_argument("--view", choices=("all", "public", "both"), default="all",
                   help="all: public view and staff login; public: public view only; both: two processes")
    p.add_argument("--cert", type=Path, help="a real certificate (PEM, full chain) instead of the self-signed one")
    p.add_argument("--key", type=Path, help="its private key (PEM, readable only by this account)")
    p.add_argument("--state-dir", type=Path, default=DEFAULT_STATE, help="certificate, Caddy's config and logs")
    p.add_argument("--caddy", default=shutil.which("caddy") or "caddy", help="the caddy binary")
    return p


def main(argv: list[str] | None = None) -> int:
    args, extra = parser().parse_known_args(argv)
    try:
        return serve(args, extra)
    except LanError as exc:
        print(say(N_("rightsmap.cli.lan: error: {message}").format(message=exc)), file=sys.stderr)
        return 2


def serve(args: argparse.Namespace, extra: list[str]) -> int:
    if shutil.which(args.caddy) is None:
        raise LanError(N_("Caddy is not installed: apt-get install -y caddy (its own service need not run)"))
    if (args.cert is None) != (args.key is None):
        raise LanError(N_("--cert and --key go together"))
    for given in (args.cert, args.key):
        if given is not None and not given.is_file():
            raise LanError(N_("no file at {path}").format(path=given))
    address = args.address or lan_address()
    state = args.state_dir.expanduser().resolve()
    state.mkdir(parents=True, exist_ok=True, mode=0o700)
    cert, key = (args.cert.resolve(), args.key.resolve()) if args.cert else self_signed(state / "tls", address)
    served = sites(args.view, args.https_port, args.app_port)
    config_file = state / "Caddyfile"
    config_file.write_text(caddy_config(address, args.http_port, served, cert, key, state), encoding="utf-8")
    processes: list[subprocess.Popen] = []
    signal.signal(signal.SIGTERM, _interrupt)  # systemd stops with SIGTERM: stop the children too
    try:
        apps = [(site, start_app(site, state, extra)) for site in served]
        processes.extend(process for _site, process in apps)
        for site, process in apps:
            wait_healthy(site.upstream, process, state)
        caddy = start_caddy(args.caddy, config_file, state)
        processes.append(caddy)
        wait_listening(address, served[0].port, caddy)
        print(say(N_("rightsmap is served on the network (certificate SHA-256 fingerprint {fingerprint}):").format(
            fingerprint=fingerprint(cert))))
        for site in served:
            what = say(VIEW_NAMES[site.view])
            print(f"  https://{address}:{site.port}/  ({what})")
        print("  " + say(N_("{url} redirects to HTTPS. Ctrl-C stops.").format(
            url=f"http://{address}:{args.http_port}/")), flush=True)
        while all(process.poll() is None for process in processes):
            time.sleep(1)
        dead = next(process for process in processes if process.poll() is not None)
        command = list(cast("list[str]", dead.args))  # our own commands: lists
        raise LanError(N_("{program} exited (code {code}); everything was stopped").format(
            program=" ".join(map(str, [Path(str(command[0])).name, *command[1:4]])), code=dead.returncode))
    except KeyboardInterrupt:
        return 0
    finally:
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())
