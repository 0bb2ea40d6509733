"""The public view's figures, read only from the protected table (rightsmap.disclosure).

A figure over a period and a choice of region and category is the sum of the
published cells it covers: the country's own total where "all regions" is
chosen, the measure's own total where "all perpetrators" is chosen. If a cell it
needs is withheld, the figure says what can be said: "≥ N" for the published
part, "hidden" when nothing of it is published. A small count and a cell hidden
to protect it carry the same mark, so the mark itself gives nothing away.

STATUSES is the one list of what a public figure can be; MARKS explains the
ones that need it. Pages, legends, files and the command line are driven by them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from rightsmap.disclosure.layout import ALL, MEASURE_BY_KEY, QUARTER, SHOWN
from rightsmap.domain.i18n import Translator
from rightsmap.domain.vocab import N_, PERPETRATORS, REGION_CODES, VIOLATION_TYPES

EXACT, AT_LEAST, HIDDEN, NO_DATA = "exact", "at_least", "hidden", "no_data"
STATUSES = (EXACT, AT_LEAST, HIDDEN, NO_DATA)  # every status a public figure can have, in the legends' order
WITHHELD = (AT_LEAST, HIDDEN)  # statuses that withhold (part of) a count
COVERAGE = "coverage_pct"

# (quarter, measure, region, category), and (year as an int, measure, region, category) for year cells
Cells = Mapping[tuple[dt.date | int, str, str, str], tuple[float, str]]


@dataclass(frozen=True)
class Figure:
    """What the public view may say about a number: exact, at least a bound, or nothing."""

    status: str
    value: float | None = None  # the exact value, or the bound

    @property
    def exact(self) -> bool:
        return self.status == EXACT

    def text(self, translate: Translator, *, percent: bool = False) -> str:
        if self.status == NO_DATA:
            return translate("no data")
        if self.status == HIDDEN:
            return translate("hidden")
        number = translate.percent(self.value) if percent else translate.number(self.value)
        if self.status == AT_LEAST:
            return "≥ " + number
        return number


MARKS = {  # status -> what its mark means, for the statuses that need explaining (in STATUSES' order)
    AT_LEAST: N_("≥: at least this many. Part of the count is hidden so that small counts cannot be worked out."),
    HIDDEN: N_("hidden: not shown. It may be 0, a small count or any other number: counts below {k} are hidden, "
               "and enough others that they cannot be worked out."),
}


def published_quarters(protected: pd.DataFrame) -> tuple[dt.date, ...]:
    """The quarters the protected table publishes, in order: what the public filters offer.

    Read defensively: the period is the `quarter` column (or `period`), and rows of another grain
    (a `grain` column other than "quarter", a year, anything that is not a quarter's first day) are not
    quarters to offer.
    """
    column = next((name for name in ("quarter", "period") if name in protected.columns), None)
    if column is None or protected.empty:
        return ()
    rows = protected
    if "grain" in rows.columns:
        rows = rows[rows["grain"].astype(str) == "quarter"]
    found = set()
    for value in pd.unique(rows[column]):
        when = _quarter_of(value)
        if when is not None:
            found.add(when)
    return tuple(sorted(found))


def _quarter_of(value: object) -> dt.date | None:
    if isinstance(value, str):
        text = value.strip().upper().replace(" ", "-")
        if len(text) == 7 and text[4:6] == "-Q" and text[:4].isdigit() and text[6] in "1234":
            return dt.date(int(text[:4]), (int(text[6]) - 1) * 3 + 1, 1)
        if len(text) < 10:  # a year ("2021") or another label: not a quarter
            return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if pd.isna(stamp) or stamp.day != 1 or stamp.month not in (1, 4, 7, 10):
        return None
    return stamp.date()


def index(protected: pd.DataFrame) -> dict[tuple[dt.date, str, str, str], tuple[float, str]]:
    """The protected table as a lookup: (quarter, measure, region, category) -> (value, status)."""
    # Columns as lists, and the quarters converted once: a Timestamp per row took most of a first page's
    # 0.2 s here on a fresh server.
    quarters = pd.to_datetime(protected["quarter"]).dt.date.tolist()
    periods = protected["period"].tolist() if "period" in protected else [QUARTER] * len(quarters)
    columns = (protected[name].tolist() for name in ("measure", "region", "category", "value", "status"))
    return {(q if p == QUARTER else q.year, m, r, c): (v, s)
            for q, p, m, r, c, v, s in zip(quarters, periods, *columns, strict=True)}


def _by_year(cells: Cells, quarters: Sequence[dt.date], key: tuple[str, str, str]) -> list[tuple[int, bool]] | None:
    """The period as whole years, each with whether the table has its year cell; None if the period is not
    whole years."""
    ordered = sorted(quarters)
    if not ordered or len(ordered) % 4 or ordered[0].month != 1:
        return None
    years = list(range(ordered[0].year, ordered[-1].year + 1))
    if ordered != [dt.date(y, m, 1) for y in years for m in (1, 4, 7, 10)]:
        return None
    return [(y, (y, *key) in cells) for y in years]


def figure(cells: Cells, k: int, quarters: Sequence[dt.date], measure: str, region: str = ALL,
           category: str = ALL) -> Figure:
    """One public figure: the sum over the quarters of the published cell for region and category."""
    if measure == COVERAGE:
        return coverage(cells, k, quarters, region)
    spec = MEASURE_BY_KEY[measure]
    if category == ALL and not spec.additive:
        if len(spec.categories) != 1:
            raise ValueError(f"{measure} has no total over its categories; choose one of {spec.categories}")
        category = spec.categories[0]
    shown_sum, withheld = 0.0, 0
    # A period of whole years reads each year's protected year cell; where the year's cell is withheld
    # (or the year has none: the data covers it only in part), its quarters: their sum if all are published,
    # else their published part.
    years = _by_year(cells, quarters, (measure, region, category))
    for year, has_cell in years or []:
        if has_cell and cells[(year, measure, region, category)][1] == SHOWN:
            shown_sum += cells[(year, measure, region, category)][0]
            continue
        for month in (1, 4, 7, 10):
            value, status = cells.get((dt.date(year, month, 1), measure, region, category), (0.0, SHOWN))
            shown_sum, withheld = (shown_sum + value, withheld) if status == SHOWN else (shown_sum, withheld + 1)
    for quarter in quarters if years is None else ():
        value, status = cells.get((quarter, measure, region, category), (0.0, SHOWN))
        if status == SHOWN:
            shown_sum += value
        else:
            withheld += 1
    if not withheld:
        return Figure(EXACT, shown_sum)
    if shown_sum > 0:
        return Figure(AT_LEAST, shown_sum)
    return Figure(HIDDEN)


def coverage(cells: Cells, k: int, quarters: Sequence[dt.date], region: str = ALL) -> Figure:
    """Reached as a % of planned; hidden with its count, since with the plan it would give the count away."""
    reached = figure(cells, k, quarters, "reached", region)
    planned = figure(cells, k, quarters, "planned", region)
    if not (reached.exact and planned.exact) or reached.value is None or planned.value is None:
        return Figure(HIDDEN)
    if planned.value == 0:
        return Figure(NO_DATA)
    return Figure(EXACT, round(100.0 * reached.value / planned.value, 1))


@dataclass(frozen=True)
class Choice:
    """What the public view counts: a measure and one of its categories (ALL = every one)."""

    measure: str
    category: str = ALL

    @property
    def key(self) -> str:
        return self.measure if self.category == ALL else f"{self.measure}:{self.category}"

    @property
    def percent(self) -> bool:
        return self.measure == COVERAGE

    def label(self, translate: Translator) -> str:
        if self.measure == "cases" and self.category != ALL:
            return translate("Cases by {perpetrator}", perpetrator=translate.perpetrator(self.category))
        if self.measure == "cases_of_type":
            return translate("Cases: {type}", type=translate.violation_type(self.category))
        if self.measure == COVERAGE:
            return translate("Coverage, % of plan")
        return translate(MEASURE_BY_KEY[self.measure].label)


CHOICES: tuple[Choice, ...] = (
    Choice("cases"),
    *(Choice("cases", p) for p in PERPETRATORS),
    *(Choice("cases_of_type", t) for t in VIOLATION_TYPES),
    Choice("raid_events"),
    Choice("people_detained_in_raids"),
    Choice("detentions"),
    Choice("reached"),
    Choice(COVERAGE),
)
CHOICE_BY_KEY = {c.key: c for c in CHOICES}


def region_figures(cells: Cells, k: int, quarters: Sequence[dt.date], choice: Choice) -> dict[str, Figure]:
    """The choice's figure for each of the nine regions."""
    return {code: figure(cells, k, quarters, choice.measure, code, choice.category) for code in REGION_CODES}


def quarter_figures(cells: Cells, k: int, quarters: Sequence[dt.date], choice: Choice,
                    region: str = ALL) -> dict[dt.date, Figure]:
    """The choice's figure for each quarter, for one region or the whole country."""
    return {q: figure(cells, k, [q], choice.measure, region, choice.category) for q in quarters}


def marks_used(figures: Sequence[Figure]) -> list[str]:
    """The explanations the shown figures need, in a fixed order."""
    used = {f.status for f in figures}
    return [MARKS[s] for s in STATUSES if s in used and s in MARKS]


def mark_texts(figures: Sequence[Figure], k: int, translate: Translator) -> list[str]:
    return [translate(m, k=k, below=k - 1) for m in marks_used(figures)]


def map_values(figures: Mapping[str, Figure]) -> dict[str, float | None]:
    """Each region's value for the map: the exact value, or the published part of an "≥ N"; None when
    withheld."""
    return {code: f.value if f.status in (EXACT, AT_LEAST) else None for code, f in figures.items()}


def data_span(cells: Cells) -> tuple[dt.date, dt.date] | None:
    """The first and last quarter in which the protected table publishes a count above 0 (None if none).

    The About page's span: whole quarters, and only what the published figures already say, so that on
    small data it cannot date a single withheld case.
    """
    quarters = [key[0] for key, (value, status) in cells.items()
                if status == SHOWN and value > 0 and isinstance(key[0], dt.date)]
    return (min(quarters), max(quarters)) if quarters else None


BREAKDOWN_COLUMNS = ("group", "name", "shown")


def breakdown(cells: Cells, k: int, quarters: Sequence[dt.date], region: str,
              translate: Translator) -> tuple[list[tuple[str, str, str]], list[Figure]]:
    """Cases by perpetrator, then by violation type, for one region or all: rows of BREAKDOWN_COLUMNS
    (the group, the category's name, the figure as shown), and the figures."""
    rows, figures = [], []
    for group, measure, codes, name in (
        (translate("By perpetrator"), "cases", PERPETRATORS, translate.perpetrator),
        (translate("By violation type"), "cases_of_type", VIOLATION_TYPES, translate.violation_type),
    ):
        for code in codes:
            f = figure(cells, k, quarters, measure, region, code)
            figures.append(f)
            rows.append((group, name(code), f.text(translate)))
    return rows, figures


HEADLINES = ("cases", "raid_events", "people_detained_in_raids", COVERAGE)


def headline_keys(choice: Choice) -> tuple[str, ...]:
    """The headline figures for a choice: the chosen figure stands in for the cases it narrows
    (show=cases:police heads with police cases), and a figure of its own kind comes first."""
    if choice.key in HEADLINES:
        return HEADLINES
    if choice.measure in ("cases", "cases_of_type"):
        return (choice.key, *HEADLINES[1:])
    return (choice.key, *HEADLINES)
