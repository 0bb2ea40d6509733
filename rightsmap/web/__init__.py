"""The Streamlit side: caches, sidebars, the map component, login, and the public and staff sections."""
