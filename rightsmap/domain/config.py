"""Paths and settings. Every path is built from this file, never from the working directory."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from rightsmap.domain.vocab import N_

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # rightsmap/
# The one settings path: the directory that holds queries/, geodata/, dashboard.py and data/. In a
# checkout it is the package's parent; an installed package (in site-packages) is told with RIGHTSMAP_HOME.
_HOME = os.environ.get("RIGHTSMAP_HOME", "").strip()
ROOT = Path(_HOME).expanduser().resolve() if _HOME else PACKAGE_DIR.parent
DASHBOARD = ROOT / "dashboard.py"
QUERIES_DIR = ROOT / "queries"
GEODATA_DIR = ROOT / "geodata"
BOUNDARIES_FILE = GEODATA_DIR / "regions.geojson"
# Streamlit serves files under static/ next to the entry script at /app/static/.
STATIC_DIR = ROOT / "static"
STATIC_URL = "/app/static"
DEFAULT_DB = ROOT / "data" / "rightsmap.duckdb"

# The months the filters offer come from the data (rightsmap.domain.period). These settings, when set,
# override either end: RIGHTSMAP_FIRST_MONTH / RIGHTSMAP_LAST_MONTH, months such as 2017-05.
# Settings that were set but could not be used, as messages for the app and the command line.
SETTING_PROBLEMS: list[str] = []
if not QUERIES_DIR.is_dir() or not GEODATA_DIR.is_dir():
    SETTING_PROBLEMS.append(f"{ROOT} holds no queries/ and geodata/: set RIGHTSMAP_HOME to the rightsmap "
                            "directory that has them")


def _month_setting(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    year, _, month = value.partition("-")
    if len(year) == 4 and year.isdigit() and month.isdigit() and len(month) == 2 and 1 <= int(month) <= 12:
        return value
    SETTING_PROBLEMS.append(f"{name}={value[:20]!r} is not a month such as 2017-05; using the data's period")
    return None


FIRST_MONTH = _month_setting("RIGHTSMAP_FIRST_MONTH")
LAST_MONTH = _month_setting("RIGHTSMAP_LAST_MONTH")
if FIRST_MONTH and LAST_MONTH and FIRST_MONTH > LAST_MONTH:
    SETTING_PROBLEMS.append(f"RIGHTSMAP_FIRST_MONTH ({FIRST_MONTH}) is after RIGHTSMAP_LAST_MONTH ({LAST_MONTH}); "
                            "using the data's period")
    FIRST_MONTH = LAST_MONTH = None


def _count_setting(name: str, default: int, lowest: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if value.isdigit() and int(value) >= lowest:
        return int(value)
    SETTING_PROBLEMS.append(f"{name}={value[:20]!r} is not a whole number of at least {lowest}; using {default}")
    return default


# The public view hides every count from 1 to MIN_COUNT - 1 (and enough others that
# none of them can be worked out). 5 is a common floor for counts about people.
MIN_COUNT = _count_setting("RIGHTSMAP_MIN_COUNT", 5, 2)


def db_path(override: str | os.PathLike | None = None) -> Path:
    """The database file: an explicit path, else $RIGHTSMAP_DB, else data/rightsmap.duckdb."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get("RIGHTSMAP_DB")
    if env:
        return _resolved(env, os.getcwd())
    return DEFAULT_DB


@functools.lru_cache(maxsize=16)
def _resolved(path: str, cwd: str) -> Path:
    # Every cached query asks for the database's path, a dozen times a page run: resolving it (a
    # system call per part of the path) was 4% of a filter change on the server.
    return Path(path).expanduser().resolve()


# Which pages this process serves: "all" (the public view, and the staff view behind its login) or
# "public" (the public view only: the staff pages and their login do not exist in this process, for a
# projector laptop or a public address; run a second process with "all" for staff).
VIEWS = ("all", "public")


def _view_setting(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip().lower()
    if not value or value in VIEWS:
        return value or default
    # Unknown: the safer of the two, so that a typo never opens the staff pages on a public address.
    SETTING_PROBLEMS.append(f"{name}={value[:20]!r} is not one of {', '.join(VIEWS)}; serving the public view only")
    return "public"


VIEW = _view_setting("RIGHTSMAP_VIEW", "all")


# Staff accounts: how long a staff login lasts without activity, and where the accounts are kept.
DEFAULT_SESSION_MINUTES = 30


def _minutes_setting(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if value.isascii() and value.isdigit() and 1 <= int(value) <= 24 * 60:
        return int(value)
    SETTING_PROBLEMS.append(f"{name}={value[:20]!r} is not a number of minutes from 1 to 1440; using {default}")
    return default


SESSION_MINUTES = _minutes_setting("RIGHTSMAP_SESSION_MINUTES", DEFAULT_SESSION_MINUTES)


def users_path() -> Path:
    """The staff accounts file: $RIGHTSMAP_USERS, else data/users.json (data/ is not in git)."""
    env = os.environ.get("RIGHTSMAP_USERS")
    if env:
        return Path(env).expanduser().resolve()
    return ROOT / "data" / "users.json"


# Encryption at rest (rightsmap/data/crypto.py). The key is read each time a database is opened, never at import.
def encryption_key() -> str | None:
    """The database key: the contents of $RIGHTSMAP_DB_KEY_FILE, else $RIGHTSMAP_DB_KEY, else None (no encryption).

    Raises ValueError, whose message never contains the key, when the key file is missing, unreadable or empty.
    """
    key_file = os.environ.get("RIGHTSMAP_DB_KEY_FILE", "").strip()
    if key_file:
        return key_from_file(key_file, "RIGHTSMAP_DB_KEY_FILE")
    return os.environ.get("RIGHTSMAP_DB_KEY", "").strip() or None


def key_from_file(path: str | os.PathLike, setting: str) -> str:
    """The key in a file (surrounding whitespace removed); warns when other users can read the file."""
    import warnings

    key_path = Path(path).expanduser()
    try:
        mode = key_path.stat().st_mode
        text = key_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(N_("{setting}: no key file at {path}").format(setting=setting, path=key_path)) from None
    except (OSError, UnicodeError):
        raise ValueError(N_("{setting}: cannot read the key file {path}").format(setting=setting, path=key_path)) from None
    if mode & 0o077:
        problem = N_("other users of this machine have access to the key file {path}; restrict it with chmod 600").format(path=key_path)
        if problem not in SETTING_PROBLEMS:
            SETTING_PROBLEMS.append(problem)
        warnings.warn(problem, stacklevel=3)
    if not text.strip():
        raise ValueError(N_("{setting}: the key file {path} is empty").format(setting=setting, path=key_path))
    return text.strip()
