"""Imports made ahead of the first page that needs them: the public view's modules while the server
starts (rightsmap.cli.serve's warm-up), and the staff pages' (Altair, geopandas) once the staff login form
is shown (rightsmap.web.staff).
"""

from __future__ import annotations

import importlib
import logging
import threading

log = logging.getLogger(__name__)

# What the public overview (the default page) imports, heaviest first; the staff pages share them.
# streamlit_folium (through rightsmap.web.mapview) is imported outside a script run here, so its component
# is not registered by the import: mapview.show registers it before the page sends the map.
PRELOAD = (
    "pandas",
    "pyarrow",
    "folium",
    "folium.plugins",
    "duckdb",
    "streamlit_folium",
    "streamlit.emojis",  # set_page_config's icon check compiles its large pattern on first use
    "rightsmap.web.cache",
    "rightsmap.render.maps",
    "rightsmap.web.mapview",
    "rightsmap.web.public_sections",
    "rightsmap.web.public_downloads",
    "rightsmap.web.public_ui",
    "rightsmap.web.staff",
    "rightsmap.web.streamlit_words",  # its frontend fragments, for compat.check_once in the warm-up
)


# What the public overview does not import: Altair, half a second of imports (its chart is SVG text,
# rightsmap.render.public_chart), and geopandas with shapely (its map's shapes are plain GeoJSON; the download
# files' static maps use it). The warm-up would make a fresh server's first public page wait for them,
# so the staff login form starts these imports instead (preload_in_background).
PRELOAD_STAFF = ("altair", "rightsmap.render.charts", "geopandas")


def preload(modules: tuple[str, ...] = PRELOAD) -> list[str]:
    """Import modules; return the ones that failed (the page that needs one then shows its error)."""
    failed = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - reported where the page imports it, with the page's own message
            log.debug("preloading %s failed", name, exc_info=True)
            failed.append(name)
    return failed


_started: set[tuple[str, ...]] = set()


_started_lock = threading.Lock()


def preload_in_background(modules: tuple[str, ...]) -> bool:
    """Import modules in a background thread, once per process; True if this call started it."""
    with _started_lock:
        if modules in _started:
            return False
        _started.add(modules)
    threading.Thread(target=preload, args=(modules,), name="rightsmap-preload", daemon=True).start()
    return True
