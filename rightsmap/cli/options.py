"""What several commands share: the staff filters' flags (summary, export) and the usage error they raise.
"""

from __future__ import annotations

import argparse
from typing import Any

from rightsmap.domain.filters import Filters, parse_month
from rightsmap.domain.vocab import N_, PERPETRATORS, REGION_CODES, VIOLATION_TYPES


class UsageError(Exception):
    """Bad input from the person at the terminal; the message says what to fix."""


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """The filter flags of summary, for every command that takes filters (read them with filters_from_args)."""
    parser.add_argument("--region", nargs="+", metavar="CODE", help=f"one or more of {', '.join(REGION_CODES)}")
    parser.add_argument("--from", dest="month_from", metavar="YYYY-MM")
    parser.add_argument("--to", dest="month_to", metavar="YYYY-MM")
    parser.add_argument("--type", nargs="+", metavar="CODE", help=f"one or more of {', '.join(VIOLATION_TYPES)}")
    parser.add_argument("--perpetrator", nargs="+", metavar="CODE", help=f"one or more of {', '.join(PERPETRATORS)}")


def filters_from_args(args: argparse.Namespace) -> Filters:
    """Filters from the flags add_filter_arguments declared."""
    return filters_from({"region": args.region, "from": args.month_from, "to": args.month_to,
                         "type": args.type, "perpetrator": args.perpetrator})


def filters_from(options: dict[str, Any]) -> Filters:
    """Filters from summary options, given as flags or as one line of a batch file."""
    known = {"region", "from", "to", "type", "perpetrator", "month_from", "month_to"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise UsageError(N_("unknown filter {names}; use region, from, to, type, perpetrator").format(
            names=", ".join(unknown)))
    values: dict[str, Any] = {}
    for key, attr in (("region", "regions"), ("type", "types"), ("perpetrator", "perpetrators")):
        value = options.get(key)
        if value is None:
            continue
        codes = [value] if isinstance(value, str) else value
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise UsageError(N_("{key} must be a code or a list of codes").format(key=key))
        values[attr] = tuple(codes)
    for key in ("from", "to"):
        value = options.get(key, options.get(f"month_{key}"))
        if value is None:
            continue
        try:
            values[f"month_{key}"] = parse_month(str(value))
        except ValueError as exc:
            raise UsageError(N_("--{key}: {problem}").format(key=key, problem=exc)) from None
    try:
        return Filters(**values)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
