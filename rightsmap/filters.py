"""The one Filters value that every page, the command line and the exports share.

Filters travel three ways: as sidebar widgets, as the URL's query parameters,
and as bound SQL parameters. Parsing from the URL never raises: a bad value
falls back to its default and leaves a notice a person can read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from rightsmap import period
from rightsmap.vocab import N_, PERPETRATORS, REGION_CODES, VIOLATION_TYPES

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
    # None: the data's first or last month (rightsmap.period), filled in once below.
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
        default = Filters()
        params: dict[str, str] = {}
        for name, value in (("regions", self.regions), ("types", self.types), ("perpetrators", self.perpetrators)):
            if value != getattr(default, name):
                params[name] = ",".join(value)
        if self.month_from != default.month_from:
            params["from"] = month_text(self.month_from)
        if self.month_to != default.month_to:
            params["to"] = month_text(self.month_to)
        return params


def _check_codes(values: tuple[str, ...], known: tuple[str, ...], empty: str, unknown_codes: str) -> None:
    if not values:
        raise ValueError(empty)
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ValueError(unknown_codes.format(codes=", ".join(map(repr, unknown)), known=", ".join(known)))


def _ordered(values: tuple[str, ...], known: tuple[str, ...]) -> tuple[str, ...]:
    chosen = set(values)
    return tuple(code for code in known if code in chosen)


URL_KEYS = ("regions", "from", "to", "types", "perpetrators")


@dataclass(frozen=True)
class Notice:
    """A message for the person who opened a link, in English with {placeholders}; translate at display."""

    message: str
    values: tuple[tuple[str, str], ...] = ()
    translated: tuple[str, ...] = ()  # names of values that are messages too (a default's label)

    def text(self, translate: Callable[[str], str] = str) -> str:
        values = {k: translate(v) if k in self.translated else v for k, v in self.values}
        return translate(self.message).format(**values)

    def __str__(self) -> str:
        return self.text()


def from_query_params(params: Mapping[str, Any]) -> tuple[Filters, list[Notice]]:
    """Filters from URL query parameters, and a notice for every value that fell back to its default."""
    default = Filters()
    notices: list[Notice] = []
    values: dict[str, Any] = {}
    for key, attr, known in (
        ("regions", "regions", REGION_CODES),
        ("types", "types", tuple(VIOLATION_TYPES)),
        ("perpetrators", "perpetrators", tuple(PERPETRATORS)),
    ):
        raw = params.get(key)
        if raw is None:
            continue
        codes = tuple(c.strip() for c in str(raw).split(",") if c.strip())
        unknown = [c for c in codes if c not in known]
        if not codes or unknown:
            shown = ", ".join(unknown)[:80] if unknown else "—"
            notices.append(Notice(N_("Ignored {key}={value} in the link: not a known code. Showing all."),
                                  (("key", key), ("value", shown))))
            continue
        values[attr] = codes
    for key, attr in (("from", "month_from"), ("to", "month_to")):
        raw = params.get(key)
        if raw is None:
            continue
        try:
            month = parse_month(str(raw))
        except ValueError:
            notices.append(Notice(N_("Ignored {key}={value} in the link: expected a month such as 2017-05."),
                                  (("key", key), ("value", str(raw)[:20]))))
            continue
        lo, hi = default.month_from, default.month_to
        if not lo <= month <= hi:
            notices.append(Notice(N_("Ignored {key}={value} in the link: the data covers {first} to {last}."),
                                  (("key", key), ("value", month_text(month)),
                                   ("first", month_text(lo)), ("last", month_text(hi)))))
            continue
        values[attr] = month
    try:
        return Filters(**values), notices
    except ValueError:
        values.pop("month_from", None)
        values.pop("month_to", None)
        notices.append(Notice(N_("Ignored the period in the link: it starts after it ends. Showing the whole period.")))
        return Filters(**values), notices
