"""Write to the database without ever opening the live file for writing.

The running app keeps the live file open read-only, and DuckDB lets no other
process open a file for writing while anyone has it open. So every write works
on a copy: take the sidecar lock, copy the live file next to it, change the
copy in one transaction, checkpoint, fsync, and os.replace it onto the live
path. A crash or kill at any moment leaves the live file as it was; at worst a
stray copy remains, which the next writer removes. The app sees the new
modification time and reconnects on its next rerun.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb

from rightsmap.data import crypto, db, schema
from rightsmap.disclosure import releases
from rightsmap.domain import config
from rightsmap.domain.vocab import N_, REGIONS

COPY_PREFIX = ".rightsmap-write-"


class StoreError(RuntimeError):
    """The database cannot be written now; the message says why and what to do."""


def lock_path(target: Path) -> Path:
    return target.with_name(target.name + ".lock")


@contextlib.contextmanager
def exclusive(target: Path) -> Iterator[None]:
    """Hold the sidecar lock of a database file; a second writer gets a clear error instead of waiting."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path(target), "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise StoreError(N_("another import or undo is writing to {path}; try again when it has finished")
                                 .format(path=target)) from None
            raise
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def stray_copies(target: Path) -> list[Path]:
    """Copies left by writers that were killed (only safe to remove while holding the lock)."""
    return sorted(target.parent.glob(f"{COPY_PREFIX}{target.name}.*"))


def _remove(path: Path | str) -> None:
    for leftover in (Path(path), Path(f"{path}.wal")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def replacement(target: Path) -> Iterator[Path]:
    """Under the lock, a free path next to target; what the block writes there replaces target if it succeeds.

    The path does not exist when the block starts. On any error, or a kill,
    target stays as it was; the copy is removed (or, after a kill, by the next writer).
    """
    with exclusive(target):
        for stray in stray_copies(target):
            _remove(stray)
        fd, copy = tempfile.mkstemp(prefix=f"{COPY_PREFIX}{target.name}.", dir=target.parent)
        os.close(fd)
        os.unlink(copy)  # DuckDB wants to create a new file itself
        try:
            before = target.stat().st_mtime_ns if target.exists() else 0
            yield Path(copy)
            swap_in(Path(copy), target, before)
        finally:
            _remove(copy)


def keep_private(copy: Path | str, target: Path) -> None:
    """Give a new database file the mode of the one it replaces, or 0600 (owner only) when it is the first.

    DuckDB creates files with the process's umask (usually 0644: readable by every local account).
    """
    os.chmod(copy, (target.stat().st_mode & 0o777) if target.exists() else 0o600)


def swap_in(copy: Path, target: Path, before_ns: int) -> None:
    """Make a finished, closed copy the live file in one os.replace, moving the modification time past before_ns."""
    keep_private(copy, target)
    _fsync(copy)
    # The app keys its connection on the modification time: make sure it moves.
    if os.stat(copy).st_mtime_ns <= before_ns:
        os.utime(copy, ns=(before_ns + 1, before_ns + 1))
    os.replace(copy, target)
    _fsync(target.parent)
    # The copy was checkpointed and closed, so a WAL beside target belongs to the file just replaced
    # (it may hold that file's plaintext) and must not be replayed onto the new one.
    with contextlib.suppress(FileNotFoundError):
        os.unlink(f"{target}.wal")


@contextlib.contextmanager
def writable(path: Path | str | None = None, *, create: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a migrated copy of the database, swapped in when the block succeeds.

    The block runs inside one transaction. Raise to abandon every change. With a
    database key configured, the copy is opened (or created) encrypted.
    """
    target = config.db_path(path)
    if not create and not target.is_file():
        raise StoreError(N_("no database at {path}; create one with `python -m rightsmap init --db PATH`")
                         .format(path=target))
    if create and target.exists():
        raise StoreError(N_("{path} already exists").format(path=target))
    with _disk_full_is_a_store_error(target), replacement(target) as copy:
        if not create:
            shutil.copyfile(target, copy)
            shutil.copymode(target, copy)
        conn = crypto.open_file(copy, read_only=False)
        try:
            schema.migrate(conn)
            conn.execute("BEGIN TRANSACTION")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            # After the commit: the public view's table is read through cursors, which see only
            # committed data. Still on the copy, so a failure here swaps nothing in.
            releases.store(conn, config.MIN_COUNT)
            conn.execute("CHECKPOINT")
        finally:
            conn.close()


@contextlib.contextmanager
def _disk_full_is_a_store_error(target: Path) -> Iterator[None]:
    """A full disk while the copy is written becomes one StoreError naming the space needed.

    The live file is only replaced by a finished copy, so it is intact whenever this is raised.
    """
    try:
        yield
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        raise _no_space(target) from None
    except duckdb.Error as exc:
        if "No space left on device" not in str(exc):
            raise
        raise _no_space(target) from None


def _no_space(target: Path) -> StoreError:
    size = target.stat().st_size if target.is_file() else 0
    needed = max(2 * size, 64 << 20)  # the copy, the batch and DuckDB's own write-ahead log beside it
    try:
        free = shutil.disk_usage(target.parent).free
    except OSError:
        free = 0
    return StoreError(N_("the disk holding {folder} is full: writing needs about {needed} MB free there ({free} MB "
                         "are); free some space and try again. The database was not changed").format(
        folder=target.parent, needed=-(-needed // (1 << 20)), free=free // (1 << 20)))


def create_empty(path: Path | str | None = None) -> Path:
    """A new database with the schema, the nine regions and no data, marked as imported data."""
    target = config.db_path(path)
    with writable(target, create=True) as conn:
        conn.executemany(
            "INSERT INTO regions VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(r.code, r.name_en, r.name_ru, r.name_ky, r.kind, r.label_lat, r.label_lon) for r in REGIONS],
        )
        db.execute(conn, "statements/set_meta", key="dataset", value="imported")
    return target
