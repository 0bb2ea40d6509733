"""Protection across releases: the public view before an import, compared with the view after it.

An attacker who saved the last published view and reads the next one knows, for an import that only adds
cases, that every earlier cell is at most its later self. Two rules keep that from narrowing any cell:

- a cell withheld in the last published table stays withheld (releases.store passes it as keep_hidden);
- hold(): the two releases are read together by the independent attacker (rightsmap.attack), from the
  figures as the command line prints them, and while any cell of either is narrower than k, more cells of
  the new table are withheld (the cell itself, or a partner of it), and the quarter protected again.
  A cell published before and withheld now is judged on the new table alone (attack.Attacker.narrowed
  says why).

The earlier table cannot change: it has been published. Only quarters whose table changed are compared,
and only where the write only added (no published count went down: an undo or a correction is no
"only adds" write, and the attacker's premise does not hold there).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

import numpy as np
import pandas as pd

from rightsmap import attack
from rightsmap.data import db
from rightsmap.disclosure import figures, layout, protect
from rightsmap.disclosure.public_filters import all_quarters

KEY = ["quarter", "measure", "region", "category"]
log = logging.getLogger(__name__)


def record(conn, protected: pd.DataFrame, k: int) -> None:
    """Record a published table in `releases` (date, k, hash, counts) unless it is the last one again."""
    digest = table_sha256(protected)
    last = db.execute(conn, "statements/last_release")
    if not last or last[0][0] != digest:
        db.execute(conn, "statements/record_release", k=k, sha=digest, cells=len(protected),
                   hidden=int((protected["status"] == layout.HIDDEN).sum()))


def table_sha256(protected: pd.DataFrame) -> str:
    """The hash of a protected table as published: its cells in a fixed order, statuses and shown values."""
    ordered = protected.sort_values(["quarter", "measure", "region", "category"])
    text = ordered[["quarter", "measure", "region", "category", "value", "status"]].astype(str).to_csv(index=False)
    return hashlib.sha256(text.encode()).hexdigest()


def withheld_before(conn, k: int) -> dict:
    """Per quarter (a date) and per year (an int), the cells the stored (last published) table withheld, if it
    was made with this k."""
    exists = db.execute(conn, "statements/has_protected_cells")[0][0]
    meta = db.run(conn, "dataset_meta")
    if not exists or dict(zip(meta["key"], meta["value"], strict=True)).get(protect.STORED_K) != str(k):
        return {}
    table = protect.db_table(conn)
    at = layout.layout().index()
    out: dict = {}
    for (quarter, period), rows in table.groupby(["quarter", "period"], sort=True):
        hidden = np.zeros(len(at), dtype=bool)
        for m, r, c, s in zip(rows["measure"], rows["region"], rows["category"], rows["status"], strict=True):
            if (m, r, c) in at:
                hidden[at[(m, r, c)]] = s != layout.SHOWN
        quarter = pd.Timestamp(quarter).date()
        out[quarter if period == layout.QUARTER else quarter.year] = hidden
    return out




def hold(previous: pd.DataFrame, exact: pd.DataFrame, table: pd.DataFrame, k: int,
         keep: dict[dt.date | int, np.ndarray]) -> pd.DataFrame:
    """The new protected table, withholding more where comparing it with `previous` would narrow a cell."""
    lay = layout.layout()
    at = lay.index()
    vectors = layout.quarter_vectors(exact)
    span = (min(vectors), max(vectors)) if vectors else None
    years = set(layout.full_years(list(vectors)))
    keep = {q: hidden.copy() for q, hidden in keep.items()}  # per quarter (a date) and per year (an int)
    growing = _growing_quarters(previous, vectors)
    for _round in range(len(lay.keys)):
        narrowed = [n for n in joint_narrowed(previous, table, k) if n[0] in growing or (
            isinstance(n[0], int) and set(layout.year_quarters(n[0])) <= growing)]
        if not narrowed:
            return table
        for quarter, key in narrowed:
            if isinstance(quarter, int):
                # A year cell: withhold it; if it is withheld already, withhold the whole year's year cells,
                # which leaves that year's quarters as they would be alone (compared quarter by quarter).
                held = keep.setdefault(quarter, np.zeros(len(lay.keys), dtype=bool))
                row = table[(table["period"] == layout.YEAR) & (table["quarter"] == dt.date(quarter, 1, 1))
                            & (table["measure"] == key[0]) & (table["region"] == key[1])
                            & (table["category"] == key[2])]
                if held[at[key]] or (row["status"] != layout.SHOWN).all():
                    held[:] = True
                held[at[key]] = True
                continue
            values = vectors.get(quarter)
            if values is None:  # a quarter the new data no longer holds: nothing there to publish
                continue
            rows = table[(table["quarter"] == quarter) & (table["period"] == layout.QUARTER)]
            hidden = (rows.set_index(["measure", "region", "category"])["status"]
                      .reindex(pd.MultiIndex.from_tuples(lay.keys)).to_numpy() != layout.SHOWN)
            held = keep.setdefault(quarter, np.zeros(len(lay.keys), dtype=bool))
            cell = at[key]
            # Withhold the cell itself in the new table, or, if it is withheld already, a partner of it.
            try:
                held[cell if not hidden[cell] else protect._partner(cell, values, hidden | held, lay, k)] = True
            except RuntimeError:  # nothing left to withhold in this quarter: keep what is withheld
                log.warning("comparing releases narrows %s %s; nothing left to withhold", quarter, key)
                growing.discard(quarter)
        # A quarter of a full year is protected again with its year (and the year's other quarters).
        changed: set[dt.date] = set()
        for quarter, _key in narrowed:
            year = quarter if isinstance(quarter, int) else quarter.year
            if year in years:
                changed.update(layout.year_quarters(year))
            elif isinstance(quarter, dt.date) and quarter in vectors:
                changed.add(quarter)
        redone = protect.protect(exact[pd.to_datetime(exact["quarter"]).dt.date.isin(changed)], k, keep, span)
        table = pd.concat([table[~table["quarter"].isin(changed)], redone], ignore_index=True)
    raise RuntimeError("comparing two releases still narrows a cell after withholding every cell")


def joint_narrowed(previous: pd.DataFrame, table: pd.DataFrame, k: int) -> list[tuple[dt.date | int, tuple]]:
    """The cells (quarter, or year as an int; layout key) that reading both releases together narrows below k."""
    quarters = _changed_quarters(previous, table)
    if not quarters:
        return []
    before = attack.Attacker(k).read_all(figures.public_figures(previous, k, quarters))
    after = attack.Attacker(k).read_all(figures.public_figures(table, k, quarters))
    found = []
    for derived in after.compare_with(before).narrowed():
        name, show, region = derived.cell
        name = name.split("#")[0]
        quarter = int(name[:4]) if name.endswith(attack.YEAR_MARK) else _quarter(name)
        found.append((quarter, _key(show, region)))
    return sorted(set(found), key=str)


def _growing_quarters(previous: pd.DataFrame, vectors: dict[dt.date, np.ndarray]) -> set[dt.date]:
    """Quarters where no count published in `previous` is larger than its value now."""
    at = layout.layout().index()
    shrunk = set()
    shown = previous[(previous["status"] == layout.SHOWN) & (previous["period"] == layout.QUARTER)]
    for q, m, r, c, v in zip(shown["quarter"], shown["measure"], shown["region"], shown["category"], shown["value"],
                             strict=True):
        now = vectors.get(q)
        if (m, r, c) in at and (now[at[(m, r, c)]] if now is not None else 0.0) < v:
            shrunk.add(q)
    return set(vectors) - shrunk


def _changed_quarters(previous: pd.DataFrame, table: pd.DataFrame) -> list[dt.date]:

    def cells(frame: pd.DataFrame) -> dict:
        return {(q, p, m, r, c): (s, None if s != layout.SHOWN else float(v)) for q, p, m, r, c, v, s in zip(
            frame["quarter"], frame["period"], frame["measure"], frame["region"], frame["category"], frame["value"],
            frame["status"], strict=True)}

    old, new = cells(previous), cells(table)
    changed: set[dt.date] = set()
    for key in old.keys() | new.keys():
        if old.get(key) != new.get(key):  # a changed year cell: compare its four quarters (and so the year)
            changed.update(layout.year_quarters(key[0].year) if key[1] == layout.YEAR else [key[0]])
    return [q for q in all_quarters() if q in changed]


def _quarter(name: str) -> dt.date:
    year, quarter = name.split("-Q")
    return dt.date(int(year), (int(quarter) - 1) * 3 + 1, 1)


def _key(show: str, region: str) -> tuple[str, str, str]:
    """An attacker's cell name -> the layout's (measure, region, category)."""
    measure, _, category = show.partition(":")
    if not category:
        category = layout.ALL if layout.MEASURE_BY_KEY[measure].additive else measure
    return measure, region, category


def store(conn, k: int) -> None:
    """Compute the protected table and keep it in the database, for the app to read instead of computing.

    Called by every write (store.writable, sample.build) after its data is committed, on the copy that is
    then swapped in, so the stored table always matches the data. Only published values are stored.

    Releases: a cell the last published table withheld stays withheld (for the same k), so comparing the
    view before and after an import cannot turn a withheld cell into a shown one; and each table that
    differs from the last is recorded in `releases` by its hash and date.
    """
    keep = withheld_before(conn, k)
    protected = protect.protected_table(conn, k, keep)
    if keep:
        protected = hold(protect.db_table(conn), protect.exact_cells(conn), protected, k, keep)
    db.execute(conn, "statements/store_protected_cells", frames={"protected": protected})
    db.execute(conn, "statements/set_meta", key=protect.STORED_K, value=str(k))
    record(conn, protected, k)
