"""Real Chromium: an imported title with a web or e-mail address is shown as text, never as a link.

Streamlit's Markdown makes links of www.…, https://… and e-mail addresses after escapes are resolved,
so this is checked where it happens, in the browser. Run with `python -m pytest -m browser`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import AppServer, Visit
from playwright.sync_api import Browser, expect

from rightsmap.records import store
from rightsmap.records.importing import pipeline

pytestmark = pytest.mark.browser

TITLES = ["See https://example.org/raid now", "Report at www.example.org", "Write to x@example.org"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, staff_users: Path) -> Iterator[AppServer]:
    db_path = store.create_empty(tmp_path_factory.mktemp("plaintext-db") / "rightsmap.duckdb")
    cases = "date;place;violation_types;perpetrator\n" + "".join(
        f"2017-{month:02d}-05;Бишкек;extortion;police\n" for month in range(1, 13))
    pipeline.commit(db_path, pipeline.prepare("cases", cases.encode()))
    events = "date;place;title_en\n" + "".join(f"2017-{3 * n + 3:02d}-05;Бишкек;{t}\n" for n, t in enumerate(TITLES))
    pipeline.commit(db_path, pipeline.prepare("events", events.encode()))
    app = AppServer(db_path, tmp_path_factory.mktemp("plaintext-logs"), staff_users).start()
    try:
        yield app
    finally:
        app.stop()


def test_addresses_in_event_titles_are_not_links(browser: Browser, server: AppServer):
    visit = Visit(browser, server, timeout_ms=60_000)
    try:
        page = visit.open_as_staff("/timelines?lang=en&from=2017-01&to=2017-12")
        main = page.get_by_test_id("stMain")
        items = main.locator("li").filter(has_text="example.org")
        expect(items).to_have_count(len(TITLES))
        shown = [text.replace("\u2060", "") for text in items.all_inner_texts()]
        assert [text.split(" — ", 1)[1] for text in shown] == TITLES  # as written
        expect(main.locator("a[href*='example']")).to_have_count(0)
        visit.assert_clean()
    finally:
        visit.close()
