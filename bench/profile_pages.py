"""Profile warm reruns of each page with pyinstrument (pip install -r requirements-dev.txt).

    .venv/bin/python bench/profile_pages.py [pages/public.py ...] [--reruns 5] [--change-from]

Runs the app in AppTest on a fresh sample database, warms the caches, then
profiles a few reruns of each page and prints pyinstrument's call tree. The
public pages run as a visitor; the staff pages as a logged-in staff member
(an account in a temporary RIGHTSMAP_USERS file). Everything in English.
With --change-from, each profiled rerun of a public page first chooses a
"From" quarter not chosen before (a filter change whose caches miss).
"""

from __future__ import annotations

import argparse
import builtins
import os
import sys
import tempfile
from pathlib import Path

from pyinstrument import Profiler
from streamlit.testing.v1 import AppTest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from rightsmap.data import auth  # noqa: E402
from rightsmap.disclosure.public_filters import all_quarters  # noqa: E402
from rightsmap.records import sample  # noqa: E402
from rightsmap.web import staff  # noqa: E402

PUBLIC_PAGES = ["pages/public.py", "pages/show.py", "pages/about.py"]
STAFF_PAGES = ["pages/overview.py", "pages/map.py", "pages/timelines.py", "pages/reach.py", "pages/present.py"]
DEFAULT_PAGE = "pages/public.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*", default=PUBLIC_PAGES + STAFF_PAGES)
    parser.add_argument("--reruns", type=int, default=5)
    parser.add_argument("--change-from", action="store_true",
                        help="public pages: a new 'From' quarter before each profiled rerun")
    args = parser.parse_args(argv)
    if args.change_from and not set(args.pages) <= set(PUBLIC_PAGES):
        parser.error("--change-from is for the public pages only")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["RIGHTSMAP_DB"] = str(sample.build(Path(tmp) / "sample.duckdb"))
        os.environ["RIGHTSMAP_USERS"] = str(Path(tmp) / "users.json")
        auth.add_user("bench", "a long bench password")
        for page in args.pages:
            at = AppTest.from_file(str(HERE / "profile_entry.py"), default_timeout=60)
            at.query_params["lang"] = "en"
            if page in STAFF_PAGES:
                at.session_state[staff.SESSION_KEY] = auth.StaffSession(name="bench", last_seen=staff._now())
            at.run()
            if page != DEFAULT_PAGE:
                at.switch_page("../" + page).run()
            if page == "pages/map.py":
                at.selectbox(key="map_region_pick").set_value("KG-GB").run()
            for _ in range(3):
                at.run()
            if at.exception or any(t.value == "Staff login" for t in at.title):
                raise RuntimeError(f"{page}: {at.exception or 'showed the staff login'}")
            quarters = iter(all_quarters()[1:])
            profiler = Profiler(interval=0.001)
            builtins._rightsmap_profiler = profiler
            for _ in range(args.reruns):
                if args.change_from:
                    at.selectbox(key="p_from").set_value(next(quarters))
                at.run()
            builtins._rightsmap_profiler = None
            what = "reruns after a new 'From' quarter" if args.change_from else "warm reruns"
            print(f"===== {page}: {args.reruns} {what}")
            print(profiler.output_text(unicode=False, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
