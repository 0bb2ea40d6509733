"""The public view on the command line: `audit`, `summary --public` and `export --public`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from rightsmap import audit, config, db, disclosure, public
from rightsmap.public_filters import PublicFilters, all_quarters, parse_quarter, quarter_text
from rightsmap.vocab import N_, PERPETRATORS, VIOLATION_TYPES


class PublicUsageError(ValueError):
    """Public filters that cannot be used; the message says why (exit code 2)."""


def add_commands(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser("audit", help="prove the public view's protection: the range anybody can derive "
                                              "for each hidden count is at least k wide")
    check.add_argument("--db")
    check.add_argument("--k", type=int, default=None, metavar="N",
                       help=f"the minimum count (default: $RIGHTSMAP_MIN_COUNT or {config.MIN_COUNT})")
    check.add_argument("--verbose", action="store_true", help="list every hidden cell with its range")
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
    values: dict[str, Any] = {}
    for key, attr in (("from", "quarter_from"), ("to", "quarter_to")):
        raw = getattr(args, f"month_{key}")
        if raw is None:
            continue
        try:
            quarter = parse_quarter(raw)
        except ValueError:
            raise PublicUsageError(N_("with --public, --{key} takes a quarter such as 2017-Q2, not {value}").format(
                key=key, value=repr(raw))) from None
        known = all_quarters()
        if quarter not in known:
            raise PublicUsageError(N_("--{key} {value}: the data covers {first} to {last}").format(
                key=key, value=quarter_text(quarter), first=quarter_text(known[0]), last=quarter_text(known[-1])))
        values[attr] = quarter
    regions = args.region or []
    if len(regions) > 1:
        raise PublicUsageError(N_("with --public, choose one --region (or none for the whole country)"))
    if regions:
        values["region"] = regions[0]
    if args.show not in public.CHOICE_BY_KEY:
        raise PublicUsageError(N_("--show {value} is not known; use one of {known}").format(
            value=repr(args.show)[:40], known=", ".join(public.CHOICE_BY_KEY)))
    values["show"] = args.show
    try:
        return PublicFilters(**values)
    except ValueError as exc:
        raise PublicUsageError(str(exc)) from None


def protected_cells(conn, k: int | None = None) -> tuple[dict, int]:
    """The protected table's lookup for the command line (the app caches the same in cache.py)."""
    k = k or config.MIN_COUNT
    return public.index(disclosure.stored_or_computed(conn, k)), k


def _figure_json(figure: public.Figure) -> dict[str, Any]:
    out: dict[str, Any] = {"status": figure.status}
    if figure.status == public.EXACT:
        out["value"] = figure.value
    elif figure.status in (public.AT_LEAST, public.LESS_THAN):
        out["bound"] = figure.value
    return out


def public_summary(conn, filters: PublicFilters) -> dict[str, Any]:
    """The public view's figures as JSON: headline figures, the chosen measure by region and by quarter."""
    cells, k = protected_cells(conn)
    headlines = {}
    for key in ("cases", "raid_events", "people_detained_in_raids", "detentions", "reached", public.COVERAGE):
        choice = public.CHOICE_BY_KEY[key]
        headlines[key] = _figure_json(public.figure(cells, k, filters.quarters, choice.measure, filters.region))
    choice, quarters, region = filters.choice, filters.quarters, filters.region

    def by_quarter(c: public.Choice) -> dict[str, Any]:
        return {quarter_text(q): _figure_json(f) for q, f in public.quarter_figures(cells, k, quarters, c,
                                                                                    region).items()}

    return {
        "view": "public", "k": k, "from": quarter_text(filters.quarter_from), "to": quarter_text(filters.quarter_to),
        "region": region, "show": filters.show, "headlines": headlines,
        "chosen": _figure_json(public.figure(cells, k, quarters, choice.measure, region, choice.category)),
        "by_region": {code: _figure_json(f) for code, f in public.region_figures(cells, k, quarters,
                                                                                 choice).items()},
        "by_quarter": by_quarter(choice),
        # What the public brief and deck add: the breakdown, and reach against cases quarter by quarter.
        "by_perpetrator": {p: _figure_json(public.figure(cells, k, quarters, "cases", region, p))
                           for p in PERPETRATORS},
        "by_type": {t: _figure_json(public.figure(cells, k, quarters, "cases_of_type", region, t))
                    for t in VIOLATION_TYPES},
        "cases_by_quarter": by_quarter(public.CHOICE_BY_KEY["cases"]),
        "reached_by_quarter": by_quarter(public.CHOICE_BY_KEY["reached"]),
    }


def _audit(args: argparse.Namespace, out: TextIO) -> int:
    k = args.k if args.k is not None else config.MIN_COUNT
    if k < 2:
        print("audit: --k must be at least 2", file=sys.stderr)
        return 2
    conn = db.connect(args.db)
    try:
        # What the app publishes: the table stored by the last write, or computed now for another k.
        print(f"Reading the public view's protected table for k = {k} …", file=sys.stderr)
        table = disclosure.stored_or_computed(conn, k)
    finally:
        conn.close()
    quarters = table["quarter"].nunique()
    print(f"Auditing {int((table['status'] != 'shown').sum())} hidden cells in {quarters} quarters by linear "
          "programming …", file=sys.stderr)
    findings = audit.audit(table, k)
    narrow = [f for f in findings if f.width < k]
    for f in (findings if args.verbose else narrow):
        where = f"{f.quarter:%Y}-Q{(f.quarter.month - 1) // 3 + 1} {f.measure} {f.region} {f.category}"
        verdict = "TOO NARROW" if f.width < k else "ok"
        print(f"{verdict}: {where}: anybody can derive {f.low:g} to {f.high:g} (width {f.width:g}, needs {k})",
              file=out)
    small = int((table["status"] == disclosure.SMALL).sum())
    finite = [f.width for f in findings if f.width != float("inf")]
    print(json.dumps({"k": k, "quarters": int(quarters), "cells": len(table), "small": small,
                      "hidden": len(findings) - small, "narrowest_range": min(finite) if finite else None,
                      "too_narrow": len(narrow), "passed": not narrow}), file=out)
    return 1 if narrow else 0

