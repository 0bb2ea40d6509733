"""Writing by copy and swap: a kill at any moment leaves the old database; writers exclude each other."""

import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest
from import_helpers import CASES_HEADER, file_digest, run_import, write

from rightsmap.data import db, metrics
from rightsmap.domain import config
from rightsmap.domain.filters import Filters
from rightsmap.records import store

PLACES = ["Бишкек", "Ош", "Нарын", "Талас", "Баткен", "Каракол", "Токмок", "Узген", "Кант"]
TYPES = ["extortion", "threats", "blackmail", "pressure", "other", "extortion,threats"]


def big_cases_file(path, rows):
    lines = [CASES_HEADER]
    for i in range(rows):
        lines.append(f"{1 + i % 28:02d}.{1 + i // 28 % 12:02d}.{2015 + i // 336 % 5};{PLACES[i % 9]};"
                     f"\"{TYPES[i // 9 % 6]}\";police;да;{i % 5 + 1};{i % 1000};нет")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cases_in(path):
    with db.connect(path) as conn:
        return metrics.summary(conn, Filters())["cases"]


def test_a_kill_during_an_import_leaves_the_previous_database(tmp_path):
    big = big_cases_file(tmp_path / "big.csv", 400_000)
    for attempt in range(5):
        # A fresh database each attempt: an import the test failed to catch has changed the last one.
        target = store.create_empty(tmp_path / f"attempt{attempt}" / "real.duckdb")
        first = write(tmp_path / "first.csv", CASES_HEADER + "\n2017-01-05;Бишкек;other;police;;;;\n")
        assert run_import("cases", first, target)[0] == 0
        before = file_digest(target)
        process = subprocess.Popen([sys.executable, "-m", "rightsmap", "import", "cases", str(big), "--db", str(target)],
                                   cwd=config.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        # Wait until the copy that the import writes to exists, then kill it there.
        while not store.stray_copies(target) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        if process.poll() is None and store.stray_copies(target):
            process.send_signal(signal.SIGKILL)
            process.wait()
            break
        process.wait()
        assert process.returncode == 0, "the import failed on its own"
    else:
        pytest.fail("never caught the import while it wrote its copy; make the file larger")
    assert process.returncode == -signal.SIGKILL
    assert file_digest(target) == before
    assert cases_in(target) == 1
    # The next writer removes the stray copy and works.
    assert run_import("cases", write(tmp_path / "next.csv", CASES_HEADER + "\n2017-02-05;Ош;other;police;;;;\n"),
                      target)[0] == 0
    assert not store.stray_copies(target)
    assert cases_in(target) == 2


def test_an_import_never_opens_the_live_file_while_a_reader_holds_it(tmp_path):
    target = store.create_empty(tmp_path / "real.duckdb")
    reader = duckdb.connect(str(target), read_only=True)  # as the running app does
    try:
        code, report = run_import("cases", write(tmp_path / "c.csv", CASES_HEADER + "\n2017-01-05;Ош;other;police;;;;\n"),
                                  target)
        assert code == 0, report["errors"]
    finally:
        reader.close()
    assert cases_in(target) == 1


def test_two_writers_exclude_each_other(tmp_path):
    target = store.create_empty(tmp_path / "real.duckdb")
    before = file_digest(target)
    with store.exclusive(target):
        code, report = run_import("cases", write(tmp_path / "c.csv", CASES_HEADER + "\n2017-01-05;Ош;other;police;;;;\n"),
                                  target)
    assert code == 2 and "another import" in report["errors"][0]["reason"]
    assert file_digest(target) == before


def test_a_failed_block_changes_nothing_and_a_good_one_moves_the_modification_time(tmp_path):
    target = store.create_empty(tmp_path / "real.duckdb")
    target.chmod(0o640)
    before, stamp = file_digest(target), target.stat().st_mtime_ns
    with pytest.raises(RuntimeError), store.writable(target) as conn:
        conn.execute("INSERT INTO meta VALUES ('x', 'y')")
        raise RuntimeError("abandon")
    assert file_digest(target) == before and not store.stray_copies(target)
    with store.writable(target) as conn:
        conn.execute("INSERT INTO meta VALUES ('x', 'y')")
    assert target.stat().st_mtime_ns > stamp
    assert os.stat(target).st_mode & 0o777 == 0o640  # the copy keeps the file's permissions


def test_writing_migrates_an_older_database(tmp_path):
    from rightsmap.data import schema

    old = tmp_path / "v1.duckdb"
    with duckdb.connect(str(old)) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)")
        conn.execute(schema.migration(1))
        conn.execute("INSERT INTO schema_version VALUES (1, now())")
        conn.execute("INSERT INTO meta VALUES ('dataset', 'imported')")
        conn.execute("INSERT INTO regions VALUES ('KG-GO', 'Osh City', 'город Ош', 'Ош шаары', 'city', 40.5, 72.8)")
    code, report = run_import("cases", write(tmp_path / "c.csv", CASES_HEADER + "\n2017-01-05;Ош;other;police;;;;\n"),
                              old)
    assert code == 0, report["errors"]
    with duckdb.connect(str(old), read_only=True) as conn:
        assert schema.current_version(conn) == schema.SCHEMA_VERSION
