"""Smaller exposures: what a visitor sees when the data cannot be opened, file modes, the unsafe test switch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from app_support import open_dashboard
from import_helpers import CASES_HEADER, run, run_import, write

from rightsmap.data import crypto
from rightsmap.domain import config


def test_a_visitor_sees_only_that_the_data_is_unavailable(tmp_path, monkeypatch, caplog):
    broken = tmp_path / "secret-place" / "rightsmap.duckdb"
    broken.parent.mkdir()
    broken.write_bytes(b"not a database at all" * 100)
    monkeypatch.setenv("RIGHTSMAP_DB", str(broken))
    at = open_dashboard(staff_view=False, query={"lang": "en"}, check=False)
    shown = " ".join(e.value for e in at.error)
    assert "unavailable" in shown
    assert "secret-place" not in shown and str(tmp_path) not in shown
    assert "secret-place" in caplog.text  # the reason is in the server's log


def test_staff_still_see_the_reason(tmp_path, monkeypatch):
    broken = tmp_path / "secret-place" / "rightsmap.duckdb"
    broken.parent.mkdir()
    broken.write_bytes(b"not a database at all" * 100)
    monkeypatch.setenv("RIGHTSMAP_DB", str(broken))
    at = open_dashboard(query={"lang": "en"}, check=False)
    assert "secret-place" in " ".join(e.value for e in at.error)


@pytest.fixture()
def usual_umask():
    before = os.umask(0o022)  # what most accounts have: new files readable by everybody
    yield
    os.umask(before)


def test_new_databases_are_readable_by_their_owner_only(tmp_path, monkeypatch, usual_umask):
    monkeypatch.setattr(config, "SETTING_PROBLEMS", [])
    assert run("init", "--db", str(tmp_path / "real.duckdb"))[0] == 0
    assert (tmp_path / "real.duckdb").stat().st_mode & 0o777 == 0o600
    assert run("build-sample", "--db", str(tmp_path / "sample.duckdb"))[0] == 0
    assert (tmp_path / "sample.duckdb").stat().st_mode & 0o777 == 0o600
    code, _ = run_import("cases", write(tmp_path / "c.csv", CASES_HEADER + "\n2017-01-05;Ош;threats;pimp;;;;\n"),
                         tmp_path / "real.duckdb")
    assert code == 0
    assert (tmp_path / "real.duckdb").stat().st_mode & 0o777 == 0o600  # a write keeps the mode
    (tmp_path / "real.duckdb").chmod(0o640)
    run_import("cases", write(tmp_path / "d.csv", CASES_HEADER + "\n2017-02-05;Ош;threats;pimp;;;;\n"),
               tmp_path / "real.duckdb")
    assert (tmp_path / "real.duckdb").stat().st_mode & 0o777 == 0o640  # and a mode the owner chose


# Runs the check in a grandchild that outlives its parent, so that no pytest is above it any more; both
# variables are set by hand, as somebody copying them into a deployment would.
_DETACHED = """
import os, subprocess, sys
check = ("import json, os, sys, time\\n"
         "while os.getppid() == int(sys.argv[2]): time.sleep(0.01)\\n"
         "from rightsmap.data import crypto\\n"
         "open(sys.argv[1], 'w').write(json.dumps(crypto.unsafe_crypto_for_tests()))\\n")
subprocess.Popen([sys.executable, "-c", check, sys.argv[1], str(os.getpid())], start_new_session=True,
                 env={**os.environ, "PYTHONPATH": sys.argv[2]})
"""


def test_the_unsafe_switch_does_nothing_outside_the_test_suite(tmp_path):
    env = {**os.environ, crypto.TEST_SWITCH: "1", "PYTEST_CURRENT_TEST": "set by hand (call)"}
    inside = subprocess.run([sys.executable, "-c", "from rightsmap.data import crypto; print(crypto.unsafe_crypto_for_tests())"],
                            cwd=config.ROOT, env=env, capture_output=True, text=True, check=True, timeout=60)
    assert inside.stdout.strip() == "True"  # a test's own subprocess may use it
    answer = tmp_path / "answer.json"
    subprocess.run([sys.executable, "-c", _DETACHED, str(answer), str(config.ROOT)], cwd=config.ROOT, env=env,
                   check=True, timeout=60)
    deadline = time.monotonic() + 60
    while not answer.exists() or not answer.read_text():
        assert time.monotonic() < deadline, "the detached check did not answer"
        time.sleep(0.05)
    assert json.loads(answer.read_text()) is False
