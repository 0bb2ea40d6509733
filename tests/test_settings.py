"""The server's own settings: it listens on this machine only and sends nothing anywhere."""

from __future__ import annotations

import json
import tomllib
import urllib.request
from pathlib import Path

import pytest

from rightsmap import config


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
