"""Issue 18: no raw data on public pages — event titles screened and public only when marked, About's span
in whole quarters from the protected table."""

from __future__ import annotations

import re

import pytest
from app_support import open_dashboard
from import_helpers import run_import, write
from test_attack import sparse_cases

from rightsmap.data import db
from rightsmap.disclosure import protect, public
from rightsmap.domain import config
from rightsmap.records import store
from rightsmap.records.importing.screen import title_problem

EVENTS_HEADER = "date;place;title_en;public"


@pytest.mark.parametrize("title", [
    "Задержана А.Б., 23 года, Каракол", "Raid: N. K. detained", "Иванова А. задержана", "call +996 000 000 001",
    "born 12.03.1998", "1998 г.р. задержана", "woman aged 19 detained", "кыз 19 жашта", "тел 0500000001",
])
def test_titles_that_may_describe_a_person_are_refused(title):
    assert title_problem(title) is not None


@pytest.mark.parametrize("title", [
    "Mass raids end in Osh", "Law 2017 adopted", "Coverage falls to 39% of plan (2017-Q2)",
    "Police raid in Bishkek, 12 detained", "Закон № 123 принят", "Рейды в 2016 году", "3 рейда за неделю",
])
def test_titles_about_what_happened_pass(title):
    assert title_problem(title) is None


def test_an_event_title_with_initials_and_an_age_is_refused_row_by_row(tmp_path):
    target = store.create_empty(tmp_path / "real.duckdb")
    text = (EVENTS_HEADER + "\n2021-03-01;KG-GB;Mass raids begin;да\n"
            "2021-05-01;KG-N;Detained: A.B., 23 years old;yes\n")
    code, report = run_import("events", write(tmp_path / "events.csv", text), target)
    assert code != 0 and report["imported"] is False
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(3, "title_en")]
    assert "identify" in report["errors"][0]["reason"]


@pytest.fixture()
def imported(tmp_path, monkeypatch):
    """A sparse 2021 import with one public event and one not marked public."""
    monkeypatch.setattr(config, "FIRST_MONTH", "2021-01")
    monkeypatch.setattr(config, "LAST_MONTH", "2021-12")
    target = store.create_empty(tmp_path / "real.duckdb")
    assert run_import("cases", write(tmp_path / "cases.csv", sparse_cases(24)), target)[0] == 0
    events = (EVENTS_HEADER + "\n2021-02-01;KG-GB;Mass raids begin in the capital;да\n"
              "2021-08-01;;Internal: shelter moves to a new address;\n")
    assert run_import("events", write(tmp_path / "events.csv", events), target)[0] == 0
    monkeypatch.setenv("RIGHTSMAP_DB", str(target))
    return target


def test_the_public_event_list_shows_only_events_marked_public_dated_by_quarter(imported):
    at = open_dashboard(None, staff_view=False, query={"lang": "en"})
    captions = "\n".join(c.value for c in at.caption)
    assert "Mass raids begin in the capital" in captions and "2021-Q1" in captions
    assert "shelter" not in captions
    assert not re.search(r"\b2021-\d\d\b", captions)  # no month


def test_about_gives_the_span_in_whole_quarters_from_the_protected_table(imported):
    conn = db.connect(imported)
    try:
        first, last = public.data_span(public.index(protect.stored_or_computed(conn, config.MIN_COUNT)))
    finally:
        conn.close()
    at = open_dashboard("pages/about.py", staff_view=False, query={"lang": "en"})
    text = "\n".join(m.value for m in at.markdown)
    expected = f"The published figures cover **{first.year}-Q{(first.month - 1) // 3 + 1}** to " \
               f"**{last.year}-Q{(last.month - 1) // 3 + 1}**."
    assert expected in text
    assert not re.search(r"\b2021-\d\d\b", text)  # no month of the raw data
