"""The sample reproduces the published figures it is calibrated to, and is deterministic."""

from rightsmap.data import db
from rightsmap.records import sample


def test_police_cases_match_published_totals(summary):
    assert summary("--perpetrator", "police", "--from", "2016-01", "--to", "2016-12")["cases"] == 475
    assert summary("--perpetrator", "police", "--from", "2017-01", "--to", "2017-12")["cases"] == 459


def test_police_extortion_share_2017(summary, conn):
    everything = summary("--from", "2017-01", "--to", "2017-12")["cases"]
    police_extortion = summary("--from", "2017-01", "--to", "2017-12", "--perpetrator", "police",
                               "--type", "extortion")["cases"]
    assert abs(100 * police_extortion / everything - 81) <= 0.5
    # Other perpetrators exist, so the share is not trivially of police cases alone.
    assert everything > 459


def test_bishkek_coverage(summary):
    q2_2017 = summary("--region", "KG-GB", "--from", "2017-04", "--to", "2017-06")
    assert abs(q2_2017["coverage_pct"] - 39.0) <= 0.5
    q2_2016 = summary("--region", "KG-GB", "--from", "2016-04", "--to", "2016-06")["reached"]
    q4_2017 = summary("--region", "KG-GB", "--from", "2017-10", "--to", "2017-12")["reached"]
    assert 0.45 <= q4_2017 / q2_2016 <= 0.55


def test_raid_wave_from_mid_2016_calms_by_end_of_2017(summary):
    def raids(first, last):
        return summary("--from", first, "--to", last)["raids"]

    before = raids("2015-07", "2016-05")
    wave = raids("2016-07", "2017-05")
    after = raids("2018-01", "2018-11")
    assert wave > 3 * before
    assert wave > 3 * after


def test_pimp_reports_in_osh_rise_from_2017(summary):
    def pimp_cases(year):
        return summary("--region", "KG-GO", "KG-O", "--perpetrator", "pimp",
                       "--from", f"{year}-01", "--to", f"{year}-12")["cases"]

    assert pimp_cases(2017) > 2 * pimp_cases(2016)
    assert pimp_cases(2019) > pimp_cases(2017)


def test_extortion_amounts_and_detention_days_are_plausible(conn):
    per_case = conn.execute(
        "SELECT max(extorted_som / cases) FROM cases WHERE list_contains(violation_types, 'extortion')"
    ).fetchall()[0][0]
    assert 0 < per_case <= 1050
    days = conn.execute(
        "SELECT min(detention_days / cases_with_detention), max(detention_days / cases_with_detention) "
        "FROM detentions WHERE cases_with_detention > 0"
    ).fetchall()[0]
    assert 3 <= days[0] and days[1] <= 5


def test_events_from_the_article_are_annotated(conn):
    titles = [row[0] for row in conn.execute("SELECT title_en FROM events ORDER BY event_date").fetchall()]
    assert any("clean the city" in t for t in titles)
    assert any("39%" in t for t in titles)
    untranslated = conn.execute(
        "SELECT count(*) FROM events WHERE title_en IS NULL OR title_ru IS NULL OR title_ky IS NULL"
    ).fetchall()[0][0]
    assert untranslated == 0


def test_sample_is_deterministic(tmp_path, sample_db):
    again = sample.build(tmp_path / "again.duckdb")
    query = "SELECT * FROM cases ORDER BY ALL"
    with db.connect(sample_db) as first, db.connect(again) as second:
        assert first.execute(query).fetchall() == second.execute(query).fetchall()


def test_sample_is_marked_as_sample(conn):
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    assert meta["dataset"] == "sample"
    assert "475" in meta["sample_calibration"] and "459" in meta["sample_calibration"]


def test_build_replaces_atomically_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "x.duckdb"
    sample.build(target)
    sample.build(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.duckdb"]


def test_the_sample_database_spans_exactly_the_samples_months(conn):
    # tests/conftest.py gives unit tests this span as the data's period; the app reads it from the database.
    from conftest import SAMPLE_MONTHS

    from rightsmap.data import metrics
    from rightsmap.domain import period

    first, last = metrics.data_span(conn)
    assert (period.as_month(first), period.as_month(last)) == SAMPLE_MONTHS


def test_an_outdated_sample_is_rebuilt_and_imported_data_never(tmp_path):
    """A sample an older rightsmap built (here: generator "1") is rebuilt on start; a database that is not
    the sample is left as it is, whatever its meta says."""
    import duckdb

    from rightsmap.cli import main as cli

    path = sample.build(tmp_path / "old.duckdb")
    with duckdb.connect(str(path)) as conn:
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'sample_generator'")
        conn.execute("DELETE FROM estimates")
    assert sample.is_outdated_sample(path)
    sample.ensure(path)
    with duckdb.connect(str(path), read_only=True) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'sample_generator'").fetchall() == [
            (sample.GENERATOR_VERSION,)]
        assert conn.execute("SELECT count(*) FROM estimates").fetchall()[0][0] > 0
    assert not sample.is_outdated_sample(path)

    real = tmp_path / "real.duckdb"
    assert cli.main(["init", "--db", str(real)]) == 0
    with duckdb.connect(str(real)) as conn:
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('sample_generator', '1')")
    before = real.read_bytes()
    assert not sample.is_outdated_sample(real)
    sample.ensure(real)
    assert real.read_bytes() == before
