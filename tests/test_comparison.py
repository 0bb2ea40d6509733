"""The comparison with the previous period says what it compares, or the true reason it cannot (issue 22)."""

from __future__ import annotations

import io

import pytest
from app_support import open_dashboard
from pypdf import PdfReader

from rightsmap.data import db
from rightsmap.domain.filters import Filters, parse_month
from rightsmap.domain.i18n import translator
from rightsmap.exports import data as export_data, render
from rightsmap.exports.slides import comparison_text

EN = translator("en")
FIRST = Filters().month_from


def period(first: str, last: str) -> Filters:
    return Filters(month_from=parse_month(first), month_to=parse_month(last))


def test_a_period_at_the_start_of_the_data_says_so():
    text = comparison_text(period(FIRST.strftime("%Y-%m"), "2016-12"), False, EN)
    assert "starts at the beginning of the data" in text and FIRST.strftime("%Y-%m") in text


def test_a_previous_period_partly_outside_the_data_is_named_with_its_months():
    text = comparison_text(period("2016-01", "2017-12"), False, EN)
    assert "beginning of the data" not in text
    assert "previous 24 months (2014-01 to 2015-12) are not fully covered" in text
    assert f"start in {FIRST:%Y-%m}" in text


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_the_reason_is_translated(lang):
    text = comparison_text(period("2016-01", "2017-12"), False, translator(lang))
    assert "2014-01" in text and "not fully covered" not in text


def test_the_overview_gives_the_true_reason(sample_db, monkeypatch):
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))
    at = open_dashboard("pages/overview.py", query={"lang": "en", "from": "2016-01", "to": "2017-12"})
    captions = " ".join(c.value for c in at.caption)
    assert "(2014-01 to 2015-12) are not fully covered" in captions
    assert not any(m.delta for m in at.metric)  # and no change is shown
    at = open_dashboard("pages/overview.py", query={"lang": "en", "from": "2017-01", "to": "2017-12"})
    assert "Change against the previous 12 months." in " ".join(c.value for c in at.caption)


def test_the_brief_gives_the_same_reason(sample_db):
    filters = period("2016-01", "2017-12")
    with db.connect(sample_db) as conn:
        data = export_data.gather(conn, filters, metric="cases")
    assert data.previous is None
    text = PdfReader(io.BytesIO(render.export("brief.pdf", data, "en"))).pages[0].extract_text()
    flat = " ".join(text.split())
    assert "(2014-01 to 2015-12) are not fully covered" in flat
    assert "beginning of the data" not in flat
