"""The server's own settings: it listens on this machine only and sends nothing anywhere."""

from __future__ import annotations

import tomllib

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


def test_make_run_uses_these_settings():
    # `make run` starts Streamlit (through rightsmap.serve: `streamlit run dashboard.py`, see
    # tests/test_serve.py) from the project folder, where it reads .streamlit/config.toml; a flag
    # there (--server.address) would override the file, so there must be none.
    makefile = (config.ROOT / "Makefile").read_text(encoding="utf-8")
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "-m rightsmap.serve" in run and "--server" not in run
