"""Where a file's decoded text lives while DuckDB reads it: a file that has no name.

The copy holds the raw cells (names, phone numbers). Written under a name, as in /dev/shm before,
a kill -9 left it behind; a memfd (or an O_TMPFILE file) disappears with the process.
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

SCRATCH_PREFIX = "rightsmap-import-"


@contextlib.contextmanager
def utf8_file(data: bytes | Path, chunks: Iterable[bytes], encoding: str, blank_row: str | None) -> Iterator[str]:
    """A UTF-8 path DuckDB can read: the file itself, or a copy in a file that has no name.

    The copy holds the raw cells (names, phone numbers), so it never gets a path in any directory:
    a kill at any moment leaves nothing behind, and the kernel frees it with the process.
    chunks: the file's bytes in pieces; blank_row: what to write for an empty line (outside quotes), so that
    it keeps its row number.
    """
    if isinstance(data, Path) and encoding in ("utf-8", "utf-8-sig") and blank_row is None:
        yield str(data)
        return
    fd = _unnamed_file()
    try:
        with os.fdopen(os.dup(fd), "wb") as out:
            if blank_row is None:
                decoder = codecs.getincrementaldecoder(encoding)()
                for chunk in chunks:
                    out.write(decoder.decode(chunk).encode("utf-8"))
                out.write(decoder.decode(b"", final=True).encode("utf-8"))
            else:
                _write_numbered_lines(data, encoding, blank_row, out)
        yield f"/proc/self/fd/{fd}"
    finally:
        os.close(fd)


def _unnamed_file() -> int:
    """A descriptor of a file without a name: memfd (in RAM), else an O_TMPFILE file in the temp directory."""
    if hasattr(os, "memfd_create"):
        with contextlib.suppress(OSError):
            return os.memfd_create(SCRATCH_PREFIX.rstrip("-"), os.MFD_CLOEXEC)
    handle = tempfile.TemporaryFile(prefix=SCRATCH_PREFIX)  # noqa: SIM115 - kept open by the descriptor below
    try:
        return os.dup(handle.fileno())
    finally:
        handle.close()


def _write_numbered_lines(data: bytes | Path, encoding: str, blank_row: str, out) -> None:
    """Copy the text line by line, writing blank_row for an empty line that is not inside a quoted cell."""
    source = io.BytesIO(data) if isinstance(data, bytes) else open(data, "rb")  # noqa: SIM115
    inside_quotes = False
    with io.TextIOWrapper(source, encoding=encoding, newline="") as text:
        for line in text:
            body = line.rstrip("\r\n")
            if not body and not inside_quotes:
                line = blank_row + line  # the line's own ending
            elif body.count('"') % 2:  # a doubled quote inside a cell counts twice, so only openings flip this
                inside_quotes = not inside_quotes
            out.write(line.encode("utf-8"))


def remove_stale() -> None:
    """Remove raw copies that an import killed before version 2026-12-04 left under a name (at start-up)."""
    for directory in {"/dev/shm", tempfile.gettempdir()}:
        with contextlib.suppress(OSError):
            for path in Path(directory).glob(f"{SCRATCH_PREFIX}*"):
                try:
                    with open(path, "rb") as handle:
                        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free: its writer is gone
                        path.unlink()
                except OSError:
                    continue
