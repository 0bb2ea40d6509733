"""Backups of the database file, their checks, and restoring one with the same atomic swap as imports.

A backup is a byte copy of the live file, so an encrypted database stays encrypted. Imports never write
the live file: they write a copy and os.replace it onto the live path (store.py). A backup therefore opens
the live file once and copies from that open file, which stays the complete file it was when opened even
if an import swaps in a new one meanwhile; it neither waits for an import nor stops one. Each copy gets a
manifest beside it (NAME.json) with its SHA-256, size and schema version, and is checked by opening it
before it gets its final name. Restoring checks the checksum, copies the file next to the live one, opens
and reads the copy, and only then swaps it in under the import lock; the file it replaces stays beside it
as NAME.before-restore.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from rightsmap.data import crypto, schema
from rightsmap.domain import config
from rightsmap.domain.vocab import N_
from rightsmap.records import store

FORMAT = "rightsmap-backup/1"
MANIFEST_SUFFIX = ".json"
PREVIOUS_SUFFIX = ".before-restore"
DEFAULT_KEEP = 14
_CHUNK = 1 << 20
_STAMP = re.compile(r"-\d{8}T\d{6}\.\d{6}Z\.duckdb$")

NO_MANIFEST = N_("{path} has no manifest {manifest} (written by `python -m rightsmap backup`), so it cannot be "
                 "checked; nothing was changed")
BAD_MANIFEST = N_("the manifest {manifest} is not a rightsmap backup manifest; nothing was changed")
DAMAGED = N_("{path} is damaged: its checksum does not match the one recorded when it was made; nothing was "
             "changed, use another backup")
NEWER_SCHEMA = N_("{path} has schema version {version}, newer than this rightsmap ({needed}): update rightsmap "
                  "first; nothing was changed")
UNREADABLE = N_("{path} does not open as a rightsmap database ({problem}); nothing was changed")


class BackupError(RuntimeError):
    """A backup or restore cannot be done; the message says why and what to do (nothing was changed)."""


@dataclass(frozen=True)
class Manifest:
    sha256: str
    size: int
    schema_version: int
    encrypted: bool
    created: str

    def as_json(self, name: str) -> str:
        return json.dumps({"format": FORMAT, "file": name, "sha256": self.sha256, "bytes": self.size,
                           "schema_version": self.schema_version, "encrypted": self.encrypted,
                           "created_utc": self.created}, indent=1) + "\n"


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def default_dir(target: Path) -> Path:
    """Where backups go without --to: backups/ beside the database (put them on another disk with --to)."""
    return target.parent / "backups"


def _copy_digest(source, dest: Path) -> tuple[str, int]:
    """Copy an open binary file to a new file dest (mode 600), fsynced; return its SHA-256 and size."""
    digest, size = hashlib.sha256(), 0
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest(), size


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_database(path: Path, *, shown: Path | None = None) -> int:
    """Open a database file read-only with the configured key, read every table; return its schema version."""
    shown = shown or path
    try:
        conn = crypto.open_file(path, read_only=True)
    except duckdb.Error as exc:
        raise BackupError(UNREADABLE.format(path=shown, problem=_line(exc))) from None
    try:
        version = schema.current_version(conn)
        tables = [row[0] for row in conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()]
        for table in tables:  # every block of every column is read, so a damaged block shows here
            columns = [row[0] for row in conn.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
                "AND table_name = $table", {"table": table}).fetchall()]
            # Names from DuckDB's own catalogue, quoted: no outside text reaches this SQL.
            counts = ", ".join(f"count({_quoted(c)})" for c in columns)
            conn.execute(f"SELECT {counts} FROM {_quoted(table)}")  # noqa: S608
    except duckdb.Error as exc:
        raise BackupError(UNREADABLE.format(path=shown, problem=_line(exc))) from None
    finally:
        conn.close()
    return version


def make(target: Path | str | None = None, to: Path | str | None = None, keep: int = DEFAULT_KEEP) -> Path:
    """Back up the database: a checked copy in the backups folder, with its manifest; keep the newest `keep`."""
    target = config.db_path(target)
    if not target.is_file():
        raise BackupError(N_("no database at {path}; nothing to back up").format(path=target))
    folder = Path(to).expanduser().resolve() if to else default_dir(target)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = dt.datetime.now(dt.UTC)
    name = f"{target.stem}-{now:%Y%m%dT%H%M%S.%f}Z.duckdb"
    final, partial = folder / name, folder / f".{name}.partial"
    try:
        with open(target, "rb") as live:  # this open file stays whole even if an import swaps in another
            sha, size = _copy_digest(live, partial)
        version = check_database(partial, shown=target)
        manifest = Manifest(sha, size, version, bool(crypto.is_encrypted(partial)), now.isoformat(timespec="seconds"))
        os.replace(partial, final)
        _write_manifest(manifest_path(final), manifest.as_json(name))
        store._fsync(folder)
    finally:
        partial.unlink(missing_ok=True)
    prune(folder, target.stem, keep)
    return final


def _write_manifest(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())


def backups(folder: Path, stem: str) -> list[Path]:
    """The backups of a database named stem in folder, oldest first (their names sort by time)."""
    return sorted(p for p in folder.glob(f"{glob_escape(stem)}-*.duckdb")
                  if (stamp := _STAMP.search(p.name)) and p.name[: -len(stamp.group())] == stem)


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def prune(folder: Path, stem: str, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups (with their manifests); return the removed files."""
    old = backups(folder, stem)[:-keep] if keep > 0 else []
    for path in old:
        manifest_path(path).unlink(missing_ok=True)
        path.unlink(missing_ok=True)
    return old


def read_manifest(backup: Path) -> Manifest:
    path = manifest_path(backup)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(NO_MANIFEST.format(path=backup, manifest=path)) from None
    except (OSError, ValueError):
        raise BackupError(BAD_MANIFEST.format(manifest=path)) from None
    try:
        if data["format"] != FORMAT:
            raise ValueError(data["format"])
        return Manifest(str(data["sha256"]), int(data["bytes"]), int(data["schema_version"]),
                        bool(data["encrypted"]), str(data["created_utc"]))
    except (KeyError, TypeError, ValueError):
        raise BackupError(BAD_MANIFEST.format(manifest=path)) from None


def verify(backup: Path | str) -> Manifest:
    """Check a backup against its manifest: size and checksum. Raises BackupError; changes nothing."""
    backup = Path(backup).expanduser().resolve()
    if not backup.is_file():
        raise BackupError(N_("no backup file at {path}").format(path=backup))
    manifest = read_manifest(backup)
    if backup.stat().st_size != manifest.size or file_digest(backup) != manifest.sha256:
        raise BackupError(DAMAGED.format(path=backup))
    if manifest.schema_version > schema.SCHEMA_VERSION:
        raise BackupError(NEWER_SCHEMA.format(path=backup, version=manifest.schema_version,
                                              needed=schema.SCHEMA_VERSION))
    return manifest


def restore(backup: Path | str, target: Path | str | None = None) -> Path:
    """Make a checked backup the live database, by copy, check and one os.replace under the import lock.

    Until the copy has passed every check the live file is untouched; afterwards the file it replaced
    stays beside it as NAME.before-restore (a hard link, no extra space) until the next restore.
    """
    backup = Path(backup).expanduser().resolve()
    manifest = verify(backup)
    target = config.db_path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with store.replacement(target) as copy:
        with open(backup, "rb") as source:
            sha, _size = _copy_digest(source, copy)
        if sha != manifest.sha256:  # changed while being copied
            raise BackupError(DAMAGED.format(path=backup))
        version = check_database(copy, shown=backup)
        if version != manifest.schema_version:
            raise BackupError(DAMAGED.format(path=backup))
        if version < schema.SCHEMA_VERSION:
            with crypto.open_file(copy, read_only=False) as conn:
                schema.migrate(conn)
                conn.execute("CHECKPOINT")
        previous = target.with_name(target.name + PREVIOUS_SUFFIX)
        previous.unlink(missing_ok=True)
        if target.exists():
            os.link(target, previous)
    return target


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
