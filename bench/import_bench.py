"""Import benchmark: 1,000,000 synthetic case rows from CSV, against a pandas row-by-row baseline.

    .venv/bin/python bench/import_bench.py [--rows N] [--baseline-rows N]

Writes bench/import_results.json. The baseline reads the same CSV with pandas
and maps each row in Python (iterrows + a dict per row, the gazetteer and the
label tables looked up per row), then aggregates; it runs on a subset and is
extrapolated linearly when the full file would take more than two minutes.
Every name and number in the file is synthetic.
"""

from __future__ import annotations

import argparse
import collections
import json
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rightsmap.records import store  # noqa: E402
from rightsmap.records.importing import gazetteer, pipeline, values  # noqa: E402

PLACES = ["г. Бишкек", "Бишкек", "Ош", "Ошская обл.", "Сокулукский район", "Каракол", "Ysyk-Kol", "Djalal-Abad",
          "Нарын", "Талас", "Баткен", "Токмок", "Кара-Балта", "Узген", "Кант", "Чолпон-Ата"]
TYPES = ["вымогательство", "\"extortion; threats\"", "угрозы", "шантаж, давление", "arbitrary_detention",
         "физическое насилие", "extortion", "другое"]
PERPETRATORS = ["полиция", "police", "клиент", "сутенёр", "активисты", "other"]
HEADER = "date;place;violation_types;perpetrator;detained;detention_days;extorted_som;raid;client_name;phone\n"


def write_cases(path: Path, rows: int, seed: int = 42) -> None:
    """A cases CSV with two columns of synthetic personal data that the import must drop."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        lines = []
        for i in range(rows):
            detained = rng.random() < 0.3
            lines.append(
                f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(2015, 2019)};"
                f"{rng.choice(PLACES)};{rng.choice(TYPES)};{rng.choice(PERPETRATORS)};"
                f"{'да' if detained else 'нет'};{rng.randint(1, 5) if detained else 0};{rng.randrange(0, 1050, 50)};"
                f"нет;Testname {i};+000 {i:07d}\n")
            if len(lines) == 50_000:
                out.writelines(lines)
                lines = []
        out.writelines(lines)


def import_once(csv_path: Path, db_path: Path) -> tuple[float, dict]:
    """Time prepare + commit, as `python -m rightsmap import cases` does it."""
    start = time.perf_counter()
    prepared = pipeline.prepare("cases", csv_path)
    assert prepared.ok, prepared.errors[:3]
    batch = pipeline.commit(db_path, prepared, by="bench")
    return time.perf_counter() - start, {"batch": batch, "rows": prepared.rows,
                                         "aggregate_rows": {t: r.num_rows for t, r in prepared.tables.items()}}


def baseline(csv_path: Path, rows: int) -> float:
    """The row-by-row way: pandas reads the file, Python maps each row, Counter aggregates."""
    start = time.perf_counter()
    frame = pd.read_csv(csv_path, sep=";", dtype=str, nrows=rows, keep_default_na=False)
    counts: collections.Counter = collections.Counter()
    for _, row in frame.iterrows():
        record = row.to_dict()
        region = gazetteer.resolve(record["place"])
        day, month, year = record["date"].split(".")
        types, _ = values.violation_types(record["violation_types"])
        who, _ = values.perpetrator(record["perpetrator"])
        counts[(region, f"{year}-{month}", who, tuple(types))] += 1
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=100_000,
                        help="rows the baseline runs on before extrapolating (0 = all)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rightsmap-bench-") as tmp:
        csv_path, db_path = Path(tmp) / "cases.csv", Path(tmp) / "bench.duckdb"
        write_cases(csv_path, args.rows)
        store.create_empty(db_path)
        seconds, detail = import_once(csv_path, db_path)
        subset = args.baseline_rows or args.rows
        base = baseline(csv_path, min(subset, args.rows))
        base_full = base * args.rows / min(subset, args.rows)
        result = {
            "rows": args.rows,
            "csv_bytes": csv_path.stat().st_size,
            "import_seconds": round(seconds, 3),
            "import_rows_per_second": round(args.rows / seconds),
            "baseline_rows_measured": min(subset, args.rows),
            "baseline_seconds_measured": round(base, 3),
            "baseline_seconds_for_all_rows": round(base_full, 3),
            "baseline_extrapolated": min(subset, args.rows) < args.rows,
            "speedup": round(base_full / seconds, 1),
            "under_5_seconds": seconds < 5,
            "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version(),
                        "platform": platform.platform()},
            **detail,
        }
    print(json.dumps(result, indent=1))
    (ROOT / "bench" / "import_results.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
