"""rightsmap: the entry script. Page config, navigation, shared sidebar filters, sample banner."""

from pathlib import Path

import streamlit as st

from rightsmap import cache, db, ui

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="rightsmap", page_icon="🗺️", layout="wide")

navigation = st.navigation(
    [
        st.Page(HERE / "pages" / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page(HERE / "pages" / "map.py", title="Map", icon=":material/map:", url_path="map"),
        st.Page(HERE / "pages" / "timelines.py", title="Timelines", icon=":material/timeline:", url_path="timelines"),
        st.Page(HERE / "pages" / "reach.py", title="Service reach", icon=":material/volunteer_activism:",
                url_path="reach"),
        st.Page(HERE / "pages" / "present.py", title="Present", icon=":material/slideshow:", url_path="present"),
        st.Page(HERE / "pages" / "about.py", title="About the data", icon=":material/info:", url_path="about"),
        st.Page(HERE / "pages" / "data.py", title="Import data", icon=":material/upload_file:", url_path="data"),
    ]
)

try:
    st.session_state["filters"] = ui.sidebar_filters()
    ui.sample_banner()
    if cache.data_span() == (None, None):
        st.info("No data yet: this database is empty. Staff can add data on the Import data page.",
                icon=":material/inbox:")
except db.DatabaseError as exc:
    ui.database_error(exc)

navigation.run()
