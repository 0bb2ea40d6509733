"""The table behind every chart and the map, and CSV in UTF-8 with a BOM (Excel reads it as Unicode)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pandas as pd

from rightsmap import maps, metrics
from rightsmap.exports.data import ExportData, event_titles
from rightsmap.exports.slides import headline, metric_label
from rightsmap.exports.stamp import Stamp
from rightsmap.i18n import Translator, translator
from rightsmap.vocab import N_

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
    frames = [table(name, data, lang).astype(object).assign(table=name) for name in TABLES]
    frame = pd.concat(frames, ignore_index=True)
    return frame[["table", *[c for c in frame.columns if c != "table"]]]


_FORMULA_START = re.compile(r"^(?:[=@\t\r]|[+-](?![0-9.,]))")


def spreadsheet_safe(value: object) -> object:
    """Text a spreadsheet shows as text: a cell that would start a formula (=, @, or + or - not before a
    number) gets a leading apostrophe. Event titles come from imports, so they must never run."""
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


def to_csv(frame: pd.DataFrame, stamp: Stamp, *, title: str = "") -> bytes:
    """UTF-8 with a BOM: the stamp on the first lines, each starting with '# ', then the table."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    for line in [title, *stamp.lines()] if title else stamp.lines():
        writer.writerow([STAMP_PREFIX + line])
    frame.map(spreadsheet_safe).to_csv(out, index=False, lineterminator="\r\n")
    return out.getvalue().encode("utf-8")


def csv_bytes(name: str, data: ExportData, lang: str, stamp: Stamp) -> bytes:
    """One table (or 'all' of them, combined) as stamped CSV."""
    _ = translator(lang)
    if name == "all":
        return to_csv(combined(data, lang), stamp, title=_("Every table behind the charts and the map"))
    return to_csv(table(name, data, lang), stamp, title=_(TABLES[name][0]))


def read_csv(content: bytes) -> tuple[list[str], pd.DataFrame]:
    """The stamp lines and the table of a CSV written by to_csv."""
    text = content.decode("utf-8-sig")
    rows = text.splitlines()
    head = []
    for row in rows:
        if not row.startswith(('"' + STAMP_PREFIX, STAMP_PREFIX)):
            break
        head.append(next(csv.reader([row]))[0])
    body = "\n".join(rows[len(head):])
    return [h.removeprefix(STAMP_PREFIX) for h in head], pd.read_csv(io.StringIO(body))
