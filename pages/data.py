"""Import data (staff): upload a spreadsheet, preview what it adds and what is wrong, confirm; undo a batch."""

import pandas as pd
import streamlit as st

from rightsmap.domain.vocab import N_
from rightsmap.records.importing import staff
from rightsmap.web import cache, ui
from rightsmap.web.staff import acting_user, require as require_staff

require_staff()  # exact counts: staff only, whatever the address

COLUMNS = {
    "row": N_("Row"), "column": N_("Column"), "reason": N_("Reason"), "region": N_("Code"),
    "region_name": N_("Region"), "month": N_("Month"), "quarter": N_("Quarter"), "perpetrator": N_("Perpetrator"),
    "violation_types": N_("Violation types"), "cases": N_("Cases"), "extorted_som": N_("Extorted, som"),
    "raid_events": N_("Raids"), "people_detained": N_("People detained"),
    "cases_with_detention": N_("Cases with a detention"), "detention_days": N_("Days in detention"),
    "planned": N_("Planned"), "reached": N_("Reached"), "hiv_tests": N_("HIV tests"), "condoms": N_("Condoms"),
    "consultations": N_("Consultations"), "event_date": N_("Date"), "id": N_("Batch"),
    "imported_at": N_("Imported at"), "kind": N_("Kind"), "rows": N_("Rows"), "imported_by": N_("Imported by"),
    "year": N_("Year"), "estimate": N_("Estimate"), "low": N_("Low"), "high": N_("High"), "source": N_("Source"),
    "source_note": N_("Source note"),
}


def _named(frame):
    return frame.rename(columns={k: _(v) for k, v in COLUMNS.items()})


def _commit(result: staff.Preview) -> None:
    # A callback runs before the page does, so a rerun cannot lose the click.
    if acting_user() is None:
        return  # the session ended since the page was drawn; the page shows the login form instead
    try:
        batch = staff.commit(result, st.session_state.get("import_by", ""))
    except (staff.StoreError, staff.Refused) as exc:
        st.session_state["import_problem"] = str(exc)
    else:
        st.session_state["import_notice"] = N_("Imported as batch {batch}.").format(batch=batch)
        st.session_state["import_count"] = st.session_state.get("import_count", 0) + 1  # empties the uploader


def _undo(batch: int) -> None:
    if acting_user() is None:
        return
    try:
        removed = staff.undo(batch)
    except staff.StoreError as exc:
        st.session_state["import_problem"] = str(exc)
    else:
        st.session_state["import_notice"] = N_("Batch {batch} undone: {rows} rows removed.").format(
            batch=batch, rows=sum(removed.values()))


ui.ensure_entry_script_ran()
_ = ui.translator()
st.title(_("Import data"))
st.caption(_("Only aggregates are stored: counts per region and month. Names, phone numbers, free text and any "
             "column the importer does not know are dropped and never written. The file name is not kept."))

if notice := st.session_state.pop("import_notice", None):
    st.success(_.text(notice), icon=":material/check_circle:")
if problem := st.session_state.pop("import_problem", None):
    st.error(_.text(problem), icon=":material/error:")

kind = st.selectbox(_("What the file holds"), list(staff.KIND_LABELS), format_func=lambda k: _(staff.KIND_LABELS[k]),
                    key="import_kind")
left, right = st.columns(2)
left.download_button(_("Empty template (CSV)"), staff.template(kind, "csv"), file_name=f"{kind}-template.csv",
                     mime="text/csv", key="template_csv", icon=":material/download:", width="stretch")
right.download_button(_("Empty template (XLSX)"), staff.template(kind, "xlsx"), file_name=f"{kind}-template.xlsx",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="template_xlsx",
                      icon=":material/download:", width="stretch")
# A new key after each import empties the uploader.
count = st.session_state.get("import_count", 0)
upload = st.file_uploader(_("CSV (UTF-8 or Windows-1251) or XLSX file"), type=["csv", "xlsx"],
                          key=f"import_file_{count}",
                          help=_("Headers in English, Russian or Kyrgyz, as in the templates above."))
mapping_upload = st.file_uploader(
    _("Column mapping (optional)"), type=["toml", "json"], key=f"import_mapping_{count}",
    help=_("For another system's export: a TOML or JSON file that names its headers, values and date formats. "
           "Check one with `python -m rightsmap mapping check FILE --sample DATA`."))
mapping, mapping_ok = None, True
if mapping_upload is not None:
    try:
        mapping = staff.read_mapping(mapping_upload.getvalue(), mapping_upload.name, kind)
    except staff.MappingError as exc:
        mapping_ok = False
        st.error(_.text(str(exc)), icon=":material/error:")
if upload is not None and mapping_ok:
    result = staff.preview(kind, upload.getvalue(), cache.connection(), mapping)
    prepared = result.prepared
    for problem in result.problems:  # why the database will not take it comes first, in plain words
        st.error(_("This database will not take the file: {reason}", reason=_.text(problem)),
                 icon=":material/block:")
    st.markdown(_("**{rows}** rows read.", rows=_.number(prepared.rows)))
    if prepared.dropped_columns:
        st.caption(_("Dropped columns (never stored): {columns}",
                     columns=", ".join(_.text(c) for c in prepared.dropped_columns)))
    for warning in prepared.warnings:
        st.warning(_.text(warning))
    if not result.can_import:
        if prepared.errors_total:
            st.error(_("Nothing can be imported from this file: {count} problem(s). Fix them and upload the file "
                       "again.", count=prepared.errors_total), icon=":material/error:")
            errors = staff.errors_frame(result)
            errors["reason"] = [_.text(r) for r in errors["reason"]]
            # A problem of the whole file has no row or column: say so instead of "None".
            errors["row"] = [_("whole file") if pd.isna(r) else str(int(r)) for r in errors["row"]]
            errors["column"] = ["—" if pd.isna(c) or c is None else str(c) for c in errors["column"]]
            st.dataframe(_named(errors), hide_index=True)
    else:
        st.subheader(_("What the import will add"))
        for table, frame in staff.aggregate_frames(result, region_name=_.region).items():
            st.markdown(_("**{table}**: {rows} rows", table=_(staff.TABLE_LABELS.get(table, table)),
                          rows=_.number(len(frame))))
            st.dataframe(_named(frame), hide_index=True)
        st.text_input(_("Imported by"), value=staff.default_user(), key="import_by")
        st.button(_("Import"), type="primary", key="import_confirm", on_click=_commit, args=(result,))

st.subheader(_("Batches"))
batches = cache.batches()
if batches.empty:
    st.info(_("No file has been imported into this database yet."))
else:
    st.dataframe(_named(batches.drop(columns=["file_sha256"])), hide_index=True)
    left, right = st.columns([1, 2])
    chosen = left.selectbox(_("Batch to undo"), batches["id"].tolist(), index=None, key="undo_batch",
                            placeholder=_("Choose a batch"))
    if chosen is not None:
        right.button(_("Undo batch {batch}", batch=chosen), key="undo_confirm", on_click=_undo, args=(int(chosen),))
