"""Encryption at rest: encrypted files open only with their key, encrypt and rekey swap safely, keys never show.

DuckDB writes encrypted files only with its httpfs extension, which cannot be
installed offline. These tests therefore turn on the test-only switch
(RIGHTSMAP_TEST_UNSAFE_CRYPTO, see crypto.unsafe_crypto_for_tests), which
writes with DuckDB's built-in, NOT secure Mbed TLS; one test checks that
without the switch nothing is written.
"""

import hashlib
import io
import os
import re
import subprocess
import sys

import duckdb
import pytest

from rightsmap.cli import keys as cli_keys, main as cli
from rightsmap.data import crypto, db, metrics
from rightsmap.domain import config
from rightsmap.domain.filters import Filters
from rightsmap.records import sample, store

KEY = "test-key-7c1e9a5b3d2f4e6a8b0c1d2e3f4a5b6c"
NEW_KEY = "test-key-new-0f1e2d3c4b5a69788796a5b4c3d2e1f0"
ALL_PARAMS = {**Filters().sql_params(), "grain": "month", "by_region": True}
# Values the sample writes that must not be readable in an encrypted file.
PLAINTEXT = [b"Issyk-Kul", b"Shah-Aiym"]


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def key_file(path, key=KEY, mode=0o600):
    path.write_text(key + "\n", encoding="utf-8")
    path.chmod(mode)
    return path


@pytest.fixture()
def keyed(tmp_path, monkeypatch):
    """The test-only switch on and KEY configured through a 0600 key file."""
    monkeypatch.setenv(crypto.TEST_SWITCH, "1")
    monkeypatch.delenv("RIGHTSMAP_DB_KEY", raising=False)
    monkeypatch.setenv("RIGHTSMAP_DB_KEY_FILE", str(key_file(tmp_path / "db.key")))
    return tmp_path


@pytest.fixture()
def run(capsys):
    """Run `python -m rightsmap ARGS` in-process; at the end, no output or error may contain a key."""
    seen = []

    def call(*args):
        out = io.StringIO()
        code = cli.main([str(a) for a in args], out=out)
        printed, err = capsys.readouterr()
        # The switch's own warning is expected in these tests; the rest must be one line at most.
        err = "".join(line for line in err.splitlines(keepends=True) if "NOT secure (test suite only)" not in line)
        seen.append(out.getvalue() + printed + err)
        return code, out.getvalue(), err

    yield call
    for text in seen:
        assert KEY not in text and NEW_KEY not in text


def plain(path):
    """A plain database opened without the configured key."""
    return crypto.open_with(path, None, read_only=True)


def encrypted_sample(run, path):
    code, _, err = run("build-sample", "--db", path)
    assert code == 0, err
    return path


def leftovers(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".wal") or p.name.startswith("."))


def test_a_built_sample_is_encrypted_and_opens_only_with_its_key(keyed, run, sample_db, monkeypatch):
    target = encrypted_sample(run, keyed / "enc.duckdb")
    assert crypto.is_encrypted(target) and not crypto.is_encrypted(sample_db)
    content = target.read_bytes()
    for value in PLAINTEXT:
        assert value in sample_db.read_bytes()  # the check can fail: a plain file shows them
        assert value not in content
    assert KEY.encode() not in content
    with db.connect(target) as conn:
        assert metrics.summary(conn, Filters()) == metrics.summary(plain(sample_db), Filters())

    monkeypatch.setenv("RIGHTSMAP_DB_KEY_FILE", str(key_file(keyed / "wrong.key", NEW_KEY)))
    with pytest.raises(db.DatabaseError, match=re.escape(f"cannot decrypt {target}: wrong key?")):
        db.connect(target)
    monkeypatch.delenv("RIGHTSMAP_DB_KEY_FILE")
    with pytest.raises(db.DatabaseError, match="is encrypted and no key is set: set RIGHTSMAP_DB_KEY_FILE"):
        db.connect(target)
    with pytest.raises(duckdb.Error, match="encrypted"):
        duckdb.connect(str(target), read_only=True)
    code, _, err = run("summary", "--db", target)
    assert code == 2 and err.count("\n") == 1 and "RIGHTSMAP_DB_KEY_FILE" in err


def test_every_query_gives_the_same_answer_from_an_encrypted_file(keyed, run, sample_db):
    target = encrypted_sample(run, keyed / "enc.duckdb")
    reference = plain(sample_db)
    encrypted = db.connect(target)
    for name in db.query_names():  # db.run uses a cursor per query, as the app does
        assert db.run(encrypted, name, **ALL_PARAMS).equals(db.run(reference, name, **ALL_PARAMS)), name
    assert metrics.dataset_meta(encrypted) == metrics.dataset_meta(reference)
    assert KEY not in str(encrypted.execute("SELECT * FROM duckdb_databases()").fetchall())
    # Nothing derived from the data is spilled to disk, where it would not be encrypted.
    assert encrypted.execute("SELECT current_setting('temp_directory')").fetchall() == [("",)]


def test_init_and_import_write_encrypted_files(keyed, run):
    target = keyed / "real.duckdb"
    assert run("init", "--db", target)[0] == 0
    cases = keyed / "cases.csv"
    cases.write_text("date;place;violation_types;perpetrator;detained;detention_days;extorted_som;raid\n"
                     "2017-01-05;Бишкек;other;police;;;;\n", encoding="utf-8")
    code, _, err = run("import", "cases", cases, "--db", target, "--by", "Importer-Zhyldyz")
    assert code == 0, err
    assert crypto.is_encrypted(target) and b"Importer-Zhyldyz" not in target.read_bytes()
    assert run("batches", "list", "--db", target)[1].count("Importer-Zhyldyz") == 1
    assert leftovers(keyed) == []


def test_encrypt_then_rekey(tmp_path, run, monkeypatch):
    target = sample.build(tmp_path / "live.duckdb")
    monkeypatch.setenv(crypto.TEST_SWITCH, "1")
    monkeypatch.setenv("RIGHTSMAP_DB_KEY_FILE", str(key_file(tmp_path / "old.key")))
    before = metrics.summary(plain(target), Filters())

    code, out, err = run("encrypt", "--db", target)
    assert code == 0, err
    assert "Encrypted" in out
    assert crypto.is_encrypted(target) and all(v not in target.read_bytes() for v in PLAINTEXT)
    assert leftovers(tmp_path) == []  # nothing plain left beside it
    assert run("encrypt", "--db", target)[2].count("already encrypted") == 1

    new = key_file(tmp_path / "new.key", NEW_KEY)
    assert run("rekey", "--new-key-file", tmp_path / "old.key", "--db", target)[2].count("same as the current") == 1
    code, out, err = run("rekey", "--new-key-file", new, "--db", target)
    assert code == 0, err
    assert str(new) in out
    with pytest.raises(db.DatabaseError, match="wrong key"):
        db.connect(target)  # the old key, still configured, no longer opens it
    monkeypatch.setenv("RIGHTSMAP_DB_KEY_FILE", str(new))
    with db.connect(target) as conn:
        assert metrics.summary(conn, Filters()) == before
    assert leftovers(tmp_path) == []


def test_encrypt_needs_a_key_and_a_plain_database_cannot_be_read_with_one(tmp_path, run, monkeypatch):
    target = sample.build(tmp_path / "live.duckdb")
    monkeypatch.delenv("RIGHTSMAP_DB_KEY_FILE", raising=False)
    monkeypatch.delenv("RIGHTSMAP_DB_KEY", raising=False)
    code, _, err = run("encrypt", "--db", target)
    assert code == 2 and "set RIGHTSMAP_DB_KEY_FILE" in err
    monkeypatch.setenv("RIGHTSMAP_DB_KEY", KEY)
    code, _, err = run("summary", "--db", target)
    assert code == 2 and "is not encrypted" in err and "python -m rightsmap encrypt" in err


@pytest.fixture()
def encrypted_db(keyed, run):
    target = encrypted_sample(run, keyed / "live.duckdb")
    return target, key_file(keyed / "new.key", NEW_KEY), digest(target)


def still_the_old_file(target, old_digest):
    assert digest(target) == old_digest
    with db.connect(target) as conn:  # the old key, still configured, opens it
        assert metrics.summary(conn, Filters())["cases"] > 0
    assert store.stray_copies(target) == []


def test_a_failed_swap_leaves_the_old_file_and_key(encrypted_db, run, monkeypatch):
    target, new, old_digest = encrypted_db

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "swap_in", full_disk)
    code, _, err = run("rekey", "--new-key-file", new, "--db", target)
    assert code == 2 and err.count("\n") == 1 and "No space left on device; nothing was changed" in err
    still_the_old_file(target, old_digest)


def test_a_bad_copy_is_never_swapped_in(encrypted_db, run, monkeypatch):
    target, new, old_digest = encrypted_db
    real = cli_keys.row_counts

    def one_table_short(conn, catalog):
        counts = real(conn, catalog)
        return {**counts, "main.cases": 0} if catalog == "new_file" else counts

    monkeypatch.setattr(cli_keys, "row_counts", one_table_short)
    code, _, err = run("rekey", "--new-key-file", new, "--db", target)
    assert code == 2 and "does not match it (main.cases)" in err
    still_the_old_file(target, old_digest)


def test_a_kill_before_the_swap_leaves_the_old_file_and_only_ciphertext(encrypted_db, run):
    target, new, old_digest = encrypted_db
    script = ("import os, sys\nfrom rightsmap.cli import main as cli\nfrom rightsmap.records import store\n"
              "store.swap_in = lambda *args: os._exit(9)\n"
              f"sys.exit(cli.main(['rekey', '--new-key-file', {str(new)!r}, '--db', {str(target)!r}]))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=config.ROOT,
                          env=dict(os.environ), timeout=120)
    assert done.returncode == 9
    assert KEY not in done.stdout + done.stderr and NEW_KEY not in done.stdout + done.stderr
    assert digest(target) == old_digest
    strays = store.stray_copies(target)
    assert len(strays) == 1 and crypto.is_encrypted(strays[0])
    assert all(v not in strays[0].read_bytes() for v in PLAINTEXT)
    assert run("rekey", "--new-key-file", new, "--db", target)[0] == 0  # the next writer clears the stray
    assert store.stray_copies(target) == []


def test_without_httpfs_or_the_switch_nothing_is_written(tmp_path, run, monkeypatch):
    probe = duckdb.connect()
    try:
        probe.execute("LOAD httpfs")
        pytest.skip("httpfs is installed here, so encrypted writes are allowed")
    except duckdb.Error as exc:
        duckdb_says = re.search(r'Extension "(.+?)" not found', str(exc)).group(1)
    monkeypatch.delenv(crypto.TEST_SWITCH, raising=False)
    monkeypatch.setenv("RIGHTSMAP_DB_KEY_FILE", str(key_file(tmp_path / "db.key")))
    code, _, err = run("build-sample", "--db", tmp_path / "enc.duckdb")
    assert code == 2 and err.count("\n") == 1
    assert "INSTALL httpfs" in err and f"to {duckdb_says};" in err and "nothing was written" in err
    with pytest.raises(db.DatabaseError, match="httpfs"):
        store.create_empty(tmp_path / "real.duckdb")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.key", "real.duckdb.lock"]

    # The switch does nothing outside a running test.
    monkeypatch.setenv(crypto.TEST_SWITCH, "1")
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    assert not crypto.unsafe_crypto_for_tests()
    code, _, err = run("init", "--db", tmp_path / "real.duckdb")
    assert code == 2 and "ignored outside the test suite" in err
    assert not (tmp_path / "real.duckdb").exists()


def test_encrypt_without_httpfs_leaves_the_plain_file(tmp_path, run, monkeypatch):
    target = sample.build(tmp_path / "live.duckdb")
    before = digest(target)
    monkeypatch.delenv(crypto.TEST_SWITCH, raising=False)
    monkeypatch.setenv("RIGHTSMAP_DB_KEY_FILE", str(key_file(tmp_path / "db.key")))
    try:
        duckdb.connect().execute("LOAD httpfs")
        pytest.skip("httpfs is installed here, so encrypted writes are allowed")
    except duckdb.Error:
        pass
    code, _, err = run("encrypt", "--db", target)
    assert code == 2 and "httpfs" in err
    assert digest(target) == before and store.stray_copies(target) == []


def test_key_files_are_checked(tmp_path, run, monkeypatch, sample_db):
    monkeypatch.setattr(config, "SETTING_PROBLEMS", [])
    monkeypatch.setenv("RIGHTSMAP_DB_KEY_FILE", str(tmp_path / "missing.key"))
    code, _, err = run("summary", "--db", sample_db)
    assert code == 2 and f"RIGHTSMAP_DB_KEY_FILE: no key file at {tmp_path / 'missing.key'}" in err

    monkeypatch.setenv("RIGHTSMAP_DB_KEY_FILE", str(key_file(tmp_path / "empty.key", "   ")))
    assert "is empty" in run("summary", "--db", sample_db)[2]

    monkeypatch.setenv("RIGHTSMAP_DB_KEY_FILE", str(key_file(tmp_path / "open.key", mode=0o644)))
    with pytest.warns(UserWarning, match="chmod 600"):
        assert config.encryption_key() == KEY
    assert any("chmod 600" in p for p in config.SETTING_PROBLEMS)

    monkeypatch.delenv("RIGHTSMAP_DB_KEY_FILE")
    monkeypatch.setenv("RIGHTSMAP_DB_KEY", f"  {KEY} ")
    assert config.encryption_key() == KEY
    monkeypatch.setenv(crypto.TEST_SWITCH, "1")
    monkeypatch.setenv("RIGHTSMAP_DB_KEY", "short")
    code, _, err = run("init", "--db", tmp_path / "weak.duckdb")
    assert code == 2 and "too short" in err and not (tmp_path / "weak.duckdb").exists()


def test_duckdb_errors_are_scrubbed_of_keys(tmp_path):
    error = crypto.problem(tmp_path / "x.duckdb", duckdb.IOException(f"IO Error: cannot open with {KEY}"), KEY)
    assert KEY not in str(error) and "[key]" in str(error)


def test_the_unsafe_switch_needs_both_the_variable_and_a_running_test(monkeypatch):
    monkeypatch.delenv(crypto.TEST_SWITCH, raising=False)
    assert not crypto.unsafe_crypto_for_tests()
    monkeypatch.setenv(crypto.TEST_SWITCH, "yes")
    assert not crypto.unsafe_crypto_for_tests()
    monkeypatch.setenv(crypto.TEST_SWITCH, "1")
    assert crypto.unsafe_crypto_for_tests()  # pytest sets PYTEST_CURRENT_TEST while this runs
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    assert not crypto.unsafe_crypto_for_tests()
