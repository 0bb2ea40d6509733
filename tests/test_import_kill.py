"""A killed import leaves no raw copy of the file anywhere under the temporary directories.

The file is Windows-1251 (the importer must decode it before DuckDB reads it) with a column of planted,
generated names; kill -9 lands at random moments of the import, and after each kill no file under
/tmp, /dev/shm or $TMPDIR holds a planted name.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from import_helpers import CASES_HEADER

from rightsmap.domain import config
from rightsmap.records import store

ROWS = 150_000


def _planted_file(path: Path, marker: str) -> Path:
    rng = random.Random(24)
    places = ["Бишкек", "Ош", "Нарын", "Талас"]
    lines = [CASES_HEADER + ";имя;телефон"]
    for i in range(ROWS):
        lines.append(f"2017-{rng.randint(1, 12):02d}-05;{rng.choice(places)};extortion;police;да;2;100;нет;"
                     f"Фиктивная {marker}{i:06d};+996 000 {i:06d}")
    path.write_bytes("\n".join(lines).encode("cp1251"))
    return path


def _holding(marker: bytes, since: float, skip: set[Path]) -> list[Path]:
    """Files changed since `since` under the temporary directories whose bytes hold the marker."""
    found = []
    roots = {"/tmp", "/dev/shm", tempfile.gettempdir(), os.environ.get("TMPDIR", "/tmp")}
    for root in roots:
        for folder, _dirs, files in os.walk(root, onerror=lambda _error: None):
            for name in files:
                path = Path(folder, name)
                try:
                    if path in skip or not path.is_file() or path.stat().st_mtime < since:
                        continue
                    with open(path, "rb") as handle:
                        tail = b""
                        while chunk := handle.read(1 << 22):
                            if marker in tail + chunk:
                                found.append(path)
                                break
                            tail = chunk[-len(marker):]
                except OSError:
                    continue
    return found


def _import(source: Path, db: Path, scratch: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "rightsmap", "import", "cases", str(source), "--db", str(db)],
                            cwd=config.ROOT, env={**os.environ, "TMPDIR": str(scratch)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="Linux only")
def test_kill_9_during_a_cp1251_import_leaves_no_raw_copy(tmp_path):
    marker = "Planted" + uuid.uuid4().hex[:12]
    source = _planted_file(tmp_path / "cases.csv", marker)
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    since = time.time() - 1
    found: list[Path] = []
    try:
        # One whole import first: how long one takes, and that it succeeds on this file.
        start = time.monotonic()
        whole = _import(source, store.create_empty(tmp_path / "whole.duckdb"), scratch)
        assert whole.wait(timeout=300) == 0
        duration = time.monotonic() - start
        found += _holding(marker.encode(), since, {source})
        rng = random.Random(2024)
        for attempt in range(8):
            db = store.create_empty(tmp_path / f"killed{attempt}.duckdb")
            running = _import(source, db, scratch)
            try:
                running.wait(timeout=rng.uniform(0.3, duration))  # a random moment of the import
            except subprocess.TimeoutExpired:
                running.send_signal(signal.SIGKILL)
                running.wait(timeout=60)
            found += _holding(marker.encode(), since, {source})
    finally:
        for path in found:  # what an older version left: the names must not stay on the machine
            path.unlink(missing_ok=True)
    assert not found, f"raw copies left behind: {sorted(set(map(str, found)))}"


def test_leftovers_of_older_versions_are_removed_at_start_up_unless_in_use(tmp_path, monkeypatch):
    import fcntl

    from rightsmap.records.importing import scratch

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    left = tmp_path / "rightsmap-import-abc123.csv"
    left.write_text("name;phone\nFake Person;+996 000\n")
    busy = tmp_path / "rightsmap-import-busy.csv"
    busy.write_text("still being written\n")
    other = tmp_path / "unrelated.csv"
    other.write_text("keep me\n")
    with open(busy, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # an import of an older version still running
        scratch.remove_stale()
    assert not left.exists()
    assert busy.exists() and other.exists()
