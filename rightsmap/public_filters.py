"""The public view's filters: whole quarters, one region or all, one published measure.

They can only select what the protected table publishes. Like Filters, they
travel as widgets and as URL parameters, and a bad URL value falls back to its
default with a notice a person can read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rightsmap import period
from rightsmap.disclosure import ALL, MEASURE_BY_KEY
from rightsmap.filters import Filters, Notice, add_months
from rightsmap.public import CHOICE_BY_KEY, Choice
from rightsmap.vocab import N_, REGION_CODES

_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
URL_KEYS = ("q_from", "q_to", "region", "show")


def quarter_text(quarter: dt.date) -> str:
    """date(2017, 4, 1) -> '2017-Q2'."""
    return f"{quarter.year}-Q{(quarter.month - 1) // 3 + 1}"


def parse_quarter(text: str) -> dt.date:
    match = _QUARTER.match(text.strip())
    if not match:
        raise ValueError(N_("{text} is not a quarter in the form 2017-Q2").format(text=repr(text)))
    return dt.date(int(match.group(1)), (int(match.group(2)) - 1) * 3 + 1, 1)


def all_quarters() -> tuple[dt.date, ...]:
    """Every quarter the public filters offer: the protected table's (rightsmap.period.quarters)."""
    return period.quarters()


@dataclass(frozen=True)
class PublicFilters:
    """Which quarters, which region (ALL = the whole country) and which published measure."""

    quarter_from: dt.date = field(default_factory=lambda: all_quarters()[0])
    quarter_to: dt.date = field(default_factory=lambda: all_quarters()[-1])
    region: str = ALL
    show: str = "cases"

    def __post_init__(self) -> None:
        known = all_quarters()
        for q in (self.quarter_from, self.quarter_to):
            if q not in known:
                raise ValueError(f"{q} is not one of the published quarters")
        if self.quarter_from > self.quarter_to:
            raise ValueError("the period starts after it ends")
        if self.region != ALL and self.region not in REGION_CODES:
            raise ValueError(f"unknown region {self.region!r}")
        if self.show not in CHOICE_BY_KEY:
            raise ValueError(f"unknown measure {self.show!r}")

    @property
    def quarters(self) -> tuple[dt.date, ...]:
        return tuple(q for q in all_quarters() if self.quarter_from <= q <= self.quarter_to)

    @property
    def month_to(self) -> dt.date:
        """The last month of the last quarter."""
        return add_months(self.quarter_to, 2)

    def as_filters(self) -> Filters:
        """The same period and region as the staff view's Filters (for the events, which are not counts)."""
        regions = REGION_CODES if self.region == ALL else (self.region,)
        return Filters(regions=regions, month_from=self.quarter_from, month_to=self.month_to)

    @property
    def choice(self) -> Choice:
        return CHOICE_BY_KEY[self.show]

    def to_query_params(self) -> dict[str, str]:
        default = PublicFilters()
        params: dict[str, str] = {}
        if self.quarter_from != default.quarter_from:
            params["q_from"] = quarter_text(self.quarter_from)
        if self.quarter_to != default.quarter_to:
            params["q_to"] = quarter_text(self.quarter_to)
        if self.region != ALL:
            params["region"] = self.region
        if self.show != default.show:
            params["show"] = self.show
        return params


def from_query_params(params: Mapping[str, Any]) -> tuple[PublicFilters, list[Notice]]:
    """Public filters from the URL, and a notice for every value that fell back to its default."""
    default = PublicFilters()
    known = all_quarters()
    values: dict[str, Any] = {}
    notices: list[Notice] = []
    for key, attr in (("q_from", "quarter_from"), ("q_to", "quarter_to")):
        raw = params.get(key)
        if raw is None:
            continue
        try:
            quarter = parse_quarter(str(raw))
        except ValueError:
            notices.append(Notice(N_("Ignored {key}={value} in the link: expected a quarter such as 2017-Q2."),
                                  (("key", key), ("value", str(raw)[:20]))))
            continue
        if quarter not in known:
            notices.append(Notice(N_("Ignored {key}={value} in the link: the data covers {first} to {last}."),
                                  (("key", key), ("value", quarter_text(quarter)),
                                   ("first", quarter_text(known[0])), ("last", quarter_text(known[-1])))))
            continue
        values[attr] = quarter
    raw = params.get("region")
    if raw is not None:
        if str(raw) in REGION_CODES:
            values["region"] = str(raw)
        else:
            notices.append(Notice(N_("Ignored {key}={value} in the link: not a known code. Showing all."),
                                  (("key", "region"), ("value", str(raw)[:20]))))
    raw = params.get("show")
    if raw is not None:
        if str(raw) in CHOICE_BY_KEY:
            values["show"] = str(raw)
        else:
            notices.append(Notice(N_("Ignored {key}={value} in the link: not a known code. Showing {default}."),
                                  (("key", "show"), ("value", str(raw)[:30]),
                                   ("default", MEASURE_BY_KEY[CHOICE_BY_KEY[default.show].measure].label)),
                                  translated=("default",)))
    try:
        return PublicFilters(**values), notices
    except ValueError:
        values.pop("quarter_from", None)
        values.pop("quarter_to", None)
        notices.append(Notice(N_("Ignored the period in the link: it starts after it ends. Showing the whole period.")))
        return PublicFilters(**values), notices
