"""rightsmap: the entry script. Page config, the two views' navigation, sidebar filters, view marker, banner."""

from pathlib import Path

import streamlit as st

from rightsmap import compat
from rightsmap.data import db
from rightsmap.domain import config
from rightsmap.domain.vocab import N_
from rightsmap.web import cache, public_ui, staff, streamlit_words, ui

HERE = Path(__file__).resolve().parent

PUBLIC_PAGES = (  # file, title, icon, URL path
    ("public.py", N_("Overview"), ":material/public:", "start"),
    ("show.py", N_("Present"), ":material/slideshow:", "show"),
    ("about.py", N_("About the data"), ":material/info:", "about"),
)
STAFF_PAGES = (
    ("overview.py", N_("Exact counts"), ":material/dashboard:", "overview"),
    ("map.py", N_("Map"), ":material/map:", "map"),
    ("timelines.py", N_("Timelines"), ":material/timeline:", "timelines"),
    ("reach.py", N_("Service reach"), ":material/volunteer_activism:", "reach"),
    ("present.py", N_("Present exact counts"), ":material/slideshow:", "present"),
    ("data.py", N_("Import data"), ":material/upload_file:", "data"),
)


def _page(file: str, title: str, icon: str, path: str) -> st.Page:
    return st.Page(HERE / "pages" / file, title=_(title), icon=icon, url_path=path, default=(path == "start"))


def _locked(title: str, path: str) -> st.Page:
    """A staff page's address while nobody is logged in: it shows the login, then the page itself."""
    return st.Page(staff.login_page, title=_(title), icon=":material/lock:", url_path=path)


st.set_page_config(page_title="rightsmap", page_icon="🗺️", layout="wide")
compat.check_once()  # under a plain `streamlit run`: names any missing Streamlit/folium internal, once per process
cache.follow_the_database()
_ = ui.init_language()
# RIGHTSMAP_VIEW=public: this process has no staff pages at all, not even their login form.
public_only = config.VIEW == "public"
user = None if public_only else staff.current_user()
public = [_page(*page) for page in PUBLIC_PAGES]
# Streamlit serves the default page at / only; this hidden twin answers the documented /public too.
public.append(st.Page(HERE / "pages" / "public.py", title=_("Overview"), url_path="public", visibility="hidden"))
if user is None:
    staff_pages = [_locked(title, path) for _file, title, _icon, path in STAFF_PAGES]
else:
    staff_pages = [_page(*page) for page in STAFF_PAGES]
sections = {_("Public view"): public} if public_only else {_("Public view"): public, _("Staff view (login)"): staff_pages}
# Our own links in the sidebar, not Streamlit's sectioned navigation: Streamlit draws its sections as
# <div>s inside a <ul>, which screen readers cannot read as a list (axe: list/listitem, serious).
navigation = st.navigation(sections, position="hidden")
with st.sidebar.container(key=streamlit_words.NAV_KEY):  # a landmark with aria-current (streamlit_words)
    for heading, pages in sections.items():
        st.markdown(f"**{heading}**")  # bold text, not a heading: the page's <h1> comes first
        for page in pages:
            if page.visibility != "hidden":
                st.page_link(page)
on_staff_page = navigation.url_path in {path for *_rest, path in STAFF_PAGES}
PRESENTATION_PATHS = ("show", "present")  # full-screen slides: the sample banner takes one line there

try:
    cache.ready(_, public=not on_staff_page)  # the first start's spinners, in the language
    if user is not None and on_staff_page:
        st.session_state["filters"] = ui.sidebar_filters()
    else:
        public_ui.sidebar_filters()
    if user is not None:
        staff.logout_button()
    public_ui.view_marker(user if on_staff_page else None)
    ui.sample_banner(short=navigation.url_path in PRESENTATION_PATHS)
    if cache.data_span() == (None, None):
        st.info(_("No data yet: this database is empty. Staff can add data on the Import data page."),
                icon=":material/inbox:")
except db.DatabaseError as exc:
    ui.database_error(exc, details=user is not None)  # paths only for staff; visitors see "unavailable"

streamlit_words.install(_)  # Streamlit's own words ("Upload", "No results") in the language; last in the sidebar
navigation.run()
