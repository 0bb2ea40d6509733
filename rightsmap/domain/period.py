"""The period the filters offer: the data's own months (staff) and published quarters (public view).

Nothing here knows which years the data covers. Whoever holds the database says where to read the
span from (`follow`): the app through rightsmap.web.cache, keyed by the database file's stamp, so an import
shows its new months on the next rerun; the command line through the database its command names.
RIGHTSMAP_FIRST_MONTH / RIGHTSMAP_LAST_MONTH, when set, override either end (rightsmap.domain.config).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from rightsmap.domain import config

Span = tuple[dt.date | None, dt.date | None]
MonthsSource = Callable[[], Span]
QuartersSource = Callable[[], Sequence[dt.date]]

_months_source: MonthsSource | None = None
_quarters_source: QuartersSource | None = None


def follow(months: MonthsSource | None, quarters: QuartersSource | None = None) -> None:
    """Read the data's months (first, last; None when empty) and published quarters from these functions."""
    global _months_source, _quarters_source
    _months_source, _quarters_source = months, quarters


def sources() -> tuple[MonthsSource | None, QuartersSource | None]:
    """The functions follow() was last given (so that a caller can put them back)."""
    return _months_source, _quarters_source


def as_month(value: object) -> dt.date | None:
    """A date, datetime, Timestamp or 'YYYY-MM[-DD]' text as the first day of its month; None otherwise."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:7] + "-01")
        except ValueError:
            return None
    if isinstance(value, dt.datetime):  # pandas' Timestamp too
        value = value.date()
    if not isinstance(value, dt.date):
        return None
    try:
        return dt.date(value.year, value.month, 1)
    except (TypeError, ValueError):  # NaT and its kind
        return None


def this_month() -> dt.date:
    today = dt.date.today()
    return dt.date(today.year, today.month, 1)


def data_months() -> Span:
    """The first and last month that hold data, as the source says (None, None without a source or data)."""
    if _months_source is None:
        return None, None
    first, last = _months_source()
    return as_month(first), as_month(last)


def months() -> tuple[dt.date, dt.date]:
    """The months the staff filters offer: the data's, with the settings' override; this month when empty."""
    first, last = data_months()
    if config.FIRST_MONTH:
        first = _parse(config.FIRST_MONTH)
    if config.LAST_MONTH:
        last = _parse(config.LAST_MONTH)
    first = first or last or this_month()
    last = last or first
    if first > last:  # an override on one end that passes the data's other end
        first, last = (first, first) if config.FIRST_MONTH else (last, last)
    return first, last


def quarter_start(month: dt.date) -> dt.date:
    return dt.date(month.year, (month.month - 1) // 3 * 3 + 1, 1)


def quarters_between(first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    """Every quarter from the one holding first to the one holding last, in order."""
    quarter, end = quarter_start(first), quarter_start(last)
    out = []
    while quarter <= end:
        out.append(quarter)
        quarter = dt.date(quarter.year + quarter.month // 10, (quarter.month + 2) % 12 + 1, 1)
    return tuple(out)


def quarters() -> tuple[dt.date, ...]:
    """The quarters the public filters offer: the published ones (every quarter between the first and last),
    within the settings' override when one is set; the staff months' quarters without a published table."""
    published = tuple(_quarters_source()) if _quarters_source is not None else ()
    if not published:
        return quarters_between(*months())
    span = quarters_between(published[0], published[-1])
    lo = quarter_start(_parse(config.FIRST_MONTH)) if config.FIRST_MONTH else span[0]
    hi = quarter_start(_parse(config.LAST_MONTH)) if config.LAST_MONTH else span[-1]
    inside = tuple(q for q in span if lo <= q <= hi)
    return inside or span


def _parse(text: str) -> dt.date:
    return dt.date.fromisoformat(text + "-01")
