"""Issue 23: backup, restore and health on real database files (no server, no browser)."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import threading
from pathlib import Path

import pytest

from rightsmap.cli import health, main as cli
from rightsmap.data import crypto, db, schema
from rightsmap.domain import config
from rightsmap.records import backup, store

KEY = "test-key-23-5f0c2b9e8d7a6f5e4d3c2b1a09f8e7d6"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args: str, capsys) -> tuple[int, str, str]:
    out = io.StringIO()
    code = cli.main(list(args), out=out)
    return code, out.getvalue(), capsys.readouterr().err


def events(path: Path) -> int:
    with db.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM events").fetchall()[0][0]


@pytest.fixture()
def live(sample_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "live" / "rightsmap.duckdb"
    path.parent.mkdir()
    shutil.copyfile(sample_db, path)
    return path


def test_backup_writes_a_checked_copy_with_its_manifest_and_keeps_the_newest(live, tmp_path, capsys):
    made = []
    for _ in range(3):
        code, out, err = run("backup", "--db", str(live), "--to", str(tmp_path / "bk"), "--keep", "2", capsys=capsys)
        assert code == 0, err
        made.append(Path(out.split(" to ", 1)[1].strip()))
    left = backup.backups(tmp_path / "bk", live.stem)
    assert left == made[1:], "only the newest two are kept"
    assert not backup.manifest_path(made[0]).exists()
    manifest = json.loads(backup.manifest_path(made[2]).read_text())
    assert manifest["sha256"] == digest(made[2]) == digest(live)
    assert manifest["schema_version"] == schema.SCHEMA_VERSION and manifest["encrypted"] is False
    assert made[2].stat().st_mode & 0o077 == 0


def test_a_backup_during_a_long_import_restores_to_the_state_before_or_after(live, tmp_path):
    before = events(live)
    inside, finish = threading.Event(), threading.Event()
    failed: list[BaseException] = []

    def long_import() -> None:
        try:
            with store.writable(live) as conn:
                conn.execute("INSERT INTO events (event_date, region, title_en) VALUES (DATE '2019-06-01', 'KG-C', 'added by the import')")
                inside.set()
                assert finish.wait(60)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failed.append(exc)
            inside.set()

    worker = threading.Thread(target=long_import)
    worker.start()
    try:
        assert inside.wait(60) and not failed
        during = backup.make(live, tmp_path / "bk")  # the import holds the lock and has written its copy
    finally:
        finish.set()
        worker.join(60)
    assert not failed, failed
    after = events(live)
    assert after == before + 1
    backup.restore(during, live)
    assert events(live) in (before, after)
    conn = db.connect(live)
    try:
        stored = conn.execute("SELECT count(*) FROM protected_cells").fetchone()[0]
    finally:
        conn.close()
    assert stored > 0 and health.check(live).endswith(f"current (k={config.MIN_COUNT}, {stored} cells)")


def test_a_corrupted_backup_is_refused_with_a_clear_message_and_nothing_changes(live, tmp_path, capsys):
    made = backup.make(live, tmp_path / "bk")
    data = bytearray(made.read_bytes())
    data[len(data) // 2] ^= 0xFF
    made.write_bytes(bytes(data))
    original = digest(live)
    code, _out, err = run("restore", str(made), "--db", str(live), capsys=capsys)
    assert code == 2
    assert err.strip() == (f"rightsmap: error: {made} is damaged: its checksum does not match the one recorded "
                           "when it was made; nothing was changed, use another backup")
    assert digest(live) == original
    assert store.stray_copies(live) == []


def test_a_backup_without_its_manifest_is_refused(live, tmp_path, capsys):
    made = backup.make(live, tmp_path / "bk")
    backup.manifest_path(made).unlink()
    code, _out, err = run("restore", str(made), "--db", str(live), capsys=capsys)
    assert code == 2 and "has no manifest" in err and "Traceback" not in err


def test_restore_keeps_the_previous_file_until_the_new_one_checks_out(live, tmp_path, monkeypatch):
    made = backup.make(live, tmp_path / "bk")
    with store.writable(live) as conn:  # the live file moves on after the backup
        conn.execute("INSERT INTO events (event_date, region, title_en) VALUES (DATE '2019-06-01', 'KG-C', 'after the backup')")
    original = digest(live)
    seen = []
    check = backup.check_database

    def watched(path, **kwargs):
        seen.append((Path(path) != live, digest(live) == original))
        return check(path, **kwargs)

    monkeypatch.setattr(backup, "check_database", watched)
    backup.restore(made, live)
    assert seen == [(True, True)], "the copy is checked while the live file is still the old one"
    assert digest(live) == digest(made)
    assert digest(live.with_name(live.name + backup.PREVIOUS_SUFFIX)) == original


def test_a_backup_that_does_not_open_leaves_the_live_file_alone(live, tmp_path, capsys):
    bogus = tmp_path / "bk" / "rightsmap-20260101T000000.000000Z.duckdb"
    bogus.parent.mkdir()
    bogus.write_bytes(b"not a database" * 1000)
    backup.manifest_path(bogus).write_text(backup.Manifest(digest(bogus), bogus.stat().st_size, 2, False, "x")
                                           .as_json(bogus.name))
    original = digest(live)
    code, _out, err = run("restore", str(bogus), "--db", str(live), capsys=capsys)
    assert code == 2 and "does not open as a rightsmap database" in err and "nothing was changed" in err
    assert digest(live) == original
    assert store.stray_copies(live) == []


def test_an_encrypted_database_is_backed_up_encrypted_and_restores(live, tmp_path, monkeypatch):
    key_file = tmp_path / "db.key"
    key_file.write_text(KEY)
    key_file.chmod(0o600)
    monkeypatch.setenv(crypto.TEST_SWITCH, "1")
    monkeypatch.delenv("RIGHTSMAP_DB_KEY", raising=False)
    monkeypatch.setenv("RIGHTSMAP_DB_KEY_FILE", str(key_file))
    from rightsmap.cli import keys as cli_keys

    cli_keys.encrypt(live)
    made = backup.make(live, tmp_path / "bk")
    assert crypto.is_encrypted(made) is True
    assert json.loads(backup.manifest_path(made).read_text())["encrypted"] is True
    live.unlink()  # a new machine: no live file yet
    backup.restore(made, live)
    assert crypto.is_encrypted(live) is True and events(live) > 0


def test_health_passes_on_the_sample_and_names_what_is_wrong(live, capsys, monkeypatch):
    code, out, err = run("health", "--db", str(live), "--full", capsys=capsys)
    assert code == 0 and "protected table current (k=5" in out, err
    monkeypatch.setattr(config, "MIN_COUNT", 7)
    code, _out, err = run("health", "--db", str(live), capsys=capsys)
    assert code == 1 and "hides counts below 5, but the app uses RIGHTSMAP_MIN_COUNT=7" in err
    monkeypatch.setattr(config, "MIN_COUNT", 5)
    with crypto.open_file(live, read_only=False) as conn:  # a write that skipped the protected table
        conn.execute("INSERT INTO cases VALUES ('KG-C', DATE '2021-02-01', 'police', ['extortion'], 3, 0, NULL)")
    code, _out, err = run("health", "--db", str(live), capsys=capsys)
    assert code == 1 and "ends at 2019-10-01, but the data goes on to 2021-01-01" in err
    code, _out, err = run("health", "--db", str(live.with_name("missing.duckdb")), capsys=capsys)
    assert code == 1 and "No database at" in err


def test_a_backup_folder_that_cannot_be_made_is_one_line(live, tmp_path, capsys):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    code, _out, err = run("backup", "--db", str(live), "--to", str(blocker / "backups"), capsys=capsys)
    assert code == 2 and "Traceback" not in err
    assert err.strip().startswith(f"rightsmap: error: cannot use {blocker / 'backups'}: ")
    assert err.strip().endswith("; nothing was changed")
