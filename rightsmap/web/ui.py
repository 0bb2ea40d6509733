"""Streamlit pieces every page shares: language, the sidebar filters, their URL mirror, the sample banner."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd
import streamlit as st

from rightsmap import compat
from rightsmap.data import db
from rightsmap.domain import config, i18n, plaintext
from rightsmap.domain.filters import (
    URL_KEYS,
    Filters,
    Notice,
    add_months,
    from_query_params,
    month_text,
    months_between,
)
from rightsmap.domain.vocab import N_, PERPETRATORS, REGION_CODES, SAMPLE_CALIBRATION, VIOLATION_TYPES
from rightsmap.web import cache, cache_rules

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

T = TypeVar("T")
F = TypeVar("F")
_KEYS = {"regions": "f_regions", "from": "f_from", "to": "f_to", "types": "f_types", "perpetrators": "f_perpetrators"}
LANG_KEY = "f_lang"  # the switcher widget
# The chosen language, kept apart from the widget: Streamlit drops a widget's state
# after any run that did not draw it, and the language must never fall back silently.
CHOSEN_LANG = "lang"
# The link the session was opened with, before any run changed it: a staff link opened before the login
# must give its filters to the staff view after the login, whatever happened to the address in between.
OPENING_LINK = "opening_link"


def translator() -> i18n.Translator:
    """The translator for the language chosen in this session; in a cached value's build, for its `lang`."""
    built_in = cache_rules.build_language()  # raises in a build whose key has no language
    return i18n.translator(built_in or st.session_state.get(CHOSEN_LANG, i18n.DEFAULT_LANGUAGE))


def init_language() -> i18n.Translator:
    """Choose the session's language before anything is drawn: the link, the browser's locale, else Russian."""
    if OPENING_LINK not in st.session_state:
        st.session_state[OPENING_LINK] = st.query_params.to_dict()
    if CHOSEN_LANG not in st.session_state:
        lang, notices = _initial_language(st.query_params.get("lang"))
        st.session_state[CHOSEN_LANG] = lang
        st.session_state["lang_notices"] = notices
    return translator()


# Choices whose options are shown in words. Streamlit keeps a choice's shown label from the language it
# was made in, so on a change of language each is set again (to itself) and shown in the new one.
RELABELLED = ("f_regions", "f_types", "f_perpetrators", "p_region", "p_show", "p_from", "p_to", "map_metric",
              "map_type", "map_region_pick", "timeline_series", "timeline_grain", "present_metric", "present_type")


def _language_changed() -> None:
    # A callback runs before the script, so the page titles are already in the new language.
    st.session_state[CHOSEN_LANG] = st.session_state[LANG_KEY]
    for key in RELABELLED:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def _initial_language(raw: str | None) -> tuple[str, list[Notice]]:
    """The language from the link, else from the browser's locale, else Russian."""
    if raw in i18n.LANGUAGES:
        return raw, []
    fallback = i18n.language_from_locale(getattr(st.context, "locale", None))
    if raw is None:
        return fallback, []
    return fallback, [Notice(N_("Ignored lang={value} in the link: use ru, ky or en."), (("value", str(raw)[:20]),))]


def language_switcher() -> None:
    """The language radio, drawn in the sidebar by both views."""
    _ = translator()
    # The switcher's default is the chosen language, and its state is never set from code: a
    # redrawn switcher then starts from the choice, never from the first option (Russian).
    st.radio(_("Language"), list(i18n.LANGUAGES), key=LANG_KEY, format_func=i18n.LANGUAGES.get,
             index=list(i18n.LANGUAGES).index(_.lang), on_change=_language_changed, horizontal=True)


def _widgets_from(filters: Filters) -> None:
    """Set the sidebar widgets' state from filters (empty selection means all)."""
    default = Filters()
    st.session_state[_KEYS["regions"]] = [] if filters.regions == default.regions else list(filters.regions)
    st.session_state[_KEYS["types"]] = [] if filters.types == default.types else list(filters.types)
    st.session_state[_KEYS["perpetrators"]] = (
        [] if filters.perpetrators == default.perpetrators else list(filters.perpetrators)
    )
    st.session_state[_KEYS["from"]] = filters.month_from
    st.session_state[_KEYS["to"]] = filters.month_to


def _reset() -> None:
    # A callback runs before the widgets are drawn, the one time their state may be set.
    _widgets_from(Filters())
    st.session_state["url_notices"] = []


def sidebar_filters() -> Filters:
    """Draw the shared filters in the sidebar, mirror them in the URL, and return them."""
    def from_the_link() -> tuple[Filters, list[Notice]]:
        # First staff run of this browser session: the link is the source of truth, as it was opened.
        read = from_query_params({**st.session_state.get(OPENING_LINK, {}), **st.query_params.to_dict()})
        init_language()
        return read

    def last_filters() -> Filters:  # the last filters, else the link's, never the widgets' defaults
        return st.session_state.get("filters") or from_query_params(st.query_params.to_dict())[0]

    STAFF_SIDEBAR.seed(from_the_link, _widgets_from, last_filters, lambda: st.session_state.pop("lang_notices", []))
    init_language()

    span = Filters()
    all_months = [add_months(span.month_from, n) for n in range(months_between(span.month_from, span.month_to))]
    follow_the_span(_KEYS["from"], _KEYS["to"], all_months, "f_span")
    with st.sidebar:
        _ = translator()
        language_switcher()
        st.header(_("Filters"))
        regions = st.multiselect(_("Regions"), REGION_CODES, key=_KEYS["regions"], format_func=_.region,
                                 placeholder=_("All regions"), select_all=False)
        # Two month pickers rather than a range slider: exact to the month with
        # the keyboard, and readable on a projector.
        first, last = st.columns(2)
        month_from: dt.date = first.selectbox(_("From"), all_months, key=_KEYS["from"], format_func=month_text,
                                              help=_("Months are the finest time unit stored."))
        month_to: dt.date = last.selectbox(
            _("To"), all_months, key=_KEYS["to"], format_func=month_text,
            help=_("Reach is counted per quarter, for quarters wholly inside the period."))
        types = st.multiselect(_("Violation types"), list(VIOLATION_TYPES), key=_KEYS["types"],
                               format_func=_.violation_type, placeholder=_("All violation types"),
                               select_all=False)  # none chosen already means all
        perpetrators = st.multiselect(_("Perpetrators"), list(PERPETRATORS), key=_KEYS["perpetrators"],
                                      format_func=_.perpetrator, placeholder=_("All perpetrators"),
                                      select_all=False)
        st.button(_("Reset filters"), width="stretch", on_click=_reset)

    month_from, month_to = in_order(month_from, month_to)
    values: dict[str, Any] = {"month_from": month_from, "month_to": month_to}
    if regions:
        values["regions"] = tuple(regions)
    if types:
        values["types"] = tuple(types)
    if perpetrators:
        values["perpetrators"] = tuple(perpetrators)
    filters = Filters(**values)
    STAFF_SIDEBAR.finish(filters.to_query_params(), URL_KEYS)
    return filters


@dataclass(frozen=True)
class FilterSidebar:
    """The pattern both views' sidebar filters follow, by the session keys each keeps its state under.

    A session's first run reads the link (its notices stay shown until a reset); a later run whose widgets
    Streamlit forgot (it drops a widget's state after any run that did not draw it: a page run on its own,
    see ensure_entry_script_ran, or a first run cut short by the next one) sets them again from the last
    filters, never from their defaults. Each run ends by mirroring the filters in the link.
    """

    initialised: str
    notices: str
    widget_keys: tuple[str, ...]

    def seed(self, from_link: Callable[[], tuple[F, list[Notice]]], widgets_from: Callable[[F], None],
             last: Callable[[], F], language_notices: Callable[[], list[Notice]]) -> None:
        if self.initialised not in st.session_state:
            filters, notices = from_link()
            widgets_from(filters)
            st.session_state[self.notices] = language_notices() + notices
            st.session_state[self.initialised] = True
        elif not all(key in st.session_state for key in self.widget_keys):
            widgets_from(last())

    def finish(self, params: dict[str, str], url_keys: tuple[str, ...]) -> None:
        """Mirror the filters in the link; show the link's notices and the settings' problems."""
        mirror_in_url(params, url_keys)
        for notice in st.session_state.get(self.notices, []):
            st.warning(notice.text(translator()), icon=":material/link_off:")
        for problem in config.SETTING_PROBLEMS:
            st.warning(problem, icon=":material/settings:")


STAFF_SIDEBAR = FilterSidebar("filters_initialised", "url_notices", tuple(_KEYS.values()))


def in_order(first: T, last: T) -> tuple[T, T]:
    """A period's ends in order; given backwards, swapped, with a word in the sidebar."""
    if first > last:  # type: ignore[operator]
        _ = translator()
        st.sidebar.caption(_("The period was given backwards, so its ends are swapped."))
        return last, first
    return first, last


def follow_the_span(key_from: str, key_to: str, offered: Sequence[dt.date], last_offered: str) -> None:
    """Keep two period pickers inside what they offer when the data's period changes (an import).

    An end that stood at the old period's end moves to the new one, so the whole period stays chosen;
    an end the new period no longer holds moves to its nearest end.
    """
    first, last = offered[0], offered[-1]
    before = st.session_state.get(last_offered)
    st.session_state[last_offered] = (first, last)
    for key, old_end, new_end in ((key_from, before and before[0], first), (key_to, before and before[1], last)):
        value = st.session_state.get(key)
        if value is None:
            continue
        if before is not None and before != (first, last) and value == old_end:
            st.session_state[key] = new_end
        elif value not in offered:
            st.session_state[key] = min(max(value, first), last)


def mirror_in_url(wanted: dict[str, str], keys: tuple[str, ...]) -> None:
    """Make the link hold these of one view's filter parameters (keys), and the language.

    The other view's parameters are left alone: a staff link opened before logging in keeps its filters.
    """
    # The language always stays in the link, so a copied link opens in the same language.
    wanted = {**wanted, "lang": st.session_state[CHOSEN_LANG]}
    for key in (*keys, "lang"):
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]


def describe(filters: Filters) -> str:
    """A one-line description of the filters, for captions."""
    _ = translator()
    default = Filters()
    parts = [_("{first} to {last}", first=month_text(filters.month_from), last=month_text(filters.month_to))]
    parts.append(_("all regions") if filters.regions == default.regions
                 else ", ".join(_.region(c) for c in filters.regions))
    if filters.types != default.types:
        parts.append(_("types: {names}", names=", ".join(_.violation_type(t) for t in filters.types)))
    if filters.perpetrators != default.perpetrators:
        parts.append(_("perpetrators: {names}", names=", ".join(_.perpetrator(p) for p in filters.perpetrators)))
    return " · ".join(parts)


def sample_banner(*, short: bool = False) -> None:
    """While the synthetic sample is loaded, say so on every page, with what it is calibrated to (short: in
    one line, for presentation mode, where the slide needs the room)."""
    if cache.dataset_meta().get("dataset") == "sample":
        _ = translator()
        if short:
            st.info(_("**Illustrative sample data, not real case records.**"), icon=":material/science:")
            return
        st.info(
            _("**Illustrative sample data, not real case records.** The breakdown by region and month is "
              "invented. Only its national totals are calibrated to published figures: {calibration}.",
              calibration=_(SAMPLE_CALIBRATION)),
            icon=":material/science:",
        )


def lazy_expander(label: str, *, key: str, icon: str | None = None) -> DeltaGenerator | None:
    """An expander whose contents are drawn only while it is open: the container to draw them in, or None.

    Opening or closing it reruns the page. Closed, as such sections usually are, it is one element in
    every rerun instead of all its contents: less for the server to make and send and for the browser to
    draw with every filter change. Use it for what is read now and then, not for what the page is about.
    """
    expander = st.expander(label, icon=icon, key=key, on_change="rerun")
    return expander if expander.open else None


def files_language(default: str, key: str) -> str:
    """The language of the files a download panel makes, chosen in the panel (both views' panels ask so)."""
    _ = translator()
    return st.segmented_control(_("Language of the files"), list(i18n.LANGUAGES), default=default,
                                format_func=i18n.LANGUAGES.__getitem__, key=key) or default


def stamp_caption(stamp: str) -> None:
    """Under a download panel's language: what every file it makes is stamped with."""
    _ = translator()
    st.caption(_("Every file is stamped:") + " " + stamp)


def database_error(exc: db.DatabaseError, *, details: bool = False) -> None:
    """Stop the page: the reason only for a logged-in staff member, since it names server paths; always in the log."""
    _ = translator()
    logging.getLogger("rightsmap").error("the dashboard cannot open its data: %s", exc)
    if details:
        st.error(_("The dashboard cannot open its data.") + f" {exc}", icon=":material/error:")
    else:
        st.error(_("The data is unavailable at the moment. Please try again later."), icon=":material/error:")
    st.stop()



def current_filters() -> Filters:
    """The filters the entry script read from the sidebar on this run."""
    cache_rules.refuse_in_build("the session's filters")
    ensure_entry_script_ran()
    return st.session_state["filters"]


def ensure_entry_script_ran() -> None:
    """Rerun through dashboard.py when Streamlit ran a page file on its own.

    Streamlit treats an app with a pages/ folder as a legacy multipage app
    until the entry script first calls st.navigation. So the first requests
    a new server gets for a deep link (/map) run pages/map.py without the
    entry script: no sidebar, no filters. Every such run (there can be many
    at once when a room opens the same link) switches the legacy mode off
    and reruns, which sends it through dashboard.py like every later run.
    """
    drew = compat.entry_script_drew(LANG_KEY)
    if drew:
        st.session_state["_entry_reruns"] = 0
        return  # the entry script drew the sidebar in this run
    legacy = compat.legacy_pages_mode()
    if legacy is None or (drew is None and not legacy):
        return  # no way to tell or to fix it (compat.check named what is missing): trust the legacy flag
    compat.leave_legacy_pages_mode()
    attempts = st.session_state.get("_entry_reruns", 0)
    if attempts >= 3:  # never loop: say what is wrong instead
        st.error("The dashboard could not start this page. Open the link again, or start from the home page.")
        st.stop()
    st.session_state["_entry_reruns"] = attempts + 1
    st.rerun()


def has_previous(filters: Filters) -> bool:
    """Whether the period before this one lies inside the data."""
    return filters.previous().month_from >= Filters().month_from


def event_titles(events: pd.DataFrame) -> pd.DataFrame:
    """Events with a `title` in the chosen language, falling back to another language's title."""
    lang = translator().lang
    order = [f"title_{lang}", "title_en", "title_ru", "title_ky"]
    titles = [next((t for t in (getattr(row, c) for c in order) if isinstance(t, str) and t), "")
              for row in events.itertuples()]
    return events.assign(title=titles)


def event_list(events: pd.DataFrame) -> None:
    """The numbered events drawn on a chart, as text under it (titles are shown as plain text)."""
    text = event_list_markdown(events)
    if text:
        st.caption(text)


def event_list_markdown(events: pd.DataFrame, *, public_view: bool = False) -> str:
    """event_list's text ("" without events); titles are escaped, so they show as written. For the public
    view: only events marked public, dated by quarter."""
    if public_view:
        events = events[events["public"].fillna(False).astype(bool)]
    titled = events if events.empty or "title" in events else event_titles(events)
    return _event_lines(((row.event_date, row.title) for row in titled.itertuples()),
                        **({"when": _quarter_of} if public_view else {}))


def _quarter_of(date: dt.date) -> str:
    return f"{date.year}-Q{(date.month - 1) // 3 + 1}"


def _event_lines(events: Iterable[tuple[dt.date, str]], when=lambda date: f"{date:%Y-%m}") -> str:
    """Dated titles as numbered lines under "Events" ("" without any); when writes the date."""
    lines = [f"{number}. {when(date)} — {escape_markdown(title)}" for number, (date, title) in enumerate(events, 1)]
    return translator()("Events") + "  \n" + "  \n".join(lines) if lines else ""


def event_list_text(filters: Filters) -> str:
    """The public view's events in the period and region, without a frame (pandas took ~10 ms a change for a
    few dozen rows): only events staff marked public on import, dated by quarter as the public view is."""
    first, after = filters.month_from, add_months(filters.month_to, 1)
    regions = set(filters.regions)
    return _event_lines(((date, title) for date, region, title in _public_titles()
                         if first <= date < after and (region is None or region in regions)),
                        when=_quarter_of)


def _public_titles() -> tuple[tuple[dt.date, str | None, str], ...]:
    """Every public event as (date, region or None for the whole country, title in the chosen language)."""
    return _public_titles_in(translator().lang)


@cache.kept
def _public_titles_in(lang: str) -> tuple[tuple[dt.date, str | None, str], ...]:
    every = cache.all_events()
    titled = event_titles(every[every["public"].fillna(False).astype(bool)])
    return tuple((pd.Timestamp(row.event_date).date(), None if pd.isna(row.region) else row.region, row.title)
                 for row in titled.itertuples())


def escape_markdown(text: str) -> str:
    """Text that Streamlit's Markdown shows as written: no links, no HTML, no emphasis."""
    text = plaintext.no_autolinks(text)  # escapes do not stop Markdown's own links (www., https://)
    return "".join("\\" + ch if ch in "\\`*_{}[]<>()#+-.!|~:$" else ch for ch in text)


def chart(kind: str, frame: pd.DataFrame | None = None, *, events: pd.DataFrame | None = None,
          height: int | None = None, source: Hashable | None = None, **options: object) -> None:
    """Draw one chart from rightsmap.render.charts across the page, in the chosen language, from a cached spec.

    source, when given, names what frame and events were made from (the filters, and any choice of
    the page that shaped them); the spec is then cached by it and the database file instead of by
    hashing the frames on every rerun, which was a fifth of a warm rerun of the chart pages.
    """
    frozen = tuple((name, tuple(value.items()) if isinstance(value, dict) else value)
                   for name, value in options.items())
    lang = translator().lang
    if source is None:
        spec = cache.chart_spec(kind, lang, frozen, frame, events, height)
    else:
        spec = cache.chart_spec_by_source(kind, lang, frozen, height, source, frame, events)
    st.vega_lite_chart(spec, width="stretch")


def events(filters: Filters) -> pd.DataFrame:
    """The events for the filters, with their titles in the chosen language (the caller's own copy).

    Kept per database file, filters and language: filtering and titling them was ~3 ms a rerun.
    """
    return _titled_events(filters, translator().lang)


@cache.kept
def _titled_events(filters: Filters, lang: str) -> pd.DataFrame:
    return event_titles(cache.events(filters))


COLUMN_LABELS = {
    "period": N_("Period"), "quarter": N_("Quarter"), "region": N_("Region"), "category": N_("Category"),
    "cases": N_("Cases"), "raid_events": N_("Raids"), "people_detained_in_raids": N_("People detained in raids"),
    "detentions": N_("Documented detentions"), "detention_days": N_("Days in detention"),
    "planned": N_("Planned"), "reached": N_("Reached"), "coverage_pct": N_("Coverage, % of plan"),
    "code": N_("Code"), "value": N_("Value"), "name": N_("Name"), "shown": N_("Figure"), "group": N_("Group"),
    "count": N_("Count"), "estimate_year": N_("Estimate's year"), "estimate": N_("Estimate"),
    "low": N_("Estimate, low"), "high": N_("Estimate, high"), "value_low": N_("Rate, low"),
    "value_high": N_("Rate, high"), "rate": N_("Rate"), "rate_low": N_("Rate, low"), "rate_high": N_("Rate, high"),
    "source": N_("Source"),
}


def text_table_markdown(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A short table of text (the public figures as shown) as a Markdown table: an HTML table in the
    page that screen readers read and printers print, and far lighter to send and draw than a grid.
    Headers are the columns' names in the language; every cell is escaped so it shows as written."""
    _ = translator()
    headers = [_(COLUMN_LABELS[c]) if c in COLUMN_LABELS else str(c) for c in columns]
    lines = ["| " + " | ".join(escape_markdown(h) for h in headers) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(escape_markdown(str(value)) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def rate_notes(rates: pd.DataFrame, without: Sequence[str]) -> None:
    """Under a rate: the regions without an estimate (never divided by a guess), and the estimates' sources."""
    _ = translator()
    if without:
        st.caption(_("No population size estimate for {regions}, so no rate there.",
                     regions=", ".join(_.region(code) for code in without)))
    if sources := sorted(set(rates["source"].dropna())):
        st.caption(_("Population size estimates from: {sources}.", sources="; ".join(_.text(s) for s in sources)))


def table(frame: pd.DataFrame) -> None:
    """Show a frame with its columns, regions and categories named in the chosen language."""
    st.dataframe(table_frame(frame), hide_index=True)


def table_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """table's frame: a copy of frame with its columns, regions, categories and periods in the chosen language."""
    _ = translator()
    shown = frame.copy()
    if "region" in shown:
        shown["region"] = [_("All chosen regions") if r == "all" else _.region(r) for r in shown["region"]]
    if "category" in shown:
        shown["category"] = [_.violation_type(c) if c in VIOLATION_TYPES else _.perpetrator(c)
                             for c in shown["category"]]
    if "period" in shown:
        shown["period"] = [month_text(p) for p in pd.to_datetime(shown["period"]).dt.date]
    if "quarter" in shown:  # one way to write a quarter in each language, as on the charts' axes
        shown["quarter"] = [_.quarter(q) for q in pd.to_datetime(shown["quarter"]).dt.date]
    if "coverage_pct" in shown:  # 78,9 % as everywhere else, not 78.9
        shown["coverage_pct"] = [_.percent(None if pd.isna(v) else float(v)) for v in shown["coverage_pct"]]
    if "source" in shown:  # an estimate's source: the sample's is a message, an imported one is shown as written
        shown["source"] = [_.text(s) if isinstance(s, str) else s for s in shown["source"]]
    return shown.rename(columns={k: _(v) for k, v in COLUMN_LABELS.items()})
