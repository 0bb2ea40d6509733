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

# The months the filters offer (inclusive). The sample covers 2015-01 to 2019-12;
# with imported data, set RIGHTSMAP_FIRST_MONTH / RIGHTSMAP_LAST_MONTH to its span.
DEFAULT_FIRST_MONTH = "2015-01"
DEFAULT_LAST_MONTH = "2019-12"
# Settings that were set but could not be used, as messages for the app and the command line.
SETTING_PROBLEMS: list[str] = []


def _month_setting(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    year, _, month = value.partition("-")
    if len(year) == 4 and year.isdigit() and month.isdigit() and len(month) == 2 and 1 <= int(month) <= 12:
        return value
    SETTING_PROBLEMS.append(f"{name}={value[:20]!r} is not a month such as 2017-05; using {default}")
    return default


FIRST_MONTH = _month_setting("RIGHTSMAP_FIRST_MONTH", DEFAULT_FIRST_MONTH)
LAST_MONTH = _month_setting("RIGHTSMAP_LAST_MONTH", DEFAULT_LAST_MONTH)
if FIRST_MONTH > LAST_MONTH:
    SETTING_PROBLEMS.append(f"RIGHTSMAP_FIRST_MONTH ({FIRST_MONTH}) is after RIGHTSMAP_LAST_MONTH ({LAST_MONTH}); "
                            f"using {DEFAULT_FIRST_MONTH} to {DEFAULT_LAST_MONTH}")
    FIRST_MONTH, LAST_MONTH = DEFAULT_FIRST_MONTH, DEFAULT_LAST_MONTH


def db_path(override: str | os.PathLike | None = None) -> Path:
    """The database file: an explicit path, else $RIGHTSMAP_DB, else data/rightsmap.duckdb."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get("RIGHTSMAP_DB")
    if env:
        return Path(env).expanduser().resolve()
    return DEFAULT_DB
