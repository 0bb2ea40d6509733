"""Profile warm reruns of each page with pyinstrument (pip install -r requirements-dev.txt).

    .venv/bin/python bench/profile_pages.py [pages/map.py ...] [--reruns 5]

Runs the app in AppTest on a fresh sample database, warms the caches, then
profiles a few reruns of each page and prints pyinstrument's call tree.
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

from rightsmap import sample  # noqa: E402

PAGES = ["pages/overview.py", "pages/map.py", "pages/timelines.py", "pages/reach.py", "pages/about.py"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*", default=PAGES)
    parser.add_argument("--reruns", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["RIGHTSMAP_DB"] = str(sample.build(Path(tmp) / "sample.duckdb"))
        for page in args.pages:
            at = AppTest.from_file(str(HERE / "profile_entry.py"), default_timeout=60).run()
            if page != "pages/overview.py":
                at.switch_page("../" + page).run()
            if page == "pages/map.py":
                at.selectbox(key="map_region_pick").set_value("KG-GB").run()
            for _ in range(3):
                at.run()
            profiler = Profiler(interval=0.001)
            builtins._rightsmap_profiler = profiler
            for _ in range(args.reruns):
                at.run()
            builtins._rightsmap_profiler = None
            print(f"===== {page}: {args.reruns} warm reruns")
            print(profiler.output_text(unicode=False, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
