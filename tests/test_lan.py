"""Issue 23 without a browser: the public-only process in AppTest, the Caddy config and the launcher's checks."""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from app_support import open_dashboard, switch_to_address

from rightsmap.cli import lan
from rightsmap.domain import config

STAFF_PATHS = {"overview", "map", "timelines", "reach", "present", "data"}


@pytest.fixture()
def sample_env(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))


def addresses(at) -> set[str]:
    return {info.get("url_pathname") for info in at._registered_pages.values()}


def test_the_full_process_has_the_staff_addresses_with_their_login(sample_env, monkeypatch):
    monkeypatch.setattr(config, "VIEW", "all")
    at = open_dashboard(staff_view=False, query={"lang": "en"})
    assert STAFF_PATHS <= addresses(at)
    switch_to_address(at, "map").run()
    assert [t.label for t in at.text_input] == ["User name", "Password"]


def test_the_public_only_process_has_no_staff_page_and_no_login_form(sample_env, monkeypatch):
    monkeypatch.setattr(config, "VIEW", "public")
    at = open_dashboard(query={"lang": "en"})  # even a session that was logged in sees no staff page
    assert not STAFF_PATHS & addresses(at), addresses(at)
    assert {"", "public", "show", "about"} <= addresses(at)
    with pytest.raises(ValueError, match="no page at /map"):
        switch_to_address(at, "map")
    assert len(at.text_input) == 0
    assert not any("Staff view" in str(m.value) for m in at.markdown)


@pytest.mark.parametrize(("value", "expected", "problem"), [
    ("", "all", False), ("public", "public", False), ("PUBLIC", "public", False), ("staff", "public", True)])
def test_rightsmap_view_setting_falls_back_to_public_only(monkeypatch, value, expected, problem):
    monkeypatch.setenv("RIGHTSMAP_VIEW", value)
    fresh = importlib.reload(config)
    try:
        assert fresh.VIEW == expected
        assert any("RIGHTSMAP_VIEW" in p for p in fresh.SETTING_PROBLEMS) is problem
    finally:
        monkeypatch.delenv("RIGHTSMAP_VIEW")
        importlib.reload(config)


def test_the_caddy_config_has_one_site_per_process_and_caddy_accepts_it(tmp_path):
    cert, key = tmp_path / "c.crt", tmp_path / "c.key"
    served = lan.sites("both", 9443, 9501)
    assert served == [lan.Site(9443, 9501, "public"), lan.Site(9444, 9502, "all")]
    text = lan.caddy_config("192.168.1.20", 9080, served, cert, key, tmp_path)
    assert "https://192.168.1.20:9443 {" in text and "https://192.168.1.20:9444 {" in text
    assert "reverse_proxy 127.0.0.1:9501" in text and "reverse_proxy 127.0.0.1:9502" in text
    assert "http://192.168.1.20:9080 {" in text and "redir https://{host}:9443{uri} permanent" in text
    assert not re.search(r"\$\{?\w", text)  # every value filled in
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("Caddy is not installed (apt-get install -y caddy; .ci/run installs it)")
    (tmp_path / "Caddyfile").write_text(text)
    result = subprocess.run([caddy, "adapt", "--config", str(tmp_path / "Caddyfile"), "--adapter", "caddyfile"],
                            capture_output=True, text=True, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert '"Strict-Transport-Security"' in result.stdout and "frame-ancestors 'none'" in result.stdout


def test_the_self_signed_certificate_is_made_once_with_a_private_key(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = lan.self_signed(tmp_path / "tls", "10.0.0.7")
    first = lan.fingerprint(cert)
    assert key.stat().st_mode & 0o777 == 0o600
    assert lan.self_signed(tmp_path / "tls", "10.0.0.7") == (cert, key) and lan.fingerprint(cert) == first
    text = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-text"], capture_output=True,
                          text=True, check=True).stdout
    assert "IP Address:10.0.0.7" in text and "IP Address:127.0.0.1" in text
    assert len(first.split(":")) == 32


def test_bad_launcher_options_are_one_line(tmp_path, capsys):
    assert lan.main(["--cert", str(tmp_path / "missing.crt"), "--caddy", "/bin/true"]) == 2
    assert capsys.readouterr().err.strip() == "rightsmap.cli.lan: error: --cert and --key go together"
    assert lan.main(["--caddy", str(tmp_path / "no-caddy")]) == 2
    assert "Caddy is not installed" in capsys.readouterr().err


def unit(name: str) -> dict[str, list[str]]:
    """A systemd unit's keys and values (a key may repeat, as Environment= does)."""
    values: dict[str, list[str]] = {}
    for line in (config.ROOT / "deploy" / "systemd" / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def test_the_service_restarts_runs_unprivileged_and_checks_the_key_file():
    service = unit("rightsmap.service")
    assert service["Restart"] == ["on-failure"] and service["User"] == ["rightsmap"] and service["UMask"] == ["0077"]
    assert "RIGHTSMAP_DB_KEY_FILE=/etc/rightsmap/db.key" in service["Environment"]
    assert "= rightsmap:600 ||" in service["ExecStartPre"][0]
    program, module, *options = service["ExecStart"][0].split()[1:]
    assert (program, module) == ("-m", "rightsmap.cli.lan")
    args, extra = lan.parser().parse_known_args(options)  # the unit's options are the launcher's
    assert extra == [] and args.https_port == 443 and args.http_port == 80
    backup_service = unit("rightsmap-backup.service")
    command = backup_service["ExecStart"][0].split()
    assert command[1:4] == ["-m", "rightsmap", "backup"]
    from rightsmap.cli import main as cli

    cli.build_parser().parse_args(command[3:])  # raises on an option the command does not have
    assert unit("rightsmap-backup.timer")["Persistent"] == ["true"]
