"""Maps, charts and geodata as figures and HTML, with no Streamlit: shared by the pages and the exports."""
