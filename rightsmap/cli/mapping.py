"""`python -m rightsmap mapping check FILE --sample DATA`: how a column mapping reads a file's first rows.

It shows what rightsmap would store from each row (region codes, months, codes, counts), never the
file's own text, so checking a mapping against a real export shows nothing the staff view does not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
from pathlib import Path
from typing import TextIO

from rightsmap.domain.i18n import say
from rightsmap.domain.vocab import N_
from rightsmap.records.importing import mapping as columnmap, readers, validate, values
from rightsmap.records.importing.columns import COUNT, DATE, KINDS, PERIOD, PERPETRATOR, PLACE, TYPES, YESNO


class MappingCommandError(RuntimeError):
    """Bad input to `mapping check`; one line, exit code 2."""


def add_commands(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser("mapping", help="check a column mapping for another system's export")
    which = group.add_subparsers(dest="mapping_command", required=True)
    check = which.add_parser("check", help="show how the first rows of a file would be read through a mapping")
    check.add_argument("file", metavar="FILE", help="the mapping (.toml or .json)")
    check.add_argument("--sample", metavar="DATA", required=True, help="a .csv or .xlsx file it is meant for")
    check.add_argument("--kind", choices=list(KINDS), help="the kind of file (default: the mapping's kind)")
    check.add_argument("--rows", type=int, default=5, metavar="N", help="how many rows to show (default 5)")
    check.set_defaults(handler=_check)


def _check(args: argparse.Namespace, out: TextIO) -> int:
    if not 1 <= args.rows <= 100:
        raise MappingCommandError(N_("--rows takes a number from 1 to 100"))
    try:
        mapping = columnmap.load(args.file, args.kind)
    except columnmap.MappingError as exc:
        raise MappingCommandError(str(exc)) from None
    sample = Path(args.sample)
    if not sample.is_file():
        raise MappingCommandError(N_("--sample: no file at {path}").format(path=sample))
    kind = mapping.kind
    raw = None
    try:
        raw = readers.read(sample)
        warnings = columnmap.apply(raw, kind, mapping)
        matched = validate.match_columns(raw, kind)
        lines = preview(raw, kind, matched, args.rows, dt.date.today())
    except readers.FileProblem as exc:
        raise MappingCommandError(N_("--sample: {problem}").format(problem=say(str(exc)))) from None
    finally:
        if raw is not None:
            raw.conn.close()
    print(say(N_("Mapping {name} for a {kind} file:")).format(name=Path(args.file).name, kind=kind), file=out)
    for name, index in matched.found.items():
        print(f"  {name} ← {validate.shown_header(mapping.columns.get(name) or raw.headers[index])}", file=out)
    if columnmap.APPEAL_READ in raw.headers:
        header = mapping.columns.get(columnmap.APPEAL) or columnmap.APPEAL
        print(say(N_("  appeal_date ← {header} (the date of a row whose incident date is missing)")).format(
            header=validate.shown_header(header)), file=out)
    dropped = [h for h in matched.dropped_columns if h != columnmap.APPEAL_READ]
    if dropped:
        print(say(N_("Not read (never stored): {headers}")).format(headers=", ".join(dropped)), file=out)
    for error in matched.errors:
        print(say(N_("Problem: {column}: {reason}")).format(column=error["column"], reason=say(error["reason"])),
              file=out)
    print(say(N_("The first rows as rightsmap reads them (codes and months only; the file's text is not shown):")),
          file=out)
    for line in lines:
        print("  " + line, file=out)
    for warning in warnings:
        print(say(N_("Warning: {message}")).format(message=say(warning)), file=out)
    return 2 if matched.errors else 0


def _reader(reads: str, maximum: int | None, today: dt.date):
    return {
        DATE: functools.partial(values.date, today=today), PLACE: values.place, TYPES: values.violation_types,
        PERPETRATOR: values.perpetrator, YESNO: values.yes_no, PERIOD: values.period,
        COUNT: functools.partial(values.count, maximum=maximum or 10**12),
    }.get(reads)


def _shown(value: object, reads: str) -> str:
    if isinstance(value, dt.date):
        return f"{value:%Y-%m}" if reads == DATE else f"{value.year}-Q{(value.month - 1) // 3 + 1}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def preview(raw: readers.RawTable, kind: str, matched: validate.Checked, rows: int, today: dt.date) -> list[str]:
    """One line per row: each read column's value as rightsmap stores it, or why it cannot be read."""
    columns = {c.name: c for c in KINDS[kind]}
    found = [(name, index) for name, index in matched.found.items() if name in columns]
    if not found:
        return []
    cells = ", ".join(f"c{index}" for _name, index in found)
    lines = []
    shown = raw.conn.execute(f"SELECT row, {cells} FROM raw ORDER BY row LIMIT $rows", {"rows": int(rows)})  # noqa: S608
    for number, *texts in shown.fetchall():
        parts = []
        for (name, _index), text in zip(found, texts, strict=True):
            column = columns[name]
            read = _reader(column.reads, column.maximum, today)
            if text is None or not str(text).strip():
                parts.append(f"{name} —")
            elif read is None:
                parts.append(say(N_("{column} (text, not shown)")).format(column=name))
            else:
                value, reason = read(str(text))
                parts.append(f"{name} {_shown(value, column.reads)}" if reason is None
                             else f"{name}: {say(reason)}")
        lines.append(say(N_("row {number}: {values}")).format(number=number, values=" · ".join(parts)))
    return lines
