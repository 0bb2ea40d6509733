"""The one Filters value that every page, the command line and the exports share.

Filters travel three ways: as sidebar widgets, as the URL's query parameters,
and as bound SQL parameters. Parsing from the URL never raises: a bad value
falls back to its default and leaves a notice a person can read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from rightsmap.domain import period, url_codec
from rightsmap.domain.url_codec import Notice
from rightsmap.domain.vocab import N_, PERPETRATORS, REGION_CODES, VIOLATION_TYPES

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> dt.date:
    """'2017-05' -> date(2017, 5, 1); ValueError with a readable message otherwise."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(N_("{text} is not a month in the form YYYY-MM").format(text=repr(text)))
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def month_text(month: dt.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> int:
    """How many months from first to last, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


@dataclass(frozen=True)
class Filters:
    """Which regions, months, violation types and perpetrators to count."""

    regions: tuple[str, ...] = REGION_CODES
    # None: the data's first or last month (rightsmap.domain.period), filled in once below.
    month_from: dt.date = None  # type: ignore[assignment]
    month_to: dt.date = None  # type: ignore[assignment]
    types: tuple[str, ...] = tuple(VIOLATION_TYPES)
    perpetrators: tuple[str, ...] = tuple(PERPETRATORS)

    def __post_init__(self) -> None:
        if self.month_from is None or self.month_to is None:
            first, last = period.months()
            object.__setattr__(self, "month_from", self.month_from or first)
            object.__setattr__(self, "month_to", self.month_to or last)
        _check_codes(self.regions, REGION_CODES, N_("choose at least one region"),
                     N_("unknown region {codes}; known: {known}"))
        _check_codes(self.types, tuple(VIOLATION_TYPES), N_("choose at least one violation type"),
                     N_("unknown violation type {codes}; known: {known}"))
        _check_codes(self.perpetrators, tuple(PERPETRATORS), N_("choose at least one perpetrator"),
                     N_("unknown perpetrator {codes}; known: {known}"))
        if self.month_from > self.month_to:
            raise ValueError(N_("the period starts ({first}) after it ends ({last})").format(
                first=month_text(self.month_from), last=month_text(self.month_to)))
        # Canonical order, so equal selections hash and cache alike.
        object.__setattr__(self, "regions", _ordered(self.regions, REGION_CODES))
        object.__setattr__(self, "types", _ordered(self.types, tuple(VIOLATION_TYPES)))
        object.__setattr__(self, "perpetrators", _ordered(self.perpetrators, tuple(PERPETRATORS)))

    @property
    def months(self) -> int:
        return months_between(self.month_from, self.month_to)

    def sql_params(self) -> dict[str, Any]:
        """The bound parameters every query in queries/ draws from."""
        return {
            "regions": list(self.regions),
            "month_from": self.month_from,
            "month_to": self.month_to,
            "types": list(self.types),
            # Every type chosen: the queries then skip testing each row's list of types (a third of
            # their time at 100x the sample's rows), since every case has at least one type.
            "all_types": set(self.types) >= set(VIOLATION_TYPES),
            "perpetrators": list(self.perpetrators),
        }

    def previous(self) -> Filters:
        """The same filters over the period of equal length just before this one."""
        n = self.months
        return replace(self, month_from=add_months(self.month_from, -n), month_to=add_months(self.month_from, -1))

    def to_query_params(self) -> dict[str, str]:
        """URL query parameters; values equal to the default are left out."""
        return url_codec.encode(self, Filters(), URL_PARAMS)


def _check_codes(values: tuple[str, ...], known: tuple[str, ...], empty: str, unknown_codes: str) -> None:
    if not values:
        raise ValueError(empty)
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ValueError(unknown_codes.format(codes=", ".join(map(repr, unknown)), known=", ".join(known)))


def _ordered(values: tuple[str, ...], known: tuple[str, ...]) -> tuple[str, ...]:
    chosen = set(values)
    return tuple(code for code in known if code in chosen)


def _offered_months() -> tuple[dt.date, ...]:
    first, last = period.months()  # as Filters() has them
    return tuple(add_months(first, n) for n in range(months_between(first, last)))


# The link's parameters, in the order a link's notices are given.
URL_PARAMS = (
    url_codec.code_list("regions", "regions", REGION_CODES),
    url_codec.code_list("types", "types", tuple(VIOLATION_TYPES)),
    url_codec.code_list("perpetrators", "perpetrators", tuple(PERPETRATORS)),
    *(url_codec.period_end(key, attr, parse_month, month_text,
                           N_("Ignored {key}={value} in the link: expected a month such as 2017-05."), _offered_months)
      for key, attr in (("from", "month_from"), ("to", "month_to"))),
)
URL_KEYS = ("regions", "from", "to", "types", "perpetrators")


def from_query_params(params: Mapping[str, Any]) -> tuple[Filters, list[Notice]]:
    """Filters from URL query parameters, and a notice for every value that fell back to its default."""
    return url_codec.decode(params, URL_PARAMS, Filters, ("month_from", "month_to"))
