"""Data commands: init, import, template, place, batches list, batches undo."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from rightsmap.domain import config
from rightsmap.domain.i18n import say
from rightsmap.domain.vocab import N_
from rightsmap.records import store
from rightsmap.records.importing import gazetteer, mapping as columnmap, pipeline, scratch
from rightsmap.records.importing.columns import KINDS, template_headers
from rightsmap.records.importing.report import list_batches, report, undo

EXIT_ERROR = 2


class DataCommandError(RuntimeError):
    """Bad input to a data command; the message says what to fix (printed as one line, exit code 2)."""


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add the data commands to the `python -m rightsmap` parser."""
    init = commands.add_parser("init", help="create an empty database for real (imported) data")
    init.add_argument("--db", help="database file (default: $RIGHTSMAP_DB or data/rightsmap.duckdb)")
    init.set_defaults(handler=_init)

    imp = commands.add_parser("import", help="import a CSV or XLSX file of cases, raids, coverage or events")
    imp.add_argument("kind", choices=list(KINDS))
    imp.add_argument("file", help="a .csv (UTF-8 or Windows-1251) or .xlsx file")
    imp.add_argument("--db")
    imp.add_argument("--dry-run", action="store_true", help="print the report and the aggregates; write nothing")
    imp.add_argument("--by", metavar="NAME", help="who imports (default: the user name of this account)")
    imp.add_argument("--mapping", metavar="FILE", help="a TOML or JSON column mapping for another system's export "
                                                       "(see `python -m rightsmap mapping check`)")
    imp.set_defaults(handler=_import)

    template = commands.add_parser("template", help="write an empty template with English and Russian headers")
    template.add_argument("kind", choices=list(KINDS))
    template.add_argument("--out", metavar="FILE", help="a .csv or .xlsx file (default: KIND-template.csv; '-' = stdout)")
    template.set_defaults(handler=_template)

    place = commands.add_parser("place", help="check place spellings: prints NAME<TAB>CODE, or NAME<TAB>? if unknown")
    place.add_argument("names", nargs="+", metavar="NAME")
    place.set_defaults(handler=_place)

    batches = commands.add_parser("batches", help="list import batches, or undo one")
    which = batches.add_subparsers(dest="batches_command", required=True)
    listing = which.add_parser("list", help="list every import batch, newest first")
    listing.add_argument("--db")
    listing.set_defaults(handler=_batches_list)
    undo_one = which.add_parser("undo", help="remove exactly one batch's contributions")
    undo_one.add_argument("id", type=int)
    undo_one.add_argument("--db")
    undo_one.set_defaults(handler=_batches_undo)


def _emit(result: dict[str, Any], out: TextIO) -> None:
    # Keys and codes stay as they are for scripts; the sentences are for people, in their language.
    for error in result.get("errors", []):
        error["reason"] = say(error["reason"])
    for key in ("warnings", "refused"):
        if isinstance(result.get(key), list):
            result[key] = [say(text) for text in result[key]]
    print(json.dumps(result, ensure_ascii=False, indent=1, default=str), file=out)


def _import(args: argparse.Namespace, out: TextIO) -> int:
    source = Path(args.file)
    if not source.is_file():
        raise DataCommandError(N_("no file at {path}").format(path=source))
    if not args.dry_run and not config.db_path(args.db).is_file():
        raise DataCommandError(N_("no database at {path}; create one with `python -m rightsmap init`").format(
            path=config.db_path(args.db)))
    try:
        mapping = columnmap.load(args.mapping, args.kind) if args.mapping else None
    except columnmap.MappingError as exc:
        raise DataCommandError(str(exc)) from None
    scratch.remove_stale()
    prepared = pipeline.prepare(args.kind, source, mapping)
    if not prepared.ok:
        _emit(report(prepared, imported=False, dry_run=args.dry_run), out)
        print(say(N_("rightsmap: error: {count} problem(s) in the file; nothing was imported (the report lists "
                      "each)").format(count=prepared.errors_total)), file=sys.stderr)
        return EXIT_ERROR
    if args.dry_run:
        problems = pipeline.check_target(args.db, prepared)
        _emit(report(prepared, imported=False, dry_run=True, refused=problems), out)
        return EXIT_ERROR if problems else 0
    try:
        batch = pipeline.commit(args.db, prepared, by=args.by)
    except (pipeline.Refused, store.StoreError) as exc:
        _emit(report(prepared, imported=False, refused=[str(exc)]), out)
        print(say(N_("rightsmap: error: {message}").format(message=exc)), file=sys.stderr)
        return EXIT_ERROR
    _emit(report(prepared, imported=True, batch_id=batch), out)
    return 0


def _init(args: argparse.Namespace, out: TextIO) -> int:
    target = store.create_empty(args.db)
    print(say(N_("Created an empty database for imported data at {path}").format(path=target)), file=out)
    return 0


def _template(args: argparse.Namespace, out: TextIO) -> int:
    headers = template_headers(args.kind)
    if args.out == "-":
        csv.writer(out).writerow(headers)
        return 0
    target = Path(args.out or f"{args.kind}-template.csv")
    if target.exists():
        raise DataCommandError(N_("{path} already exists; choose another --out").format(path=target))
    from rightsmap.records.importing import staff  # the Import page offers the same templates

    target.write_bytes(staff.template(args.kind, "xlsx" if target.suffix.lower() == ".xlsx" else "csv"))
    print(say(N_("Wrote an empty {kind} template to {path}").format(kind=args.kind, path=target)), file=out)
    return 0


def _place(args: argparse.Namespace, out: TextIO) -> int:
    status = 0
    for name in args.names:
        code = gazetteer.resolve(name)
        status = status if code else EXIT_ERROR
        print(f"{name}\t{code or '?'}", file=out)
        if code is None and gazetteer.is_moved(name):
            print(f"{name}: {say(gazetteer.MOVED)}", file=sys.stderr)
    return status


def _batches_list(args: argparse.Namespace, out: TextIO) -> int:
    frame = list_batches(args.db)
    if frame.empty:
        print(say(N_("No import batches in this database.")), file=out)
        return 0
    print(frame.to_string(index=False), file=out)
    return 0


def _batches_undo(args: argparse.Namespace, out: TextIO) -> int:
    removed = undo(args.db, args.id)
    counts = ", ".join(f"{t}: {n}" for t, n in removed.items() if n)
    print(say(N_("Removed batch {batch}: {counts}").format(batch=args.id, counts=counts)), file=out)
    return 0
