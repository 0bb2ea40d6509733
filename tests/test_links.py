"""AppTest: a copied staff link reopens the same view (map metric and region, Timelines series, step and
switch), the Stories panel stays open while slides are added, and a bad link names the default by its label."""

from __future__ import annotations

import pytest
from app_support import open_dashboard
from streamlit.testing.v1 import AppTest


@pytest.fixture()
def staff_app(sample_db, monkeypatch):
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))

    def open_app(page: str, **query: str) -> AppTest:
        return open_dashboard(page, query={"lang": "en", **query})

    return open_app


def link_warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if w.icon == ":material/link_off:"]


def copied_link(at: AppTest) -> dict[str, str]:
    return {key: at.query_params[key] for key in at.query_params}


def test_the_map_link_holds_metric_type_and_region_and_reopens_them(staff_app):
    at = staff_app("pages/map.py")
    at.selectbox(key="map_metric").set_value("cases_of_type").run()
    at.selectbox(key="map_type").set_value("blackmail").run()
    at.selectbox(key="map_region_pick").set_value("KG-N").run()
    link = copied_link(at)
    assert (link["metric"], link["vtype"], link["detail"]) == ("cases_of_type", "blackmail", "KG-N")

    again = staff_app("pages/map.py", **link)
    assert again.selectbox(key="map_metric").value == "cases_of_type"
    assert again.selectbox(key="map_type").value == "blackmail"
    assert again.selectbox(key="map_region_pick").value == "KG-N"
    assert [s.value for s in again.subheader] == ["Naryn"]
    assert not link_warnings(again)


def test_the_map_link_leaves_out_defaults(staff_app):
    at = staff_app("pages/map.py", metric="raid_events", vtype="threats")
    assert at.selectbox(key="map_metric").value == "raid_events"
    assert "vtype" not in at.query_params  # the type only counts for cases of one type
    at.selectbox(key="map_metric").set_value("cases").run()
    assert "metric" not in at.query_params and "detail" not in at.query_params


def test_the_timelines_link_holds_series_step_and_compare_and_reopens_them(staff_app):
    at = staff_app("pages/timelines.py", regions="KG-GB,KG-GO")
    at.selectbox(key="timeline_series").set_value("raids").run()
    at.segmented_control(key="timeline_grain").set_value("quarter").run()
    at.toggle(key="timeline_compare").set_value(True).run()
    link = copied_link(at)
    assert (link["series"], link["grain"], link["compare"]) == ("raids", "quarter", "1")

    again = staff_app("pages/timelines.py", **link)
    assert again.selectbox(key="timeline_series").value == "raids"
    assert again.segmented_control(key="timeline_grain").value == "quarter"
    assert again.toggle(key="timeline_compare").value is True
    assert not link_warnings(again)
    again.toggle(key="timeline_compare").set_value(False).run()
    assert "compare" not in again.query_params


@pytest.mark.parametrize(("lang", "label"), [("en", "Documented cases"), ("ru", "Задокументированные случаи")])
def test_a_bad_map_metric_in_a_link_names_the_default_by_its_label(staff_app, lang, label):
    at = staff_app("pages/map.py", lang=lang, metric="banana", detail="KG-ZZ")
    warnings = " ".join(link_warnings(at))
    assert "banana" in warnings and label in warnings
    assert "Showing cases" not in warnings
    assert at.selectbox(key="map_metric").value == "cases"
    assert at.selectbox(key="map_region_pick").value is None


def test_a_bad_timelines_step_names_the_default_by_its_label(staff_app):
    at = staff_app("pages/timelines.py", grain="week", compare="maybe")
    warnings = link_warnings(at)
    assert any("grain=week" in w and "Month" in w for w in warnings)
    assert any("compare=maybe" in w for w in warnings)
    assert at.segmented_control(key="timeline_grain").value == "month"


def test_a_bad_public_measure_names_the_default_by_its_label(sample_db, monkeypatch):
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))
    at = open_dashboard(None, staff_view=False, query={"lang": "ru", "show": "names"})
    warnings = " ".join(link_warnings(at))
    assert "show=names" in warnings
    assert "Задокументированные случаи" in warnings and "Показано: cases" not in warnings


def test_the_stories_panel_stays_open_while_slides_are_added(staff_app):
    at = staff_app("pages/present.py")
    stories = next(e for e in at.expander if e.label.startswith("Stories"))
    assert stories.proto.id.endswith("present_stories_open")  # keyed: its state is kept between slides
    at.session_state["present_stories_open"] = True  # as a click on its header does
    at.run()
    for _step in range(2):
        at.button(key="present_add").click().run()
        at.button(key="present_next").click().run()
        assert at.session_state["present_stories_open"] is True
        stories = next(e for e in at.expander if e.label.startswith("Stories"))
        assert stories.proto.expanded
    assert len(at.session_state["present_story_views"]) == 2


def test_a_change_of_language_shows_the_chosen_options_in_the_new_language(staff_app):
    at = staff_app("pages/map.py", metric="raid_events", detail="KG-N")
    at.radio(key="f_lang").set_value("ru").run()
    metric, region = at.selectbox(key="map_metric"), at.selectbox(key="map_region_pick")
    assert (metric.value, region.value) == ("raid_events", "KG-N")  # the choice itself stays
    # ...and the browser is sent its label again, in Russian (Streamlit kept the English one otherwise).
    assert metric.proto.set_value and metric.proto.raw_value == "Рейды"
    assert region.proto.set_value and region.proto.raw_value == "Нарынская область"


def test_a_map_link_opened_before_the_login_keeps_its_choices(sample_db, monkeypatch):
    from app_support import STAFF_NAME, STAFF_PASSWORD, switch_to_address

    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))
    at = open_dashboard(None, staff_view=False, query={"lang": "en", "metric": "raid_events", "detail": "KG-T"})
    switch_to_address(at, "map").run()
    assert [t.value for t in at.title] == ["Staff login"]
    at.text_input(key="staff_login_name").input(STAFF_NAME)
    at.text_input(key="staff_login_password").input(STAFF_PASSWORD)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="map_metric").value == "raid_events"
    assert [s.value for s in at.subheader] == ["Talas"]
