"""The command line: the summary's shape, batch mode, and clear errors without tracebacks."""

import io
import json
import os
import subprocess
import sys

import pytest

from rightsmap.cli import main as cli
from rightsmap.domain import config
from rightsmap.domain.vocab import PERPETRATORS, VIOLATION_TYPES

SUMMARY_KEYS = {"cases", "cases_by_type", "cases_by_perpetrator", "raids", "people_detained_in_raids",
                "detentions", "planned", "reached", "coverage_pct"}


def run_cli(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rightsmap", *args], input=stdin, capture_output=True, text=True,
                          cwd=config.ROOT, env={**os.environ, **(env or {})}, timeout=120)


def test_summary_has_the_documented_shape(summary):
    result = summary()
    assert set(result) == SUMMARY_KEYS
    assert set(result["cases_by_type"]) == set(VIOLATION_TYPES)
    assert set(result["cases_by_perpetrator"]) == set(PERPETRATORS)
    assert sum(result["cases_by_perpetrator"].values()) == result["cases"]
    assert isinstance(result["coverage_pct"], float)


def test_summary_filters_narrow_the_counts(summary):
    everything = summary()
    bishkek = summary("--region", "KG-GB")
    assert 0 < bishkek["cases"] < everything["cases"]
    two = summary("--region", "KG-GB", "KG-GO")
    assert bishkek["cases"] < two["cases"] < everything["cases"]


def test_coverage_is_null_without_a_whole_quarter(summary):
    result = summary("--from", "2017-05", "--to", "2017-06")
    assert result["coverage_pct"] is None and result["planned"] == 0


def test_summary_reads_the_database_from_the_environment(sample_db):
    done = run_cli("summary", "--region", "KG-GB", env={"RIGHTSMAP_DB": str(sample_db)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["cases"] > 0


def test_batch_gives_one_result_per_line_and_flags_bad_lines(sample_db, tmp_path, summary):
    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"region": "KG-GB", "from": "2017-04", "to": "2017-06"}\n'
                     '\n'
                     '{"region": ["KG-GB", "KG-GO"], "perpetrator": "police"}\n'
                     'not json\n'
                     '{"region": "KG-ZZ"}\n', encoding="utf-8")
    out = io.StringIO()
    assert cli.main(["summary", "--db", str(sample_db), "--batch", str(batch)], out=out) == 2
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == 4
    assert lines[0] == summary("--region", "KG-GB", "--from", "2017-04", "--to", "2017-06")
    assert lines[1]["cases"] == summary("--region", "KG-GB", "KG-GO", "--perpetrator", "police")["cases"]
    assert lines[2] == {"line": 4, "error": "not JSON: Expecting value"}
    assert lines[3]["line"] == 5 and "KG-ZZ" in lines[3]["error"]


@pytest.mark.parametrize("args, fragment", [
    (["summary", "--region", "KG-ZZ"], "unknown region"),
    (["summary", "--from", "2017-13"], "YYYY-MM"),
    (["summary", "--from", "2018-01", "--to", "2017-01"], "starts"),
    (["summary", "--type", "robbery"], "unknown violation type"),
    (["summary", "--nonsense"], "unrecognized arguments"),
    (["summary", "--batch", "/nonexistent/file.jsonl"], "no file"),
    (["frobnicate"], "invalid choice"),
    ([], "required"),
])
def test_bad_arguments_give_a_clear_error_and_exit_2(sample_db, args, fragment):
    done = run_cli(*args, *(["--db", str(sample_db)] if args and args[0] == "summary" else []))
    assert done.returncode == 2
    assert fragment in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.parametrize("content", [b"", b"\x00\x01binary" * 100, b"SQLite format 3\x00"])
def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path, content):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(content)
    done = run_cli("summary", "--db", str(bad))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert str(bad) in done.stderr
    assert bad.read_bytes() == content  # never touched


def test_missing_database_says_how_to_build_one(tmp_path):
    done = run_cli("summary", "--db", str(tmp_path / "none.duckdb"))
    assert done.returncode == 2 and "build-sample" in done.stderr


def test_build_sample_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "mine.duckdb"
    target.write_bytes(b"precious")
    done = run_cli("build-sample", "--db", str(target))
    assert done.returncode == 2 and "--force" in done.stderr
    assert target.read_bytes() == b"precious"
    assert run_cli("build-sample", "--db", str(target), "--force").returncode == 0
    assert run_cli("summary", "--db", str(target)).returncode == 0


def test_the_offered_period_follows_the_settings(sample_db):
    wider = run_cli("summary", "--db", str(sample_db), "--from", "2021-01", env={"RIGHTSMAP_LAST_MONTH": "2021-12"})
    assert wider.returncode == 0 and json.loads(wider.stdout)["cases"] == 0
    narrow = run_cli("summary", "--db", str(sample_db), "--from", "2021-01")
    assert narrow.returncode == 2 and "after it ends" in narrow.stderr


def test_a_bad_period_setting_is_a_warning_not_a_crash(sample_db):
    done = run_cli("summary", "--db", str(sample_db), env={"RIGHTSMAP_LAST_MONTH": "banana"})
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "RIGHTSMAP_LAST_MONTH='banana' is not a month" in done.stderr
