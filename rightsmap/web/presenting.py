"""Presentation mode's Streamlit pieces: full screen, the slide or story step in the URL, slides, stories.

The URL holds the whole state (filters, slide, map metric, or a story and its
step), so a copied link reopens the same slide in another browser.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from rightsmap.data import metrics
from rightsmap.domain.filters import Filters
from rightsmap.domain.i18n import Translator
from rightsmap.domain.vocab import VIOLATION_TYPES
from rightsmap.exports import chartset, story
from rightsmap.exports.data import ExportData
from rightsmap.exports.slides import SLIDES, comparison_note, headline, metric_label
from rightsmap.render import charts, maps
from rightsmap.web import mapview, staff, ui

SLIDE, METRIC, TYPE, STORY, STEP = "slide", "metric", "vtype", "story", "step"
BUILDING = "present_story_views"
STORIES_OPEN = "present_stories_open"  # whether the Stories panel is open  # the story being put together in this session: a list of story.View

# Large type and plain black on white: readable from the back of a room on a washed-out projector.
# The top padding clears Streamlit's header (3.75rem), which would otherwise cover the view bar.
# Its data-testid selectors are Streamlit's frontend internals: listed in compat.PRESENTING_TEST_IDS.
CSS = """<style>
.stApp, .stMain { background: #ffffff; color: #000000; }
.stMain .block-container { max-width: 100%; padding: 4.25rem 2.5rem 2rem; }
.stMain p, .stMain li, .stMain label, .stMain [data-testid="stCaptionContainer"],
.stMain [data-testid="stCaptionContainer"] * { font-size: 1.35rem; color: #000000 !important; opacity: 1 !important; }
.stMain h1 { font-size: 3rem; color: #000000; }
.stMain [data-testid="stMetricLabel"], .stMain [data-testid="stMetricLabel"] * {
  font-size: 1.5rem !important; white-space: normal !important; overflow: visible !important; }
.stMain [data-testid="stMetricValue"], .stMain [data-testid="stMetricValue"] * {
  font-size: 4.5rem !important; font-weight: 700; color: #000000 !important; line-height: 1.1; }
.stMain [data-testid="stMetricDelta"], .stMain [data-testid="stMetricDelta"] * { font-size: 1.5rem !important; }
.stMain button p { font-size: 1.35rem; }
.stMain table th, .stMain table td, .stMain table th *, .stMain table td * { font-size: 1.35rem; }
</style>"""


@dataclass(frozen=True)
class Current:
    """What is on screen: the view, and where it is in the slides or the story."""

    view: story.View
    story: story.Story | None
    position: int  # 0-based: the slide, or the story's step
    count: int

    @property
    def filters(self) -> Filters:
        return self.view.to_filters()


def full_screen() -> None:
    """Collapse the sidebar and switch to large, high-contrast type, on this page only."""
    st.set_page_config(initial_sidebar_state="collapsed", layout="wide")
    st.html(CSS)


def _param(name: str, allowed, default):
    value = st.query_params.get(name)
    return value if value in allowed else default


def current(filters: Filters, _: Translator) -> Current:
    """The view the URL asks for: a story's step, else a slide of the sidebar's filters."""
    raw = st.query_params.get(STORY)
    if raw:
        try:
            played = story.from_param(raw)
        except story.StoryError as exc:
            st.error(_("The story in this link cannot be played: {reason}", reason=str(exc)), icon=":material/error:")
        else:
            try:
                step = min(max(int(st.query_params.get(STEP, "1")), 1), len(played.views)) - 1
            except ValueError:
                step = 0
            return Current(played.views[step], played, step, len(played.views))
    slide = _param(SLIDE, SLIDES, "headline")
    metric = _param(METRIC, metrics.MAP_METRICS, "cases")
    violation_type = _param(TYPE, VIOLATION_TYPES, "extortion") if metric == "cases_of_type" else None
    view = story.View.of(filters, metric=metric, violation_type=violation_type, slide=slide)
    return Current(view, None, list(SLIDES).index(slide), len(SLIDES))


def _go(now: Current, to: int) -> None:
    if now.story is not None:
        st.query_params[STEP] = str(to + 1)
    else:
        st.query_params[SLIDE] = list(SLIDES)[to]


def controls(now: Current, _: Translator) -> None:
    """Previous and next, and where we are."""
    back, where, forward = st.columns([1, 3, 1], vertical_alignment="center")
    back.button(_("Previous"), icon=":material/arrow_back:", disabled=now.position == 0, width="stretch",
                on_click=_go, args=(now, now.position - 1), key="present_previous")
    forward.button(_("Next"), icon=":material/arrow_forward:", disabled=now.position >= now.count - 1,
                   width="stretch", on_click=_go, args=(now, now.position + 1), key="present_next")
    if now.story is None:
        where.markdown(_("Slide {number} of {count}", number=now.position + 1, count=now.count))
    else:
        where.markdown(_("{story}: view {number} of {count}", story=ui.escape_markdown(now.story.name),
                         number=now.position + 1, count=now.count))


def _set_metric() -> None:
    metric = st.session_state["present_metric"]
    st.query_params[METRIC] = metric
    if metric == "cases_of_type":
        st.query_params[TYPE] = st.session_state.get("present_type", "extortion")
    elif TYPE in st.query_params:
        del st.query_params[TYPE]


def metric_picker(now: Current, _: Translator) -> None:
    """On the map slide of the sidebar's filters: which metric the map shows."""
    st.session_state["present_metric"] = now.view.metric
    st.session_state["present_type"] = now.view.violation_type or "extortion"
    left, right = st.columns(2)
    left.selectbox(_("Metric"), metrics.MAP_METRICS, key="present_metric", on_change=_set_metric,
                   format_func=lambda key: _(metrics.METRICS[key].label))
    if now.view.metric == "cases_of_type":
        right.selectbox(_("Violation type"), list(VIOLATION_TYPES), key="present_type", on_change=_set_metric,
                        format_func=_.violation_type)


def draw(slide: str, data: ExportData, _: Translator) -> None:
    """One slide, big."""
    if slide == "headline":
        for column, figure in zip(st.columns(len(headline(data, _))), headline(data, _), strict=True):
            column.metric(figure.label, figure.value, delta=figure.change, border=True, help=figure.definition,
                          delta_color="inverse" if figure.worse_when_up else "normal")
        st.caption(comparison_note(data, _))
    elif slide == "map":
        label, values = metric_label(data, _), data.region_values

        def layer():
            return maps.region_layer(values, metric_label=label, translate=_,
                                     percent=metrics.METRICS[data.metric].percent)

        content = ("present", _.lang, data.metric, label, mapview.values_key(values))
        mapview.show(content, layer, key="present_map", height=430, returned_objects=())
        st.caption(_(metrics.METRICS[data.metric].definition))
    elif slide == "timeline":
        _chart(chartset.timeline(data, _).properties(height=300), _)
        ui.event_list(data.events)
    else:
        _chart(chartset.reach_planned(data, _).properties(height=170), _)
        _chart(chartset.reach_pressure(data, _).properties(height=150), _)
        ui.event_list(data.events)


def _chart(figure, _: Translator) -> None:
    # The same builders as the exports (exports.chartset), so a slide and its PNG agree.
    st.altair_chart(chartset.projector(charts.localized(figure, _)), width="stretch")


def title(now: Current, data: ExportData, _: Translator) -> str:
    return metric_label(data, _) if now.view.slide == "map" else _(SLIDES[now.view.slide])


def _play(played: story.Story) -> None:
    st.query_params[STORY] = played.to_param()
    st.query_params[STEP] = "1"


def _stop() -> None:
    for key in (STORY, STEP):
        if key in st.query_params:
            del st.query_params[key]


def _add(view: story.View) -> None:
    st.session_state.setdefault(BUILDING, []).append(view)


def _describe(view: story.View, _: Translator) -> str:
    what = _(SLIDES[view.slide])
    if view.slide == "map":
        what += ": " + (_(metrics.METRICS[view.metric].label) if view.violation_type is None
                        else _("Cases: {type}", type=_.violation_type(view.violation_type)))
    return f"{what} — {ui.describe(view.to_filters())}"


def _share(played: story.Story, _: Translator) -> None:
    """The story's file and its link."""
    from urllib.parse import urlencode

    left, right = st.columns([1, 2], vertical_alignment="bottom")
    left.download_button(_("Save the story (JSON)"), data=staff.guarded(played.to_json), file_name="rightsmap-story.json",
                         mime="application/json", on_click="ignore", icon=":material/save:", key="present_story_save")
    right.caption(_("Link that plays this story (it holds the story itself, no data):"))
    url = (getattr(st.context, "url", None) or "") + "?" + urlencode({STORY: played.to_param(), STEP: "1",
                                                                      "lang": _.lang})
    st.code(url, language=None, wrap_lines=True)


def story_panel(now: Current, _: Translator) -> None:
    """Put a story together from the slides shown, save it, open one from a file, play it, share its link."""
    # Keyed, with its state kept: it stays open while slides are added one after another, though each
    # slide draws different elements above it (an unkeyed expander is then a new one, closed).
    if now.story is not None:
        st.session_state[STORIES_OPEN] = True
    with st.expander(_("Stories: a named sequence of saved views"), icon=":material/slideshow:",
                     key=STORIES_OPEN, on_change="rerun"):
        if now.story is not None:
            st.markdown(_("Playing **{story}**.", story=ui.escape_markdown(now.story.name)))
            for number, view in enumerate(now.story.views, start=1):
                st.markdown(f"{number}. {ui.escape_markdown(_describe(view, _))}")
            st.button(_("Stop playing the story"), on_click=_stop, key="present_stop", icon=":material/stop:")
            _share(now.story, _)
            return
        views: list[story.View] = st.session_state.setdefault(BUILDING, [])
        name = st.text_input(_("Name of the story"), key="present_story_name", max_chars=story.MAX_NAME,
                             placeholder=_("Raids in Bishkek, 2016–2017"))
        add, clear = st.columns(2)
        add.button(_("Add this slide to the story"), on_click=_add, args=(now.view,), key="present_add",
                   icon=":material/add:", disabled=len(views) >= story.MAX_VIEWS)
        clear.button(_("Start a new story"), on_click=views.clear, key="present_clear", disabled=not views)
        for number, view in enumerate(views, start=1):
            st.markdown(f"{number}. {ui.escape_markdown(_describe(view, _))}")
        if views:
            built = story.Story(name.strip() or _("Story"), tuple(views))
            st.button(_("Play the story"), on_click=_play, args=(built,), key="present_play",
                      icon=":material/play_arrow:", type="primary")
            _share(built, _)
        uploaded = st.file_uploader(_("Open a story file"), type=["json"], key="present_story_file")
        if uploaded is not None and st.session_state.get("present_story_opened") != uploaded.file_id:
            st.session_state["present_story_opened"] = uploaded.file_id
            try:
                loaded = story.from_json(uploaded.getvalue())
            except story.StoryError as exc:
                st.error(_("This file cannot be opened as a story: {reason}", reason=str(exc)),
                         icon=":material/error:")
            else:
                _play(loaded)
                st.rerun()
