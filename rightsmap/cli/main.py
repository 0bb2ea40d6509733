"""The command line: python -m rightsmap COMMAND. Errors are one clear line and exit code 2."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from rightsmap.cli import (
    data as cli_data,
    export as cli_export,
    keys as cli_keys,
    mapping as cli_mapping,
    ops as cli_ops,
    public as cli_public,
    users as cli_users,
)
from rightsmap.cli.options import UsageError, add_filter_arguments, filters_from, filters_from_args
from rightsmap.data import crypto, db, metrics, schema
from rightsmap.disclosure import figures
from rightsmap.domain import config, i18n, period
from rightsmap.domain.filters import parse_month
from rightsmap.domain.vocab import N_
from rightsmap.records import sample

EXIT_USAGE = 2

# argparse's own messages, marked so they are translated like ours.
ARGPARSE_MESSAGES = (
    N_("unrecognized arguments: {arguments}"),
    N_("the following arguments are required: {arguments}"),
    N_("argument {argument}: invalid choice: {choice} (choose from {choices})"),
    N_("argument {argument}: expected one argument"),
    N_("argument {argument}: expected at least one argument"),
)


_say = i18n.say


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse would print usage and exit 2; keep the exit, shorten the text
        command = self.prog.replace("rightsmap", "python -m rightsmap", 1)
        raise UsageError(N_("{message} (see `{command} --help`)").format(message=message, command=command))


def _month(text: str) -> str:
    parse_month(text)
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rightsmap", description="Aggregated documentation of rights violations in Kyrgyzstan.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    build = commands.add_parser("build-sample", help="write the synthetic, calibrated sample database")
    build.add_argument("--db", help="database file (default: $RIGHTSMAP_DB or data/rightsmap.duckdb)")
    build.add_argument("--force", action="store_true", help="replace an existing database file")

    migrate = commands.add_parser("migrate", help="bring a database's schema up to date")
    migrate.add_argument("--db")

    summary = commands.add_parser("summary", help="print the headline figures for some filters as JSON")
    summary.add_argument("--db")
    add_filter_arguments(summary)
    summary.add_argument("--batch", metavar="FILE",
                         help="read one JSON object of these filters per line ('-' for stdin); print one result per line")
    cli_public.add_public_arguments(summary)

    build.set_defaults(handler=_build_sample)
    migrate.set_defaults(handler=_migrate)
    summary.set_defaults(handler=_summary)
    # Other command groups add their parsers here; each sets its own handler(args, out) -> exit code.
    cli_data.add_commands(commands)
    cli_export.add_commands(commands)
    cli_users.add_commands(commands)
    cli_keys.add_commands(commands)
    cli_public.add_commands(commands)
    cli_mapping.add_commands(commands)
    cli_ops.add_commands(commands)
    return parser


def _summary(args: argparse.Namespace, out: TextIO) -> int:
    if args.public:
        if args.batch is not None:
            if args.region or args.month_from or args.month_to or args.type or args.perpetrator:
                raise UsageError(N_("with --batch, give the filters in the file, one JSON object per line"))
            conn = db.connect(args.db)
            try:
                cells = figures.protected_cells(conn)  # read once for the whole batch

                def public_line(options: dict[str, Any]) -> dict[str, Any]:
                    try:
                        return figures.public_summary(conn, figures.public_filters_from(options), cells)
                    except figures.PublicUsageError as exc:
                        raise UsageError(str(exc)) from None

                return _summary_batch(conn, args.batch, out, public_line)
            finally:
                conn.close()
        try:
            filters = cli_public.public_filters_from_args(args)
        except figures.PublicUsageError as exc:
            raise UsageError(str(exc)) from None
        conn = db.connect(args.db)
        try:
            print(json.dumps(figures.public_summary(conn, filters), ensure_ascii=False), file=out)
        finally:
            conn.close()
        return 0
    conn = db.connect(args.db)
    try:
        if args.batch is None:
            staff_filters = filters_from_args(args)
            print(json.dumps(metrics.summary(conn, staff_filters), ensure_ascii=False), file=out)
            return 0
        return _summary_batch(conn, args.batch, out)
    finally:
        conn.close()


def _summary_batch(conn, source: str, out: TextIO, summarise=None) -> int:
    """One result line per input line; a bad line gets an error object and the exit code is 2.

    summarise: options -> result (default: the staff summary, metrics.summary).
    """
    summarise = summarise or (lambda options: metrics.summary(conn, filters_from(options)))
    if source == "-":
        lines = sys.stdin.read().splitlines()
    else:
        path = Path(source)
        if not path.is_file():
            raise UsageError(N_("--batch: no file at {path}").format(path=path))
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except UnicodeDecodeError:
            raise UsageError(N_("--batch: {path} is not UTF-8 text with one JSON object per line").format(
                path=path)) from None
    status = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            options = json.loads(line)
            if not isinstance(options, dict):
                raise UsageError("expected a JSON object such as {\"region\": \"KG-GB\", \"from\": \"2017-01\"}")
            result: dict[str, Any] = summarise(options)
        except json.JSONDecodeError as exc:
            result, status = {"line": number, "error": f"not JSON: {exc.msg}"}, EXIT_USAGE
        except UsageError as exc:
            result, status = {"line": number, "error": str(exc)}, EXIT_USAGE
        print(json.dumps(result, ensure_ascii=False), file=out)
    return status


def _build_sample(args: argparse.Namespace, out: TextIO) -> int:
    target = config.db_path(args.db)
    if target.exists() and not args.force:
        raise UsageError(N_("{path} already exists; pass --force to replace it with the sample").format(path=target))
    sample.build(target)
    print(_say(N_("Wrote the synthetic sample database to {path}").format(path=target)), file=out)
    return 0


def _migrate(args: argparse.Namespace, out: TextIO) -> int:
    target = config.db_path(args.db)
    if not target.is_file():
        raise UsageError(N_("no database at {path}").format(path=target))
    with crypto.open_file(target, read_only=False) as conn:
        version = schema.migrate(conn)
    print(_say(N_("{path} is at schema version {version}").format(path=target, version=version)), file=out)
    return 0


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    for problem in config.SETTING_PROBLEMS:
        print(f"rightsmap: warning: {problem}", file=sys.stderr)
    earlier = period.sources()
    try:
        args = build_parser().parse_args(argv)
        if hasattr(args, "db"):
            period.follow(_months_of(args.db))
        return args.handler(args, out)
    except (UsageError, db.DatabaseError, RuntimeError) as exc:
        print(_say(N_("rightsmap: error: {message}").format(message=exc)), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(_say(N_("rightsmap: interrupted")), file=sys.stderr)
        return 130
    finally:
        period.follow(*earlier)


def _months_of(path: str | None) -> period.MonthsSource:
    """The data's months in the command's database, read once when a filter first needs them."""
    span: list[period.Span] = []

    def months() -> period.Span:
        if not span:
            try:
                conn = db.connect(path)
            except db.DatabaseError:
                span.append((None, None))  # the command itself says what is wrong with the file
            else:
                try:
                    span.append(metrics.data_span(conn))
                finally:
                    conn.close()
        return span[0]

    return months
