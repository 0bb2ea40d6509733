"""The public view on the command line: `audit`, `summary --public` and `export --public`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from rightsmap import attack
from rightsmap.data import db
from rightsmap.disclosure import audit, figures, layout, protect, public
from rightsmap.disclosure.figures import PublicUsageError, public_filters_from
from rightsmap.disclosure.public_filters import PublicFilters
from rightsmap.domain import config
from rightsmap.domain.vocab import N_


def add_commands(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser("audit", help="prove the public view's protection: the range anybody can derive "
                                              "for each hidden count is at least k wide, in whole numbers, both in "
                                              "the protector's model and by an independent attacker reading the "
                                              "figures summary --public prints")
    check.add_argument("--db")
    check.add_argument("--k", type=int, default=None, metavar="N",
                       help=f"the minimum count (default: $RIGHTSMAP_MIN_COUNT or {config.MIN_COUNT})")
    check.add_argument("--verbose", action="store_true", help="list every hidden cell with its range")
    check.add_argument("--outside-facts", action="store_true",
                       help="also report how many further cells one known regional count of cases would expose")
    check.set_defaults(handler=_audit)


def add_public_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--public", action="store_true",
                        help="the public view: whole quarters (--from/--to 2017-Q2), one --region, one --show; "
                             "small counts hidden")
    parser.add_argument("--show", default="cases", metavar="WHAT",
                        help=f"with --public: what to count, one of {', '.join(public.CHOICE_BY_KEY)}")


def public_filters_from_args(args: argparse.Namespace) -> PublicFilters:
    """PublicFilters from --from/--to (quarters), --region (one code) and --show; PublicUsageError otherwise."""
    if getattr(args, "type", None) or getattr(args, "perpetrator", None):
        raise PublicUsageError(N_("with --public, choose the type or perpetrator with --show, "
                                  "for example --show cases:police or --show cases_of_type:extortion"))
    return public_filters_from({"from": args.month_from, "to": args.month_to, "region": args.region,
                                "show": args.show})


def _quarter_name(quarter) -> str:
    return f"{quarter:%Y}-Q{(quarter.month - 1) // 3 + 1}"


def _audit(args: argparse.Namespace, out: TextIO) -> int:
    k = args.k if args.k is not None else config.MIN_COUNT
    if k < 2:
        print("audit: --k must be at least 2", file=sys.stderr)
        return 2
    conn = db.connect(args.db)
    try:
        # What the app publishes: the table stored by the last write, or computed now for another k.
        print(f"Reading the public view's protected table for k = {k} …", file=sys.stderr)
        table = protect.stored_or_computed(conn, k)
        truth = _truth(conn) if args.outside_facts else None
    finally:
        conn.close()
    quarters = table.loc[table["period"] == layout.QUARTER, "quarter"].nunique()
    print(f"Auditing {int((table['status'] != layout.SHOWN).sum())} hidden cells in {quarters} quarters by "
          "integer programming …", file=sys.stderr)
    findings = audit.audit(table, k, exact=args.verbose)
    narrow = [f for f in findings if f.width < k]
    for f in (findings if args.verbose else narrow):
        period = f"{f.quarter:%Y}" if f.period == layout.YEAR else _quarter_name(f.quarter)
        where = f"{period} {f.measure} {f.region} {f.category}"
        verdict = "TOO NARROW" if f.width < k else "ok"
        print(f"{verdict}: {where}: anybody can derive {f.low:g} to {f.high:g} (width {f.width:g}, needs {k})",
              file=out)
    # The independent check: the figures exactly as `summary --public` prints them, read by rightsmap.attack.
    print("Reading every public figure as the command line prints it, as an attacker would …", file=sys.stderr)
    attacker = attack.Attacker(k).read_all(figures.public_figures(table, k))
    attacked = attacker.ranges(narrower_than=k)
    for d in attacked:
        print(f"TOO NARROW (attacker): {' '.join(d.cell)}: anybody can derive {d.low:g} to {d.high:g} from the "
              f"printed figures (width {d.width:g}, needs {k})", file=out)
    # Without --verbose a range at least k wide is only shown to be so (two values k apart), so the narrowest
    # is exact when it is below k, and otherwise a width every range reaches.
    finite = [f.width for f in findings if f.width != float("inf")]
    result = {"k": k, "quarters": int(quarters), "cells": len(table), "hidden": len(findings),
              "narrowest_range": min(finite) if finite else None, "too_narrow": len(narrow),
              "attacker_withheld": attacker.targets(), "attacker_too_narrow": len(attacked),
              "passed": not narrow and not attacked}
    if truth is not None:
        result["outside_facts"] = _outside_facts(attacker, truth, out)
    print(json.dumps(result), file=out)
    return 1 if narrow or attacked else 0


def _truth(conn) -> dict[tuple[str, str, str], float]:
    """The true regional count of cases per quarter, keyed as the attacker names cells."""
    import pandas as pd

    span = db.run(conn, "data_span").iloc[0]
    if pd.isna(span["first_month"]):
        return {}
    exact = db.run(conn, "quarter_cells", month_from=pd.Timestamp(span["first_month"]).date(),
                   month_to=pd.Timestamp(span["last_month"]).date())
    cases = exact[exact["measure"] == "cases"].groupby(["quarter", "region"])["value"].sum()
    truth = {(_quarter_name(pd.Timestamp(q)), "cases", region): float(v) for (q, region), v in cases.items()}
    # A year cell's true count is its quarters' sum (the attacker names it "2016-Y").
    for (q, region), v in cases.items():
        year = (f"{pd.Timestamp(q).year}{attack.YEAR_MARK}", "cases", region)
        truth[year] = truth.get(year, 0.0) + float(v)
    return truth


def _outside_facts(attacker: attack.Attacker, truth: dict, out: TextIO) -> dict[str, Any]:
    """For each withheld regional count of cases, learnt from outside: how many further cells it exposes."""
    tried, exposing, exposing_large = 0, 0, 0
    worst: tuple[int, str | None] = (0, None)
    for cell in sorted(c for c in attacker.withheld if c[1] == "cases" and c[2] != attack.COUNTRY):
        tried += 1
        value = truth.get(cell, 0.0)
        exposed = [d for d in attacker.exposed_by(cell, value) if d.cell != cell]
        if exposed:
            # A known count below k bounds each of its parts by itself: that much no table can hide.
            exposing += 1
            exposing_large += value >= attacker.k
            print(f"OUTSIDE FACT: knowing {' '.join(cell)} ({'at least k' if value >= attacker.k else 'below k'}) "
                  f"exposes {len(exposed)} more: {', '.join(' '.join(d.cell) for d in exposed[:5])}", file=out)
            worst = max(worst, (len(exposed), " ".join(cell)), key=lambda w: w[0])
    return {"facts_tried": tried, "facts_exposing_more": exposing, "facts_at_least_k_exposing_more": exposing_large,
            "most_exposed_by_one": worst[0], "worst_fact": worst[1]}
