"""Key commands: encrypt a plain database, rekey an encrypted one.

Both write a complete new file next to the database, check it row for row,
reopen it with the new key alone, and only then swap it in (store.replacement:
the same lock and atomic os.replace as every other write). Until the swap the
old file, and the old key, work as before; a failure or a kill leaves them so.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path
from typing import TextIO

import duckdb

from rightsmap.data import crypto
from rightsmap.domain import config
from rightsmap.domain.i18n import say
from rightsmap.domain.vocab import N_
from rightsmap.records import store

NO_KEY_SET = N_("no database key is set: put a key in a file only you can read (chmod 600) and set "
                "RIGHTSMAP_DB_KEY_FILE to its path")
ALREADY_ENCRYPTED = N_("{path} is already encrypted; to change its key use `python -m rightsmap rekey --new-key-file PATH`")
SAME_KEY = N_("the new key is the same as the current key; nothing was changed")
NOT_COPIED = N_("the encrypted copy of {path} does not match it ({table}); nothing was changed")
NOT_WRITTEN = N_("could not write the encrypted copy of {path}: {problem}; nothing was changed")


class KeyCommandError(RuntimeError):
    """A key command cannot run; the message says why (printed as one line, exit code 2)."""


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add encrypt and rekey to the `python -m rightsmap` parser."""
    encrypt_cmd = commands.add_parser(
        "encrypt", help="encrypt a plain database with the key in $RIGHTSMAP_DB_KEY_FILE (needs DuckDB's httpfs)")
    encrypt_cmd.add_argument("--db", help="database file (default: $RIGHTSMAP_DB or data/rightsmap.duckdb)")
    encrypt_cmd.set_defaults(handler=_encrypt)

    rekey_cmd = commands.add_parser(
        "rekey", help="re-encrypt the database with a new key; the current key works until the swap")
    rekey_cmd.add_argument("--new-key-file", required=True, metavar="PATH", help="a file holding the new key (chmod 600)")
    rekey_cmd.add_argument("--db")
    rekey_cmd.set_defaults(handler=_rekey)


def encrypt(path: Path | str | None = None) -> Path:
    """Encrypt a plain database with the configured key, in place (by copy and swap); return its path."""
    target = _existing(path)
    key = crypto.configured_key()
    if key is None:
        raise KeyCommandError(NO_KEY_SET)
    if crypto.is_encrypted(target):
        raise KeyCommandError(ALREADY_ENCRYPTED.format(path=target))
    _recrypt(target, None, key)
    return target


def rekey(path: Path | str | None, new_key_file: str | os.PathLike) -> Path:
    """Re-encrypt a database from the configured key to the key in new_key_file; return its path."""
    target = _existing(path)
    old_key = crypto.configured_key()
    if old_key is None:
        raise KeyCommandError(NO_KEY_SET)
    new_key = crypto.key_from_file(new_key_file, "--new-key-file")
    if new_key == old_key:
        raise KeyCommandError(SAME_KEY)
    if not crypto.is_encrypted(target):
        raise KeyCommandError(crypto.NOT_ENCRYPTED.format(path=target))
    _recrypt(target, old_key, new_key)
    return target


def _existing(path: Path | str | None) -> Path:
    target = config.db_path(path)
    if not target.is_file():
        raise KeyCommandError(N_("no database at {path}").format(path=target))
    return target


def _recrypt(target: Path, old_key: str | None, new_key: str) -> None:
    """Copy target (plain when old_key is None) into a file encrypted with new_key, check it, swap it in."""
    try:
        with store.replacement(target) as copy:
            conn = crypto.memory()
            try:
                crypto.enable_writing(conn, new_key)  # refuses before anything is written
                crypto.attach(conn, target, "old_file", old_key, read_only=True)
                crypto.attach(conn, copy, "new_file", new_key, read_only=False)
                conn.execute("COPY FROM DATABASE old_file TO new_file")
                expected = row_counts(conn, "old_file")
                _check(target, expected, row_counts(conn, "new_file"))
                conn.execute("DETACH new_file")  # checkpoints: the file is complete
            finally:
                conn.close()
            # The new file must open with the new key alone and hold the same rows.
            with crypto.open_with(copy, new_key, read_only=True) as check:
                _check(target, expected, row_counts(check, crypto.CATALOG))
            shutil.copymode(target, copy)
    except duckdb.Error as exc:
        raise KeyCommandError(NOT_WRITTEN.format(
            path=target, problem=_first_line(crypto.scrub(str(exc), old_key, new_key)))) from None
    except OSError as exc:
        raise KeyCommandError(NOT_WRITTEN.format(path=target, problem=exc.strerror or type(exc).__name__)) from None


def row_counts(conn, catalog: str) -> dict[str, int]:
    """Rows per table, and the views by name, in one attached catalog."""
    tables = conn.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = $catalog "
                          "ORDER BY ALL", {"catalog": catalog}).fetchall()
    counts = {}
    for schema_name, table in tables:
        # Names cannot be bound; these come from DuckDB's own catalog and are quoted as identifiers.
        name = ".".join(_identifier(part) for part in (catalog, schema_name, table))
        counts[f"{schema_name}.{table}"] = conn.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]  # noqa: S608
    views = conn.execute("SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = $catalog "
                         "AND NOT internal ORDER BY ALL", {"catalog": catalog}).fetchall()
    counts.update({f"view {schema_name}.{view}": 0 for schema_name, view in views})
    return counts


def _check(target: Path, expected: dict[str, int], got: dict[str, int]) -> None:
    if got != expected:
        differing = sorted(set(expected.items()) ^ set(got.items()))[0][0]
        raise KeyCommandError(NOT_COPIED.format(path=target, table=differing))


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "?"


def _encrypt(args: argparse.Namespace, out: TextIO) -> int:
    target = encrypt(args.db)
    print(say(N_("Encrypted {path}: it opens only with the key now. Copies and backups made before are not "
                 "encrypted: delete them.").format(path=target)), file=out)
    return 0


def _rekey(args: argparse.Namespace, out: TextIO) -> int:
    target = rekey(args.db, args.new_key_file)
    print(say(N_("Re-encrypted {path}: only the key in {key_file} opens it now. Move that file over the one "
                 "RIGHTSMAP_DB_KEY_FILE names (or point RIGHTSMAP_DB_KEY_FILE at it); backups made before "
                 "still need the old key.").format(path=target, key_file=args.new_key_file)), file=out)
    return 0
