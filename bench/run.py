"""The benchmark: starts the app itself, measures the figures of issue 7, prints a table, writes results.json.

    .venv/bin/python bench/run.py            # the whole run, about 7 minutes on 2 cores
    .venv/bin/python bench/run.py --quick    # 20 s of load instead of 2 minutes, fewer repeats

The room scenario (twenty people open the link, the presenter changes filters
live) runs on the public view; the warm reruns and the scaling also cover the
staff pages, through a staff login in the bench's own accounts file. Where a
naive reference exists (bench/naive_page.py), it is measured in the same run and
the ratio reported as naive / app. See bench/README.md for what each figure
means exactly.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import folium

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench import browser, load, naive, proxy, scale, sequence  # noqa: E402
from bench.server import Server  # noqa: E402
from bench.stclient import StreamlitSession  # noqa: E402
from rightsmap.data import auth, db, metrics  # noqa: E402
from rightsmap.disclosure import protect, public, public_filters  # noqa: E402
from rightsmap.domain import config  # noqa: E402
from rightsmap.domain.filters import Filters  # noqa: E402
from rightsmap.domain.vocab import VIOLATION_TYPES  # noqa: E402
from rightsmap.records import sample  # noqa: E402
from rightsmap.render import maps  # noqa: E402

RESULTS = HERE / "results.json"
IMPORT_BENCH = HERE / "import_bench.py"
IMPORT_RESULTS = HERE / "import_results.json"
FLOOR_PAGE = HERE / "floor_page.py"
QUERY = "lang=en"  # the app in English, so widgets are found by their English labels
# Page name (what the frontend sends, the URL path) by the name in the results.
PUBLIC_PAGES = {"overview": "", "show": "show", "about": "about"}
STAFF_PAGES = {"overview": "overview", "map": "map", "timelines": "timelines", "reach": "reach",
               "present": "present", "data": "data"}
# What a staff page's st.title says once logged in (present's title is the period: not checked).
STAFF_TITLES = {"overview": "Overview", "map": "Map", "timelines": "Timelines", "reach": "Service reach",
                "data": "Import data"}
STAFF_NAME, STAFF_PASSWORD = "bench", "a long bench password"
LOGIN_TITLE = "Staff login"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in subprocess.run(
        ["lscpu"], capture_output=True, text=True).stdout.splitlines() if line.startswith("Model name")), "?")
    return {"nproc": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}


LOAD_SAMPLES: list[tuple[str, float, str]] = []  # (time, 1-minute load average, section starting)


def log(text: str) -> None:
    load_1m = os.getloadavg()[0]
    LOAD_SAMPLES.append((time.strftime("%H:%M:%S"), round(load_1m, 2), text))
    print(f"[{time.strftime('%H:%M:%S')} load {load_1m:.1f}] {text}", flush=True)


# --- payload -------------------------------------------------------------------------------


def _public_map(cells: dict, choice: public.Choice) -> folium.Map:
    """The public view's map of one published measure over the whole period, as its page draws it."""
    quarters = public_filters.all_quarters()
    by_region = public.region_figures(cells, config.MIN_COUNT, quarters, choice)
    m = maps.base_map()
    maps.region_layer(public.map_values(by_region), metric_label=choice.label(maps.ENGLISH), percent=choice.percent,
                      withheld={code: (f.status, f.text(maps.ENGLISH, percent=choice.percent))
                                for code, f in by_region.items()}).add_to(m)
    return m


def payload(db_path: Path, full_geojson: Path) -> dict:
    """Bytes of GeoJSON, styles and tooltips per map render: the largest over every map metric of both views,
    and naive."""
    conn = db.connect(db_path)
    try:
        sizes = {}
        for metric in metrics.MAP_METRICS:
            for violation_type in (VIOLATION_TYPES if metric == "cases_of_type" else [None]):
                values = metrics.region_values(conn, Filters(), metric, violation_type)
                figure = maps.choropleth(values, selected="KG-GB",
                                         metric_label=metrics.METRICS[metric].label,
                                         percent=metrics.METRICS[metric].percent)
                sizes[metric if violation_type is None else f"{metric}:{violation_type}"] = \
                    maps.map_payload_bytes(figure)
        cells = public.index(protect.stored_or_computed(conn, config.MIN_COUNT))
        for choice in public.CHOICES:
            sizes[f"public:{choice.key}"] = maps.map_payload_bytes(_public_map(cells, choice))
    finally:
        conn.close()
    cases = naive.read_cases(str(db_path))
    per_region = cases.groupby("region", as_index=False)["cases"].sum()
    naive_bytes = maps.map_payload_bytes(naive.choropleth(full_geojson, per_region))
    largest = max(sizes, key=sizes.get)
    return {"app_max_bytes": sizes[largest], "app_largest": largest, "app_by_metric": sizes,
            "naive_bytes": naive_bytes}


# --- servers -----------------------------------------------------------------------------------


def users_file(work: Path) -> Path:
    """The bench's staff accounts file, with one account, in the bench's work directory."""
    path = work / "users.json"
    if not path.exists():
        auth.add_user(STAFF_NAME, STAFF_PASSWORD, path)
    return path


def app_server(work: Path, db_path: Path) -> Server:
    """The app (dashboard.py) on db_path, its staff accounts in the bench's own file."""
    return Server("dashboard.py", db_path, work / "logs", env={"RIGHTSMAP_USERS": str(users_file(work))})


def floor_server(work: Path, db_path: Path, extra: str = "") -> Server:
    """bench/floor_page.py (the public map and one box), started as the app is, on db_path.

    extra names parts of the page to draw beside the map (floor_page.py's RIGHTSMAP_FLOOR_EXTRA).
    Streamlit serves /app/static from beside the script: the page is copied next to a link to the app's.
    """
    folder = work / "floor"
    if not folder.exists():
        folder.mkdir()
        shutil.copy(FLOOR_PAGE, folder / FLOOR_PAGE.name)
        (folder / "static").symlink_to(ROOT / "static", target_is_directory=True)
    return Server(str(folder / FLOOR_PAGE.name), db_path, work / "logs", as_app=True,
                  env={"RIGHTSMAP_FLOOR_EXTRA": extra} if extra else None)


# --- through the websocket protocol --------------------------------------------------------


def _check_staff_page(run, page: str) -> None:
    wanted = STAFF_TITLES.get(page)
    if (run.exceptions or not run.finished or LOGIN_TITLE in run.headings
            or (wanted is not None and wanted not in run.headings)):
        raise RuntimeError(f"staff login on {page!r} failed: headings {run.headings}, {run.exceptions}")


async def _log_in(session: StreamlitSession, page: str) -> None:
    """Submit the login form the staff page shows; check that this run and the next show the page itself."""
    _check_staff_page(await session.log_in(STAFF_NAME, STAFF_PASSWORD), page)
    _check_staff_page(await session.run(), page)


async def _open(session: StreamlitSession, page: str, staff: bool) -> None:
    """The first run of page; a staff page shows the login form, so log in."""
    first = await session.run()
    if first.exceptions or not first.finished or first.page_not_found:
        raise RuntimeError(f"{page}: {first.exceptions or ('page not found' if first.finished else 'timeout')}")
    if staff:
        await _log_in(session, page)


async def _warm_reruns(url: str, page: str, count: int, staff: bool = False) -> list[float]:
    async with StreamlitSession(url, page_name=page, query_string=QUERY) as session:
        await _open(session, page, staff)
        if page == "map":
            session.set_selectbox("Region detail", "Bishkek")
            await session.run()
        await session.run()
        seconds = []
        for _ in range(count):
            run = await session.run()
            if run.exceptions:
                raise RuntimeError(f"{page}: {run.exceptions}")
            seconds.append(run.seconds)
        return seconds


async def _filter_changes(url: str, page: str, periods: list[str], region: str | None = None,
                          staff: bool = False) -> list[float]:
    """Change "From" through periods on page (each new, so the caches miss); seconds per rerun."""
    async with StreamlitSession(url, page_name=page, query_string=QUERY) as session:
        await _open(session, page, staff)
        if region and "Region detail" in session.widgets:
            session.set_selectbox("Region detail", region)
            await session.run()
        seconds = []
        for period in periods:
            if period not in session.options.get("From", []):
                raise RuntimeError(f"{page}: no {period!r} among the \"From\" options {session.options.get('From')}")
            session.set_selectbox("From", period)
            run = await session.run()
            if run.exceptions or not run.finished:
                raise RuntimeError(f"{page} {period}: {run.exceptions or 'timeout'}")
            seconds.append(run.seconds)
        return seconds


async def _first_run(url: str) -> float:
    async with StreamlitSession(url, query_string=QUERY) as session:
        run = await session.run()
        return run.seconds


# --- the sections ---------------------------------------------------------------------------


def measure_startup(work: Path, db_path: Path, full_geojson: Path, repeats: int) -> dict:
    log("public view: server start to first map painted (Chromium), in turns with the floor page")
    seconds, floor = [], []
    with browser.chromium() as chromium:
        for turn in range(repeats):
            for which in (("app", "floor") if turn % 2 == 0 else ("floor", "app")):
                server = app_server(work, db_path) if which == "app" else floor_server(work, db_path)
                try:
                    (seconds if which == "app" else floor).append(browser.first_map_seconds(chromium, server))
                finally:
                    server.stop()
    # The naive page never paints offline (its Leaflet and legend come from CDNs): server start to
    # its first run finished, through the websocket protocol, instead.
    server = Server("bench/naive_page.py", db_path, work / "logs",
                    env={"RIGHTSMAP_BENCH_FULL_GEOJSON": str(full_geojson)})
    try:
        server.start()
        asyncio.run(_first_run(server.url))
        naive_seconds = time.perf_counter() - server.started_at
    finally:
        server.stop()
    return {"app_s": seconds, "app_median_s": statistics.median(seconds), "app_max_s": max(seconds),
            "floor_s": floor, "floor_median_s": statistics.median(floor), "floor_max_s": max(floor),
            "naive_first_run_s": naive_seconds}


def measure_browser_filter_change(work: Path, db_path: Path, changes: int) -> dict:
    log("public view: filter change to map and charts updated (Chromium), in turns with the floor page")
    quarters = sequence.recolouring_quarters(db_path, changes)
    last = sequence.last_quarter()
    with (app_server(work, db_path) as server, floor_server(work, db_path) as floor_page,
          browser.chromium() as chromium):
        cold, errors = browser.filter_change_seconds(chromium, server.url, quarters, last)
        cold_phases = browser.filter_change_seconds.last_phases
        # The floor between the app's two rounds (app, floor, floor, app): both meet the machine's same minutes.
        floor = []
        for _round in range(2):
            seconds, floor_errors = browser.filter_change_seconds(chromium, floor_page.url, quarters, last)
            floor += seconds
            errors += floor_errors
        warm, more = browser.filter_change_seconds(chromium, server.url, quarters, last)
        warm_phases = browser.filter_change_seconds.last_phases
    both = cold + warm
    return {"p95_s": p95(both), "median_s": statistics.median(both), "cold_p95_s": p95(cold),
            "warm_p95_s": p95(warm), "n": len(both), "errors": errors + more,
            "run_shown_median_s": statistics.median([a for a, _ in cold_phases + warm_phases]),
            "floor_p95_s": p95(floor), "floor_median_s": statistics.median(floor),
            "page": browser.PUBLIC_PATH, "quarters": quarters}


def measure_server_reruns(work: Path, db_path: Path, full_geojson: Path, count: int) -> dict:
    log("page reruns on the server, warm caches, public and staff pages (websocket protocol)")
    pages = {}
    with app_server(work, db_path) as server:
        asyncio.run(_first_run(server.url))  # the presenter opens the link first
        for view, names, staff in (("public", PUBLIC_PAGES, False), ("staff", STAFF_PAGES, True)):
            for name, page in names.items():
                seconds = asyncio.run(_warm_reruns(server.url, page, count, staff=staff))
                pages[f"{view} {name}"] = {"median_s": statistics.median(seconds), "p95_s": p95(seconds)}
        quarters = sequence.recolouring_quarters(db_path, count)
        months = sequence.recolouring_months(db_path, count)
        public_changes = asyncio.run(_filter_changes(server.url, "", quarters))
        staff_map_changes = asyncio.run(_filter_changes(server.url, "map", months, region="Bishkek", staff=True))
    with Server("bench/naive_page.py", db_path, work / "logs",
                env={"RIGHTSMAP_BENCH_FULL_GEOJSON": str(full_geojson)}) as server:
        naive_warm = asyncio.run(_warm_reruns(server.url, "", count))
        naive_changes = asyncio.run(_filter_changes(server.url, "", months))
    heaviest = max(pages, key=lambda name: pages[name]["median_s"])
    return {"pages": pages, "heaviest": heaviest, "heaviest_median_s": pages[heaviest]["median_s"],
            "public_median_s": pages["public overview"]["median_s"],
            "naive_median_s": statistics.median(naive_warm),
            "public_filter_change_p95_s": p95(public_changes),
            "staff_map_filter_change_p95_s": p95(staff_map_changes),
            "naive_filter_change_p95_s": p95(naive_changes)}


def measure_load(work: Path, db_path: Path, seconds: float) -> dict:
    log("20 sessions opening a fresh server at once")
    with app_server(work, db_path) as server:
        cold_open_errors = load.open_all_at_once(server, 20)
    log(f"public view: 20 sessions changing a filter every 2 s for {seconds:.0f} s")
    with app_server(work, db_path) as server:
        load.open_all_at_once(server, 1)  # the presenter opens the link first
        result = load.run_load(server, sessions=20, seconds=seconds)
    rss = [b for _, b in result.rss_samples]
    growth = (rss[-1] - result.rss_after_warmup) / result.rss_after_warmup
    return {"p95_s": p95(result.latencies) if result.latencies else None,
            "median_s": statistics.median(result.latencies) if result.latencies else None,
            "changes": result.changes, "errors": result.errors[:20], "error_count": len(result.errors),
            "rss_after_warmup_mb": round(result.rss_after_warmup / 2**20, 1),
            "rss_end_mb": round(rss[-1] / 2**20, 1), "rss_max_mb": round(max(rss) / 2**20, 1),
            "memory_growth": round(growth, 4), "seconds": seconds,
            "cold_open_error_count": len(cold_open_errors), "cold_open_errors": cold_open_errors[:3]}


SCALED_PAGES = ("public", "staff_overview", "staff_map")


def measure_scaling(work: Path, db_path: Path, count: int, rounds: int = 2) -> dict:
    """Filter changes (caches missing) at 1x, 10x and 100x the data: median seconds per page and factor.

    The three factors take turns, rounds times, each on a fresh server, and each factor's samples are
    pooled: measured one after the other, a factor's median moved with the machine's load between runs
    (the same code gave 1.05x and 1.38x for the 100x staff overview an hour apart).
    """
    log("page reruns with 10x and 100x the data (websocket protocol, caches missing)")
    months = sequence.recolouring_months(db_path, count)
    quarters = sequence.recolouring_quarters(db_path, count)
    paths, out = {}, {}
    for factor in (1, 10, 100):
        paths[factor] = db_path if factor == 1 else work / f"x{factor}.duckdb"
        rows = scale.scaled_copy(db_path, paths[factor], factor) if factor > 1 else None
        out[f"x{factor}"] = {"rows": rows, "samples": {page: [] for page in SCALED_PAGES}}
    for _round in range(rounds):
        for factor in (1, 10, 100):
            samples = out[f"x{factor}"]["samples"]
            with app_server(work, paths[factor]) as server:
                asyncio.run(_first_run(server.url))
                samples["public"] += asyncio.run(_filter_changes(server.url, "", quarters))
                samples["staff_overview"] += asyncio.run(_filter_changes(server.url, "overview", months, staff=True))
                samples["staff_map"] += asyncio.run(_filter_changes(server.url, "map", months, region="Bishkek",
                                                                    staff=True))
    for factor in (1, 10, 100):
        result = out[f"x{factor}"]
        for page, seconds in result.pop("samples").items():
            result[f"{page}_median_s"] = statistics.median(seconds)
        result["changes_per_page"] = len(quarters) * rounds
    for factor in ("x10", "x100"):
        ratios = {page: out[factor][f"{page}_median_s"] / out["x1"][f"{page}_median_s"] for page in SCALED_PAGES}
        out[factor]["ratios"] = {page: round(r, 2) for page, r in ratios.items()}
        out[factor]["ratio"] = round(max(ratios.values()), 2)
    return out


def measure_import(work: Path, rerun: bool) -> dict:
    if not IMPORT_BENCH.exists():
        return {"status": "not landed"}
    if not rerun and IMPORT_RESULTS.exists():
        return {"status": "ok (read from bench/import_results.json, not rerun)",
                **json.loads(IMPORT_RESULTS.read_text())}
    log("importing 1,000,000 case rows (bench/import_bench.py)")
    try:
        done = subprocess.run([sys.executable, str(IMPORT_BENCH)], cwd=ROOT, capture_output=True, text=True,
                              timeout=300)
    except subprocess.TimeoutExpired:
        return {"status": "bench/import_bench.py timed out after 300 s"}
    if done.returncode != 0 or not IMPORT_RESULTS.exists():
        return {"status": f"bench/import_bench.py failed ({done.returncode}): {done.stderr.strip()[-300:]}"}
    return {"status": "ok", **json.loads(IMPORT_RESULTS.read_text())}


# --- the table ------------------------------------------------------------------------------


def _import_seconds(result: dict) -> float | None:
    for key in ("seconds", "import_seconds", "elapsed_s", "seconds_1m", "import_s"):
        if isinstance(result.get(key), (int, float)):
            return float(result[key])
    return None


def table(r: dict) -> list[list[str]]:
    def ok(passed: bool | None) -> str:
        return "—" if passed is None else ("met" if passed else "MISSED")

    def ratio(naive_value, app_value) -> str:
        return f"{naive_value / app_value:.1f}×" if naive_value and app_value else "—"

    def scaled(factor: dict) -> str:
        return " / ".join(f"{ms(factor[f'{page}_median_s']):.0f}" for page in SCALED_PAGES) + " ms"

    fc, st, sr, pl, ld, sc, im = (r["browser_filter_change"], r["startup"], r["server_reruns"], r["payload"],
                                  r["load"], r["scaling"], r["import"])
    imp = _import_seconds(im)
    return [
        ["What is measured", "Target", "App", "Naive reference", "Naive / app", "Result"],
        ["Public view: filter change to map and charts updated in Chromium, p95", "≤ 300 ms",
         f"{ms(fc['p95_s']):.0f} ms (median {ms(fc['median_s']):.0f})",
         "never paints offline", "—", ok(fc["p95_s"] <= 0.3)],
        ["… the floor: the same change on a page with only the map and the box (bench/floor_page.py), p95",
         "", f"{ms(fc['floor_p95_s']):.0f} ms (median {ms(fc['floor_median_s']):.0f})", "", "", ""],
        ["… the same change at the protocol level (server rerun + transfer), p95", "",
         f"{ms(sr['public_filter_change_p95_s']):.0f} ms (staff map: "
         f"{ms(sr['staff_map_filter_change_p95_s']):.0f} ms)", f"{ms(sr['naive_filter_change_p95_s']):.0f} ms",
         ratio(sr["naive_filter_change_p95_s"], sr["public_filter_change_p95_s"]), ""],
        ["Public view: server start to first map painted (median of runs; max)", "≤ 4 s",
         f"{st['app_median_s']:.1f} s (max {st['app_max_s']:.1f})",
         f"{st['naive_first_run_s']:.1f} s to first run (no paint)", "—", ok(st["app_max_s"] <= 4)],
        ["… the floor: a page with only the map and the box, started as the app is (median; max)", "",
         f"{st['floor_median_s']:.1f} s (max {st['floor_max_s']:.1f})", "", "", ""],
        [f"Heaviest page rerun, warm caches ({sr['heaviest']}), median", "≤ 50 ms",
         f"{ms(sr['heaviest_median_s']):.0f} ms", f"{ms(sr['naive_median_s']):.0f} ms",
         ratio(sr["naive_median_s"], sr["heaviest_median_s"]), ok(sr["heaviest_median_s"] <= 0.05)],
        ["… the public overview (the room's page), median", "≤ 50 ms", f"{ms(sr['public_median_s']):.0f} ms",
         f"{ms(sr['naive_median_s']):.0f} ms", ratio(sr["naive_median_s"], sr["public_median_s"]),
         ok(sr["public_median_s"] <= 0.05)],
        [f"GeoJSON and style per render (largest metric of both views: {pl['app_largest']})", "≤ 150 KB", f"{pl['app_max_bytes'] / 1000:.1f} KB",
         f"{pl['naive_bytes'] / 1000:.1f} KB", ratio(pl["naive_bytes"], pl["app_max_bytes"]),
         ok(pl["app_max_bytes"] <= 150_000)],
        [f"Public view, 20 sessions, a filter change every 2 s for {ld['seconds']:.0f} s: p95", "≤ 1 s",
         f"{ld['p95_s']:.2f} s (median {ld['median_s']:.2f}, {ld['changes']} changes)" if ld["p95_s"] else "—",
         "not run", "—", ok(ld["p95_s"] is not None and ld["p95_s"] <= 1.0)],
        ["… errors", "0", str(ld["error_count"]), "", "", ok(ld["error_count"] == 0)],
        ["… server memory growth", "< 10%",
         f"{100 * ld['memory_growth']:+.1f}% ({ld['rss_after_warmup_mb']:.0f} → {ld['rss_end_mb']:.0f} MB)",
         "", "", ok(ld["memory_growth"] < 0.10)],
        ["… 20 sessions opening a fresh server at the same moment: errors", "0",
         str(ld["cold_open_error_count"]), "", "", ok(ld["cold_open_error_count"] == 0)],
        ["Rerun after a filter change, 10× data (public / staff overview / staff map median)", "< 1.5×",
         f"{sc['x10']['ratio']:.2f}× ({scaled(sc['x10'])})", "", "", ok(sc["x10"]["ratio"] < 1.5)],
        ["Rerun after a filter change, 100× data (public / staff overview / staff map median)", "< 1.5×",
         f"{sc['x100']['ratio']:.2f}× ({scaled(sc['x100'])}; 1×: {scaled(sc['x1'])})", "", "",
         ok(sc["x100"]["ratio"] < 1.5)],
        ["Importing 1,000,000 case rows", "≤ 5 s",
         f"{imp:.1f} s" if imp is not None else im["status"],
         f"{im['baseline_seconds_for_all_rows']:.0f} s (pandas row by row, bench/import_bench.py)"
         if im.get("baseline_seconds_for_all_rows") else "",
         ratio(im.get("baseline_seconds_for_all_rows"), imp), ok(imp <= 5) if imp is not None else "—"],
    ]


def markdown(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def measure_proxy(seconds: float) -> int:
    """20 sessions direct and through Caddy (make serve-lan's config), in turns; bench/proxy_results.json."""
    if shutil.which("caddy") is None:
        print("bench --proxy needs Caddy: apt-get install -y caddy", file=sys.stderr)
        return 2
    results: dict = {"when": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
                     "load_average_start": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="rightsmap-bench-") as tmp:
        work = Path(tmp)
        db_path = sample.build(work / "sample.duckdb")
        log(f"public view: 20 sessions for {seconds:.0f} s, direct and through Caddy over HTTPS, in turns")
        results["load"] = proxy.measure(work, db_path, app_server, seconds)
    results["load_average_end"] = os.getloadavg()
    (HERE / "proxy_results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    for way in ("direct", "proxy"):
        row = results["load"][way]
        print(f"{way:>6}: p95 {row['p95_s']} s, median {row['median_s']} s, {row['changes']} changes, "
              f"{row['error_count']} errors")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="20 s of load and fewer repeats (not for the README)")
    parser.add_argument("--proxy", action="store_true",
                        help="only the 20 sessions, direct and through Caddy over HTTPS (bench/proxy.py)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the results (default: %(default)s)")
    args = parser.parse_args(argv)
    load_seconds, repeats, changes = (20.0, 1, 10) if args.quick else (120.0, 3, 20)
    if args.proxy:
        return measure_proxy(load_seconds if args.quick else 60.0)

    started = time.perf_counter()
    results: dict = {"when": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
                     "quick": args.quick, "load_average_start": os.getloadavg(), "load_samples": LOAD_SAMPLES}
    with tempfile.TemporaryDirectory(prefix="rightsmap-bench-") as tmp:
        work = Path(tmp)
        geo_cache = Path(tempfile.gettempdir()) / "rightsmap-bench-geodata"
        log("building the sample database and the full-resolution boundaries")
        db_path = sample.build(work / "sample.duckdb")
        sequence.follow(db_path)  # the filters offer the data's months and published quarters, as in the app
        full_geojson = naive.full_resolution_geojson(geo_cache)
        results["payload"] = payload(db_path, full_geojson)
        results["startup"] = measure_startup(work, db_path, full_geojson, repeats)
        results["browser_filter_change"] = measure_browser_filter_change(work, db_path, changes)
        results["server_reruns"] = measure_server_reruns(work, db_path, full_geojson, changes)
        results["load"] = measure_load(work, db_path, load_seconds)
        results["scaling"] = measure_scaling(work, db_path, max(8, changes // 2))
        results["import"] = measure_import(work, rerun=not args.quick)
    results["load_average_end"] = os.getloadavg()
    results["bench_seconds"] = round(time.perf_counter() - started, 1)
    rows = table(results)
    results["table_markdown"] = markdown(rows)
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print()
    print(results["table_markdown"])
    print(f"\n{machine()['nproc']} cores, {machine()['cpu']}; load average at start "
          f"{results['load_average_start'][0]:.1f}, at end {results['load_average_end'][0]:.1f}; "
          f"{results['bench_seconds']:.0f} s. Written to {args.out}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
