"""Shared fixtures: one sample database per test session, built in code from the fixed seed."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from rightsmap.cli import main as cli
from rightsmap.data import auth, db
from rightsmap.domain import period
from rightsmap.records import sample


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The calibrated sample, built once; tests must not write to it."""
    return sample.build(tmp_path_factory.mktemp("db") / "rightsmap.duckdb")


# Filters() offers the data's period (rightsmap.domain.period). Outside the app and the command line, tests
# see the sample's, from collection on (some test modules build filters at import);
# test_sample.py checks that the sample database holds exactly this span.
SAMPLE_MONTHS = (sample.months()[0], sample.months()[-1])
period.follow(lambda: SAMPLE_MONTHS)


@pytest.fixture(autouse=True)
def _period_of_the_sample():
    # An AppTest run points the period at its own database (dashboard.py); put the sample's back.
    yield
    period.follow(lambda: SAMPLE_MONTHS)


@pytest.fixture(scope="session")
def staff_users(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An accounts file with one staff account (tests/app_support.py's STAFF_NAME)."""
    from app_support import STAFF_NAME, STAFF_PASSWORD

    path = tmp_path_factory.mktemp("users") / "users.json"
    auth.add_user(STAFF_NAME, STAFF_PASSWORD, path)
    return path


@pytest.fixture(autouse=True)
def _staff_accounts(staff_users: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Never the real data/users.json; a test that needs other accounts sets its own.
    monkeypatch.setenv("RIGHTSMAP_USERS", str(staff_users))


@pytest.fixture()
def conn(sample_db: Path):
    connection = db.connect(sample_db)
    yield connection
    connection.close()


@pytest.fixture()
def summary(sample_db: Path):
    """Run `python -m rightsmap summary ARGS` in-process and parse its JSON."""

    def run(*args: str) -> dict:
        out = io.StringIO()
        assert cli.main(["summary", "--db", str(sample_db), *args], out=out) == 0
        return json.loads(out.getvalue())

    return run


@pytest.fixture(scope="session")
def browser():
    """One Chromium for every browser test: Playwright's sync API allows one running instance per thread."""
    from browser_support import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def make_run_command() -> list[str]:
    """The command `make run` starts the app with (its last line), with this interpreter for the venv's."""
    import shlex
    import subprocess
    import sys

    from rightsmap.domain import config

    planned = subprocess.run(["make", "--dry-run", "--old-file=setup", "run"], cwd=config.ROOT, capture_output=True,
                             text=True, check=True, timeout=60)
    line = next(line for line in planned.stdout.splitlines() if "rightsmap.cli.serve" in line)
    words = shlex.split(line)
    assert words[0].endswith("/python"), line
    return [sys.executable, *words[1:]]


@pytest.fixture(scope="session")
def made_run(tmp_path_factory: pytest.TempPathFactory, staff_users: Path):
    """The app started as `make run` starts it (from the project folder, with its options only), on a free
    port, reading a sample of its own; Streamlit's script health check on, which runs the entry script."""
    from browser_support import AppServer

    db_path = sample.build(tmp_path_factory.mktemp("make-run-db") / "rightsmap.duckdb")
    server = AppServer(db_path, tmp_path_factory.mktemp("make-run-logs"), staff_users, launcher=make_run_command(),
                       options=("--server.scriptHealthCheckEnabled", "true")).start()
    yield server
    server.stop()
