"""Real Chromium, issue 19: axe-core finds no serious or critical accessibility violation on any page.

Every public and staff page, in Russian, Kyrgyz and English, and inside the map's frame. axe-core comes
with axe-playwright-python (its bundled axe.min.js, injected into the page: nothing is fetched). The
minor findings that remain are listed, with their reasons, in README.md ("Accessibility").
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from app_support import STAFF_NAME, STAFF_PASSWORD
from axe_playwright_python.sync_playwright import Axe
from browser_support import AppServer, Visit, log_in
from playwright.sync_api import Browser, Frame, Page, expect

from rightsmap.data import auth
from rightsmap.domain.i18n import LANGUAGES
from rightsmap.records import sample
from rightsmap.web import streamlit_words

pytestmark = pytest.mark.browser

TIMEOUT_MS = 60_000
SERIOUS = ("serious", "critical")
PUBLIC_PAGES = ("/", "/show", "/show?slide=map", "/show?slide=timeline", "/show?slide=breakdown", "/about")
STAFF_PAGES = ("/overview", "/map", "/timelines", "/reach", "/present", "/data")
MAP_PAGES = {"/", "/show?slide=map", "/map"}
AXE = Axe()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    db_path = sample.build(tmp_path_factory.mktemp("axe-db") / "rightsmap.duckdb")
    users = tmp_path_factory.mktemp("axe-users") / "users.json"
    auth.add_user(STAFF_NAME, STAFF_PASSWORD, users)
    app = AppServer(db_path, tmp_path_factory.mktemp("axe-logs"), users).start()
    try:
        yield app
    finally:
        app.stop()
    assert "Traceback" not in app.stderr(), app.stderr()


@pytest.fixture()
def visit(browser: Browser, server: AppServer) -> Iterator[Visit]:
    opened = Visit(browser, server, TIMEOUT_MS)
    yield opened
    opened.close()


def serious(target: Page | Frame) -> list[str]:
    """axe-core's serious and critical violations in the whole page or frame, one line each."""
    results = AXE.run(target).response
    return [f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:5])}"
            for v in results["violations"] if v["impact"] in SERIOUS]


def with_query(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


def check(visit: Visit, page: Page, path: str) -> None:
    page.get_by_test_id("stMainBlockContainer").wait_for()
    visit.wait_until_idle()
    # The page's own styles and scripts (streamlit_words: the folded sidebar hidden, the landmark) are in.
    expect(page.locator(f".st-key-{streamlit_words.KEY} style")).to_be_attached()
    if path in MAP_PAGES:
        visit.map_shapes.nth(7).wait_for()
    found = serious(page)
    if path in MAP_PAGES:
        frame = next(f for f in page.frames
                     if f.parent_frame is not None and "st_folium" in (f.frame_element().get_attribute("title") or ""))
        found += [f"map frame: {line}" for line in serious(frame)]
    assert found == [], "\n".join(found)
    visit.assert_clean()


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_serious_accessibility_violation_on_a_public_page(visit: Visit, path: str, lang: str):
    check(visit, visit.open(with_query(path, lang)), path)


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("path", STAFF_PAGES)
def test_no_serious_accessibility_violation_on_a_staff_page(visit: Visit, path: str, lang: str):
    # The form is filled in English; the language is then chosen, and the page opened, as a person would
    # (in the sidebar: a new address would be a new session, without the login).
    page = visit.open("/overview?lang=en")
    log_in(page)
    sidebar = page.get_by_test_id("stSidebar")
    if lang != "en":
        sidebar.get_by_text(LANGUAGES[lang], exact=True).click()
        page.wait_for_url(f"**lang={lang}**")
        visit.wait_until_idle()
    if path != "/overview":
        sidebar.locator(f"a[href='{path[1:]}']").click()  # our page links' relative addresses
        page.wait_for_url(f"**{path}?**")
    check(visit, page, path)


def test_the_login_form_has_no_serious_accessibility_violation(visit: Visit):
    check(visit, visit.open("/overview?lang=ru"), "/overview")
