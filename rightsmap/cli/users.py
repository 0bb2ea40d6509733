"""Staff account commands: users add, users remove, users list.

The password is never an argument (it would stay in the shell history and the process list).
In a terminal it is asked twice, hidden. For scripts, pipe it as one line on standard input:

    printf '%s\\n' "$PASSWORD" | python -m rightsmap users add NAME
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TextIO

from rightsmap.data import auth
from rightsmap.domain import config
from rightsmap.domain.i18n import say
from rightsmap.domain.vocab import N_


class UserCommandError(RuntimeError):
    """Bad input to a users command; printed as one line with exit code 2."""


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add the users command to the `python -m rightsmap` parser."""
    users = commands.add_parser("users", help="staff accounts for the staff view: add, remove, list")
    which = users.add_subparsers(dest="users_command", required=True)
    where = "accounts file (default: $RIGHTSMAP_USERS or data/users.json)"

    add = which.add_parser("add", help="add a staff account; asks for the password twice, or reads one line "
                                       "from standard input when that is not a terminal",
                           description="In a terminal the password is asked twice and not shown. For scripts, pipe "
                                       "it as one line: printf '%s\\n' \"$PASSWORD\" | python -m rightsmap "
                                       "users add NAME. It is never an argument.")
    add.add_argument("name", help="1 to 40 Latin letters, digits, dots, underscores or hyphens")
    add.add_argument("--users", metavar="PATH", help=where)
    add.add_argument("--replace", action="store_true", help="set a new password for an existing account")
    add.set_defaults(handler=_add)

    remove = which.add_parser("remove", help="remove a staff account")
    remove.add_argument("name")
    remove.add_argument("--users", metavar="PATH", help=where)
    remove.set_defaults(handler=_remove)

    listing = which.add_parser("list", help="list the staff accounts' names")
    listing.add_argument("--users", metavar="PATH", help=where)
    listing.set_defaults(handler=_list)


def _path(args: argparse.Namespace) -> Path:
    return Path(args.users).expanduser().resolve() if args.users else config.users_path()


def read_password(name: str) -> str:
    """The new password: asked twice in a terminal, else one line of standard input."""
    stdin = sys.stdin
    if stdin is not None and stdin.isatty():
        try:
            first = getpass.getpass(say(N_("New password for {name}: ").format(name=name)))
            second = getpass.getpass(say(N_("The same password again: ")))
        except EOFError:
            raise UserCommandError(N_("no password given; nothing was changed")) from None
        if first != second:
            raise UserCommandError(N_("the two passwords differ; nothing was changed"))
        return first
    line = stdin.readline() if stdin is not None else ""
    if not line:
        raise UserCommandError(N_("no password on standard input: pipe it as one line, or run the command in a "
                                  "terminal to be asked for it"))
    return line.removesuffix("\n").removesuffix("\r")


def _add(args: argparse.Namespace, out: TextIO) -> int:
    path = _path(args)
    try:
        auth.check_addable(args.name, path, replace=args.replace)  # before asking for a password
        existed = auth.user_exists(args.name, path)
        password = read_password(args.name)
        auth.add_user(args.name, password, path, replace=args.replace)
    except auth.AuthError as exc:
        raise UserCommandError(str(exc)) from None
    message = N_("Set a new password for {name} in {path}") if existed else N_(
        "Added the staff account {name} to {path}")
    print(say(message.format(name=args.name, path=path)), file=out)
    return 0


def _remove(args: argparse.Namespace, out: TextIO) -> int:
    path = _path(args)
    try:
        auth.remove_user(args.name, path)
    except auth.AuthError as exc:
        raise UserCommandError(str(exc)) from None
    print(say(N_("Removed the staff account {name} from {path}").format(name=args.name, path=path)), file=out)
    return 0


def _list(args: argparse.Namespace, out: TextIO) -> int:
    path = _path(args)
    try:
        names = auth.list_users(path)
    except auth.AuthError as exc:
        raise UserCommandError(str(exc)) from None
    if not names:
        print(say(N_("No staff accounts in {path}; add one with `python -m rightsmap users add NAME`").format(
            path=path)), file=out)
    for name in names:
        print(name, file=out)
    return 0
