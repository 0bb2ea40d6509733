"""The export command: python -m rightsmap export KIND --out FILE [filters] [--public] [--lang ru|ky|en]."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import TextIO

from rightsmap.cli import options, public as cli_public
from rightsmap.data import db, metrics
from rightsmap.data.metrics import MAP_METRICS
from rightsmap.disclosure import figures
from rightsmap.domain import i18n
from rightsmap.domain.vocab import VIOLATION_TYPES
from rightsmap.exports import data as export_data, public_export, public_files, story
from rightsmap.exports.chartset import CHARTS
from rightsmap.exports.render import KINDS, export, story_deck
from rightsmap.exports.tables import TABLES


class ExportError(RuntimeError):
    """An export that cannot be made; the message says why (printed as one line, exit code 2)."""


def add_commands(commands: argparse._SubParsersAction) -> None:

    export_cmd = commands.add_parser("export", help="write a stamped map, chart, brief, deck or table for some filters")
    export_cmd.add_argument("kind", choices=list(KINDS), metavar="KIND", help=f"one of {', '.join(KINDS)}")
    export_cmd.add_argument("--out", required=True, metavar="FILE", help="the file to write (replaced if it exists)")
    export_cmd.add_argument("--db")
    options.add_filter_arguments(export_cmd)
    export_cmd.add_argument("--metric", choices=MAP_METRICS, default="cases", help="what the map shows")
    export_cmd.add_argument("--violation-type", choices=list(VIOLATION_TYPES), metavar="CODE",
                            help="the violation type, for --metric cases_of_type")
    export_cmd.add_argument("--chart", choices=list(CHARTS), default="timeline", help="for chart.png and chart.svg")
    export_cmd.add_argument("--table", choices=["all", *TABLES], default="all", help="for data.csv")
    export_cmd.add_argument("--story", metavar="FILE", help="for deck.pptx: one slide per view of this story file")
    cli_public.add_public_arguments(export_cmd)
    export_cmd.add_argument("--lang", choices=list(i18n.LANGUAGES), default=i18n.DEFAULT_LANGUAGE)
    export_cmd.set_defaults(handler=_export)


def _export(args: argparse.Namespace, out: TextIO) -> int:

    if args.public:
        return _export_public(args, out)
    view = export_data.FULL
    try:
        export_data.check_view(view)  # before anything is read or written
        export_data.check_metric(args.metric, args.violation_type)
    except ValueError as exc:
        raise ExportError(str(exc)) from None
    if args.story and args.kind != "deck.pptx":
        raise ExportError("--story is for deck.pptx")
    filters = options.filters_from_args(args)
    target = Path(args.out).expanduser()
    if not target.parent.is_dir():
        raise ExportError(f"--out: no folder {target.parent}")
    conn = db.connect(args.db)
    try:
        if args.story:
            content = _story_deck(conn, Path(args.story), args.lang, view)
        else:
            data = export_data.gather(conn, filters, metric=args.metric, violation_type=args.violation_type,
                                      view=view)
            content = export(args.kind, data, args.lang, chart=args.chart, table=args.table)
    except FileNotFoundError as exc:
        # The translations of a language arrive as catalogs (issue 6); without one, say so.
        raise ExportError(f"cannot write in {args.lang!r}: {exc.strerror}: {exc.filename}") from None
    finally:
        conn.close()
    _write(target, content)
    print(f"Wrote {args.kind} ({len(content):,} bytes) to {target}", file=out)
    return 0


def _export_public(args: argparse.Namespace, out: TextIO) -> int:
    """The public view's exports (map, figures, brief and deck): only what it publishes, from the protected
    table."""
    if args.kind not in public_files.KINDS:
        raise ExportError(f"the public view exports {', '.join(public_files.KINDS)}; {args.kind} shows exact counts "
                          "and is for the staff view")
    if args.story:
        raise ExportError("--story is for the staff view's deck.pptx")
    try:
        filters = cli_public.public_filters_from_args(args)
    except figures.PublicUsageError as exc:
        raise ExportError(str(exc)) from None
    target = Path(args.out).expanduser()
    if not target.parent.is_dir():
        raise ExportError(f"--out: no folder {target.parent}")
    conn = db.connect(args.db)
    try:
        cells, k = figures.protected_cells(conn)
        sample = export_data.source(conn).sample
        events = public_files.public_events(metrics.all_events(conn), filters, args.lang)
    finally:
        conn.close()
    content = public_export.export(args.kind, public_files.gather(cells, k, filters, sample=sample, events=events),
                                  args.lang)
    _write(target, content)
    print(f"Wrote the public {args.kind} ({len(content):,} bytes) to {target}", file=out)
    return 0


def _story_deck(conn, path: Path, lang: str, view: str) -> bytes:
    try:
        loaded = story.from_json(path.read_bytes())
    except OSError as exc:
        raise ExportError(f"--story: cannot read {path}: {exc.strerror}") from None
    except story.StoryError as exc:
        raise ExportError(f"--story: {path}: {exc}") from None
    slides = [(v.slide, export_data.gather(conn, v.to_filters(), metric=v.metric, violation_type=v.violation_type,
                                           view=view)) for v in loaded.views]
    return story_deck(loaded.name, slides, lang)


def _write(target: Path, content: bytes) -> None:
    """Write through a temporary file in the same folder, so a failed export leaves no half-written file."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
