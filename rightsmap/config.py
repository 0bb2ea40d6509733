"""Paths and settings. Every path is built from this file, never from the working directory."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
QUERIES_DIR = ROOT / "queries"
GEODATA_DIR = ROOT / "geodata"
BOUNDARIES_FILE = GEODATA_DIR / "regions.geojson"
# Streamlit serves files under static/ next to the entry script at /app/static/.
STATIC_DIR = ROOT / "static"
STATIC_URL = "/app/static"
DEFAULT_DB = ROOT / "data" / "rightsmap.duckdb"

# The sample and the filters span these months (inclusive).
FIRST_MONTH = "2015-01"
LAST_MONTH = "2019-12"


def db_path(override: str | os.PathLike | None = None) -> Path:
    """The database file: an explicit path, else $RIGHTSMAP_DB, else data/rightsmap.duckdb."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get("RIGHTSMAP_DB")
    if env:
        return Path(env).expanduser().resolve()
    return DEFAULT_DB
