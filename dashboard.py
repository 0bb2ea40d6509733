"""rightsmap: the entry script. Page config, navigation, shared sidebar filters, sample banner."""

from pathlib import Path

import streamlit as st

from rightsmap import cache, db, ui
from rightsmap.vocab import N_

HERE = Path(__file__).resolve().parent

PAGES = (  # file, title, icon, URL path
    ("overview.py", N_("Overview"), ":material/dashboard:", "overview"),
    ("map.py", N_("Map"), ":material/map:", "map"),
    ("timelines.py", N_("Timelines"), ":material/timeline:", "timelines"),
    ("reach.py", N_("Service reach"), ":material/volunteer_activism:", "reach"),
    ("present.py", N_("Present"), ":material/slideshow:", "present"),
    ("about.py", N_("About the data"), ":material/info:", "about"),
    ("data.py", N_("Import data"), ":material/upload_file:", "data"),
)

st.set_page_config(page_title="rightsmap", page_icon="🗺️", layout="wide")
_ = ui.init_language()
navigation = st.navigation([
    st.Page(HERE / "pages" / file, title=_(title), icon=icon, url_path=path, default=(path == "overview"))
    for file, title, icon, path in PAGES
])

try:
    st.session_state["filters"] = ui.sidebar_filters()
    ui.sample_banner()
    if cache.data_span() == (None, None):
        st.info(_("No data yet: this database is empty. Staff can add data on the Import data page."),
                icon=":material/inbox:")
except db.DatabaseError as exc:
    ui.database_error(exc)

navigation.run()
