"""Shared fixtures: one sample database per test session, built in code from the fixed seed."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from rightsmap import auth, cli, db, metrics, period, sample


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The calibrated sample, built once; tests must not write to it."""
    return sample.build(tmp_path_factory.mktemp("db") / "rightsmap.duckdb")


@pytest.fixture(scope="session")
def sample_months(sample_db: Path) -> tuple:
    """The first and last month of the sample's data, read from the database as the app reads them."""
    connection = db.connect(sample_db)
    try:
        return metrics.data_span(connection)
    finally:
        connection.close()


@pytest.fixture(autouse=True)
def _period_of_the_sample(sample_months: tuple):
    # Filters() offers the data's period; outside the app and the command line, that of the sample.
    earlier = period.sources()
    period.follow(lambda: sample_months)
    yield
    period.follow(*earlier)


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
