"""The server's own settings: it listens on this machine only and sends nothing anywhere."""

from __future__ import annotations

import json
import tomllib
import urllib.request
from pathlib import Path

import pytest

from rightsmap.domain import config


def streamlit_settings() -> dict:
    with open(config.ROOT / ".streamlit" / "config.toml", "rb") as file:
        return tomllib.load(file)


def test_the_server_listens_on_127_0_0_1_only():
    settings = streamlit_settings()
    assert settings["server"]["address"] == "127.0.0.1"
    assert settings["browser"]["serverAddress"] == "127.0.0.1"


def test_no_usage_statistics_leave_the_machine():
    assert streamlit_settings()["browser"]["gatherUsageStats"] is False


def test_no_other_site_may_embed_and_control_the_app():
    assert streamlit_settings()["client"]["allowedOrigins"] == []


def _listening_addresses(port: int) -> set[str]:
    """The local addresses (hex, as the kernel writes them) of the TCP sockets listening on port."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as file:
            for line in file.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.rsplit(":", 1)
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's table of sockets")
def test_make_run_uses_these_settings(made_run):
    """`make run`'s own command, from the project folder, with no --server.address of its own: the
    server listens on 127.0.0.1 only and lets no other site embed it, as .streamlit/config.toml says."""
    assert _listening_addresses(made_run.port) == {"0100007F"}  # 127.0.0.1, and no IPv6 socket
    with urllib.request.urlopen(f"{made_run.url}/_stcore/host-config", timeout=60) as response:
        assert json.load(response)["allowedOrigins"] == []


def _settings_in(package_parent: Path, home: str | None) -> dict:
    """config's paths and problems, read by a Python that imports rightsmap from package_parent."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "RIGHTSMAP_HOME"}
    env["PYTHONPATH"] = str(package_parent)
    if home is not None:
        env["RIGHTSMAP_HOME"] = home
    code = ("import json\nfrom rightsmap.domain import config\nfrom rightsmap.data import db\n"
            "print(json.dumps({'queries': str(config.QUERIES_DIR), 'geodata': str(config.GEODATA_DIR),"
            "'problems': config.SETTING_PROBLEMS, 'found': 'data_span' in db.query_names()}))")
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd="/", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_an_installed_package_finds_queries_and_geodata_through_rightsmap_home(tmp_path):
    import shutil

    # An installed package: rightsmap/ alone in a site directory, without the checkout's queries/ and geodata/.
    site = tmp_path / "site-packages"
    shutil.copytree(config.PACKAGE_DIR, site / "rightsmap", ignore=shutil.ignore_patterns("__pycache__"))
    told = _settings_in(site, str(config.ROOT))
    assert told == {"queries": str(config.QUERIES_DIR), "geodata": str(config.GEODATA_DIR), "problems": [],
                    "found": True}
    untold = _settings_in(site, None)
    assert untold["found"] is False
    assert any("RIGHTSMAP_HOME" in problem and str(site) in problem for problem in untold["problems"])
