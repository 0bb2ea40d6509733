"""The public view's figures as the command line prints them (`summary --public`, one JSON object per
filter set), read only from the protected table. The independent attacker (rightsmap.attack) reads these.
"""

from __future__ import annotations

from typing import Any

from rightsmap import attack
from rightsmap.disclosure import protect, public
from rightsmap.disclosure.public_filters import PublicFilters, all_quarters, parse_quarter, quarter_text
from rightsmap.domain import config
from rightsmap.domain.vocab import N_, PERPETRATORS, VIOLATION_TYPES


class PublicUsageError(ValueError):
    """Public filters that cannot be used; the message says why (exit code 2)."""


BATCH_KEYS = ("from", "to", "region", "show")  # one line of `summary --public --batch FILE`


def public_filters_from(options: dict[str, Any]) -> PublicFilters:
    """PublicFilters from options given as flags or as one line of a batch file; PublicUsageError otherwise."""
    unknown = sorted(set(options) - set(BATCH_KEYS))
    if unknown:
        raise PublicUsageError(N_("unknown public filter {names}; use {known}").format(
            names=", ".join(map(str, unknown))[:80], known=", ".join(BATCH_KEYS)))
    values: dict[str, Any] = {}
    for key, attr in (("from", "quarter_from"), ("to", "quarter_to")):
        raw = options.get(key)
        if raw is None:
            continue
        try:
            quarter = parse_quarter(str(raw))
        except ValueError:
            raise PublicUsageError(N_("with --public, --{key} takes a quarter such as 2017-Q2, not {value}").format(
                key=key, value=repr(raw))) from None
        known = all_quarters()
        if quarter not in known:
            raise PublicUsageError(N_("--{key} {value}: the data covers {first} to {last}").format(
                key=key, value=quarter_text(quarter), first=quarter_text(known[0]), last=quarter_text(known[-1])))
        values[attr] = quarter
    regions = options.get("region") or []
    regions = [regions] if isinstance(regions, str) else regions
    if not isinstance(regions, list) or not all(isinstance(r, str) for r in regions):
        raise PublicUsageError(N_("region must be one region code"))
    if regions == ["all"]:
        regions = []
    if len(regions) > 1:
        raise PublicUsageError(N_("with --public, choose one --region (or none for the whole country)"))
    if regions:
        values["region"] = regions[0]
    show = options.get("show") or "cases"
    if show not in public.CHOICE_BY_KEY:
        raise PublicUsageError(N_("--show {value} is not known; use one of {known}").format(
            value=repr(show)[:40], known=", ".join(public.CHOICE_BY_KEY)))
    values["show"] = show
    try:
        return PublicFilters(**values)
    except ValueError as exc:
        raise PublicUsageError(str(exc)) from None


def protected_cells(conn, k: int | None = None) -> tuple[dict, int]:
    """The protected table's lookup for the command line (the app caches the same in cache.py)."""
    k = k or config.MIN_COUNT
    return public.index(protect.stored_or_computed(conn, k)), k


def _figure_json(figure: public.Figure) -> dict[str, Any]:
    out: dict[str, Any] = {"status": figure.status}
    if figure.status == public.EXACT:
        out["value"] = figure.value
    elif figure.status == public.AT_LEAST:
        out["bound"] = figure.value
    return out


def public_summary(conn, filters: PublicFilters, cells: tuple[dict, int] | None = None) -> dict[str, Any]:
    """The public view's figures as JSON: headline figures, the chosen measure by region and by quarter.

    cells: protected_cells(conn), when the caller reads many summaries (a batch) and has it already.
    """
    table, k = cells or protected_cells(conn)
    headlines = {}
    for key in ("cases", "raid_events", "people_detained_in_raids", "detentions", "reached", public.COVERAGE):
        choice = public.CHOICE_BY_KEY[key]
        headlines[key] = _figure_json(public.figure(table, k, filters.quarters, choice.measure, filters.region))
    choice, quarters, region = filters.choice, filters.quarters, filters.region

    def by_quarter(c: public.Choice) -> dict[str, Any]:
        return {quarter_text(q): _figure_json(f) for q, f in public.quarter_figures(table, k, quarters, c,
                                                                                    region).items()}

    return {
        "view": "public", "k": k, "from": quarter_text(filters.quarter_from), "to": quarter_text(filters.quarter_to),
        "region": region, "show": filters.show, "headlines": headlines,
        "chosen": _figure_json(public.figure(table, k, quarters, choice.measure, region, choice.category)),
        "by_region": {code: _figure_json(f) for code, f in public.region_figures(table, k, quarters,
                                                                                 choice).items()},
        "by_quarter": by_quarter(choice),
        # What the public brief and deck add: the breakdown, and reach against cases quarter by quarter.
        "by_perpetrator": {p: _figure_json(public.figure(table, k, quarters, "cases", region, p))
                           for p in PERPETRATORS},
        "by_type": {t: _figure_json(public.figure(table, k, quarters, "cases_of_type", region, t))
                    for t in VIOLATION_TYPES},
        "cases_by_quarter": by_quarter(public.CHOICE_BY_KEY["cases"]),
        "reached_by_quarter": by_quarter(public.CHOICE_BY_KEY["reached"]),
    }


def public_figures(table, k: int, quarters=None) -> list[dict]:
    """Every single-quarter public figure (of the given quarters, else of every public one), as
    `summary --public --batch` prints it (one object per line)."""
    cells = (public.index(table), k)
    names = [quarter_text(q) for q in (all_quarters() if quarters is None else quarters)]
    return [public_summary(None, public_filters_from(options), cells)
            for options in attack.batch_lines(names, public.CHOICE_BY_KEY)]
