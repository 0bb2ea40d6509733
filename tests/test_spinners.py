"""Every spinner the app shows is in the session's language.

Streamlit's cache decorators take their spinner text once, when the module loads (and by default
say "Running `function(...)`." in English); the test records the text of every spinner that a first
start shows, the caches emptied, on the public view and on every staff page.
"""

from __future__ import annotations

import re
import shutil

import pytest
import streamlit as st
from app_support import log_in
from streamlit.elements.spinner import SpinnerMixin
from streamlit.testing.v1 import AppTest

from rightsmap.domain import config
from rightsmap.web import cache

STAFF_PAGES = ["pages/overview.py", "pages/map.py", "pages/timelines.py", "pages/reach.py", "pages/present.py",
               "pages/data.py"]
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
CYRILLIC = re.compile(r"[А-Яа-яЁёӨөҮүҢң]")


@pytest.fixture()
def spinners(monkeypatch) -> list[str]:
    """The text of every spinner started from now on: st.spinner's and the cache decorators' own."""
    shown: list[str] = []
    by_element = SpinnerMixin.spinner
    by_st = st.spinner

    def element_spinner(self, text: str = "", *args, **kwargs):
        shown.append(text)
        return by_element(self, text, *args, **kwargs)

    def st_spinner(text: str = "", *args, **kwargs):
        shown.append(text)
        return by_st(text, *args, **kwargs)

    monkeypatch.setattr(SpinnerMixin, "spinner", element_spinner)  # what a cached function's miss calls
    monkeypatch.setattr(st, "spinner", st_spinner)  # st.spinner is bound when Streamlit is imported
    return shown


@pytest.fixture()
def first_start(sample_db, tmp_path, monkeypatch):
    """A server's first start on the default database: every cache empty, nothing made yet."""
    default = tmp_path / "rightsmap.duckdb"
    shutil.copy(sample_db, default)  # an up-to-date sample: sample.ensure() keeps it, quickly
    monkeypatch.delenv("RIGHTSMAP_DB", raising=False)
    monkeypatch.setattr(config, "DEFAULT_DB", default)
    monkeypatch.setattr(cache, "_made", set())
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_every_spinner_of_a_first_start_is_in_the_language(lang, first_start, spinners):
    at = AppTest.from_file(str(config.ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    public_view = list(spinners)
    log_in(at).run()
    for page in STAFF_PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
    # The first start shows three: the map files, the sample, the protected table (public view).
    assert len(public_view) >= 3, public_view
    english = [text for text in spinners if LATIN_WORD.search(text) or not CYRILLIC.search(text)]
    assert english == []
