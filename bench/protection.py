"""Time the public view's protection on the sample: protecting, the protector's audit and the attacker,
with year cells and with quarters alone (year cells switched off), in turns, in the same run.

    .venv/bin/python bench/protection.py [--rounds 2] [--db PATH]

Prints one JSON line per round and measure, and a summary line (medians, seconds). The sample is built
once (or --db names a database); building it is not timed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rightsmap import attack  # noqa: E402
from rightsmap.data import db, metrics
from rightsmap.disclosure import audit, figures, layout, protect
from rightsmap.records import sample


def _timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def one_round(exact, k: int, years: bool, quarters) -> dict[str, float]:
    original = layout.full_years
    if not years:
        layout.full_years = lambda _quarters: []
    try:
        protect_s, table = _timed(lambda: protect.protect(exact, k))
    finally:
        layout.full_years = original
    audit_s, findings = _timed(lambda: audit.audit(table, k))
    assert all(f.width >= k for f in findings)
    attack_s, narrowed = _timed(lambda: attack.Attacker(k).read_all(
        figures.public_figures(table, k, quarters)).ranges(narrower_than=k))
    assert not narrowed
    return {"years": years, "protect_s": round(protect_s, 2), "audit_s": round(audit_s, 2),
            "attacker_s": round(attack_s, 2), "withheld": int((table["status"] != layout.SHOWN).sum())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--db", type=Path, help="a database to read instead of building the sample")
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args(argv)
    path = args.db or sample.build(Path(tempfile.mkdtemp()) / "sample.duckdb")
    metrics.follow_database(path)
    conn = db.connect(path)
    try:
        exact = protect.exact_cells(conn)
    finally:
        conn.close()
    quarters = sorted({q.date() if hasattr(q, "date") else q for q in exact["quarter"]})
    rows = []
    for _ in range(args.rounds):
        for years in (True, False):
            rows.append(one_round(exact, args.k, years, quarters))
            print(json.dumps(rows[-1]), flush=True)
    summary = {f"{measure}_{'years' if years else 'quarters'}": statistics.median(
        r[measure] for r in rows if r["years"] == years)
        for years in (True, False) for measure in ("protect_s", "audit_s", "attacker_s")}
    print(json.dumps({"median": summary}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
