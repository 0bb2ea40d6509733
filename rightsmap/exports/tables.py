"""The table behind every chart and the map, and CSV in UTF-8 with a BOM (Excel reads it as Unicode)."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from rightsmap.data import metrics
from rightsmap.domain.i18n import Translator, translator
from rightsmap.domain.vocab import N_
from rightsmap.exports.data import ExportData, event_titles
from rightsmap.exports.slides import headline, metric_label
from rightsmap.exports.stamp import Stamp
from rightsmap.render import maps

BOM = "\ufeff"
STAMP_PREFIX = "# "


def _month(frame: pd.DataFrame, column: str = "period") -> pd.Series:
    return pd.to_datetime(frame[column]).dt.strftime("%Y-%m")


def _quarter(frame: pd.DataFrame, column: str = "quarter") -> pd.Series:
    dates = pd.to_datetime(frame[column])
    return dates.dt.year.astype(str) + "-Q" + ((dates.dt.month - 1) // 3 + 1).astype(str)


def headline_table(data: ExportData, _: Translator) -> pd.DataFrame:
    figures = headline(data, _)
    return pd.DataFrame({
        "measure": [f.key for f in figures], "label": [f.label for f in figures],
        "value": [data.summary[f.key] for f in figures],
        "previous_period": [(data.previous or {}).get(f.key) for f in figures],
        "change": [f.change or "" for f in figures],
    })  # fmt: skip


def map_table(data: ExportData, _: Translator) -> pd.DataFrame:
    """The map's values and classes, exactly as the map colours them."""
    definition = metrics.METRICS[data.metric]
    values = data.region_values
    classes = maps.classify(values["value"].dropna(), percent=definition.percent, translate=_)
    chosen = [maps.class_for(v, classes) for v in values["value"]]
    return pd.DataFrame({
        "code": values["code"], "region": [_.region(c) for c in values["code"]],
        "metric": data.metric if data.violation_type is None else f"{data.metric}:{data.violation_type}",
        "metric_label": metric_label(data, _), "value": values["value"],
        "class": [c.label for c in chosen], "colour": [c.color for c in chosen],
    })  # fmt: skip


def _cases(frame: pd.DataFrame, column: str, label: Callable[[str], str]) -> pd.DataFrame:
    grouped = frame.groupby(["period", "category"], as_index=False)["cases"].sum()
    return pd.DataFrame({"month": _month(grouped), column: grouped["category"],
                         "label": [label(c) for c in grouped["category"]], "cases": grouped["cases"]})


def cases_by_perpetrator_table(data: ExportData, _: Translator) -> pd.DataFrame:
    return _cases(data.cases_by_perpetrator, "perpetrator", _.perpetrator)


def cases_by_type_table(data: ExportData, _: Translator) -> pd.DataFrame:
    return _cases(data.cases_by_type, "violation_type", _.violation_type)


def _breakdown(counts: dict[str, int], column: str, label: Callable[[str], str]) -> pd.DataFrame:
    return pd.DataFrame({column: list(counts), "label": [label(c) for c in counts], "cases": list(counts.values())})


def by_type_table(data: ExportData, _: Translator) -> pd.DataFrame:
    return _breakdown(data.summary["cases_by_type"], "violation_type", _.violation_type)


def by_perpetrator_table(data: ExportData, _: Translator) -> pd.DataFrame:
    return _breakdown(data.summary["cases_by_perpetrator"], "perpetrator", _.perpetrator)


def raids_table(data: ExportData, _: Translator) -> pd.DataFrame:
    frame = data.raids
    return pd.DataFrame({"month": _month(frame), "raid_events": frame["raid_events"],
                         "people_detained_in_raids": frame["people_detained_in_raids"],
                         "detentions": frame["detentions"]})


def reach_table(data: ExportData, _: Translator) -> pd.DataFrame:
    frame = data.reach
    return pd.DataFrame({"quarter": _quarter(frame), "planned": frame["planned"], "reached": frame["reached"],
                         "coverage_pct": frame["coverage_pct"]})


def coverage_by_region_table(data: ExportData, _: Translator) -> pd.DataFrame:
    frame = data.reach_by_region
    return pd.DataFrame({"quarter": _quarter(frame), "code": frame["region"],
                         "region": [_.region(c) for c in frame["region"]], "planned": frame["planned"],
                         "reached": frame["reached"], "coverage_pct": frame["coverage_pct"]})


def events_table(data: ExportData, _: Translator) -> pd.DataFrame:
    frame = data.events
    return pd.DataFrame({"number": range(1, len(frame) + 1), "month": _month(frame, "event_date"),
                         "code": frame["region"].fillna(""),
                         "region": [_.region(c) if isinstance(c, str) else _("whole country") for c in frame["region"]],
                         "title": event_titles(frame, _.lang)})


# name -> (what it is, builder). The names are the CSV file names and the CLI's --table values.
TABLES: dict[str, tuple[str, Callable[[ExportData, Translator], pd.DataFrame]]] = {
    "headline": (N_("Headline figures"), headline_table),
    "map": (N_("The numbers behind the map"), map_table),
    "cases_by_perpetrator": (N_("Cases by perpetrator, month by month"), cases_by_perpetrator_table),
    "cases_by_type": (N_("Cases by violation type, month by month"), cases_by_type_table),
    "raids": (N_("Raids, people detained and detentions, month by month"), raids_table),
    "reach": (N_("Planned and reached, quarter by quarter"), reach_table),
    "coverage_by_region": (N_("Coverage by region and quarter"), coverage_by_region_table),
    "by_type": (N_("Cases by violation type"), by_type_table),
    "by_perpetrator": (N_("Cases by perpetrator"), by_perpetrator_table),
    "events": (N_("Events"), events_table),
}


def table(name: str, data: ExportData, lang: str) -> pd.DataFrame:
    return TABLES[name][1](data, translator(lang))


def combined(data: ExportData, lang: str) -> pd.DataFrame:
    """Every table in one long frame: table, then each table's own columns (empty where it has none)."""
    # Each table's numbers are written before they share columns with other tables' (a column of counts
    # would otherwise become one of floats, 563.0).
    frames = [for_spreadsheet(table(name, data, lang), lang).assign(table=name) for name in TABLES]
    frame = pd.concat(frames, ignore_index=True)
    return frame[["table", *[c for c in frame.columns if c != "table"]]]


_FORMULA_START = re.compile(r"^(?:[=@\t\r]|[+-](?![0-9.,]))")


def spreadsheet_safe(value: object) -> object:
    """Text a spreadsheet shows as text: a cell that would start a formula (=, @, or + or - not before a
    number) gets a leading apostrophe. Event titles come from imports, so they must never run."""
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


# Russian and Kyrgyz spreadsheets (Excel in a Russian locale) read ";" between cells and a decimal comma
# without the import wizard; English ones read "," and a decimal point.
SEPARATORS: dict[str, tuple[str, str]] = {"en": (",", "."), "ru": (";", ","), "ky": (";", ",")}


def separators(lang: str) -> tuple[str, str]:
    """(cell separator, decimal separator) of the language's CSV files."""
    return SEPARATORS.get(lang, SEPARATORS["en"])


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def number_text(value: object, *, percent: bool, decimal: str) -> object:
    """A number as the language's spreadsheets read it: a count whole (563, not 563.0), a percentage with
    one decimal (78,9 or 78.9); anything else unchanged, and a missing number empty."""
    if _missing(value):
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return value
    if percent:
        return f"{float(value):.1f}".replace(".", decimal)
    if float(value).is_integer():
        return str(int(value))
    return f"{float(value):.1f}".replace(".", decimal)


def percent_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """True where a cell of a table is a percentage: a *_pct column, and the value (and previous value) of
    a row whose measure or metric is one."""
    mask = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    for column in frame.columns:
        if str(column).endswith("_pct"):
            mask[column] = True
    def percent_metric(name: object) -> bool:
        metric = metrics.METRICS.get(str(name).split(":")[0])
        return str(name).endswith("_pct") or (metric is not None and metric.percent)

    rows = pd.Series(False, index=frame.index)
    for column in ("measure", "metric"):
        if column in frame:
            rows |= pd.Series([percent_metric(m) for m in frame[column]], index=frame.index, dtype=bool)
    for column in ("value", "previous_period"):
        if column in frame:
            mask[column] = mask[column] | rows
    return mask


def for_spreadsheet(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table with its numbers written as the language's spreadsheets read them (number_text)."""
    decimal = separators(lang)[1]
    mask = percent_cells(frame)
    return pd.DataFrame({column: [number_text(v, percent=p, decimal=decimal)
                                  for v, p in zip(frame[column].astype(object), mask[column], strict=True)]
                         for column in frame.columns}, index=frame.index)


def stamp_lines(lines: list[str]) -> str:
    """The stamp as comment lines, never quoted: pandas.read_csv(comment="#") and spreadsheets skip them."""
    return "".join(STAMP_PREFIX + " ".join(line.split()) + "\r\n" for line in lines)


def to_csv(frame: pd.DataFrame, stamp: Stamp, *, title: str = "", lang: str = "en") -> bytes:
    """UTF-8 with a BOM: the stamp on the first lines, each starting with '# ', then the table, with the
    language's separators."""
    separator = separators(lang)[0]
    out = io.StringIO()
    out.write(BOM)
    out.write(stamp_lines([title, *stamp.lines()] if title else stamp.lines()))
    for_spreadsheet(frame, lang).map(spreadsheet_safe).to_csv(out, index=False, sep=separator,
                                                             lineterminator="\r\n")
    return out.getvalue().encode("utf-8")


def csv_bytes(name: str, data: ExportData, lang: str, stamp: Stamp) -> bytes:
    """One table (or 'all' of them, combined) as stamped CSV."""
    _ = translator(lang)
    if name == "all":
        return to_csv(combined(data, lang), stamp, title=_("Every table behind the charts and the map"), lang=lang)
    return to_csv(table(name, data, lang), stamp, title=_(TABLES[name][0]), lang=lang)


def read_csv(content: bytes) -> tuple[list[str], pd.DataFrame]:
    """The stamp lines and the table of a CSV written by to_csv (either language's separators)."""
    text = content.decode("utf-8-sig")
    rows = text.splitlines()
    head = [row for row in rows if row.startswith(STAMP_PREFIX)]
    body = rows[len(head):]
    separator, decimal = SEPARATORS["ru"] if body and ";" in body[0] else SEPARATORS["en"]
    frame = pd.read_csv(io.StringIO("\n".join(body)), sep=separator, decimal=decimal)
    return [h.removeprefix(STAMP_PREFIX) for h in head], frame
