"""What the staff page needs, kept out of the page: preview, commit, and frames to show."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from rightsmap.domain import config
from rightsmap.domain.vocab import N_, REGION_BY_CODE
from rightsmap.records import store
from rightsmap.records.importing import mapping as columnmap, pipeline, report
from rightsmap.records.importing.columns import template_headers

KIND_LABELS = {"cases": N_("Cases (one row per documented case)"), "raids": N_("Raids (one row per raid)"),
               "coverage": N_("Coverage (plan and reach per region and period)"),
               "events": N_("Events (dated annotations)"),
               "estimates": N_("Population size estimates (region, year, estimate and its source)")}
TABLE_LABELS = {"cases": N_("Cases"), "raids": N_("Raids"), "detentions": N_("Documented detentions"),
                "reach": N_("Service reach"), "events": N_("Events"),
                "estimates": N_("Population size estimates")}


@dataclass
class Preview:
    prepared: pipeline.Prepared
    problems: list[str] = field(default_factory=list)

    @property
    def can_import(self) -> bool:
        return self.prepared.ok and not self.problems


def preview(kind: str, data: bytes, conn: duckdb.DuckDBPyConnection,
            mapping: columnmap.Mapping | None = None) -> Preview:
    """Check an uploaded file (through a column mapping, if given) and whether the open database would take
    it; writes nothing. The database's refusal (the sample, a file imported before) is found even when the
    file has errors, so that the page can say it first."""
    prepared = pipeline.prepare(kind, data, mapping)
    return Preview(prepared, pipeline.target_problems(conn, prepared))


def read_mapping(data: bytes, name: str, kind: str) -> columnmap.Mapping:
    """An uploaded column mapping; MappingError with a one-line reason otherwise."""
    if len(data) > columnmap.MAX_MAPPING_BYTES:
        raise columnmap.MappingError(N_("mapping {name}: larger than 256 KB; a mapping is a short text file").format(
            name=name))
    return columnmap.parse(data, name=name, kind=kind)


def template(kind: str, form: str) -> bytes:
    """An empty template of a kind of file, with English and Russian headers, as CSV or XLSX bytes."""
    headers = template_headers(kind)
    if form == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        book.active.title = kind
        book.active.append(headers)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    text = io.StringIO()
    csv.writer(text).writerow(headers)
    return text.getvalue().encode("utf-8-sig")  # with a BOM, Excel opens the Cyrillic headers correctly


def commit(result: Preview, by: str) -> int:
    """Write the previewed file as one batch into the app's database (RIGHTSMAP_DB)."""
    return pipeline.commit(config.db_path(), result.prepared, by=by.strip() or None)


def undo(batch_id: int) -> dict[str, int]:
    return report.undo(config.db_path(), batch_id)


def errors_frame(result: Preview) -> pd.DataFrame:
    """The file's own errors, by row (the database's refusal is said apart, before them)."""
    return pd.DataFrame(result.prepared.errors, columns=["row", "column", "reason"])


def aggregate_frames(result: Preview, region_name=lambda code: REGION_BY_CODE[code].name_en) -> dict[str, pd.DataFrame]:
    """The rows the import would add, per table, with region names."""
    frames = {}
    for table, rows in result.prepared.tables.items():
        frame = rows.to_pandas()
        if "region" in frame:
            frame.insert(1, "region_name", frame["region"].map(
                lambda code: region_name(code) if code in REGION_BY_CODE else ""))
        if "violation_types" in frame:
            frame["violation_types"] = frame["violation_types"].map(lambda types: ", ".join(types))
        frames[table] = frame
    return frames


MappingError = columnmap.MappingError
StoreError = store.StoreError
Refused = pipeline.Refused
default_user = pipeline.default_user
