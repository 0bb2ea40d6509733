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

from rightsmap.disclosure.layout import ALL, MEASURE_BY_KEY
from rightsmap.disclosure.public import CHOICE_BY_KEY, Choice
from rightsmap.domain import period, url_codec
from rightsmap.domain.filters import Filters, add_months
from rightsmap.domain.url_codec import Notice
from rightsmap.domain.vocab import N_, REGION_CODES

_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


def quarter_text(quarter: dt.date) -> str:
    """date(2017, 4, 1) -> '2017-Q2'."""
    return f"{quarter.year}-Q{(quarter.month - 1) // 3 + 1}"


def parse_quarter(text: str) -> dt.date:
    match = _QUARTER.match(text.strip())
    if not match:
        raise ValueError(N_("{text} is not a quarter in the form 2017-Q2").format(text=repr(text)))
    return dt.date(int(match.group(1)), (int(match.group(2)) - 1) * 3 + 1, 1)


def all_quarters() -> tuple[dt.date, ...]:
    """Every quarter the public filters offer: the protected table's (rightsmap.domain.period.quarters)."""
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
        """URL query parameters; values equal to the default are left out."""
        return url_codec.encode(self, PublicFilters(), URL_PARAMS)


def _label_of_the_default() -> str:
    return MEASURE_BY_KEY[CHOICE_BY_KEY[PublicFilters().show].measure].label


URL_PARAMS = (
    *(url_codec.period_end(key, attr, parse_quarter, quarter_text,
                           N_("Ignored {key}={value} in the link: expected a quarter such as 2017-Q2."), all_quarters)
      for key, attr in (("q_from", "quarter_from"), ("q_to", "quarter_to"))),
    url_codec.one_code("region", "region", lambda: REGION_CODES),
    url_codec.one_code("show", "show", lambda: tuple(CHOICE_BY_KEY), limit=30, showing=_label_of_the_default),
)
URL_KEYS = tuple(param.key for param in URL_PARAMS)


def from_query_params(params: Mapping[str, Any]) -> tuple[PublicFilters, list[Notice]]:
    """Public filters from the URL, and a notice for every value that fell back to its default."""
    return url_codec.decode(params, URL_PARAMS, PublicFilters, ("quarter_from", "quarter_to"))
