"""Running a server: backup, restore and health (python -m rightsmap backup|restore|health)."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from rightsmap.cli import health
from rightsmap.data import db
from rightsmap.domain.i18n import say
from rightsmap.domain.vocab import N_
from rightsmap.records import backup

EXIT_UNHEALTHY = 1
NOT_WRITTEN = N_("cannot use {path}: {problem}; nothing was changed")


def _file_problem(exc: OSError) -> backup.BackupError:
    """A one-line error for a folder or file that cannot be made, read or written (no traceback)."""
    return backup.BackupError(NOT_WRITTEN.format(path=exc.filename, problem=exc.strerror or type(exc).__name__))


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(N_("{value} is not a whole number of at least 1").format(value=text[:20]))
    return int(text)


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add backup, restore and health to the `python -m rightsmap` parser."""
    make = commands.add_parser("backup", help="write a checked copy of the database (still encrypted if it is) "
                                              "with its checksum; keep the newest N")
    make.add_argument("--db", help="database file (default: $RIGHTSMAP_DB or data/rightsmap.duckdb)")
    make.add_argument("--to", metavar="DIR", help="folder for the backups (default: backups/ beside the database)")
    make.add_argument("--keep", type=_count, default=backup.DEFAULT_KEEP, metavar="N",
                      help=f"how many backups to keep (default {backup.DEFAULT_KEEP})")
    make.set_defaults(handler=_backup)

    put_back = commands.add_parser("restore", help="check a backup, then make it the live database in one step")
    put_back.add_argument("file", metavar="FILE", help="a backup written by `backup` (its FILE.json beside it)")
    put_back.add_argument("--db")
    put_back.set_defaults(handler=_restore)

    check = commands.add_parser("health", help="check that the database opens and the protected table is current; "
                                               "exit 1 with the reason if not")
    check.add_argument("--db")
    check.add_argument("--full", action="store_true", help="also compute the protected table again and compare")
    check.set_defaults(handler=_health)


def _backup(args: argparse.Namespace, out: TextIO) -> int:
    try:
        path = backup.make(args.db, args.to, args.keep)
    except OSError as exc:
        raise _file_problem(exc) from None
    print(say(N_("Backed up to {path}").format(path=path)), file=out)
    return 0


def _restore(args: argparse.Namespace, out: TextIO) -> int:
    try:
        target = backup.restore(args.file, args.db)
    except OSError as exc:
        raise _file_problem(exc) from None
    previous = target.with_name(target.name + backup.PREVIOUS_SUFFIX)
    if previous.exists():
        print(say(N_("Restored {path}; the file it replaced is kept as {previous}").format(
            path=target, previous=previous)), file=out)
    else:  # a new machine: there was no database to replace
        print(say(N_("Restored {path}").format(path=target)), file=out)
    return 0


def _health(args: argparse.Namespace, out: TextIO) -> int:
    try:
        print(say(health.check(args.db, full=args.full)), file=out)
    except (health.Unhealthy, db.DatabaseError) as exc:
        print(say(N_("rightsmap: unhealthy: {reason}").format(reason=exc)), file=sys.stderr)
        return EXIT_UNHEALTHY
    return 0
