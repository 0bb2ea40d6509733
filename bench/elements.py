"""What the page's elements cost a filter change in Chromium: the floor page with parts of the page added.

    .venv/bin/python bench/elements.py                     # the floor, 15 and 30 unchanging captions, sections
    .venv/bin/python bench/elements.py --changes 8 captions:30 headlines
    .venv/bin/python bench/elements.py --json out.json      # also write every measurement

Each variant is bench/floor_page.py (the public map and one "From" box, started as the app is) with
the parts named drawn below the map: "captions:N" (N lines of text that never change), or one of
the overview's sections (headlines, timeline, breakdown, marks, events; "sections" is all five).
Variants are joined with "+": "captions:15+headlines". The floor itself is always measured.

Every variant gets its own server, and they take turns: each round times the same "From" quarters on
each variant (bench/run.py's filter change: Enter pressed to the new map and caption drawn, plus two
frames), in the opposite order in the second round, so the machine's minutes fall on all of them.
The first round meets cold caches, the second warm ones. A benchmark, not a test: it prints a table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from playwright.sync_api import Error as PlaywrightError  # noqa: E402

from bench import browser, sequence  # noqa: E402
from bench.run import floor_server, log, p95  # noqa: E402
from rightsmap.records import sample  # noqa: E402

SECTIONS = ("headlines", "timeline", "breakdown", "marks", "events")  # bench/floor_page.py's SECTIONS
DEFAULT_VARIANTS = ("captions:15", "captions:30", "headlines", "timeline", "sections")


def variant(text: str) -> str:
    """A variant's parts as floor_page.py reads them (comma-separated); ValueError names a wrong part."""
    parts = []
    for part in text.split("+"):
        count = part.removeprefix("captions:")
        if part == "sections":
            parts += SECTIONS
        elif part in SECTIONS:
            parts.append(part)
        elif part.startswith("captions:") and count.isdigit() and 0 < int(count) <= 200:
            parts.append(part)
        else:
            raise ValueError(f"{part!r} is not a part of the page: use captions:N (N from 1 to 200), sections, "
                             f"or one of {', '.join(SECTIONS)}; join parts with '+'")
    return ",".join(parts)


def _whole(low: int, high: int):
    def whole(text: str) -> int:
        if not text.isdigit() or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from {low} to {high}")
        return int(text)

    return whole


def measure(variants: dict[str, str], changes: int, rounds: int) -> dict[str, list[float]]:
    """Seconds per filter change for each variant (name -> floor_page.py extra), in turns."""
    with tempfile.TemporaryDirectory(prefix="rightsmap-elements-") as tmp:
        work = Path(tmp)
        db_path = sample.build(work / "sample.duckdb")
        quarters, last = sequence.recolouring_quarters(db_path, changes), sequence.last_quarter()
        seconds: dict[str, list[float]] = {name: [] for name in variants}
        servers = {name: floor_server(work, db_path, extra) for name, extra in variants.items()}
        try:
            for server in servers.values():
                server.start()
            with browser.chromium() as chromium:
                for turn in range(rounds):
                    order = list(variants) if turn % 2 == 0 else list(variants)[::-1]
                    for name in order:
                        log(f"round {turn + 1} of {rounds}: {name}")
                        times, errors = browser.filter_change_seconds(chromium, servers[name].url, quarters, last)
                        if errors:
                            raise RuntimeError(f"{name}: the page reported {errors[:3]}")
                        seconds[name] += times
        finally:
            for server in servers.values():
                server.stop()
        return seconds


def table(seconds: dict[str, list[float]], floor: str = "floor") -> list[str]:
    base = statistics.median(seconds[floor])
    rows = [f"{'variant':32s} {'median':>7s} {'p95':>7s} {'median - floor':>15s}"]
    for name, values in seconds.items():
        median = statistics.median(values)
        extra = "" if name == floor else f"{1000 * (median - base):+11.0f} ms"
        if name.startswith("captions:") and "+" not in name:
            extra += f" ({1000 * (median - base) / int(name.removeprefix('captions:')):+.1f} ms each)"
        rows.append(f"{name:32s} {1000 * median:5.0f} ms {1000 * p95(values):5.0f} ms {extra:>15s}")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("variants", nargs="*", default=list(DEFAULT_VARIANTS),
                        help=f"parts of the page to add (default: {' '.join(DEFAULT_VARIANTS)})")
    parser.add_argument("--changes", type=_whole(2, 30), default=12, metavar="2..30",
                        help="filter changes per variant and round (default 12)")
    parser.add_argument("--rounds", type=_whole(1, 6), default=2, metavar="1..6",
                        help="rounds of turns; the first meets cold caches (default 2)")
    parser.add_argument("--json", type=Path, help="also write every measured second to this file")
    args = parser.parse_args(argv)
    chosen = {}
    for name in args.variants:
        try:
            chosen[name] = variant(name)
        except ValueError as exc:
            parser.error(str(exc))
    if args.json and not args.json.parent.is_dir():
        parser.error(f"--json: there is no folder {args.json.parent}")
    try:
        seconds = measure({"floor": "", **chosen}, args.changes, args.rounds)
    except (RuntimeError, OSError, PlaywrightError) as exc:  # a server that did not start, no Chromium, ...
        print(f"bench/elements.py: measuring stopped: {exc}", file=sys.stderr)
        return 1
    print("\n".join(table(seconds)))
    if args.json:
        args.json.write_text(json.dumps(seconds, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
