"""Every staff page file, run without a login, shows the login form (or a refusal) and none of its data.

The dashboard's navigation only offers a locked stand-in for a staff page while nobody is logged in;
these tests run the page files themselves, so that the page's own `staff.require()` is what is tested.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from rightsmap.domain import config

PAGES = config.ROOT / "pages"


def _page_lists() -> dict[str, list[str]]:
    """dashboard.py's PUBLIC_PAGES and STAFF_PAGES, their files only (read, not imported: it is a script)."""
    tree = ast.parse((config.ROOT / "dashboard.py").read_text(encoding="utf-8"))
    lists = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("PUBLIC_PAGES", "STAFF_PAGES"):
                lists[node.targets[0].id] = [ast.literal_eval(row.elts[0]) for row in node.value.elts]
    return lists


LISTS = _page_lists()
STAFF_FILES = LISTS["STAFF_PAGES"]

# A staff page wired without its lock: the entry script's language switcher and filters, then the page
# file itself, whoever is (not) logged in.
UNLOCKED = """
import streamlit as st
from rightsmap.web import cache, ui
from rightsmap.domain.filters import Filters

cache.follow_the_database()
ui.init_language()
with st.sidebar:
    ui.language_switcher()
st.session_state["filters"] = Filters()
st.navigation([st.Page({page!r}, url_path="page")], position="hidden").run()
"""

LOGIN_ELEMENTS = {"title", "markdown", "form", "text_input", "button"}


def element_types(at: AppTest) -> Iterator[str]:
    """The type of every element in the page's main area, however deep in columns, forms and expanders."""
    stack = list(at.main.children.values())
    while stack:
        node = stack.pop()
        yield node.type
        stack.extend(getattr(node, "children", {}).values())


def test_every_page_file_is_either_public_or_staff():
    files = {path.name for path in PAGES.glob("*.py")}
    assert set(LISTS["PUBLIC_PAGES"]) | set(STAFF_FILES) == files
    assert not set(LISTS["PUBLIC_PAGES"]) & set(STAFF_FILES)
    assert len(STAFF_FILES) == 6


@pytest.fixture()
def database(sample_db, monkeypatch):
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))


@pytest.mark.parametrize("page", STAFF_FILES)
def test_a_staff_page_wired_without_its_lock_still_shows_only_the_login(page, database, tmp_path):
    script = tmp_path / "entry.py"
    script.write_text(UNLOCKED.format(page=str(PAGES / page)), encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Staff login"]
    assert [t.label for t in at.text_input] == ["User name", "Password"]
    shown = set(element_types(at))
    assert shown <= LOGIN_ELEMENTS, shown - LOGIN_ELEMENTS


@pytest.mark.parametrize("page", STAFF_FILES)
def test_a_staff_page_file_run_on_its_own_is_refused(page, database):
    """What Streamlit does with a deep link on a fresh server: the page file without the entry script."""
    at = AppTest.from_file(str(PAGES / page), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [
        "The dashboard could not start this page. Open the link again, or start from the home page."]
    assert set(element_types(at)) == {"error"}
