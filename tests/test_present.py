"""Presentation mode in AppTest: slides step with the buttons, the URL holds the view, stories play from a link."""

from __future__ import annotations

import pytest
from app_support import open_dashboard
from streamlit.testing.v1 import AppTest

from rightsmap.domain.filters import Filters, parse_month
from rightsmap.exports import story
from rightsmap.exports.chartset import CHARTS
from rightsmap.exports.tables import TABLES


@pytest.fixture()
def present(sample_db, monkeypatch):
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))

    def open_present(**query: str) -> AppTest:
        return open_dashboard("pages/present.py", query={"lang": "en", **query})

    return open_present


def title(at: AppTest) -> str:
    return at.title[0].value


def test_the_slides_step_forward_and_back_and_the_url_follows(present):
    at = present(regions="KG-GB", **{"from": "2017-01", "to": "2017-12"})
    assert title(at) == "Headline figures"
    assert [m.label for m in at.metric] == ["Documented cases", "Raids", "People detained in raids",
                                            "Coverage, % of plan"]
    assert at.button(key="present_previous").disabled
    seen = []
    for _ in range(3):
        at.button(key="present_next").click().run()
        assert not at.exception
        seen.append((title(at), at.query_params["slide"]))
    assert seen == [("Documented cases", "map"), ("Cases month by month, with events", "timeline"),
                    ("Reach against violations", "reach")]
    assert at.button(key="present_next").disabled
    at.button(key="present_previous").click().run()
    assert at.query_params["slide"] == "timeline"
    assert at.query_params["regions"] == "KG-GB"  # the filters stay in the link


def test_the_map_slide_opens_with_the_metric_from_the_link(present):
    at = present(slide="map", metric="cases_of_type", vtype="threats")
    assert title(at) == "Cases: Threats"
    assert at.selectbox(key="present_metric").value == "cases_of_type"
    at.selectbox(key="present_metric").set_value("raid_events").run()
    assert title(at) == "Raids"
    assert at.query_params["metric"] == "raid_events" and "vtype" not in at.query_params


def test_a_story_link_plays_its_views_in_order(present):
    views = (story.View.of(Filters(regions=("KG-GO",), month_from=parse_month("2018-01")), slide="timeline"),
             story.View.of(Filters(), metric="coverage_pct", slide="map"))
    at = present(story=story.Story("Osh", views).to_param())
    assert title(at) == "Cases month by month, with events"
    assert "Osh: view 1 of 2" in [m.value for m in at.markdown]
    assert "2018-01 to 2019-12 · Osh City" in [c.value for c in at.caption]  # the view's filters, not the sidebar's
    at.button(key="present_next").click().run()
    assert title(at) == "Coverage, % of plan"
    assert at.query_params["step"] == "2"


def test_a_damaged_story_link_says_so_and_shows_the_slides(present):
    at = present(story="bm90IGEgc3Rvcnk")
    assert any("cannot be played" in e.value for e in at.error)
    assert title(at) == "Headline figures"


def test_a_story_is_put_together_from_the_slides_shown(present):
    at = present()
    at.button(key="present_add").click().run()
    at.button(key="present_next").click().run()
    at.button(key="present_add").click().run()
    at.text_input(key="present_story_name").input("Two slides").run()
    at.button(key="present_play").click().run()
    played = story.from_param(at.query_params["story"])
    assert played.name == "Two slides"
    assert [v.slide for v in played.views] == ["headline", "map"]
    assert title(at) == "Headline figures" and at.query_params["step"] == "1"


def test_the_download_panel_offers_every_export(present):
    at = present()
    assert not at.get("download_button")  # nothing is gathered until someone opens the panel
    at.session_state["present_downloads-open"] = True
    at.run()
    buttons = at.get("download_button")
    # map png/svg, brief, deck, all tables; png/svg/csv per chart; one csv per table
    assert len(buttons) == 5 + 3 * len(CHARTS) + len(TABLES)
