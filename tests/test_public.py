"""The public view: its figures from the protected table, its filters and URL, and the page in AppTest."""

from __future__ import annotations

import datetime as dt

import pytest
from app_support import STAFF_NAME, STAFF_PASSWORD, drawn_layers, map_reports, open_dashboard, switch_to_address
from figure_check import disclosure_problem

from rightsmap.disclosure import public
from rightsmap.disclosure.layout import ALL, HIDDEN, SHOWN
from rightsmap.disclosure.public_filters import PublicFilters, from_query_params, parse_quarter, quarter_text
from rightsmap.domain import config
from rightsmap.domain.i18n import translator
from rightsmap.domain.vocab import REGION_CODES
from rightsmap.render import maps
from rightsmap.web.ui import escape_markdown

Q1, Q2, Q3 = dt.date(2017, 1, 1), dt.date(2017, 4, 1), dt.date(2017, 7, 1)
EN = translator("en")


def cells(*rows):
    return {(q, m, r, c): (v, s) for q, m, r, c, v, s in rows}


def test_an_exact_figure_sums_published_cells():
    table = cells((Q1, "raid_events", "KG-GB", "raid_events", 7.0, SHOWN),
                  (Q2, "raid_events", "KG-GB", "raid_events", 0.0, SHOWN))
    figure = public.figure(table, 5, [Q1, Q2], "raid_events", "KG-GB")
    assert figure == public.Figure(public.EXACT, 7.0) and figure.text(EN) == "7"


def test_a_figure_with_a_hidden_cell_says_at_least_its_published_part():
    table = cells((Q1, "cases", "KG-GB", ALL, 40.0, SHOWN), (Q2, "cases", "KG-GB", ALL, float("nan"), HIDDEN),
                  (Q3, "cases", "KG-GB", ALL, float("nan"), HIDDEN))
    figure = public.figure(table, 5, [Q1, Q2, Q3], "cases", "KG-GB")
    assert figure.status == public.AT_LEAST and figure.text(EN) == "≥ 40"


def test_every_withheld_cell_says_hidden_whatever_it_holds():
    # One mark for a small count and for a cell hidden to protect one: the mark must not tell them apart.
    table = cells((Q1, "cases", "KG-N", ALL, float("nan"), HIDDEN), (Q2, "cases", "KG-N", ALL, 0.0, SHOWN),
                  (Q3, "cases", "KG-N", ALL, float("nan"), HIDDEN))
    assert public.figure(table, 5, [Q1], "cases", "KG-N").text(EN) == "hidden"
    assert public.figure(table, 5, [Q1, Q2], "cases", "KG-N").text(EN) == "hidden"
    assert public.figure(table, 5, [Q1, Q2, Q3], "cases", "KG-N").text(EN) == "hidden"
    assert set(public.STATUSES) == {public.EXACT, public.AT_LEAST, public.HIDDEN, public.NO_DATA}


def test_coverage_is_hidden_with_its_count():
    table = cells((Q1, "reached", ALL, "reached", float("nan"), HIDDEN), (Q1, "planned", ALL, "planned", 900.0, SHOWN))
    assert public.figure(table, 5, [Q1], public.COVERAGE).status == public.HIDDEN
    table[(Q1, "reached", ALL, "reached")] = (450.0, SHOWN)
    assert public.figure(table, 5, [Q1], public.COVERAGE) == public.Figure(public.EXACT, 50.0)


def test_marks_explain_only_what_is_shown():
    shown = [public.Figure(public.EXACT, 9.0), public.Figure(public.HIDDEN)]
    marks = public.mark_texts(shown, 5, EN)
    assert len(marks) == 1 and marks[0].startswith("hidden: not shown. It may be 0, a small count")
    assert "<" not in marks[0] and "below 5" in marks[0]


# --- filters and the URL ---------------------------------------------------------------------------


def test_quarters_parse_and_print():
    assert parse_quarter("2017-Q2") == Q2 and parse_quarter("2017q2") == Q2
    assert quarter_text(Q3) == "2017-Q3"
    with pytest.raises(ValueError):
        parse_quarter("2017-05")


def test_a_link_round_trips_and_bad_values_fall_back_with_notices():
    wanted = PublicFilters(quarter_from=Q1, quarter_to=Q3, region="KG-O", show="cases:police")
    filters, notices = from_query_params(wanted.to_query_params())
    assert filters == wanted and not notices
    filters, notices = from_query_params({"q_from": "2017-05", "region": "KG-XX", "show": "names", "q_to": "2040-Q1"})
    assert filters == PublicFilters()
    assert [n.values[0][1] for n in notices] == ["q_from", "q_to", "region", "show"]


def test_a_backwards_period_in_a_link_falls_back_to_the_whole_period():
    filters, notices = from_query_params({"q_from": "2018-Q1", "q_to": "2017-Q1"})
    assert filters.quarter_from < filters.quarter_to and notices


# --- the page ---------------------------------------------------------------------------------------


@pytest.fixture()
def visitor(sample_db, monkeypatch):
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))

    def open_(**query: str):
        return open_dashboard(None, staff_view=False, query={"lang": "en", **query})

    return open_


def figures_shown(at) -> list[str]:
    return [m.value for m in at.metric]


def test_the_public_page_is_the_default_and_says_so(visitor):
    at = visitor()
    assert at.title[0].value == "Overview"
    assert any("Public view." in s.value for s in at.success)
    assert not any("Staff view" in w.value for w in at.warning)
    assert len(at.metric) == 4


def test_the_table_and_the_downloads_are_drawn_only_while_their_sections_are_open(visitor):
    """Closed, each section is one element in every filter change; opened, it holds what it always held."""
    at = visitor(q_from="2017-Q1", q_to="2017-Q4")
    labels = [e.label for e in at.expander]
    assert "The numbers behind the map" in labels and "Download the brief, slides, map and figures" in labels
    assert not at.get("download_button") and not at.get("button_group")
    assert not [m for m in at.markdown if m.value.startswith("| Name |")]

    at.session_state["public-map-table"] = True
    at.session_state["public-downloads"] = True
    at.run()
    assert not at.exception
    table = next(m.value for m in at.markdown if m.value.startswith("| Name |"))
    assert len(table.splitlines()) == 2 + len(REGION_CODES)  # header, rule, a row per region
    assert all(escape_markdown(EN.region(code)) in table for code in REGION_CODES)
    assert sorted(b.proto.label for b in at.get("download_button")) == [
        "Brief (PDF)", "Figures (CSV)", "Map (PNG)", "Map (SVG)", "Slides (PPTX)"]
    assert any(c.value.startswith("Every file is stamped:") and "2017 Q1 to 2017 Q4" in c.value for c in at.caption)

    at.selectbox(key="p_region").set_value("KG-GB").run()  # open sections stay open through a filter change
    assert len(at.get("download_button")) == 5 and [m for m in at.markdown if m.value.startswith("| Name |")]

    at.session_state["public-downloads"] = False
    at.run()
    assert not at.get("download_button")


@pytest.mark.parametrize("text, problem", [
    ("0", False), ("5", False), ("1,982", False), ("≥ 319", False),
    ("hidden", False), ("no data", False), ("78.9%", False), ("3.5%", False),
    ("1", True), ("4", True), ("4.0", True), ("<5", True), ("<10", True), ("<3", True), ("<7", True), ("≥ 4", True), ("3 cases", True), ("", True),
])  # fmt: skip
def test_the_figure_check_itself(text: str, problem: bool):
    """The check below would miss nothing if it passed everything: it must reject small counts."""
    assert (disclosure_problem(text, 5) is not None) == problem


def every_figure_shown(at) -> dict[str, str]:
    """The headline figures and every "Figure" column of the page's tables (the map's numbers opened)."""
    at.session_state["public-map-table"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    figures = {f"metric {m.label}": m.value for m in at.metric}
    tables = [m.value.splitlines() for m in at.markdown if m.value.startswith("|") and "| Figure |" in m.value]
    assert len(tables) == 2  # the breakdown and the numbers behind the map
    for header, _rule, *rows in tables:
        names = [cell.strip() for cell in header.strip("|").split("|")]
        for row in rows:
            cells = dict(zip(names, (cell.strip() for cell in row.strip("|").split("|")), strict=True))
            figures[f"table {cells.get('Group', '')} {cells['Name']}"] = cells["Figure"]
    return figures


@pytest.mark.parametrize("query", [{}, {"region": "KG-N", "q_from": "2017-Q3", "q_to": "2017-Q3"},
                                   {"show": "cases:pimp", "region": "KG-T"},
                                   {"show": "cases_of_type:sexual_violence", "q_from": "2019-Q4"}])
def test_no_figure_on_the_public_page_is_a_small_count(visitor, query):
    figures = every_figure_shown(visitor(**query))
    assert len(figures) >= 4 + len(REGION_CODES)
    assert {where: text for where, text in figures.items() if disclosure_problem(text, config.MIN_COUNT)} == {}


def test_the_public_filters_move_by_quarter_and_follow_the_url(visitor):
    at = visitor(q_from="2017-Q1", q_to="2017-Q4")
    before = figures_shown(at)
    at.selectbox(key="p_region").set_value("KG-GB").run()
    assert at.query_params["region"] == "KG-GB" and at.query_params["q_from"] == "2017-Q1"
    assert figures_shown(at) != before


def test_a_bad_public_link_is_ignored_with_a_notice(visitor):
    at = visitor(q_from="May", show="names")
    warnings = " ".join(w.value for w in at.warning)
    assert "q_from=May" in warnings and "show=names" in warnings
    assert not at.exception


def test_clicking_a_region_on_the_public_map_chooses_it(visitor, monkeypatch):
    map_reports(monkeypatch, {"last_active_drawing": {"properties": {"code": "KG-O"}}})
    at = visitor()
    assert at.selectbox(key="p_region").value == "KG-O"
    assert at.query_params["region"] == "KG-O"


@pytest.mark.parametrize("page", ["overview", "map", "data", "present"])
def test_a_staff_page_without_a_login_shows_only_the_login(visitor, page):
    at = visitor()
    switch_to_address(at, page).run()
    assert [t.value for t in at.title] == ["Staff login"]
    assert not at.metric and not any("Staff view" in w.value for w in at.warning)
    assert at.text_input(key="staff_login_password").value == ""


def test_the_public_slides_step_through_and_keep_the_slide_in_the_url(visitor):
    at = visitor()
    at.switch_page("pages/show.py").run()
    assert not at.exception and len(at.metric) == 4
    assert any("Public view." in s.value for s in at.success)  # on the projector too
    seen = []
    for _step in range(3):
        at.button(key="show_next").click().run()
        assert not at.exception, [e.value for e in at.exception]
        seen.append(at.query_params["slide"])
    assert seen == ["map", "timeline", "breakdown"]
    assert at.button(key="show_next").disabled
    # The breakdown slide is two tables of public figures side by side: by perpetrator, by violation type.
    assert not at.metric
    assert [m.value.splitlines()[0] for m in at.markdown if m.value.startswith("| By ")] == [
        "| By perpetrator | Figure |", "| By violation type | Figure |"]


def test_logging_in_from_a_staff_link_opens_that_page_with_the_link_s_filters(visitor):
    at = visitor(**{"from": "2017-01", "to": "2017-12", "perpetrators": "police"})
    switch_to_address(at, "overview").run()
    at.text_input(key="staff_login_name").input(STAFF_NAME)
    at.text_input(key="staff_login_password").input("not the password")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Wrong user name or password."]
    assert [t.value for t in at.title] == ["Staff login"]
    at.text_input(key="staff_login_name").input(STAFF_NAME)
    at.text_input(key="staff_login_password").input(STAFF_PASSWORD)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Staff view: exact counts." in w.value for w in at.warning)
    figures = {m.label: m.value for m in at.metric}
    assert figures["Documented cases"].replace("\u202f", "").replace(",", "") == "459"  # police, 2017, exact
    at.sidebar.button(key="staff_logout").click().run()
    assert [t.value for t in at.title] == ["Staff login"] and not at.metric


def test_the_public_map_gives_withheld_regions_one_class(visitor, monkeypatch):
    layers = drawn_layers(monkeypatch)
    visitor(show="cases_of_type:sexual_violence", q_from="2017-Q3", q_to="2017-Q3")
    properties = maps.layer_look(layers[-1])["properties"].values()
    labels = {p["value_label"] for p in properties}
    assert "hidden" in labels, labels  # this view has withheld counts
    assert not any(label.startswith("<") for label in labels), labels
    for p in properties:
        if p["value_label"] == "hidden":
            assert p["class_key"] == "hidden", p
        else:
            assert p["class_key"] not in ("small", "hidden", "nodata"), p
    legend = next(child for child in layers[-1]._children.values() if type(child).__name__ == "Legend")
    assert "hidden" in legend.html and "small count" not in legend.html


@pytest.mark.parametrize(("show", "label", "count"), [
    ("cases:police", "Cases by Police", 4),
    ("cases_of_type:extortion", "Cases: Extortion", 4),
    ("detentions", "Documented detentions", 5),
    ("raid_events", "Raids", 4),
])
def test_the_headline_follows_the_chosen_measure(visitor, summary, show, label, count):
    """With show=cases:police the first headline figure is police cases, as summary --public gives it."""
    at = visitor(show=show, q_from="2017-Q1", q_to="2017-Q4")
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert len(labels) == count and label in labels
    chosen = summary("--public", "--show", show, "--from", "2017-Q1", "--to", "2017-Q4")["chosen"]
    shown = at.metric[labels.index(label)].value
    if chosen["status"] == "exact":
        assert shown == f'{chosen["value"]:,.0f}'
    else:
        assert chosen["status"] in ("at_least", "hidden") and not shown[0].isdigit()
    if show.startswith("cases"):
        assert labels[0] == label and "Documented cases" not in labels
